"""``exp`` and ``log(1 + x)`` written out in arithmetic, so that LLVM vectorizes the
loops that call them.

A call to libm's ``exp`` keeps a loop scalar (numba has no vector math library unless
Intel's SVML happens to be on the loader path). These are Cephes' ``expf`` and ``exp``:
range reduction ``x = n ln2 + r`` with ``|r| <= ln2 / 2``, a polynomial (float32) or
Padé form (float64) for ``exp(r)``, and ``2**n`` built from its exponent bits. Relative
error about 1 ulp over the clamped range; inputs are clamped to [-87, 87] (float32) or
[-708, 708] (float64) so that the result and ``1 / (1 + result)`` stay finite and
normal: subnormal numbers cost about a hundred times a normal flop.
:func:`log1p_unit` is ``log(1 + e)`` for ``e`` in [0, 1], the part of ``softplus``
that needs a logarithm.
"""

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

from ._jit import inline_kernel


@intrinsic
def _bits_as_float32(typingctx, bits):
    """The float32 whose bit pattern is the low 32 bits of integer ``bits``."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        low = context.cast(builder, args[0], signature.args[0], types.int32)
        return builder.bitcast(low, ir.FloatType())

    return types.float32(bits), codegen


@intrinsic
def _bits_as_float64(typingctx, bits):
    """The float64 whose bit pattern is integer ``bits`` (64 bits)."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        full = context.cast(builder, args[0], signature.args[0], types.int64)
        return builder.bitcast(full, ir.DoubleType())

    return types.float64(bits), codegen


@inline_kernel
def exp32(x):
    """float32 ``exp`` (Cephes ``expf``)."""
    x = min(max(x, np.float32(-87.0)), np.float32(87.0))
    n = np.floor(x * np.float32(1.44269504088896341) + np.float32(0.5))
    r = x - n * np.float32(0.693359375) + n * np.float32(2.12194440e-4)
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    p = p * (r * r) + r + np.float32(1.0)
    return p * _bits_as_float32((np.int32(n) + 127) << 23)


@inline_kernel
def exp64(x):
    """float64 ``exp`` (Cephes ``exp``)."""
    x = min(max(x, -708.0), 708.0)
    n = np.floor(x * 1.4426950408889634073599 + 0.5)
    r = x - n * 6.93145751953125e-1 - n * 1.42860682030941723212e-6
    rr = r * r
    p = (
        (1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr
        + 9.99999999999999999910e-1
    ) * r
    q = (
        (3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr
        + 2.27265548208155028766e-1
    ) * rr + 2.00000000000000000009e0
    e = 1.0 + 2.0 * p / (q - p)
    # 2**n in two factors, so that n = 1024 (x near 709) does not overflow the exponent.
    k = np.int64(n)
    half = k >> 1
    scale1 = _bits_as_float64((half + 1023) << 52)
    scale2 = _bits_as_float64((k - half + 1023) << 52)
    return e * scale1 * scale2


def fast_exp(x):
    """``exp(x)`` in the precision of ``x``, vectorizable (jitted code only)."""
    raise NotImplementedError("fast_exp is for jitted code")


@overload(fast_exp, inline="always")
def _fast_exp(x):
    if x == types.float32:
        return lambda x: exp32(x)
    if isinstance(x, types.Float):
        return lambda x: exp64(x)
    return None


def one_like(x):
    """``1`` in the precision of ``x`` (float32 stays float32; jitted code only)."""
    raise NotImplementedError("one_like is for jitted code")


@overload(one_like, inline="always")
def _one_like(x):
    if x == types.float32:
        return lambda x: np.float32(1.0)
    if isinstance(x, types.Float):
        return lambda x: 1.0
    return None


# 1 / (2n + 1) for n = 0..11: the series 2 atanh(s) / (2 s) in powers of s**2.
_ATANH_SERIES = tuple(1.0 / (2 * n + 1) for n in range(12))
_LN2 = 0.6931471805599453
_SQRT2 = 1.4142135623730951


@inline_kernel
def log1p_unit(e):
    """``log(1 + e)`` for float64 ``e`` in [0, 1], to about 1 ulp.

    ``y = 1 + e`` is halved when above sqrt(2), so ``y`` lies in [0.707, 1.414] and
    ``log(y) = 2 atanh(s)`` with ``s = (y - 1) / (y + 1)``, ``|s| <= 0.172``: twelve
    terms of the series in ``s**2`` reach double precision. ``s`` is formed from
    ``e`` directly (``e / (2 + e)``, or ``(e - 1) / (e + 3)`` after halving), so tiny
    ``e`` keep their relative precision. No table, and only selects, which vectorize.
    """
    big = e > _SQRT2 - 1.0
    s = (e - 1.0) / (e + 3.0) if big else e / (2.0 + e)
    s2 = s * s
    p = _ATANH_SERIES[11]
    for n in range(10, -1, -1):
        p = p * s2 + _ATANH_SERIES[n]
    return 2.0 * s * p + (_LN2 if big else 0.0)
