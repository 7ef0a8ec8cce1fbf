"""Fused element-wise kernels shared by the RBM and network code.

Each takes the pre-activation a matrix product has just written and finishes the layer
in one pass over it (bias, nonlinearity, and where asked a Bernoulli or Gaussian draw),
so that no temporaries are created between BLAS calls.
"""

import numpy as np
from numba import njit

from ._random import standard_normal, uniform


@njit(nogil=True, cache=True, inline="always")
def sigmoid(x):
    """Logistic function, stable for large ``|x|``."""
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(x)
    return e / (1.0 + e)


@njit(nogil=True, cache=True, inline="always")
def softplus(x):
    """``log(1 + exp(x))`` without overflow."""
    if x > 0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@njit(nogil=True, cache=True)
def add_bias_sigmoid(act, bias):
    """``act <- sigmoid(act + bias)`` row by row, in place."""
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] = sigmoid(act[i, j] + bias[j])


@njit(nogil=True, cache=True)
def add_bias_sigmoid_sample(act, bias, state):
    """``act <- Bernoulli(sigmoid(act + bias))`` as 0.0 / 1.0, in place."""
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] = 1.0 if uniform(state) < sigmoid(act[i, j] + bias[j]) else 0.0


@njit(nogil=True, cache=True)
def add_bias_normal_sample(act, bias, state):
    """``act <- act + bias + N(0, 1)`` in place: unit-variance Gaussian units."""
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] = act[i, j] + bias[j] + standard_normal(state)


@njit(nogil=True, cache=True)
def add_bias(act, bias):
    """``act <- act + bias`` in place (the mean of Gaussian units)."""
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] += bias[j]


@njit(nogil=True, cache=True)
def bernoulli_sample(prob, out, state):
    """``out <- Bernoulli(prob)`` as 0.0 / 1.0 (``out`` may be ``prob``)."""
    n, m = prob.shape
    for i in range(n):
        for j in range(m):
            out[i, j] = 1.0 if uniform(state) < prob[i, j] else 0.0
