"""Choosing RatingRBM's ``prediction`` rule on validation ratings.

MovieLens-100k's training split as bench_ratings.py makes it (seed 0; its test
ratings are never read); a tenth of each user's training ratings held out (seeds 0
and 1); ``RatingRBM()`` fitted on the rest and scored on the held-out tenth with the
mean-field rule and the paper's exact rule (eq. 9)::

    python benchmarks/choose_rating_rule.py
"""

import os
import sys
import time

from skgen import RatingRBM

sys.path.insert(0, os.path.dirname(__file__))
from _data import movielens_100k  # noqa: E402
from bench_ratings import split_rows  # noqa: E402


def main():
    R_train, _ = movielens_100k(seed=0)
    for seed in (0, 1):
        kept, held = split_rows(R_train, 0.1, seed)
        model = RatingRBM(random_state=seed).fit(kept)
        for rule in ("mean_field", "exact"):
            model.set_params(prediction=rule)
            begin = time.perf_counter()
            rmse = -model.score(kept, held)
            seconds = time.perf_counter() - begin
            line = f"split {seed} {rule:10s} validation RMSE {rmse:.4f}"
            print(f"{line} ({seconds:.2f}s)", flush=True)


if __name__ == "__main__":
    main()
