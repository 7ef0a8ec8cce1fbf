"""Choosing DeepAutoencoder's hidden units on training rows only.

For digits (/16), breast cancer and wine (standardised on each fold's rows), 3-fold
stratified cross-validation over the training rows of bench_quality.py's seed-0
split; for MNIST-5k, one 75/25 validation split of its 4,000 training rows (a fit
takes minutes). The test rows are never read. Each unit type at the defaults
otherwise, scored by the held-out squared reconstruction error per row and by a
LogisticRegression on the codes, beside PCA with the same code size::

    python benchmarks/choose_autoencoder_units.py [--data digits cancer wine mnist5k]
"""

import argparse
import warnings

import numpy as np
from choose_rectified_defaults import training_rows
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

from skgen import DeepAutoencoder


def scores(model, a, b, ya, yb):
    """(held-out squared error per row, codes + LR accuracy)."""
    error = np.square(model.inverse_transform(model.transform(b)) - b).sum(1).mean()
    lr = LogisticRegression(max_iter=3000).fit(model.transform(a), ya)
    return float(error), float(lr.score(model.transform(b), yb))


def splits(name, X, y):
    if name == "mnist5k":
        train, val = train_test_split(
            np.arange(len(X)), test_size=0.25, random_state=0, stratify=y
        )
        return [(train, val)]
    return list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        nargs="+",
        default=["digits", "cancer", "wine", "mnist5k"],
        choices=["digits", "cancer", "wine", "mnist5k"],
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name in args.data:
        X, y, real = training_rows(name)
        results = {"bernoulli": [], "relu": [], "PCA": []}
        for fold, (train, val) in enumerate(splits(name, X, y)):
            a, b = X[train], X[val]
            if real:
                scaler = StandardScaler().fit(a)
                a, b = scaler.transform(a), scaler.transform(b)
            for units in ("bernoulli", "relu"):
                ae = DeepAutoencoder(hidden_units=units, random_state=fold).fit(a)
                results[units].append(scores(ae, a, b, y[train], y[val]))
            pca = PCA(ae.n_components_, random_state=0).fit(a)
            results["PCA"].append(scores(pca, a, b, y[train], y[val]))
        cells = [
            f"{key} error {np.mean([e for e, _ in v]):.2f} "
            f"codes+LR {np.mean([c for _, c in v]):.3f}"
            for key, v in results.items()
        ]
        print(f"{name}: " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
