"""Counter-based pseudo-random numbers for jitted code, with explicit state.

Kernels never touch a global generator: the caller seeds a ``state`` array from
``sklearn.utils.check_random_state`` and passes it in, so the same ``random_state``
gives the same model even when several fits run in threads at once.

The generator is SplitMix64 (Steele, Lea & Flood 2014; Java's ``SplittableRandom``):
draw ``i`` is ``mix(key + (i + 1) * GAMMA)``. ``state`` is ``[key, counter]``. Because
a draw is a pure function of its index, a kernel that fills an array reads draw
``counter + k`` for element ``k`` (row-major) and then advances the counter: the loop
has no dependency between elements, so LLVM vectorizes it, and the result is the same
as drawing the numbers one by one with :func:`uniform`.
"""

import numpy as np
from numba import types
from numba.extending import overload

from ._jit import inline_kernel, kernel

_U64 = np.uint64
_GAMMA = _U64(0x9E3779B97F4A7C15)
_TO_UNIT = np.float64(1.0 / 9007199254740992.0)  # 2 ** -53
_TO_UNIT32 = np.float32(2.0**-24)


def new_state(random_state):
    """A fresh ``[key, counter]`` state seeded from a ``RandomState`` instance."""
    high, low = random_state.randint(0, 2**31, size=2).astype(np.uint64)
    state = np.array([(high << np.uint64(32)) | low, 0], dtype=np.uint64)
    state[0] = random_bits(state[0], _U64(0))  # spread the seed's bits over the key
    return state


@inline_kernel
def random_bits(key, index):
    """64 random bits: draw number ``index`` of the stream ``key``."""
    z = key + (index + _U64(1)) * _GAMMA
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


@inline_kernel
def random_uniform(key, index):
    """Draw ``index`` of stream ``key`` as a float64 uniform on [0, 1) (53 bits)."""
    return np.float64(random_bits(key, index) >> _U64(11)) * _TO_UNIT


def random_uniform_like(x, key, index):
    """Draw ``index`` of stream ``key`` as a uniform on [0, 1) in the precision of
    ``x`` (jitted code only): float64 as :func:`random_uniform`; float32 from the
    draw's top 24 bits, converted as a 32-bit integer, which vectorizes on every
    x86 (a 64-bit integer's conversion needs AVX-512)."""
    raise NotImplementedError("random_uniform_like is for jitted code")


@overload(random_uniform_like, inline="always")
def _random_uniform_like(x, key, index):
    if x == types.float32:
        return lambda x, key, index: (
            np.float32(np.int32(random_bits(key, index) >> _U64(40))) * _TO_UNIT32
        )
    if isinstance(x, types.Float):
        return lambda x, key, index: random_uniform(key, index)
    return None


@kernel
def next_u64(state):
    """The next 64 random bits of ``state``, advancing it by one draw."""
    z = random_bits(state[0], state[1])
    state[1] += _U64(1)
    return z


@kernel
def uniform(state):
    """The next float64 uniform on [0, 1) of ``state``, advancing it by one draw."""
    u = random_uniform(state[0], state[1])
    state[1] += _U64(1)
    return u


@kernel
def standard_normal(state):
    """A standard normal draw (Box-Muller; uses two uniforms, discards the sine)."""
    u1 = 1.0 - uniform(state)  # (0, 1]: log is finite
    u2 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@inline_kernel
def _stirling_tail(x):
    """The Stirling series' correction ``log(x!) - (Stirling's approximation)`` to
    five terms, as BTPE's exact acceptance test uses it."""
    x2 = x * x
    return (
        (13680.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2)
        / x
        / 166320.0
    )


@kernel
def _binomial_inversion(n, p, key, index):
    """Binomial(n, p) for ``p <= 1/2`` and a small mean ``n p``, by inversion: one
    uniform walked down the probabilities ``P(0), P(1), ...`` (expected ``n p + 1``
    steps); a walk past ``np + 10 sd`` (rounding) starts again with a new uniform.
    Returns the count and the index of the next unused draw."""
    q = 1.0 - p
    first = np.exp(n * np.log1p(-p))
    mean = n * p
    bound = min(n, int(mean + 10.0 * np.sqrt(mean * q + 1.0)))
    while True:
        u = random_uniform(key, index)
        index += _U64(1)
        x = 0
        px = first
        while u > px and x <= bound:
            x += 1
            u -= px
            px *= (n - x + 1) * p / (x * q)
        if x <= bound:
            return x, index


@kernel
def _binomial_btpe(n, p, key, index):
    """Binomial(n, p) for ``p <= 1/2`` and ``n p > 30``: Kachitvichyanukul &
    Schmeiser's BTPE (1988), acceptance-rejection from a triangle, two
    parallelograms and two exponential tails around the mode, with a squeeze and
    then the exact test through Stirling's series (about 2.5 uniforms per draw).
    Returns the count and the index of the next unused draw."""
    q = 1.0 - p
    npq = n * p * q
    fm = n * p + p
    m = int(np.floor(fm))
    p1 = np.floor(2.195 * np.sqrt(npq) - 4.6 * q) + 0.5
    xm = m + 0.5
    xl = xm - p1
    xr = xm + p1
    c = 0.134 + 20.5 / (15.3 + m)
    a = (fm - xl) / (fm - xl * p)
    lam_left = a * (1.0 + a / 2.0)
    a = (xr - fm) / (xr * q)
    lam_right = a * (1.0 + a / 2.0)
    p2 = p1 * (1.0 + 2.0 * c)
    p3 = p2 + c / lam_left
    p4 = p3 + c / lam_right
    while True:
        u = random_uniform(key, index) * p4
        v = random_uniform(key, index + _U64(1))
        index += _U64(2)
        if u <= p1:  # the triangle: accepted at once
            return int(np.floor(xm - p1 * v + u)), index
        if u <= p2:  # the parallelograms
            x = xl + (u - p1) / c
            v = v * c + 1.0 - abs(m - x + 0.5) / p1
            if v > 1.0:
                continue
            y = int(np.floor(x))
        elif u <= p3:  # the left tail
            if v == 0.0:
                continue
            y = int(np.floor(xl + np.log(v) / lam_left))
            if y < 0:
                continue
            v = v * (u - p2) * lam_left
        else:  # the right tail
            if v == 0.0:
                continue
            y = int(np.floor(xr - np.log(v) / lam_right))
            if y > n:
                continue
            v = v * (u - p3) * lam_right
        k = abs(y - m)
        if k <= 20 or k >= npq / 2.0 - 1.0:
            # f(y) / f(m) by the recursion of the probabilities
            s = p / q
            a = s * (n + 1)
            f = 1.0
            if m < y:
                for i in range(m + 1, y + 1):
                    f *= a / i - s
            else:
                for i in range(y + 1, m + 1):
                    f /= a / i - s
            if v <= f:
                return y, index
            continue
        # squeeze on log(v), then the exact test
        rho = (k / npq) * ((k * (k / 3.0 + 0.625) + 1.0 / 6.0) / npq + 0.5)
        t = -k * k / (2.0 * npq)
        log_v = np.log(v)
        if log_v < t - rho:
            return y, index
        if log_v > t + rho:
            continue
        x1 = y + 1.0
        f1 = m + 1.0
        z = n + 1.0 - m
        w = n - y + 1.0
        bound = (
            xm * np.log(f1 / x1)
            + (n - m + 0.5) * np.log(z / w)
            + (y - m) * np.log(w * p / (x1 * q))
            + _stirling_tail(f1)
            + _stirling_tail(z)
            + _stirling_tail(x1)
            + _stirling_tail(w)
        )
        if log_v <= bound:
            return y, index


@kernel
def binomial(n, p, key, index):
    """A Binomial(n, p) draw from stream ``key``, starting at draw ``index``; returns
    the count and the index of the next unused draw (the number of uniforms used
    varies). Exact: inversion for means up to 30, BTPE above, as numpy does, on
    ``min(p, 1 - p)``."""
    index = _U64(index)  # an int64 would make ``index + 1`` a float64
    if n <= 0 or p <= 0.0:
        return 0, index
    if p >= 1.0:
        return n, index
    flip = p > 0.5
    r = 1.0 - p if flip else p
    if n * r <= 30.0:
        y, index = _binomial_inversion(n, r, key, index)
    else:
        y, index = _binomial_btpe(n, r, key, index)
    return (n - y if flip else y), index
