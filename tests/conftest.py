"""Every test runs on one BLAS thread unless it sets its own count.

``n_jobs=None`` follows the machine's load, and products split over a different
number of threads can round differently in the last bit: on one thread, two fits
with the same seed give the same bits whatever else the machine is doing, and a busy
CI machine has no spinning BLAS threads. The tests of the thread rules set the
counts they need (tests/test_parallel.py).
"""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
