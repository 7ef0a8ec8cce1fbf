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

from ._jit import inline_kernel, kernel

_U64 = np.uint64
_GAMMA = _U64(0x9E3779B97F4A7C15)
_TO_UNIT = np.float64(1.0 / 9007199254740992.0)  # 2 ** -53


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
