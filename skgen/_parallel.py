"""Thread counts for one call: ``n_jobs`` as the estimators take it."""

import functools
import threading
from contextlib import contextmanager
from numbers import Integral

from joblib import cpu_count
from sklearn.utils._param_validation import Interval
from threadpoolctl import threadpool_limits

# n_jobs: None, a positive count, or -1, -2, ... (every core, all but one, ...).
N_JOBS_CONSTRAINT = [
    None,
    Interval(Integral, 1, None, closed="left"),
    Interval(Integral, None, -1, closed="right"),
]

# BLAS thread counts are process-wide: concurrent fits share one limit, set by the
# first to enter and restored when the last one leaves.
_lock = threading.Lock()
_active = {"count": 0, "limits": None}


def n_threads(n_jobs):
    """Threads for ``n_jobs``: itself when positive, ``cpu_count() + 1 + n_jobs``
    when negative (-1: every core), at least one."""
    return max(1, n_jobs if n_jobs > 0 else cpu_count() + 1 + n_jobs)


@contextmanager
def limit_threads(n_jobs):
    """Run the block with ``n_jobs`` BLAS threads, then restore the previous counts,
    also when the block raises.

    ``None`` changes nothing: BLAS keeps its own setting, which is every core in a
    plain process and what joblib gave the worker inside a loky worker (loky caps
    each worker's threads at ``cpu_count // n_jobs``, so parallel fits do not
    oversubscribe). The limit is process-wide, as BLAS's thread pool is: fits that
    run at once in threads share the limit of the first one, and the counts come
    back when the last one ends. skgen's Numba kernels are single-threaded; their
    products are BLAS calls into numpy's OpenBLAS, which this limit governs.
    """
    if n_jobs is None:
        yield
        return
    with _lock:
        if _active["count"] == 0:
            _active["limits"] = threadpool_limits(
                limits=n_threads(n_jobs), user_api="blas"
            )
        _active["count"] += 1
    try:
        yield
    finally:
        with _lock:
            _active["count"] -= 1
            if _active["count"] == 0:
                _active["limits"].restore_original_limits()
                _active["limits"] = None


N_JOBS_DESCRIPTION = """\
        BLAS threads while fitting (``-1``: every core, ``-2``: all but one); the
        previous counts are restored afterwards. ``None`` keeps the BLAS library's
        own setting, which joblib's loky workers already cap at
        ``cpu_count // n_jobs`` so that parallel fits do not oversubscribe the cores.
        The count is process-wide: fits running at once in threads share the first
        one's.
"""


def document_n_jobs(cls):
    """Class decorator: write the shared ``n_jobs`` entry into the docstring, where
    it says ``N_JOBS_DESCRIPTION``."""
    cls.__doc__ = cls.__doc__.replace(
        "        N_JOBS_DESCRIPTION\n", N_JOBS_DESCRIPTION
    )
    return cls


def threaded(method):
    """Decorate an estimator method to run under ``limit_threads(self.n_jobs)``."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with limit_threads(self.n_jobs):
            return method(self, *args, **kwargs)

    return wrapper
