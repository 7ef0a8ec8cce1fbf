"""skgen.DBNRegressor against MLPRegressor and Ridge at their defaults.

5-fold cross-validated R^2 (shuffled folds, seed 0) on scikit-learn's diabetes data
and on ``make_friedman1`` (2,000 rows, noise 1, seed 0). Every model sees standardised
features and standardised targets (a ``StandardScaler`` and a
``TransformedTargetRegressor``), so that no peer is handicapped by the targets' units.
Also ``DBNRegressor(pretrain=False)``, to show what pretraining is worth, and each
model's mean fit time per fold. The models alternate fold by fold in one process.

    python benchmarks/bench_regressor.py [--seeds 3]
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import DBNRegressor


def models(seed):
    return {
        "DBNRegressor()": DBNRegressor(random_state=seed),
        "DBNRegressor(pretrain=False)": DBNRegressor(pretrain=False, random_state=seed),
        "MLPRegressor()": MLPRegressor(random_state=seed),
        "Ridge()": Ridge(),
    }


def standardised(model):
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), model), transformer=StandardScaler()
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="model seeds")
    args = parser.parse_args()
    data = {
        "diabetes": load_diabetes(return_X_y=True),
        "friedman1": make_friedman1(n_samples=2000, noise=1.0, random_state=0),
    }
    warnings.simplefilter("ignore", ConvergenceWarning)  # MLPRegressor's max_iter
    for name, (X, y) in data.items():
        scores, seconds = {}, {}
        folds = list(KFold(5, shuffle=True, random_state=0).split(X))
        for seed in range(args.seeds):
            for train, test in folds:
                for label, model in models(seed).items():
                    start = time.perf_counter()
                    fitted = standardised(model).fit(X[train], y[train])
                    seconds.setdefault(label, []).append(time.perf_counter() - start)
                    r2 = r2_score(y[test], fitted.predict(X[test]))
                    scores.setdefault(label, []).append(r2)
        print(
            f"\n{name}: {X.shape[0]} rows, {X.shape[1]} features; 5-fold R^2, "
            f"{args.seeds} seeds"
        )
        print(f"  {'model':30s} {'R^2 mean':>8s} {'per seed':>17s} {'fit s':>6s}")
        for label in scores:
            per_seed = np.reshape(scores[label], (args.seeds, 5)).mean(axis=1)
            print(
                f"  {label:30s} {np.mean(scores[label]):8.4f} "
                f"{per_seed.min():8.3f}-{per_seed.max():.3f} "
                f"{statistics.mean(seconds[label]):6.2f}"
            )


if __name__ == "__main__":
    main()
