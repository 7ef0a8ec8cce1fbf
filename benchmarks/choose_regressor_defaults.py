"""How DBNRegressor's fine-tuning defaults were chosen: 5-fold cross-validated R^2
on data that ``bench_regressor.py`` does not score.

The data: an 80% training split of scikit-learn's diabetes data (seed 1; its other
20% is never read), and ``make_friedman1`` with seeds 1 and 2 at 2,000 and 450 rows
(the benchmark uses seed 0). Each candidate is a set of DBNRegressor parameters on
top of the defaults, written as Python keyword arguments.

    python benchmarks/choose_regressor_defaults.py ["learning_rate=1e-3" ...]
"""

import argparse
import ast
import time

from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import DBNRegressor

# What was compared (each also with random_state=1, 2 for the patience):
CANDIDATES = [
    "learning_rate=1e-3, n_iter_no_change=10, validation_fraction=0.1",  # MLP's
    "learning_rate=1e-2, n_iter_no_change=30, validation_fraction=0.1",
    "n_iter_no_change=20",
    "",  # the defaults: learning_rate=1e-2, n_iter_no_change=30, 20% held out
    "n_iter_no_change=40",
    "max_iter='auto', n_iter_no_change='auto'",
    "batch_size=10",
    "pretrain=False",
]


def keywords(text):
    """``"a=1, b='x'"`` as a dict, read with ``ast`` (no ``eval``)."""
    call = ast.parse(f"f({text})", mode="eval").body
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="*", default=CANDIDATES)
    args = parser.parse_args()
    X_d, y_d = load_diabetes(return_X_y=True)
    X_d, _, y_d, _ = train_test_split(X_d, y_d, test_size=0.2, random_state=1)
    data = {
        "diabetes 80%": (X_d, y_d),
        "friedman1 2000": make_friedman1(n_samples=2000, noise=1.0, random_state=1),
        "friedman1 450": make_friedman1(n_samples=450, noise=1.0, random_state=2),
    }
    folds = KFold(5, shuffle=True, random_state=0)
    print("candidate".ljust(66) + "".join(f"{name:>16s}" for name in data))
    for text in args.candidates:
        params = {"random_state": 0, **keywords(text)}
        start = time.perf_counter()
        scores = [
            cross_val_score(
                make_pipeline(StandardScaler(), DBNRegressor(**params)), X, y, cv=folds
            ).mean()
            for X, y in data.values()
        ]
        print(
            f"{text or '(the defaults)':66s}"
            + "".join(f"{s:16.3f}" for s in scores)
            + f"  {time.perf_counter() - start:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
