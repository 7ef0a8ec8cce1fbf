"""BLAS threads for one call: ``n_jobs`` as the estimators take it.

OpenBLAS's waiting threads spin. On a machine whose cores are busy with other
processes, a product split over two threads waits for whichever thread the
scheduler left out (benchmarks/RESULTS.md, "A busy machine"). So ``n_jobs=None``
does not leave the count to BLAS: every call that computes runs with as many threads
as the cores that other processes leave free when it starts, and each training epoch
looks again.
"""

import contextlib
import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from numbers import Integral

from joblib import cpu_count
from sklearn.utils._param_validation import Interval
from threadpoolctl import ThreadpoolController

# n_jobs: None, a positive count, or -1, -2, ... (every core, all but one, ...).
N_JOBS_CONSTRAINT = [
    None,
    Interval(Integral, 1, None, closed="left"),
    Interval(Integral, None, -1, closed="right"),
]

# BLAS thread counts are process-wide: concurrent calls share one limit, set by the
# first to enter and restored when the last one leaves.
_lock = threading.Lock()
_active = {
    "count": 0,  # calls inside limit_threads
    "limiter": None,  # what restores the counts when the last call leaves
    "n_jobs": None,  # the first call's
    "threads": 1,  # the count set for the calls
    "ceiling": 1,  # BLAS's count when the first call entered
    "single": 0,  # blocks inside one_thread: refresh leaves them alone
    "before_single": 1,  # BLAS's count when the first of them entered
}
# threadpoolctl's controller of the BLAS libraries loaded when skgen first limits
# them (numpy's and SciPy's OpenBLAS, which the kernels and scikit-learn use).
_blas = []

# Where Linux reports the runnable tasks; module constants so that tests can fake them.
_LOADAVG = "/proc/loadavg"
_TASKS = "/proc/self/task"
_READING_SECONDS = 0.5  # a reading of the load is reused for this long
_last_reading = {"time": -1.0, "value": None}
_cores_reading = {"time": -1.0, "value": 1}


def _controller():
    """threadpoolctl's controller of the BLAS libraries, made once: making one scans
    every loaded library (2 ms), setting a count through it takes 20 us."""
    if not _blas:
        _blas.append(ThreadpoolController().select(user_api="blas"))
    return _blas[0]


def blas_threads():
    """The BLAS libraries' current thread count (the largest, if several)."""
    counts = [lib.num_threads for lib in _controller().lib_controllers]
    return max(counts, default=1)


def _runnable(path):
    with open(path) as f:
        stat = f.read()
    return stat[stat.rindex(")") + 2] == "R"


def _reused(reading, compute):
    """``reading["value"]``, computed again by ``compute()`` once it is
    ``_READING_SECONDS`` old: many short calls share one look at the machine."""
    now = time.monotonic()
    if now - reading["time"] >= _READING_SECONDS:
        reading.update(time=now, value=compute())
    return reading["value"]


def busy_elsewhere():
    """Tasks of other processes that are running or waiting for a core right now:
    Linux's count of runnable tasks (``/proc/loadavg``) less this process's own
    runnable threads (BLAS threads still spinning after a call are its own). The
    smallest of three readings, so that a passing task does not count; a reading is
    reused for half a second (it costs 0.1-0.6 ms). None where the kernel does not
    say (not Linux)."""
    return _reused(_last_reading, _read_busy)


def _read_busy():
    try:
        readings = []
        for _ in range(3):
            with open(_LOADAVG) as f:
                running = int(f.read().split()[3].split("/")[0])
            own = 0
            for tid in os.listdir(_TASKS):
                try:
                    own += _runnable(os.path.join(_TASKS, tid, "stat"))
                except OSError:  # the thread has ended
                    pass
            readings.append(max(0, running - own))
        return min(readings)
    except (OSError, ValueError, IndexError):
        return None


def free_cores():
    """Cores this process may use that no other process is using now, at least 1;
    every usable core where the load cannot be read. The runnable count covers the
    whole machine (in a container, the host), whose cores ``machine_cores`` gives;
    this process may use ``usable_cores`` of them (its affinity or CPU quota)."""
    cores = usable_cores()
    busy = busy_elsewhere()
    if busy is None:
        return cores
    return max(1, min(cores, machine_cores() - busy))


def usable_cores():
    """``joblib.cpu_count()``, which reads the CPU quota from the cgroup files (40
    us), reused as long as a reading of the load is."""
    return _reused(_cores_reading, cpu_count)


def machine_cores():
    """Every core of the machine (the host's, in a container)."""
    return os.cpu_count() or cpu_count()


def n_threads(n_jobs):
    """Threads for an explicit ``n_jobs``: itself when positive, ``cpu_count() + 1 +
    n_jobs`` when negative (-1: every core), at least one. (None is
    ``limit_threads``'s rule: it needs the count BLAS had when the call entered.)"""
    return max(1, n_jobs if n_jobs > 0 else cpu_count() + 1 + n_jobs)


def _set(threads):
    """Set the BLAS thread count of the active call (under ``_lock``)."""
    if _active["limiter"] is None:
        _active["limiter"] = _controller().limit(limits=threads)
    else:
        _controller().limit(limits=threads)  # restored by the first limiter
    _active["threads"] = threads


# Calls on fewer rows run on one thread at n_jobs=None: their products are too small
# to share. Idle, a one-row RBM transform took 400 us on two threads and 260 us on one;
# a minibatch of 10 rows gained 5% from a second thread, one of 32 20%.
SMALL_ROWS = 16


@contextmanager
def limit_threads(n_jobs, n_rows=None):
    """Run the block with the BLAS threads of ``n_jobs``, then restore the previous
    counts, also when the block raises.

    ``None`` takes the cores other processes leave free at entry (``free_cores``),
    one for a call on fewer than ``SMALL_ROWS`` rows (``n_rows``, when the caller
    knows it), never more than BLAS has now: a plain process's BLAS uses every core, and
    joblib's loky workers cap theirs at ``cpu_count // n_jobs``, so parallel fits do
    not oversubscribe. ``refresh`` looks again during a long fit. The limit is
    process-wide, as BLAS's thread pool is: calls that run at once in threads share
    the limit of the first one, and the counts come back when the last one ends.
    skgen's Numba kernels are single-threaded; their products are BLAS calls into
    numpy's OpenBLAS, which this limit governs.
    """
    free = free_cores() if n_jobs is None else None  # read outside the lock
    with _lock:
        if _active["count"] == 0:
            _active["n_jobs"] = n_jobs
            _active["limiter"] = None
            current = blas_threads()
            small = n_rows is not None and n_rows < SMALL_ROWS
            _active["ceiling"] = 1 if small else current
            if n_jobs is None:
                threads = min(_active["ceiling"], free)
            else:
                threads = n_threads(n_jobs)
            if threads != current:
                _set(threads)
            else:
                _active["threads"] = threads
        _active["count"] += 1
    try:
        yield
    finally:
        with _lock:
            _active["count"] -= 1
            if _active["count"] == 0:
                if _active["limiter"] is not None:
                    _active["limiter"].restore_original_limits()
                _active["limiter"] = None


def refresh():
    """Inside a call with ``n_jobs=None``, follow the machine's load: set the free
    cores again (at most what BLAS had before the call). Called once per training
    epoch; a no-op for an explicit ``n_jobs``, outside a call, or inside
    ``one_thread``."""
    if _active["count"] == 0 or _active["n_jobs"] is not None:
        return  # a stale look is harmless: checked again under the lock
    free = free_cores()
    with _lock:
        if _active["count"] == 0 or _active["n_jobs"] is not None:
            return
        if _active["single"]:
            return
        threads = min(_active["ceiling"], free)
        if threads != _active["threads"]:
            _set(threads)


@contextmanager
def one_thread():
    """Run the block on one BLAS thread, then go back to the count before it.

    For work made of small products that alternate between numpy's OpenBLAS and
    SciPy's (scikit-learn's GaussianMixture: ``np.dot`` and ``solve_triangular`` on
    30-column codes): each library keeps its own thread pool, whose waiting threads
    spin while the other works, and two threads made such a fit slower than one even
    on an idle machine (benchmarks/RESULTS.md). ``refresh`` leaves the count alone
    until the block ends. Blocks running at once in threads share one limit: the
    first to enter saves the count, the last to leave restores it."""
    with _lock:
        if _active["single"] == 0:
            _active["before_single"] = blas_threads()
            _controller().limit(limits=1)
        _active["single"] += 1
    try:
        yield
    finally:
        with _lock:
            _active["single"] -= 1
            if _active["single"] == 0:
                _controller().limit(limits=_active["before_single"])


def granted_threads():
    """The thread count of the active call (``limit_threads``), 1 outside one."""
    return _active["threads"] if _active["count"] else 1


def map_in_threads(func, items, done=None):
    """``[func(item) for item in items]``, the items spread over the threads that
    the active call was granted, each on one BLAS thread: for independent pieces of
    work in nogil kernels whose element-wise parts would run on one core beside a
    multi-threaded product. The results do not depend on the thread count.
    ``done(index, result)``, if given, is called in the caller's thread for each
    item in order, as its result arrives."""
    threads = min(granted_threads(), len(items))
    results = []
    with contextlib.ExitStack() as stack:
        if threads > 1:
            stack.enter_context(one_thread())
            pool = stack.enter_context(ThreadPoolExecutor(threads))
            arriving = pool.map(func, items)
        else:
            arriving = map(func, items)
        for index, result in enumerate(arriving):
            results.append(result)
            if done is not None:
                done(index, result)
    return results


N_JOBS_DESCRIPTION = """\
        BLAS threads for every call that computes (``fit``, ``transform``,
        ``score``, ``sample``, ``log_likelihood``, ...); ``-1``: every core, ``-2``:
        all but one. ``None``: the cores that other processes leave free when the
        call starts (one for a call on fewer than 16 rows, whose products are too
        small to share), looked at again every training epoch, and never more than the
        BLAS library's own setting (joblib's loky workers cap that at
        ``cpu_count // n_jobs``, so parallel fits do not oversubscribe). On a busy
        machine that is one thread: OpenBLAS's waiting threads spin, and threads
        competing with other processes for the cores made calls many times slower
        than one thread (benchmarks/RESULTS.md). Products split over a different
        number of threads can round differently in the last bit, so networks fitted
        twice with the same ``random_state`` while the machine's load changed may
        differ slightly; set ``n_jobs`` for bit-for-bit repeatable fits. The
        previous counts are restored after each call. The count is process-wide:
        calls running at once in threads share the first one's.
"""


def document_n_jobs(cls):
    """Class decorator: write the shared ``n_jobs`` entry into the docstring, where
    it says ``N_JOBS_DESCRIPTION``."""
    cls.__doc__ = cls.__doc__.replace(
        "        N_JOBS_DESCRIPTION\n", N_JOBS_DESCRIPTION
    )
    return cls


def threaded(method):
    """Decorate an estimator method to run under ``limit_threads(self.n_jobs)``,
    telling it the rows of its first argument when that is a 2-D array (dense,
    sparse or a DataFrame)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        shape = getattr(args[0], "shape", None) if args else None
        n_rows = shape[0] if shape is not None and len(shape) == 2 else None
        with limit_threads(self.n_jobs, n_rows):
            return method(self, *args, **kwargs)

    wrapper.threaded = True
    return wrapper
