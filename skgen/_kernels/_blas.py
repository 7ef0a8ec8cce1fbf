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
from llvmlite import ir
from numba.core import cgutils, errors, types
from numba.extending import get_cython_function_address, intrinsic


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

_N = 78  # ord("N")
_T = 84  # ord("T")


@intrinsic
def gemm(typingctx, trans_a, trans_b, alpha, a, b, beta, c):
    """``c <- alpha * op(a) @ op(b) + beta * c`` for C-contiguous 2-D arrays, in jitted
    code.

    ``op(x)`` is ``x.T`` when the matching ``trans_*`` flag is true. All three arrays
    must share one dtype (float32 or float64) and be typed C-contiguous (a C array or a
    row slice of one): anything else is refused when the calling kernel compiles.
    ``c`` is written in place. Row-major ``c = a @ b`` is column-major
    ``c.T = b.T @ a.T``, hence the swap of operands.

    Written as LLVM instructions, not as a jitted function: every scalar goes to a
    stack slot made once in the calling function, so a call allocates nothing, and
    there is no kernel of its own to compile (as a jitted function it compiled once
    per combination of constant flags, 0.6-1.4 s each on a cold cache). Leading
    dimensions are at least 1, as BLAS requires also of empty arrays; BLAS returns at
    once when ``c`` is empty and only scales ``c`` by ``beta`` when the inner
    dimension is 0.
    """
    arrays = (a, b, c)
    if not all(isinstance(x, types.Array) for x in arrays):
        return None
    if not all(x.ndim == 2 and x.layout == "C" for x in arrays):
        raise errors.TypingError(
            "gemm needs 2-D arrays with contiguous rows (C order), got "
            + ", ".join(str(x) for x in arrays)
        )
    if c.dtype not in (types.float32, types.float64) or not (
        a.dtype == b.dtype == c.dtype
    ):
        raise errors.TypingError(
            "gemm needs float32 or float64 arrays of one dtype, got "
            + ", ".join(str(x.dtype) for x in arrays)
        )
    symbol = "skgen_dgemm" if c.dtype == types.float64 else "skgen_sgemm"
    signature = types.void(trans_a, trans_b, alpha, a, b, beta, c)

    def codegen(context, builder, signature, args):
        trans_a, trans_b, alpha, a, b, beta, c = args
        flag_ty, _, scalar_ty, array_ty = signature.args[:4]
        i8, i64 = ir.IntType(8), ir.IntType(64)
        one = i64(1)

        def shape(value):
            array = context.make_array(array_ty)(context, builder, value)
            rows, cols = cgutils.unpack_tuple(builder, array.shape, 2)
            data = builder.bitcast(array.data, cgutils.voidptr_t)
            return rows, cols, data

        def flag(value, ty):
            is_set = context.cast(builder, value, ty, types.boolean)
            return builder.select(is_set, i8(_T), i8(_N))

        def by_pointer(value):
            slot = cgutils.alloca_once(builder, value.type)
            builder.store(value, slot)
            return builder.bitcast(slot, cgutils.voidptr_t)

        def at_least_one(value):
            return builder.select(builder.icmp_signed("<", value, one), one, value)

        def scalar(value, ty):
            return context.cast(builder, value, ty, array_ty.dtype)

        a_rows, a_cols, a_data = shape(a)
        b_rows, b_cols, b_data = shape(b)
        m, n, c_data = shape(c)
        trans_a_is_set = context.cast(builder, trans_a, flag_ty, types.boolean)
        k = builder.select(trans_a_is_set, a_rows, a_cols)
        arguments = [
            flag(trans_b, signature.args[1]),
            flag(trans_a, flag_ty),
            n,
            m,
            k,
            scalar(alpha, scalar_ty),
            b_data,
            at_least_one(b_cols),  # leading dimensions: the row lengths
            a_data,
            at_least_one(a_cols),
            scalar(beta, signature.args[5]),
            c_data,
            at_least_one(n),
        ]
        pointers = [
            x if x.type == cgutils.voidptr_t else by_pointer(x) for x in arguments
        ]
        function_type = ir.FunctionType(ir.VoidType(), [cgutils.voidptr_t] * 13)
        blas = cgutils.get_or_insert_function(builder.module, function_type, symbol)
        builder.call(blas, pointers)
        return context.get_dummy_value()

    return signature, codegen
