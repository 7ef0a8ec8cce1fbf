"""BLAS matrix products callable from jitted code, with ``alpha`` and ``beta``.

``np.dot`` inside ``@njit`` always allocates or overwrites its output; the CD update
``W <- lr * H^T V + (1 - lr * weight_decay) * W`` is one GEMM when ``beta`` is exposed.
We call the same ``numba_xxgemm`` helper that numba's own ``np.dot`` uses (it binds to
SciPy's BLAS), declared by symbol name so that kernels using it can be cached on disk.
"""

import numpy as np
from numba import njit, types
from numba.np.linalg import ensure_blas

ensure_blas()

_xxgemm = types.ExternalFunction(
    "numba_xxgemm",
    types.intc(
        types.char,  # kind: 'd' or 's'
        types.char,  # transa
        types.char,  # transb
        types.intp,  # m
        types.intp,  # n
        types.intp,  # k
        types.voidptr,  # alpha
        types.voidptr,  # a
        types.intp,  # lda
        types.voidptr,  # b
        types.intp,  # ldb
        types.voidptr,  # beta
        types.voidptr,  # c
        types.intp,  # ldc
    ),
)

_N = 110  # ord("n")
_T = 116  # ord("t")


@njit(nogil=True, cache=True)
def gemm(trans_a, trans_b, alpha, a, b, beta, c):
    """``c <- alpha * op(a) @ op(b) + beta * c`` for C-contiguous 2-D arrays.

    ``op(x)`` is ``x.T`` when the matching ``trans_*`` flag is true. All three arrays
    must share one dtype (float32 or float64) and be C-contiguous; ``c`` is written in
    place. Row-major ``c = a @ b`` is column-major ``c.T = b.T @ a.T``, hence the swap.
    """
    m, n = c.shape
    k = a.shape[0] if trans_a else a.shape[1]
    if m == 0 or n == 0:
        return
    scalars = np.empty(2, c.dtype)
    scalars[0] = alpha
    scalars[1] = beta
    if k == 0:  # BLAS may not be called with k == 0; beta == 0 overwrites, as BLAS does
        for i in range(m):
            for j in range(n):
                c[i, j] = 0.0 if beta == 0 else c[i, j] * scalars[1]
        return
    kind = 100 if c.itemsize == 8 else 115
    _xxgemm(
        kind,
        _T if trans_b else _N,
        _T if trans_a else _N,
        n,
        m,
        k,
        scalars[0:].ctypes,
        b.ctypes,
        b.shape[1],
        a.ctypes,
        a.shape[1],
        scalars[1:].ctypes,
        c.ctypes,
        n,
    )
