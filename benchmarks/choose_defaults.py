"""Choosing defaults by cross-validation on training rows only.

For each data set of ``bench_quality.py`` the script takes the training split of
seed 0 (the test split is never read) and scores candidate settings by 3-fold
cross-validation on it. The numbers in the estimators' docstrings ("chosen by
cross-validation on training splits") come from here.

    python benchmarks/choose_defaults.py [--data digits cancer mnist5k]

DeepAutoencoder: hidden layer sizes as a rule of ``n_features``, the code size
following the "auto" rule; score: validation squared reconstruction error per row.
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import KFold

from skgen import DeepAutoencoder
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", nargs="+", default=["digits", "cancer"])
    parser.add_argument(
        "--rules", nargs="+", default=list(AUTOENCODER_RULES), metavar="RULE"
    )
    args = parser.parse_args()
    for name in args.data:
        X = load(name, 0)[0]  # the training split of seed 0 only
        n = X.shape[1]
        print(f"\n{name}: {X.shape[0]} training rows, {n} features, 3-fold CV")
        header = f"{'DeepAutoencoder hidden sizes':30s} {'sizes':18s}"
        print(f"{header} {'error':>8s} {'fit s':>6s}")
        pca_error, _ = cross_validate(lambda: _PCA(code_size(n)), X)
        print(f"{'PCA, same code size':30s} {'':18s} {pca_error:8.3f}")
        for label in args.rules:
            sizes = AUTOENCODER_RULES[label](n)
            error, seconds = cross_validate(
                lambda: DeepAutoencoder(hidden_layer_sizes=sizes, random_state=0), X
            )
            print(f"{label:30s} {str(sizes):18s} {error:8.3f} {seconds:6.1f}")


if __name__ == "__main__":
    main()
