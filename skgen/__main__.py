"""Command line: ``python -m skgen demo [--quick]``."""

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
        help="train skgen's models on scikit-learn's digits and print the results",
        description=(
            "Train a BernoulliRBM on scikit-learn's digits (nudged by one pixel, "
            "five times as many images), print its pseudo-likelihood per epoch and the "
            "test accuracy of logistic regression on its features against raw pixels."
        ),
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help=(
            "a faster, more regularised classifier: about half the time, lower "
            "accuracy (about 0.87 instead of 0.94 with RBM features)"
        ),
    )
    args = parser.parse_args(argv)
    run_demo(quick=args.quick)  # "demo" is the only command so far


if __name__ == "__main__":
    main()
