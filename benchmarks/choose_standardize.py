"""Choosing ``standardize`` (RBMClassifier, DBNClassifier, DBNRegressor).

3-fold CV (KFold, shuffled, seed 0) on whole tables given in their own units, with
``standardize=False`` (the model as before 0.6), "auto" (X standardised inside when
the visible units are Gaussian), and both behind a ``StandardScaler``. Friedman #1
is given as ``X * 20 + 10``; diabetes as scikit-learn ships it (every column
scaled to a spread of 0.05)::

    python benchmarks/choose_standardize.py

Prints the mean and worst fold score (accuracy, R^2) of each cell.
"""

import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_wine,
    make_friedman1,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import DBNClassifier, DBNRegressor, RBMClassifier


def cross_validate(steps, X, y):
    scores = []
    for train, val in KFold(3, shuffle=True, random_state=0).split(X):
        model = make_pipeline(*steps()).fit(X[train], y[train])
        scores.append(model.score(X[val], y[val]))
    return np.mean(scores), np.min(scores)


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = make_friedman1(600, random_state=0)
    cancer = load_breast_cancer(return_X_y=True)
    wine = load_wine(return_X_y=True)
    cells = [
        ("friedman x20+10", X * 20 + 10, y, DBNRegressor),
        ("diabetes", *load_diabetes(return_X_y=True), DBNRegressor),
        ("cancer", *cancer, DBNClassifier),
        ("cancer", *cancer, RBMClassifier),
        ("wine", *wine, DBNClassifier),
        ("wine", *wine, RBMClassifier),
    ]
    print(f"{'table':16s} {'estimator':14s} {'setting':10s} {'mean':>6s} {'worst':>6s}")
    for name, A, b, cls in cells:
        for setting, steps in [
            ("off", lambda: [cls(random_state=0, standardize=False)]),
            ("auto", lambda: [cls(random_state=0)]),
            (
                "SS + off",
                lambda: [StandardScaler(), cls(random_state=0, standardize=False)],
            ),
            ("SS + auto", lambda: [StandardScaler(), cls(random_state=0)]),
        ]:
            mean, worst = cross_validate(steps, A, b)
            print(
                f"{name:16s} {cls.__name__:14s} {setting:10s} {mean:6.3f} "
                f"{worst:6.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
