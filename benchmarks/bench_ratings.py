"""skgen.RatingRBM on MovieLens-100k against the baselines a user would pick.

MovieLens-100k ships inside the recbole wheel (``pip install --no-deps recbole``;
the file is read, recbole is never imported): 100,000 ratings 1-5 by 943 users of
1,682 items. A fixed 80 / 20 split of each user's ratings (seed 0); the held-out
RMSE of

* the global mean of the training ratings;
* the user + item bias baseline ``mu + b_u + b_i``, fitted by regularised least
  squares (alternating closed-form updates), its regularisation chosen from
  {1, 3, 5, 10, 15, 25} on a per-user split of the training ratings;
* ``TruncatedSVD`` of the training matrix centred by the bias baseline (missing
  entries 0), its rank chosen from {2, 5, 10, 20, 50} the same way;
* ``RatingRBM()`` at its defaults;

and the fit times. Every choice is made on training ratings only.

    python benchmarks/bench_ratings.py [--seeds 3]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from skgen import RatingRBM
from skgen._demo import fit_biases, predict_biases

sys.path.insert(0, os.path.dirname(__file__))
from _data import held_per_row, movielens_100k  # noqa: E402


def split_rows(R, fraction, seed):
    """R's ratings as (kept, held): ``fraction`` of each row's ratings held."""
    R = R.tocoo()
    held = held_per_row(R.row, R.shape[0], fraction, np.random.RandomState(seed))

    def matrix(mask):
        return sp.csr_matrix((R.data[mask], (R.row[mask], R.col[mask])), R.shape)

    return matrix(~held), matrix(held)


def fit_svd(R, biases, rank):
    R = R.tocoo()
    residual = R.data - predict_biases(biases, R)
    M = sp.csr_matrix((residual, (R.row, R.col)), R.shape)
    svd = TruncatedSVD(n_components=rank, random_state=0)
    return svd.fit_transform(M), svd.components_


def predict_svd(biases, factors, R):
    R = R.tocoo()
    U, Vt = factors
    extra = np.einsum("nf,fn->n", U[R.row], Vt[:, R.col])
    return np.clip(predict_biases(biases, R) + extra, 1, 5)


def rmse(predicted, R):
    return float(np.sqrt(np.mean((predicted - R.tocoo().data) ** 2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    R_train, R_test = movielens_100k()
    RatingRBM(max_iter=1).fit(R_train[:50]).predict_ratings(R_train[:50], [0], [0])
    print(
        f"MovieLens-100k: {R_train.shape[0]} users, {R_train.shape[1]} items, "
        f"{R_train.nnz} training / {R_test.nnz} test ratings"
    )
    fit_part, val_part = split_rows(R_train, 0.2, seed=1)
    lam = min(
        (1, 3, 5, 10, 15, 25),
        key=lambda lam: rmse(
            predict_biases(fit_biases(fit_part, lam), val_part), val_part
        ),
    )
    val_biases = fit_biases(fit_part, lam)
    rank = min(
        (2, 5, 10, 20, 50),
        key=lambda r: rmse(
            predict_svd(val_biases, fit_svd(fit_part, val_biases, r), val_part),
            val_part,
        ),
    )
    start = time.perf_counter()
    biases = fit_biases(R_train, lam)
    bias_s = time.perf_counter() - start
    start = time.perf_counter()
    factors = fit_svd(R_train, biases, rank)
    svd_s = time.perf_counter() - start + bias_s
    rows = [
        ("global mean", rmse(np.full(R_test.nnz, R_train.data.mean()), R_test), 0.0),
        (
            f"user + item biases (lambda={lam})",
            rmse(predict_biases(biases, R_test), R_test),
            bias_s,
        ),
        (
            f"biases + TruncatedSVD (rank {rank})",
            rmse(predict_svd(biases, factors, R_test), R_test),
            svd_s,
        ),
    ]
    scores, seconds, epochs = [], [], []
    test = R_test.tocoo()
    for seed in range(args.seeds):
        start = time.perf_counter()
        model = RatingRBM(random_state=seed).fit(R_train)
        seconds.append(time.perf_counter() - start)
        epochs.append(model.n_iter_)
        scores.append(rmse(model.predict_ratings(R_train, test.row, test.col), R_test))
    print(f"  {'model':40s} {'test RMSE':>9s} {'fit s':>6s}")
    for name, score, secs in rows:
        print(f"  {name:40s} {score:9.4f} {secs:6.2f}")
    print(
        f"  {'RatingRBM() (median of %d seeds)' % args.seeds:40s} "
        f"{statistics.median(scores):9.4f} {statistics.median(seconds):6.2f}"
    )
    print(
        f"  RatingRBM seeds: RMSE {', '.join(f'{s:.4f}' for s in scores)}; "
        f"epochs {', '.join(map(str, epochs))}"
    )


if __name__ == "__main__":
    main()
