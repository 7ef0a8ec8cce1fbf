"""``n_jobs``: BLAS threads for the duration of a fit, restored afterwards."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_info, threadpool_limits

import skgen._models._rbm
from skgen import (
    CVAE,
    DBN,
    VAE,
    BernoulliRBM,
    DBNClassifier,
    DeepAutoencoder,
    DivergenceError,
    GaussianRBM,
)
from skgen._models._stack import Stack

X, Y = load_digits(return_X_y=True)
X, Y = X[:200] / 16.0, Y[:200]

ESTIMATORS = [
    BernoulliRBM(n_components=8, n_iter=2, random_state=0),
    GaussianRBM(n_components=8, n_iter=2, random_state=0),
    DBN(hidden_layer_sizes=(8, 4), n_iter=2, random_state=0),
    DBNClassifier(hidden_layer_sizes=(8,), rbm_n_iter=1, max_iter=2, random_state=0),
    VAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    CVAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    DeepAutoencoder(
        hidden_layer_sizes=(8,),
        n_components=2,
        rbm_n_iter=1,
        max_iter=2,
        random_state=0,
    ),
]


def blas_threads():
    counts = {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}
    return max(counts)


@pytest.fixture
def seen_inside(monkeypatch):
    """Record the BLAS thread count whenever a training kernel or a network pass
    runs."""
    seen = []
    for module, name in (
        (skgen._models._rbm, "cd_epoch_dense"),
        (Stack, "forward"),
    ):
        original = getattr(module, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(blas_threads())
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return seen


def fit(model):
    return model.fit(X, Y) if hasattr(model, "predict") else model.fit(X)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_fit_runs_with_n_jobs_threads_and_restores_the_count(estimator, seen_inside):
    with threadpool_limits(limits=2, user_api="blas"):  # the count to come back to
        before = blas_threads()
        fit(estimator.set_params(n_jobs=1))
        assert seen_inside and set(seen_inside) == {1}
        assert blas_threads() == before
        seen_inside.clear()
        fit(estimator.set_params(n_jobs=None))  # None leaves the setting alone
        assert set(seen_inside) == {before}


def test_partial_fit_too_and_minus_one_means_every_core(seen_inside):
    from joblib import cpu_count

    model = BernoulliRBM(n_components=8, n_jobs=-1, random_state=0)
    with threadpool_limits(limits=1, user_api="blas"):
        model.partial_fit(X)
        assert blas_threads() == 1
    assert set(seen_inside) == {cpu_count()}


def test_thread_count_is_restored_when_the_fit_raises():
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with pytest.raises(DivergenceError):
            BernoulliRBM(n_components=8, learning_rate=1e30, n_jobs=1).fit(X)
        assert blas_threads() == before


def test_thread_count_does_not_change_the_model():
    one = BernoulliRBM(n_components=16, n_iter=3, random_state=0, n_jobs=1).fit(X)
    two = BernoulliRBM(n_components=16, n_iter=3, random_state=0, n_jobs=2).fit(X)
    assert_allclose(one.components_, two.components_, rtol=1e-10, atol=1e-12)
    assert np.isfinite(one.components_).all()


def fitted_blas_threads():
    """The BLAS thread count a default (n_jobs=None) fit runs with, in this process."""
    seen = []
    original = skgen._models._rbm.cd_epoch_dense

    def spy(*args):
        seen.append(blas_threads())
        return original(*args)

    skgen._models._rbm.cd_epoch_dense = spy
    try:
        BernoulliRBM(n_components=4, n_iter=1, random_state=0).fit(X)
    finally:
        skgen._models._rbm.cd_epoch_dense = original
    return seen[0]


def test_parallel_fits_on_loky_do_not_oversubscribe():
    from joblib import Parallel, cpu_count, delayed

    counts = Parallel(n_jobs=2, backend="loky")(
        delayed(fitted_blas_threads)() for _ in range(2)
    )
    assert counts == [max(cpu_count() // 2, 1)] * 2


def test_fits_running_at_once_in_threads_restore_the_count_when_all_end():
    from concurrent.futures import ThreadPoolExecutor

    def fit_one(seed):
        model = BernoulliRBM(n_components=16, n_iter=3, random_state=seed, n_jobs=1)
        return model.fit(X).components_

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(fit_one, [0, 1, 0, 1]))
        assert blas_threads() == before
    assert_allclose(results[0], results[2], rtol=1e-10, atol=1e-12)
    assert_allclose(results[1], results[3], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n_jobs, expected", [(3, 3), (-1, None), (-2, "minus one")])
def test_negative_n_jobs_count_back_from_every_core(n_jobs, expected):
    from joblib import cpu_count

    from skgen._parallel import n_threads

    counts = {None: cpu_count(), "minus one": max(cpu_count() - 1, 1), 3: 3}
    assert n_threads(n_jobs) == counts[expected]


def test_n_jobs_zero_is_refused():
    with pytest.raises(ValueError, match="n_jobs"):
        BernoulliRBM(n_jobs=0).fit(X)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_every_docstring_documents_n_jobs_in_full(estimator):
    doc = type(estimator).__doc__
    assert "n_jobs : int, default=None" in doc
    assert "N_JOBS_DESCRIPTION" not in doc and "process-wide" in doc
