"""Thread counts for one call: ``n_jobs`` as the estimators take it."""

import functools
from contextlib import contextmanager

from joblib import effective_n_jobs
from threadpoolctl import threadpool_limits


@contextmanager
def limit_threads(n_jobs):
    """Run the block with ``n_jobs`` BLAS threads (joblib's reading: -1 is every
    core), then restore the previous counts, also when the block raises.

    ``None`` changes nothing: BLAS keeps its own setting, which is every core in a
    plain process and what joblib gave the worker inside a loky worker (loky caps
    each worker's threads at ``cpu_count // n_jobs``, so parallel fits do not
    oversubscribe). skgen's Numba kernels are single-threaded; their products are
    BLAS calls into numpy's OpenBLAS, which this limit governs.
    """
    if n_jobs is None:
        yield
        return
    with threadpool_limits(limits=effective_n_jobs(n_jobs), user_api="blas"):
        yield


def threaded(method):
    """Decorate an estimator method to run under ``limit_threads(self.n_jobs)``."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with limit_threads(self.n_jobs):
            return method(self, *args, **kwargs)

    return wrapper
