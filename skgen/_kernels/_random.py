"""Counter-free pseudo-random numbers for jitted code, with explicit state.

Kernels never touch a global generator: the caller seeds a ``state`` array (4 x uint64,
xoshiro256**) from ``sklearn.utils.check_random_state`` and passes it in, so the same
``random_state`` gives the same model even when several fits run in threads at once.
"""

import numpy as np
from numba import njit

_U64 = np.uint64
_MASK53 = np.float64(1.0 / 9007199254740992.0)  # 2 ** -53


def new_state(random_state):
    """Return a fresh xoshiro256** state seeded from a ``RandomState`` instance."""
    seed = random_state.randint(0, 2**31 - 1, size=4).astype(np.uint64)
    state = np.empty(4, dtype=np.uint64)
    seed_state(state, seed)
    return state


@njit(nogil=True, cache=True)
def _splitmix64(x):
    x = x + _U64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x, z ^ (z >> _U64(31))


@njit(nogil=True, cache=True)
def seed_state(state, seed):
    """Fill ``state`` from four seed words through splitmix64 (never all zero)."""
    x = _U64(0)
    for i in range(4):
        x = x ^ seed[i]
        x, z = _splitmix64(x)
        state[i] = z


@njit(nogil=True, cache=True)
def _rotl(x, k):
    return (x << _U64(k)) | (x >> _U64(64 - k))


@njit(nogil=True, cache=True)
def next_u64(state):
    """Advance ``state`` and return the next 64 random bits."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    result = _rotl(s1 * _U64(5), 7) * _U64(9)
    t = s1 << _U64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return result


@njit(nogil=True, cache=True)
def uniform(state):
    """A float64 uniform on [0, 1) with 53 random bits."""
    return np.float64(next_u64(state) >> _U64(11)) * _MASK53


@njit(nogil=True, cache=True)
def standard_normal(state):
    """A standard normal draw (Box-Muller; the sine branch is discarded)."""
    u1 = 1.0 - uniform(state)  # (0, 1]: log is finite
    u2 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
