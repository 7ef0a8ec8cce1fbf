"""Choosing the small-table rules of the supervised estimators on training rows only.

For each of bench_small_tables.py's data sets (iris, wine, cancer, digits with 100
training rows) and scalers, 3-fold stratified cross-validation over the training
rows of its first split (seed 0; the test rows are never read), of candidate
settings given as Python expressions of skgen's estimators (or of the peers,
``SVC``, ``LogisticRegression``, ``MLP``), e.g.::

    python benchmarks/choose_small_defaults.py \\
        "RBMClassifier(early_stopping=True)" "RBMClassifier(early_stopping=False)"

Prints, per candidate, the mean and the worst fold accuracy of every (data set,
scaler) cell and the mean over cells.
"""

import argparse
import statistics
import warnings

import numpy as np
from bench_small_tables import SCALERS, data_sets, split
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

import skgen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help="estimator expressions")
    parser.add_argument("--data", nargs="*", help="data sets to run")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    names = {name: getattr(skgen, name) for name in skgen.__all__}
    names.update(SVC=SVC, LogisticRegression=LogisticRegression, MLP=MLPClassifier)
    for expression in args.candidates:
        means = []
        for name, (load, task, train_size) in data_sets(False).items():
            if task != "classification" or (args.data and name not in args.data):
                continue
            X, y = load()
            X_train, _, y_train, _ = split(X, y, task, train_size, 0)
            for scaler_name, scaler in SCALERS.items():
                folds = StratifiedKFold(3, shuffle=True, random_state=0)
                scores = []
                for i, (fit, val) in enumerate(folds.split(X_train, y_train)):
                    model = eval(expression, names)
                    model.set_params(random_state=i)
                    pipe = make_pipeline(scaler(), model)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        pipe.fit(X_train[fit], y_train[fit])
                    scores.append(pipe.score(X_train[val], y_train[val]))
                means.append(np.mean(scores))
                print(
                    f"{expression[:40]:<40} {name:<9} {scaler_name:<8} "
                    f"{np.mean(scores):.3f} {min(scores):.3f}",
                    flush=True,
                )
        print(f"{expression}: mean over cells {statistics.mean(means):.4f}\n")


if __name__ == "__main__":
    main()
