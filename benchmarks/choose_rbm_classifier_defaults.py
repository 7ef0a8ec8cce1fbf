"""How RBMClassifier's defaults were chosen: candidates scored on training rows only.

Three sets, each a split of training rows (the test rows of the benchmarks and the
demo are never read): MNIST-5k's 4,000 training rows as 3,200 / 800, the first 900
rows of a stratified 75% split of scikit-learn's digits against the remaining 448,
and the demo's nudged-digits training rows as 5,750 / 1,438. Each argument is a set
of keyword arguments for ``RBMClassifier``; the defaults are the empty one.

    python benchmarks/choose_rbm_classifier_defaults.py "" "n_iter_no_change=5"
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgen import RBMClassifier
from skgen._demo import load_dataset

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402


def training_splits():
    X_mnist, _, y_mnist, _ = mnist5k(np.float64)
    X_nudged, _, y_nudged, _, _, _ = load_dataset("digits", False)
    X, y = load_digits(return_X_y=True)
    X_digits, _, y_digits, _ = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=0, stratify=y
    )
    return {
        "MNIST-5k": (X_mnist, y_mnist, 3200),
        "digits": (X_digits, y_digits, 900),
        "nudged digits": (X_nudged, y_nudged, 5750),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "candidates", nargs="+", help='keyword arguments, e.g. "tol=1e-4"'
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    splits = training_splits()
    for candidate in args.candidates:
        params = eval(f"dict({candidate})")  # the command line's own keywords
        scores = []
        for name, (X, y, n_fit) in splits.items():
            model = RBMClassifier(random_state=args.seed, **params)
            start = time.perf_counter()
            model.fit(X[:n_fit], y[:n_fit])
            seconds = time.perf_counter() - start
            accuracy = model.score(X[n_fit:], y[n_fit:])
            scores.append(
                f"{name} {accuracy:.4f} ({model.n_iter_} ep, {seconds:.1f} s)"
            )
        print(f"{candidate or '(defaults)':32s} " + "  ".join(scores), flush=True)


if __name__ == "__main__":
    main()
