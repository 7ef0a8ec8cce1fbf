"""skgen on existing engines past one machine: joblib's dask and loky backends for
parallel search, dask-ml's Incremental for streaming ``partial_fit``.

Needs the ``dask`` extra (part of the ``test`` extra); skipped without it.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skgen import DBN, VAE, BernoulliRBM, DeepAutoencoder

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = X_DIGITS[:400] / 16.0
Y_DIGITS = Y_DIGITS[:400]


def search(n_jobs=None):
    pipe = Pipeline(
        [
            ("rbm", BernoulliRBM(n_components=32, n_iter=3, random_state=0)),
            ("logistic", LogisticRegression(max_iter=500)),
        ]
    )
    grid = {"rbm__learning_rate": [0.02, 0.1], "rbm__n_components": [16, 32]}
    return GridSearchCV(pipe, grid, cv=2, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def sequential_search():
    return search().fit(X_DIGITS, Y_DIGITS)


def assert_same_search(got, expected):
    assert got.best_params_ == expected.best_params_
    assert_allclose(
        got.cv_results_["mean_test_score"], expected.cv_results_["mean_test_score"]
    )


def test_grid_search_on_a_dask_local_cluster(sequential_search):
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
        ) as cluster,
        distributed.Client(cluster),
    ):
        with parallel_backend("dask"):
            result = search(n_jobs=-1).fit(X_DIGITS, Y_DIGITS)
    # Fits ran in other processes, from pickled estimators: same random_state, same
    # scores as in this process.
    assert_same_search(result, sequential_search)


def test_grid_search_on_loky(sequential_search):
    result = search(n_jobs=-1).fit(X_DIGITS, Y_DIGITS)
    assert_same_search(result, sequential_search)


STREAMED = [
    BernoulliRBM(n_components=16, random_state=0),
    DBN(hidden_layer_sizes=(16, 8), random_state=0),
    VAE(n_components=2, hidden_layer_sizes=(16,), batch_size=32, random_state=0),
    DeepAutoencoder(
        hidden_layer_sizes=(16,), n_components=4, rbm_n_iter=2, random_state=0
    ),
]


@pytest.mark.parametrize("estimator", STREAMED, ids=lambda e: type(e).__name__)
def test_incremental_streams_blocks_through_partial_fit(estimator):
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    from sklearn.base import clone

    X = da.from_array(X_DIGITS, chunks=(100, 64))  # four blocks
    streamed = wrappers.Incremental(clone(estimator), shuffle_blocks=False).fit(X)
    # The same blocks in the same order through partial_fit by hand.
    by_hand = clone(estimator)
    for block in np.array_split(X_DIGITS, 4):
        by_hand.partial_fit(block)
    codes = streamed.transform(X)
    assert isinstance(codes, da.Array)  # lazy: computed block by block
    assert_array_equal(codes.compute(), by_hand.transform(X_DIGITS))
    # Scoring needs no custom scorer: dask-ml falls back on the estimator's own score
    # (y=None for these unsupervised models).
    assert_allclose(streamed.score(X, None), by_hand.score(X_DIGITS))
