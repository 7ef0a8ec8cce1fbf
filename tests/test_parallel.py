"""``n_jobs``: BLAS threads for every call that computes, restored afterwards;
``None`` takes the cores that other processes leave free."""

import itertools
import threading
import subprocess
import sys
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

import skgen._models._rbm
import skgen._parallel
from skgen import (
    CVAE,
    DBN,
    VAE,
    BernoulliRBM,
    DBNClassifier,
    DBNRegressor,
    DeepAutoencoder,
    DivergenceError,
    GaussianRBM,
    RatingRBM,
    RBMClassifier,
    ReplicatedSoftmax,
    TabularVAE,
)
from skgen._models._class_rbm import ClassRBM
from skgen._models._ratings import RatingLayer
from skgen._models._stack import Stack
from skgen._models._topics import ReplicatedSoftmaxLayer
from skgen._parallel import blas_threads

X, Y = load_digits(return_X_y=True)
X, Y = X[:200] / 16.0, Y[:200]

ESTIMATORS = [
    BernoulliRBM(n_components=8, n_iter=2, random_state=0),
    GaussianRBM(n_components=8, n_iter=2, random_state=0),
    DBN(hidden_layer_sizes=(8, 4), n_iter=2, random_state=0),
    DBNClassifier(hidden_layer_sizes=(8,), rbm_n_iter=1, max_iter=2, random_state=0),
    DBNRegressor(hidden_layer_sizes=(8,), rbm_n_iter=1, max_iter=2, random_state=0),
    RBMClassifier(n_components=8, max_iter=2, random_state=0),
    ReplicatedSoftmax(n_components=8, n_iter=2, random_state=0),
    RatingRBM(n_components=8, max_iter=2, random_state=0),
    VAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    CVAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    TabularVAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    DeepAutoencoder(
        hidden_layer_sizes=(8,),
        n_components=2,
        rbm_n_iter=1,
        max_iter=2,
        random_state=0,
    ),
]


@pytest.fixture
def seen_inside(monkeypatch):
    """Record the BLAS thread count whenever a training kernel or a network pass
    runs."""
    seen = []
    for module, name in (
        (skgen._models._rbm, "cd_epoch_dense"),
        (Stack, "forward"),
        (ClassRBM, "loss_and_grads"),
        (ReplicatedSoftmaxLayer, "cd_gradients"),
        (RatingLayer, "cd_epoch"),
    ):
        original = getattr(module, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(blas_threads())
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return seen


def fit(model):
    return model.fit(X, Y) if hasattr(model, "predict") else model.fit(data_for(model))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_fit_runs_with_n_jobs_threads_and_restores_the_count(estimator, seen_inside):
    with threadpool_limits(limits=2, user_api="blas"):  # the count to come back to
        before = blas_threads()
        fit(estimator.set_params(n_jobs=1))
        assert seen_inside and set(seen_inside) == {1}
        assert blas_threads() == before


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


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("busy, expected", [(0, 2), (1, 1), (7, 1)])
def test_n_jobs_none_takes_the_cores_other_processes_leave_free(
    estimator, busy, expected, seen_inside, monkeypatch
):
    monkeypatch.setattr(skgen._parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(skgen._parallel, "machine_cores", lambda: 2)
    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: busy)
    with threadpool_limits(limits=2, user_api="blas"):
        fit(estimator.set_params(n_jobs=None))
        assert set(seen_inside) == {expected}
        assert blas_threads() == 2


def test_n_jobs_none_never_exceeds_the_count_blas_has(seen_inside, monkeypatch):
    """Inside a loky worker joblib has capped BLAS: an idle machine does not lift
    the cap."""
    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: 0)
    with threadpool_limits(limits=1, user_api="blas"):
        BernoulliRBM(n_components=8, n_iter=2, random_state=0).fit(X)
    assert set(seen_inside) == {1}


def test_n_jobs_none_follows_the_load_from_epoch_to_epoch(seen_inside, monkeypatch):
    monkeypatch.setattr(skgen._parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(skgen._parallel, "machine_cores", lambda: 2)
    # at the call, then once per epoch; idle after that
    loads = itertools.chain([0, 0, 3, 3, 0], itertools.repeat(0))
    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: next(loads))
    with threadpool_limits(limits=2, user_api="blas"):
        BernoulliRBM(n_components=8, n_iter=4, random_state=0).fit(X)
        assert seen_inside == [2, 1, 1, 2]
        assert blas_threads() == 2


def test_explicit_n_jobs_is_kept_whatever_the_load(seen_inside, monkeypatch):
    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: 8)
    with threadpool_limits(limits=1, user_api="blas"):
        BernoulliRBM(n_components=8, n_iter=3, n_jobs=2, random_state=0).fit(X)
    assert set(seen_inside) == {2}


def computing_methods(estimator):
    """The public methods that skgen's classes define (scikit-learn's get_params,
    set_output, and the set_*_request methods it makes for them, are not theirs)."""
    names = []
    for name in dir(type(estimator)):
        if name.startswith("_") or name.endswith("_request"):
            continue
        owner = next(c for c in type(estimator).__mro__ if name in vars(c))
        if owner.__module__.startswith("skgen") and callable(getattr(estimator, name)):
            names.append(name)
    return names


def data_for(model):
    """X; as word counts for the topic model; as ratings 1..16 with the zeros
    missing (NaN) for the ratings model."""
    if isinstance(model, ReplicatedSoftmax):
        return np.round(X * 16)
    if isinstance(model, RatingRBM):
        return np.where(X > 0, np.round(X * 16), np.nan)
    return X


CALLS = {
    "transform": lambda m: m.transform(data_for(m)),
    "inverse_transform": lambda m: m.inverse_transform(m.transform(X)),
    "score": lambda m: m.score(
        data_for(m), data_for(m) if isinstance(m, RatingRBM) else Y
    ),
    "predict_ratings": lambda m: m.predict_ratings(data_for(m), [0, 1], [2, 3]),
    "predict_ratings_proba": lambda m: m.predict_ratings_proba(
        data_for(m), [0, 1], [2, 3]
    ),
    "recommend": lambda m: m.recommend(data_for(m)),
    "score_samples": lambda m: m.score_samples(data_for(m)),
    "perplexity": lambda m: m.perplexity(data_for(m)),
    "top_words": lambda m: m.top_words(),
    "predict": lambda m: m.predict(X),
    "predict_proba": lambda m: m.predict_proba(X),
    "predict_log_proba": lambda m: m.predict_log_proba(X),
    "sample": lambda m: m.sample(3, random_state=0),
    "gibbs": lambda m: m.gibbs(X[:5]),
    "log_partition_function": lambda m: m.log_partition_function(
        *([7] if isinstance(m, ReplicatedSoftmax) else []),
        method="ais",
        n_runs=4,
        n_betas=20,
    ),
    "log_likelihood": lambda m: (
        m.log_likelihood(X[:5])
        if isinstance(m, VAE)
        else m.log_likelihood(X[:5], method="ais", n_runs=4, n_betas=20)
    ),
}


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_every_public_method_runs_with_n_jobs_threads(estimator, monkeypatch):
    model = fit(estimator.set_params(n_jobs=1))
    seen = {}
    original = skgen._parallel.limit_threads

    def recording(n_jobs, n_rows=None):
        context = original(n_jobs, n_rows)

        class Recording:
            def __enter__(self):
                context.__enter__()
                seen.setdefault(name, blas_threads())

            def __exit__(self, *exc):
                return context.__exit__(*exc)

        return Recording()

    monkeypatch.setattr(skgen._parallel, "limit_threads", recording)
    methods = computing_methods(model)
    assert {"fit", "partial_fit"} <= set(methods)
    with threadpool_limits(limits=2, user_api="blas"):
        for name in methods:
            if name in ("fit", "partial_fit"):
                continue  # their own tests above
            assert name in CALLS, f"{name}: say how the test calls it"
            # Its own wrapper, not only the methods it calls (predict calls
            # predict_log_proba, which would record the count for it).
            assert getattr(getattr(type(model), name), "threaded", False), name
            CALLS[name](model)
            assert seen.get(name) == 1, f"{name} did not run under n_jobs"
        assert blas_threads() == 2


def test_busy_elsewhere_sees_processes_that_keep_the_cores_busy():
    if skgen._parallel.busy_elsewhere() is None:
        pytest.skip("the kernel does not report runnable tasks (not Linux)")
    loops = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)
    ]
    try:
        seen = []
        deadline = time.monotonic() + 10  # until both have started
        while time.monotonic() < deadline and max(seen, default=0) < 2:
            seen.append(skgen._parallel.busy_elsewhere())
        assert max(seen) >= 2
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def test_one_thread_runs_its_block_on_one_thread_and_goes_back():
    from skgen._parallel import one_thread

    with threadpool_limits(limits=2, user_api="blas"):
        with one_thread():
            assert blas_threads() == 1
        assert blas_threads() == 2


def test_the_autoencoders_code_density_fits_on_one_thread(monkeypatch):
    """GaussianMixture alternates numpy's and SciPy's OpenBLAS on small products,
    which two threads made slower even on an idle machine."""
    import skgen._autoencoder

    seen = []
    original = skgen._autoencoder.GaussianMixture.fit

    def spy(self, *args, **kwargs):
        seen.append(blas_threads())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(skgen._autoencoder.GaussianMixture, "fit", spy)
    model = clone(ESTIMATORS[-1]).set_params(n_jobs=2)
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit(X)
    assert seen == [1]


def fake_proc(tmp_path, loadavg, states):
    """A /proc/loadavg and a /proc/self/task with one thread per state letter."""
    (tmp_path / "loadavg").write_text(loadavg)
    for tid, state in enumerate(states):
        (tmp_path / "task" / str(tid)).mkdir(parents=True)
        (tmp_path / "task" / str(tid) / "stat").write_text(
            f"{tid} (python (worker)) {state} 1 2 3\n"  # a ')' inside the name
        )
    return str(tmp_path / "loadavg"), str(tmp_path / "task")


@pytest.mark.parametrize(
    "loadavg, states, busy",
    [
        ("0.50 0.40 0.30 5/100 123\n", "RSR", 3),  # 5 runnable, 2 of them ours
        ("0.50 0.40 0.30 1/100 123\n", "RR", 0),  # never below zero
        ("garbage\n", "R", None),  # unreadable: None
    ],
)
def test_busy_elsewhere_counts_runnable_tasks_less_its_own(
    tmp_path, monkeypatch, loadavg, states, busy
):
    loadavg_path, tasks = fake_proc(tmp_path, loadavg, states)
    monkeypatch.setattr(skgen._parallel, "_LOADAVG", loadavg_path)
    monkeypatch.setattr(skgen._parallel, "_TASKS", tasks)
    monkeypatch.setattr(skgen._parallel, "_READING_SECONDS", 0.0)
    assert skgen._parallel.busy_elsewhere() == busy


@pytest.mark.parametrize(
    "cores, machine, busy, free",
    [(2, 2, 0, 2), (2, 2, 1, 1), (2, 2, 5, 1), (4, 64, 30, 4), (4, 64, 62, 2)],
)
def test_free_cores_are_this_process_cores_that_the_machine_has_free(
    monkeypatch, cores, machine, busy, free
):
    """In a container with 4 of a 64-core host's cores, 30 busy tasks on the host
    leave all 4 free."""
    monkeypatch.setattr(skgen._parallel, "usable_cores", lambda: cores)
    monkeypatch.setattr(skgen._parallel, "machine_cores", lambda: machine)
    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: busy)
    assert skgen._parallel.free_cores() == free


def test_a_reading_of_the_load_is_reused_for_half_a_second(tmp_path, monkeypatch):
    loadavg_path, tasks = fake_proc(tmp_path, "0 0 0 4/10 1\n", "R")
    monkeypatch.setattr(skgen._parallel, "_LOADAVG", loadavg_path)
    monkeypatch.setattr(skgen._parallel, "_TASKS", tasks)
    monkeypatch.setattr(skgen._parallel, "_last_reading", {"time": -1.0, "value": None})
    assert skgen._parallel.busy_elsewhere() == 3
    (tmp_path / "loadavg").write_text("0 0 0 1/10 1\n")
    assert skgen._parallel.busy_elsewhere() == 3  # the same reading
    monkeypatch.setattr(skgen._parallel, "_READING_SECONDS", 0.0)
    assert skgen._parallel.busy_elsewhere() == 0


def test_refresh_leaves_a_one_thread_block_alone(monkeypatch):
    from skgen._parallel import limit_threads, one_thread, refresh

    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: 0)
    with threadpool_limits(limits=2, user_api="blas"):
        with limit_threads(None):
            assert blas_threads() == 2
            with one_thread():
                refresh()  # another thread's epoch
                assert blas_threads() == 1
            assert blas_threads() == 2
            refresh()
            assert blas_threads() == 2
        assert blas_threads() == 2


@pytest.mark.parametrize("n_rows, expected", [(1, 1), (15, 1), (16, 2), (200, 2)])
def test_calls_on_a_few_rows_run_on_one_thread(n_rows, expected, monkeypatch):
    """Their products are too small to share: a one-row transform was faster on
    one thread than on two even on an idle machine."""
    model = fit(clone(ESTIMATORS[0]).set_params(n_jobs=None))
    seen = []
    original = skgen._models._rbm.RBMLayer.mean_hidden

    def spy(*args, **kwargs):
        seen.append(blas_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(skgen._models._rbm.RBMLayer, "mean_hidden", spy)
    monkeypatch.setattr(skgen._parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(skgen._parallel, "machine_cores", lambda: 2)
    monkeypatch.setattr(skgen._parallel, "busy_elsewhere", lambda: 0)
    with threadpool_limits(limits=2, user_api="blas"):
        model.transform(X[:n_rows])
        model.set_params(n_jobs=2).transform(X[:n_rows])  # an explicit count stands
    assert seen == [expected, 2]


def test_map_in_threads_keeps_the_order_and_reports_in_the_callers_thread():
    caller = threading.get_ident()
    seen = []

    def done(index, result):
        seen.append((index, result, threading.get_ident() == caller))

    def slow_square(x):
        time.sleep(0.01 * (5 - x))  # the first items finish last
        return x * x

    with skgen._parallel.limit_threads(2):
        before = blas_threads()
        results = skgen._parallel.map_in_threads(slow_square, range(5), done)
        assert blas_threads() == before  # one BLAS thread only inside
    assert results == [0, 1, 4, 9, 16]
    assert seen == [(i, i * i, True) for i in range(5)]
    assert skgen._parallel.map_in_threads(slow_square, [3]) == [9]  # no call: serial


def test_one_thread_blocks_at_once_restore_the_count_when_the_last_leaves():
    with threadpool_limits(2, user_api="blas"):
        first = skgen._parallel.one_thread()
        second = skgen._parallel.one_thread()
        first.__enter__()
        second.__enter__()
        assert blas_threads() == 1
        first.__exit__(None, None, None)
        assert blas_threads() == 1  # the second block still runs
        second.__exit__(None, None, None)
        assert blas_threads() == 2
