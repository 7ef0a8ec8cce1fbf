"""Choosing the small-table rules of the supervised estimators on training rows only.

For each of bench_small_tables.py's data sets (iris, wine, cancer, digits with 100
training rows) and scalers, 3-fold stratified cross-validation over the training
rows of its first split (seed 0; the test rows are never read), of candidate
settings given as Python expressions of skgen's estimators (or of the peers,
``SVC``, ``LogisticRegression``, ``MLP``), e.g.::

    python benchmarks/choose_small_defaults.py \\
        "RBMClassifier(early_stopping=True)" "RBMClassifier(early_stopping=False)"

Prints, per candidate, the mean and the worst fold accuracy of every (data set,
scaler) cell and the mean over cells. ``--regression`` runs DBNRegressor's cells
instead (diabetes and Friedman #1, 3-fold ``KFold``, R^2; peers ``RidgeCV``,
``SVR``, ``MLPRegressor`` as ``MLP``). ``--large`` runs the same on the larger data
the defaults must keep: the training rows of digits (/16, 75% split, seed 0) and of
MNIST-5k. ``--max-updates N`` sets the Adam steps that bound ``max_iter="auto"`` in
every network (how DBNClassifier's bound of 2,000 was chosen).
"""

import argparse
import statistics
import warnings

import numpy as np
from bench_small_tables import SCALERS, data_sets, split
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC, SVR

import skgen
from skgen._network_base import BaseNetwork


def cells(large, only, task="classification"):
    """``(name, scaler name, scaler, X_train, y_train)`` of every cell."""
    if large:
        from _data import mnist5k

        X, y = load_digits(return_X_y=True)
        X_digits, _, y_digits, _ = train_test_split(X / 16.0, y, random_state=0)
        X_mnist, _, y_mnist, _ = mnist5k()
        for name, X, y in ("digits", X_digits, y_digits), ("mnist5k", X_mnist, y_mnist):
            if not only or name in only:
                yield name, "-", None, X, y
        return
    for name, (load, kind, train_size) in data_sets(False).items():
        if kind != task or (only and name not in only):
            continue
        X, y = load()
        X_train, _, y_train, _ = split(X, y, kind, train_size, 0)
        for scaler_name, scaler in SCALERS.items():
            yield name, scaler_name, scaler, X_train, y_train


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help="estimator expressions")
    parser.add_argument("--data", nargs="*", help="data sets to run")
    parser.add_argument("--large", action="store_true", help="digits and MNIST-5k")
    parser.add_argument("--max-updates", type=int, help="bound of max_iter='auto'")
    parser.add_argument(
        "--regression", action="store_true", help="DBNRegressor's cells"
    )
    args = parser.parse_args()
    if args.large and args.regression:
        parser.error("--large has classification data only; drop --regression")
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.max_updates:
        for network in (BaseNetwork, *(getattr(skgen, n) for n in skgen.__all__)):
            if isinstance(network, type) and "_max_updates" in vars(network):
                network._max_updates = args.max_updates
    names = {name: getattr(skgen, name) for name in skgen.__all__}
    if args.regression:
        task, names["MLP"] = "regression", MLPRegressor
        names.update(RidgeCV=RidgeCV, SVR=SVR)
    else:
        task, names["MLP"] = "classification", MLPClassifier
        names.update(SVC=SVC, LogisticRegression=LogisticRegression)
    for expression in args.candidates:
        means = []
        for name, scaler_name, scaler, X_train, y_train in cells(
            args.large, args.data, task
        ):
            folds = (KFold if args.regression else StratifiedKFold)(
                3, shuffle=True, random_state=0
            )
            scores = []
            for i, (fit, val) in enumerate(folds.split(X_train, y_train)):
                model = eval(expression, names)
                if "random_state" in model.get_params():
                    model.set_params(random_state=i)
                pipe = model if scaler is None else make_pipeline(scaler(), model)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    pipe.fit(X_train[fit], y_train[fit])
                scores.append(pipe.score(X_train[val], y_train[val]))
            means.append(np.mean(scores))
            print(
                f"{expression[:40]:<40} {name:<9} {scaler_name:<8} "
                f"{np.mean(scores):.4f} {min(scores):.4f}",
                flush=True,
            )
        print(f"{expression}: mean over cells {statistics.mean(means):.4f}\n")


if __name__ == "__main__":
    main()
