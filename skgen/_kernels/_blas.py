"""BLAS matrix products callable from jitted code, with ``alpha`` and ``beta``.

``np.dot`` inside ``@njit`` always allocates or overwrites its output; the CD update
``W <- lr * H^T V + (1 - lr * weight_decay) * W`` is one GEMM when ``beta`` is exposed.

Which BLAS: numpy's own when it is the OpenBLAS that numpy's wheels ship
(``scipy_openblas64_``), else SciPy's (``scipy.linalg.cython_blas``, what numba's
``np.dot`` uses); the environment variable ``SKGEN_BLAS=scipy`` forces SciPy's.
Using numpy's matters: two OpenBLAS libraries in one process keep two thread pools,
and the idle one spins while the other works, which slowed skgen's fits by 15-35%
when a scikit-learn estimator had just run. The address found at import is
registered with LLVM under a fixed name (``skgen_sgemm`` / ``skgen_dgemm``), so kernels
that call it are still cached on disk and bind to this process's library when loaded.

Both libraries take the Fortran interface (every argument by pointer). Integer arguments
are written as int64: read as int32 by an LP64 library, a little-endian int64 holding a
value below 2**31 reads as that value, so one call serves both.
"""

import ctypes
import glob
import os
import sys

import llvmlite.binding as llvm
import numpy as np
from numba import types
from numba.extending import get_cython_function_address

from ._jit import inline_kernel, kernel


def _numpy_openblas_gemm():
    """Addresses of numpy's bundled ILP64 OpenBLAS ``sgemm`` / ``dgemm``, or None."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "libscipy_openblas64_*.so*"))):
        try:
            lib = ctypes.CDLL(path)  # numpy has loaded it already: the same handle
            return tuple(
                ctypes.cast(getattr(lib, name), ctypes.c_void_p).value
                for name in ("scipy_sgemm_64_", "scipy_dgemm_64_")
            )
        except (OSError, AttributeError):
            continue
    return None


def _register_gemm():
    if sys.byteorder != "little":  # the int64-for-int32 trick above needs it
        raise ImportError("skgen's BLAS binding needs a little-endian machine")
    found = None if os.environ.get("SKGEN_BLAS") == "scipy" else _numpy_openblas_gemm()
    if found is None:
        found = tuple(
            get_cython_function_address("scipy.linalg.cython_blas", name)
            for name in ("sgemm", "dgemm")
        )
        source = "scipy.linalg.cython_blas"
    else:
        source = "numpy's OpenBLAS (scipy_openblas64_)"
    llvm.add_symbol("skgen_sgemm", found[0])
    llvm.add_symbol("skgen_dgemm", found[1])
    return source


BLAS_SOURCE = _register_gemm()

_fortran_gemm = types.void(*([types.voidptr] * 13))
_sgemm = types.ExternalFunction("skgen_sgemm", _fortran_gemm)
_dgemm = types.ExternalFunction("skgen_dgemm", _fortran_gemm)

_N = 78  # ord("N")
_T = 84  # ord("T")


@inline_kernel
def _rows_contiguous(x):
    """Rows of ``x`` are contiguous and follow each other, as BLAS will read them."""
    if x.size == 0:
        return True
    row_ok = x.shape[1] == 1 or x.strides[1] == x.itemsize
    return row_ok and (x.shape[0] == 1 or x.strides[0] == x.shape[1] * x.itemsize)


@kernel
def gemm(trans_a, trans_b, alpha, a, b, beta, c):
    """``c <- alpha * op(a) @ op(b) + beta * c`` for C-contiguous 2-D arrays.

    ``op(x)`` is ``x.T`` when the matching ``trans_*`` flag is true. All three arrays
    must share one dtype (float32 or float64) and have contiguous rows (a C-contiguous
    array or a row slice of one); ``c`` is written in place. Row-major ``c = a @ b`` is
    column-major ``c.T = b.T @ a.T``, hence the swap of operands.
    """
    m, n = c.shape
    k = a.shape[0] if trans_a else a.shape[1]
    if m == 0 or n == 0:
        return
    if not (_rows_contiguous(a) and _rows_contiguous(b) and _rows_contiguous(c)):
        raise ValueError("gemm needs arrays with contiguous rows (C order)")
    scalars = np.empty(2, c.dtype)
    scalars[0] = alpha
    scalars[1] = beta
    if k == 0:  # BLAS may not be called with k == 0; beta == 0 overwrites, as BLAS does
        for i in range(m):
            for j in range(n):
                c[i, j] = 0.0 if beta == 0 else c[i, j] * scalars[1]
        return
    ints = np.empty(6, np.int64)
    ints[0] = n
    ints[1] = m
    ints[2] = k
    ints[3] = b.shape[1]  # leading dimensions: the row lengths
    ints[4] = a.shape[1]
    ints[5] = n
    flags = np.empty(2, np.uint8)
    flags[0] = _T if trans_b else _N
    flags[1] = _T if trans_a else _N
    args = (
        flags[0:].ctypes,
        flags[1:].ctypes,
        ints[0:].ctypes,
        ints[1:].ctypes,
        ints[2:].ctypes,
        scalars[0:].ctypes,
        b.ctypes,
        ints[3:].ctypes,
        a.ctypes,
        ints[4:].ctypes,
        scalars[1:].ctypes,
        c.ctypes,
        ints[5:].ctypes,
    )
    if c.itemsize == 8:
        _dgemm(*args)
    else:
        _sgemm(*args)
