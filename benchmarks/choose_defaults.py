"""Choosing defaults by cross-validation on training rows only.

For each data set of ``bench_quality.py`` the script takes the training split of
seed 0 (the test split is never read) and scores candidate settings by 3-fold
cross-validation on it. The numbers in the estimators' docstrings ("chosen by
cross-validation on training splits") come from here.

    python benchmarks/choose_defaults.py [--data digits cancer mnist5k]
        [--study autoencoder rbm-schedule dbn-schedule cvae dbn-classifier]

autoencoder: DeepAutoencoder hidden layer sizes as a rule of ``n_features``, the code
size following the "auto" rule; score: validation squared reconstruction error per
row.

rbm-schedule: the RBM's learning-rate schedule over the epochs of ``fit`` (linear
decay or constant) and its epochs ("auto" or scikit-learn's 10), at its other
defaults (BernoulliRBM, or GaussianRBM on standardised data); scores: validation
log-likelihood per row (AIS) and the accuracy of LogisticRegression on the validation
rows' features.

dbn-schedule: the same schedules for the RBMs of a DBN at its other defaults, scored by
features + LogisticRegression (the DBN's use as a transformer), beside one RBM's.

cvae: the CVAE's epoch limits ("auto" against the former fixed 100 epochs with a
patience of 10) on one stratified 75/25 split of the training rows: the share of its
class samples that LogisticRegression trained on the fitting rows recognises, their
within-class spread against the validation rows' (pixel standard deviation), and the
same spread for the decoder means of the validation rows' own codes.

grbm-variance: GaussianRBM's visible units with unit against learned variances, at
its other defaults, on standardised columns (digits: its pixels standardised, the
constant ones dropped; also "wine", and, as tables none of the choice looked at,
"weather" (seattle-weather's four numeric columns, target the weather) and "cars"
(cars' numeric columns, target the origin)); scores: validation log-likelihood per
row (AIS) and the accuracy of LogisticRegression on the validation rows' features.

dbn-classifier: not a choice but a diagnosis: DBNClassifier() with and without
pretraining against MLPClassifier() (ReLU units) and MLPClassifier(activation=
"logistic") (the DBNClassifier's units), 3-fold CV accuracy (the DBNClassifier on
min-max scaled standardised data, as bench_quality.py gives it).
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MinMaxScaler

from skgen import CVAE, DBN, BernoulliRBM, DBNClassifier, DeepAutoencoder, GaussianRBM
from skgen._defaults import code_size

sys.path.insert(0, os.path.dirname(__file__))
from bench_quality import load  # noqa: E402


def hinton_ratios(n):
    """784 -> 1000, 500, 250 scaled to n features."""
    return tuple(max(2, round(n * r)) for r in (1000 / 784, 500 / 784, 250 / 784))


def four_two_one(n):
    """4n, 2n, n, at most 1000, 500, 250."""
    return tuple(min(cap, m * n) for cap, m in ((1000, 4), (500, 2), (250, 1)))


AUTOENCODER_RULES = {
    "(1000, 500, 250)": lambda n: (1000, 500, 250),
    "Hinton's ratios x n": hinton_ratios,
    "(4n, 2n, n), capped": four_two_one,
    "(4n, 2n), capped": lambda n: four_two_one(n)[:2],
    "(4n,), capped": lambda n: four_two_one(n)[:1],
}


class _PCA(PCA):
    """PCA scored as the autoencoders are: minus the squared error per row."""

    def score(self, X, y=None):
        recon = self.inverse_transform(self.transform(X))
        return -float(np.square(recon - X).sum(axis=1).mean())


def cross_validate(make, X, n_splits=3, seed=0):
    """Median validation error per row over the folds, and the median fit time."""
    errors, times = [], []
    for fit_rows, val_rows in KFold(n_splits, shuffle=True, random_state=seed).split(X):
        start = time.perf_counter()
        model = make().fit(X[fit_rows])
        times.append(time.perf_counter() - start)
        errors.append(-model.score(X[val_rows]))
    return statistics.median(errors), statistics.median(times)


def features_cross_validate(make, X, y, n_splits=3, seed=0):
    """Median over the folds of the validation accuracy of LogisticRegression on
    the features of a transformer fitted to the fitting rows."""
    accs = []
    for fit_rows, val_rows in KFold(n_splits, shuffle=True, random_state=seed).split(X):
        model = make().fit(X[fit_rows])
        clf = LogisticRegression(max_iter=3000)
        clf.fit(model.transform(X[fit_rows]), y[fit_rows])
        accs.append(clf.score(model.transform(X[val_rows]), y[val_rows]))
    return statistics.median(accs)


def rbm_cross_validate(make, X, y, n_splits=3, seed=0):
    """Median over the folds of the validation log-likelihood per row (AIS) and of
    the accuracy of LogisticRegression trained on the fitting rows' features."""
    lls, accs = [], []
    for fit_rows, val_rows in KFold(n_splits, shuffle=True, random_state=seed).split(X):
        rbm = make().fit(X[fit_rows])
        rbm.random_state = seed  # the AIS runs' draws
        ll = rbm.log_likelihood(X[val_rows], method="ais", n_betas=1000)
        lls.append(float(np.mean(ll)))
        clf = LogisticRegression(max_iter=3000)
        clf.fit(rbm.transform(X[fit_rows]), y[fit_rows])
        accs.append(clf.score(rbm.transform(X[val_rows]), y[val_rows]))
    return statistics.median(lls), statistics.median(accs)


def study_autoencoder(X, rules):
    n = X.shape[1]
    header = f"{'DeepAutoencoder hidden sizes, 3-fold CV':30s} {'sizes':18s}"
    print(f"{header} {'error':>8s} {'fit s':>6s}")
    pca_error, _ = cross_validate(lambda: _PCA(code_size(n)), X)
    print(f"{'PCA, same code size':30s} {'':18s} {pca_error:8.3f}")
    for label in rules:
        sizes = AUTOENCODER_RULES[label](n)
        error, seconds = cross_validate(
            lambda: DeepAutoencoder(hidden_layer_sizes=sizes, random_state=0), X
        )
        print(f"{label:30s} {str(sizes):18s} {error:8.3f} {seconds:6.1f}")


def study_rbm_schedule(X, y, real, seeds=3):
    cls = GaussianRBM if real else BernoulliRBM
    print(f"{cls.__name__:12s} schedule  n_iter  seed  val. log-lik.  features + LR")
    print("(3-fold CV)")
    for n_iter in ("auto", 10):
        for schedule in ("linear", "constant"):
            for seed in range(seeds):
                ll, acc = rbm_cross_validate(
                    lambda: cls(
                        learning_rate_schedule=schedule,
                        n_iter=n_iter,
                        random_state=seed,
                    ),
                    X,
                    y,
                )
                print(
                    f"{'':12s} {schedule:8s} {n_iter!s:>7s} {seed:5d} {ll:14.1f} "
                    f"{acc:14.3f}",
                    flush=True,
                )


def study_dbn_schedule(X, y, real, seeds=2):
    cls = GaussianRBM if real else BernoulliRBM
    print(f"{'model, 3-fold CV':24s} schedule  seed  features + LR")
    for seed in range(seeds):
        acc = features_cross_validate(lambda: cls(random_state=seed), X, y)
        print(f"{cls.__name__:24s} {'linear':8s} {seed:5d} {acc:14.3f}", flush=True)
        for schedule in ("linear", "constant"):
            acc = features_cross_validate(
                lambda: DBN(
                    learning_rate_schedule=schedule,
                    gaussian_visible=real,
                    random_state=seed,
                ),
                X,
                y,
            )
            print(f"{'DBN':24s} {schedule:8s} {seed:5d} {acc:14.3f}", flush=True)


def standardised(name):
    """The training rows of seed 0's split of ``name``, standardised by their own
    means and spreads, constant columns dropped, and their classes."""
    if name in ("weather", "cars"):
        from _data import table

        frame, target = table(name)
        y = frame[target].cat.codes.to_numpy()
        X = frame.drop(columns=target).select_dtypes("number").to_numpy(float)
        X, _, y, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    elif name == "wine":
        from sklearn.datasets import load_wine

        X, y = load_wine(return_X_y=True)
        X, _, y, _ = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    else:
        X, _, y, _, _ = load(name, 0)
    X = X[:, X.std(axis=0) > 1e-8]
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def study_grbm_variance(name, seeds=2):
    X, y = standardised(name)
    print(f"GaussianRBM on standardised {name} ({X.shape[0]} rows, {X.shape[1]} "
          "columns), 3-fold CV")
    print(f"{'visible_variance':18s} seed  val. log-lik.  features + LR  fit s")
    for variance in ("unit", "learned"):
        for seed in range(seeds):
            start = time.perf_counter()
            ll, acc = rbm_cross_validate(
                lambda: GaussianRBM(visible_variance=variance, random_state=seed),
                X,
                y,
            )
            seconds = (time.perf_counter() - start) / 3
            print(f"{variance:18s} {seed:4d} {ll:14.2f} {acc:14.3f} {seconds:6.1f}",
                  flush=True)


def within_class_spread(A, y_a, B, y_b):
    """Mean over the classes of A's pixel standard deviation over B's."""
    ratios = [
        A[y_a == c].std(axis=0).mean() / B[y_b == c].std(axis=0).mean()
        for c in np.unique(y_b)
    ]
    return float(np.mean(ratios))


def study_cvae(X, y, real, seeds=2):
    likelihood = "gaussian" if real else "bernoulli"
    print(f"{'CVAE epochs':24s} seed  recognised  spread  recon. spread  epochs  fit s")
    for limits in ("auto", (100, 10)):
        for seed in range(seeds):
            X_fit, X_val, y_fit, y_val = train_test_split(
                X, y, test_size=0.25, stratify=y, random_state=seed
            )
            judge = LogisticRegression(max_iter=3000).fit(X_fit, y_fit)
            max_iter, patience = ("auto", "auto") if limits == "auto" else limits
            start = time.perf_counter()
            cvae = CVAE(
                likelihood=likelihood,
                max_iter=max_iter,
                n_iter_no_change=patience,
                random_state=seed,
            ).fit(X_fit, y_fit)
            seconds = time.perf_counter() - start
            labels = np.repeat(cvae.classes_, 100)
            samples, _ = cvae.sample(len(labels), y=labels, random_state=0)
            recognised = float(np.mean(judge.predict(samples) == labels))
            spread = within_class_spread(samples, labels, X_val, y_val)
            recon = cvae.inverse_transform(cvae.transform(X_val))
            recon_spread = within_class_spread(recon, y_val, X_val, y_val)
            print(
                f"{str(limits):24s} {seed:4d} {recognised:11.3f} {spread:7.3f} "
                f"{recon_spread:14.3f} {cvae.n_iter_:7d} {seconds:6.1f}",
                flush=True,
            )


def study_dbn_classifier(X, y, real):
    models = {
        "DBNClassifier()": lambda: DBNClassifier(random_state=0),
        "DBNClassifier(pretrain=False)": lambda: DBNClassifier(
            pretrain=False, random_state=0
        ),
        "MLPClassifier()": lambda: MLPClassifier(random_state=0),
        "MLPClassifier(logistic)": lambda: MLPClassifier(
            activation="logistic", random_state=0
        ),
    }
    print(f"{'classifier, 3-fold CV':32s} {'accuracy':>8s}  folds")
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    for label, make in models.items():
        accs = []
        for fit_rows, val_rows in folds.split(X, y):
            X_fit, X_val = X[fit_rows], X[val_rows]
            if real and label.startswith("DBN"):  # binary units want [0, 1]
                unit = MinMaxScaler().fit(X_fit)
                X_fit = np.clip(unit.transform(X_fit), 0, 1)
                X_val = np.clip(unit.transform(X_val), 0, 1)
            model = make().fit(X_fit, y[fit_rows])
            accs.append(model.score(X_val, y[val_rows]))
        folds_text = " ".join(f"{a:.3f}" for a in accs)
        print(f"{label:32s} {np.mean(accs):8.4f}  {folds_text}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", nargs="+", default=["digits", "cancer"])
    parser.add_argument(
        "--study",
        nargs="+",
        default=["autoencoder", "rbm-schedule"],
        choices=[
            "autoencoder",
            "rbm-schedule",
            "dbn-schedule",
            "cvae",
            "dbn-classifier",
            "grbm-variance",
        ],
    )
    parser.add_argument(
        "--rules", nargs="+", default=list(AUTOENCODER_RULES), metavar="RULE"
    )
    args = parser.parse_args()
    if "grbm-variance" in args.study:  # its own data sets, standardised
        for name in args.data:
            study_grbm_variance(name)
        return
    for name in args.data:
        X, _, y, _, real = load(name, 0)  # the training split of seed 0 only
        print(f"\n{name}: {X.shape[0]} training rows, {X.shape[1]} features")
        if "autoencoder" in args.study:
            study_autoencoder(X, args.rules)
        if "rbm-schedule" in args.study:
            study_rbm_schedule(X, y, real)
        if "dbn-schedule" in args.study:
            study_dbn_schedule(X, y, real)
        if "cvae" in args.study:
            study_cvae(X, y, real)
        if "dbn-classifier" in args.study:
            study_dbn_classifier(X, y, real)


if __name__ == "__main__":
    main()
