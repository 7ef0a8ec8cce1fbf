"""Fused element-wise kernels shared by the RBM and network code.

Each takes the pre-activation a matrix product has just written and finishes the layer
in one pass over it (bias, nonlinearity, and where asked a Bernoulli or Gaussian draw),
so that no temporaries are created between BLAS calls. The loops are written so that
LLVM vectorizes them: ``exp`` is :func:`fast_exp`, random numbers are indexed draws of a
counter-based stream (see ``_random``), and ``error_model="numpy"`` drops the
zero-division checks that would keep a loop scalar.
"""

import numpy as np

from ._fastexp import fast_exp, log1p_unit, one_like
from ._jit import inline_kernel, kernel
from ._random import random_uniform_like, standard_normal

_U64 = np.uint64


@inline_kernel
def sigmoid(x):
    """Logistic function in the precision of ``x``; no overflow (``exp`` is clamped)."""
    one = one_like(x)
    return one / (one + fast_exp(-x))


@inline_kernel
def softplus(x):
    """``log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|))`` in float64, without
    overflow and vectorizable.

    Below 1e-17, ``log(1 + e)`` is ``e`` to double precision; the series is then fed
    a clamped value, because a vector select computes both sides and subnormal
    intermediates (``e / (2 + e)`` near 1e-308) cost a hundred times a normal flop.
    """
    x = np.float64(x)
    e = fast_exp(-abs(x)) if abs(x) < 708.0 else 0.0  # fast_exp would clamp at e**-708
    series = log1p_unit(max(e, 1e-30))
    return max(x, 0.0) + (e if e < 1e-17 else series)


@kernel
def add_bias_sigmoid(act, bias):
    """``act <- sigmoid(act + bias)`` row by row, in place."""
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] = sigmoid(act[i, j] + bias[j])


@kernel
def add_bias_sigmoid_sample(act, bias, state):
    """``act <- Bernoulli(sigmoid(act + bias))`` as 0.0 / 1.0, in place.

    Element ``(i, j)`` reads draw ``counter + i * m + j``; the counter then advances by
    ``n * m``.
    """
    n, m = act.shape
    key, base = state[0], state[1]
    for i in range(n):
        row = base + _U64(i) * _U64(m)
        for j in range(m):
            u = random_uniform_like(act[i, j], key, row + _U64(j))
            act[i, j] = 1.0 if u < sigmoid(act[i, j] + bias[j]) else 0.0
    state[1] = base + _U64(n) * _U64(m)


@kernel
def bernoulli_sample(prob, out, state):
    """``out <- Bernoulli(prob)`` as 0.0 / 1.0 (``out`` may be ``prob``); draws are
    indexed as in :func:`add_bias_sigmoid_sample`."""
    n, m = prob.shape
    key, base = state[0], state[1]
    for i in range(n):
        row = base + _U64(i) * _U64(m)
        for j in range(m):
            u = random_uniform_like(prob[i, j], key, row + _U64(j))
            out[i, j] = 1.0 if u < prob[i, j] else 0.0
    state[1] = base + _U64(n) * _U64(m)


@kernel
def add_bias_normal_sample(act, bias, state):
    """``act <- act + bias + N(0, 1)`` in place: unit-variance Gaussian units.

    Box-Muller draws are taken one after another (this loop stays scalar); Gaussian
    visible units are not on the hot path of the benchmarks.
    """
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] = act[i, j] + bias[j] + standard_normal(state)


@kernel
def add_bias_relu(act, bias):
    """``act <- max(0, act + bias)`` row by row, in place."""
    n, m = act.shape
    for i in range(n):
        for j in range(m):
            act[i, j] = max(act[i, j] + bias[j], 0.0)


@kernel
def noisy_relu_sample(mean, out, state):
    """``out <- max(0, mean + N(0, sigmoid(mean)))`` where ``mean > 0``, else 0
    (``out`` may be ``mean``): Nair & Hinton's (2010) noisy rectified linear units,
    drawn from the rectified mean ``max(0, x)``, so that a unit whose input is
    negative stays off. Draws taken one after another, as in
    :func:`add_bias_normal_sample`."""
    n, m = mean.shape
    for i in range(n):
        for j in range(m):
            x = mean[i, j]
            if x > 0.0:
                x = x + np.sqrt(sigmoid(x)) * standard_normal(state)
            out[i, j] = max(x, 0.0)


@kernel
def add_normal_noise(mean, out, state):
    """``out <- mean + N(0, 1)`` (``out`` may be ``mean``): draws taken one after
    another, as in :func:`add_bias_normal_sample`."""
    n, m = mean.shape
    for i in range(n):
        for j in range(m):
            out[i, j] = mean[i, j] + standard_normal(state)
