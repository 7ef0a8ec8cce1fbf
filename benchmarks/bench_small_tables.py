"""skgen's supervised estimators at their defaults on small tables, behind a scaler.

A scikit-learn user's first try: ``make_pipeline(scaler, estimator)`` with every
setting at its default, on a small table. For each data set and scaler (and 3
random splits: 30% test, stratified for classes; digits with 100 training rows),
the accuracy (R^2 for regression) of

* classification: ``RBMClassifier()``, ``DBNClassifier()`` and ``CVAE()``'s
  ``predict``, against the best by median of ``SVC()``, ``LogisticRegression()``
  and ``MLPClassifier()``;
* regression: ``DBNRegressor()`` against the best of ``RidgeCV()``, ``SVR()`` and
  ``MLPRegressor()`` (targets in their own units, as a user passes them; every
  model sees the same).

A cell meets the target when its median is at least the best peer's median minus
0.02 and its worst split at least that median minus 0.05 ("ok" in the last
column). The models alternate split by split in one process.

``--held-out`` runs tables that no default of skgen was chosen on: vega_datasets'
cars (origin from the numeric columns) and seattle weather (weather from the
numeric columns), ``make_classification`` (300 rows), mlxtend's auto-mpg and
``make_friedman2`` / ``make_friedman3`` (regression).

    python benchmarks/bench_small_tables.py [--seeds 3] [--held-out] [--only CVAE]
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_friedman1,
    make_friedman2,
    make_friedman3,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC, SVR

from skgen import CVAE, DBNClassifier, DBNRegressor, RBMClassifier

SCALERS = {"minmax": MinMaxScaler, "standard": StandardScaler}


def classifiers(seed):
    return {
        "RBMClassifier": RBMClassifier(random_state=seed),
        "DBNClassifier": DBNClassifier(random_state=seed),
        "CVAE": CVAE(random_state=seed),
    }, {
        "SVC": SVC(),
        "LogisticRegression": LogisticRegression(),
        "MLPClassifier": MLPClassifier(random_state=seed),
    }


def regressors(seed):
    return {"DBNRegressor": DBNRegressor(random_state=seed)}, {
        "RidgeCV": RidgeCV(),
        "SVR": SVR(),
        "MLPRegressor": MLPRegressor(random_state=seed),
    }


def vega(name):
    from _data import table

    frame, target = table(name)
    X = frame.drop(columns=target).select_dtypes("number").to_numpy(float)
    return X, frame[target].astype(str).to_numpy()


def autompg():
    from mlxtend.data import autompg_data

    X, y = autompg_data()
    X = X[:, ~np.isnan(X).all(axis=0)]  # some mlxtend releases add an empty column
    keep = ~np.isnan(X).any(axis=1)
    return X[keep], y[keep]


def data_sets(held_out):
    """``name -> (loader, task, train_size)``."""
    if held_out:
        return {
            "cars": (lambda: vega("cars"), "classification", None),
            "weather": (lambda: vega("weather"), "classification", None),
            "make_class.": (
                lambda: make_classification(
                    300, 10, n_informative=5, n_classes=3, random_state=1
                ),
                "classification",
                None,
            ),
            "auto-mpg": (autompg, "regression", None),
            "friedman2": (
                lambda: make_friedman2(400, noise=0.5, random_state=1),
                "regression",
                None,
            ),
            "friedman3": (
                lambda: make_friedman3(400, noise=0.05, random_state=1),
                "regression",
                None,
            ),
        }
    return {
        "iris": (lambda: load_iris(return_X_y=True), "classification", None),
        "wine": (lambda: load_wine(return_X_y=True), "classification", None),
        "cancer": (
            lambda: load_breast_cancer(return_X_y=True),
            "classification",
            None,
        ),
        "digits100": (lambda: load_digits(return_X_y=True), "classification", 100),
        "diabetes": (lambda: load_diabetes(return_X_y=True), "regression", None),
        "friedman1": (
            lambda: make_friedman1(600, noise=1.0, random_state=0),
            "regression",
            None,
        ),
    }


def split(X, y, task, train_size, seed):
    stratify = y if task == "classification" else None
    test_size = 0.3 if train_size is None else None
    return train_test_split(
        X,
        y,
        train_size=train_size,
        test_size=test_size,
        stratify=stratify,
        random_state=seed,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="random splits")
    parser.add_argument("--held-out", action="store_true", help="untuned tables")
    parser.add_argument("--only", nargs="*", help="skgen estimators to run")
    parser.add_argument("--data", nargs="*", help="data sets to run")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)  # the MLPs' max_iter
    rows, misses, cells = [], 0, 0
    for name, (load, task, train_size) in data_sets(args.held_out).items():
        if args.data and name not in args.data:
            continue
        X, y = load()
        make = classifiers if task == "classification" else regressors
        for scaler_name, scaler in SCALERS.items():
            scores, seconds = {}, {}
            for seed in range(args.seeds):
                X_tr, X_te, y_tr, y_te = split(X, y, task, train_size, seed)
                ours, peers = make(seed)
                if args.only:
                    ours = {k: v for k, v in ours.items() if k in args.only}
                for label, model in {**ours, **peers}.items():
                    pipe = make_pipeline(scaler(), model)
                    start = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        pipe.fit(X_tr, y_tr)
                    seconds.setdefault(label, []).append(time.perf_counter() - start)
                    scores.setdefault(label, []).append(pipe.score(X_te, y_te))
            peer_names = list(make(0)[1])
            best = max(peer_names, key=lambda k: statistics.median(scores[k]))
            bar = statistics.median(scores[best])
            for label in scores:
                if label in peer_names and label != best:
                    continue
                med, worst = statistics.median(scores[label]), min(scores[label])
                ok = "" if label == best else (
                    "ok" if med >= bar - 0.02 and worst >= bar - 0.05 else "MISS"
                )
                if label != best:
                    cells += 1
                    misses += ok == "MISS"
                rows.append(
                    (name, scaler_name, label, med, worst,
                     statistics.median(seconds[label]), ok)
                )
                print(
                    f"{name:<11} {scaler_name:<8} {label:<18} {med:6.3f} {worst:6.3f} "
                    f"{statistics.median(seconds[label]):6.1f}s {ok}",
                    flush=True,
                )
    print(f"\n{cells - misses} of {cells} cells meet the target "
          "(median >= best peer - 0.02, worst >= best peer - 0.05).")


if __name__ == "__main__":
    main()
