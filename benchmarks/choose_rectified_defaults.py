"""Choosing the deep models' hidden units and rates on training rows only.

For digits (/16), MNIST-5k and breast cancer (standardised) as bench_quality.py
splits them (seed 0; the test rows are never read), 3-fold stratified
cross-validation over the training rows of candidate settings given as Python
expressions of skgen's estimators or scikit-learn's peers (``MLP``, ``LR``, ``PCA``).
A transformer is scored by a ``LogisticRegression`` on its features (as
bench_quality.py does), a classifier by its accuracy; a scaler fitted on the fold's
rows comes first for the cancer table. For example::

    python benchmarks/choose_rectified_defaults.py \\
        "DBN(hidden_units='bernoulli')" "DBN(hidden_units='relu', features='all')"

Prints, per candidate, the mean and worst fold accuracy of each data set and the
mean over data sets. ``--data`` picks data sets (also ``wine``, standardised, which
the defaults were not chosen on); ``--seconds`` adds the mean fit time; ``--set
NAME=VALUE`` sets a constant of ``skgen._defaults`` for the run (e.g.
``RECTIFIED_STEP=0.25``).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.base import ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.decomposition import PCA  # noqa: F401 (candidates may name it)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier as MLP  # noqa: F401
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skgen
from skgen import DivergenceError, _defaults

LR = LogisticRegression  # noqa: N816 (a short name for candidates)


def training_rows(name):
    """``(X_train, y_train, real)`` of bench_quality.py's seed-0 split."""
    if name == "mnist5k":
        from _data import mnist5k

        X_train, _, y_train, _ = mnist5k(seed=0)
        return X_train, y_train, False
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        X, real = X / 16.0, False
    else:
        loader = {"cancer": load_breast_cancer, "wine": load_wine}[name]
        X, y = loader(return_X_y=True)
        real = True
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    return X_train, y_train, real


def pipeline(estimator, real):
    steps = [StandardScaler()] if real else []
    steps.append(estimator)
    if not isinstance(estimator, ClassifierMixin):
        steps.append(LogisticRegression(max_iter=3000))
    return make_pipeline(*steps)


def cross_validate(estimator, X, y, real):
    scores, seconds = [], []
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    for fold, (train, val) in enumerate(folds.split(X, y)):
        model = clone(estimator)
        if "random_state" in model.get_params():
            model.set_params(random_state=fold)
        begin = time.perf_counter()
        try:
            pipe = pipeline(model, real).fit(X[train], y[train])
        except DivergenceError:  # a finding: the candidate's rate is too large
            return np.nan, np.nan, np.nan
        seconds.append(time.perf_counter() - begin)
        scores.append(pipe.score(X[val], y[val]))
    return float(np.mean(scores)), float(np.min(scores)), float(np.mean(seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", help="estimator expressions")
    parser.add_argument(
        "--data",
        nargs="+",
        default=["digits", "mnist5k", "cancer"],
        choices=["digits", "mnist5k", "cancer", "wine"],
    )
    parser.add_argument("--seconds", action="store_true", help="print fit times")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE")
    args = parser.parse_args()
    for assignment in args.set:
        name, value = assignment.split("=")
        if not hasattr(_defaults, name):
            raise SystemExit(f"skgen._defaults has no {name}")
        setattr(_defaults, name, type(getattr(_defaults, name))(value))
        print(f"_defaults.{name} = {getattr(_defaults, name)}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    names = {name: getattr(skgen, name) for name in skgen.__all__}
    data = {name: training_rows(name) for name in args.data}
    for text in args.candidates:
        estimator = eval(text, globals(), names)  # noqa: S307 (command-line input)
        means, cells = [], []
        for name, (X, y, real) in data.items():
            mean, worst, seconds = cross_validate(estimator, X, y, real)
            means.append(mean)
            cell = f"{name} {mean:.4f} (worst {worst:.4f})"
            cells.append(cell + (f" {seconds:.1f}s" if args.seconds else ""))
        print(f"{text}: mean {np.mean(means):.4f} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
