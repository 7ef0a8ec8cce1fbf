"""Kernels of the classification RBM (Larochelle & Bengio, 2008): the sums over hidden
units that give each class its free energy, and their gradients.

``A`` is ``X @ W.T + c`` (n, n_hidden), from one BLAS product; ``V`` holds the class
weights as (n_classes, n_hidden). For sample ``i`` and class ``y`` the hidden units see
``o_yj = A[i, j] + V[y, j]``. Neither kernel stores the (n, n_classes, n_hidden)
tensor.

Both spend their time on ``exp(o_yj)``, ``n * n_classes * n_hidden`` of them, and
factor it: ``exp(+-o_yj) = exp(+-A[i, j]) * exp(+-V[y, j])``, so that only the
``(n + n_classes) * n_hidden`` exponentials of the factors are computed. With
``|A|, |V| <= 350`` (:data:`FACTOR_LIMIT`) every product is a normal float64; a row
beyond it takes the direct formulas.
"""

import numpy as np
from numba import njit

from ._activations import sigmoid, softplus
from ._fastexp import fast_exp
from ._jit import kernel
from ._random import random_uniform

FACTOR_LIMIT = 350.0
# Rows of factors multiplied before a logarithm: each is in [1, 2], so a product of
# 1,000 stays below 2 ** 1000, inside float64's range.
_PRODUCT_CHUNK = 1000

# The one kernel that may reassociate: the sum and the product over hidden units in
# _scores_factored are reductions, which LLVM vectorizes only if it may reorder them.
# Only "reassoc": no assumption that values are finite.
_reassociating_kernel = njit(
    nogil=True, cache=True, error_model="numpy", fastmath={"reassoc"}
)


@kernel
def _exp_neg(x, neg):
    """``neg <- exp(-x)`` in float64. True if every ``|x|`` is at most
    :data:`FACTOR_LIMIT` (False for NaN)."""
    small = True
    for j in range(x.shape[0]):
        v = np.float64(x[j])
        neg[j] = fast_exp(-v)
        small &= abs(v) <= FACTOR_LIMIT
    return small


@kernel
def _exp_pair(x, pos, neg):
    """``pos <- exp(x)`` and ``neg <- exp(-x)`` in float64; the flag of
    :func:`_exp_neg`."""
    for j in range(x.shape[0]):
        pos[j] = fast_exp(np.float64(x[j]))
    return _exp_neg(x, neg)


@kernel
def _class_factors(V):
    """``exp(V)``, ``exp(-V)`` (float64) and whether every ``|V|`` is at most
    :data:`FACTOR_LIMIT`."""
    EV, EV_neg = np.empty(V.shape), np.empty(V.shape)
    small = True
    for y in range(V.shape[0]):
        small &= _exp_pair(V[y], EV[y], EV_neg[y])
    return EV, EV_neg, small


@_reassociating_kernel
def _scores_factored(a, ea, ea_neg, V, EV, EV_neg, d, out):
    """``out[y] <- d[y] + sum_j softplus(a[j] + V[y, j])`` for one sample, with
    ``softplus(o) = max(o, 0) + log(1 + exp(-|o|))`` and ``exp(-|o|)`` the smaller of
    the two factored products. The logarithms are taken of products of up to
    ``_PRODUCT_CHUNK`` terms ``1 + exp(-|o|)``, one per chunk."""
    n_hidden = a.shape[0]
    for y in range(V.shape[0]):
        total = np.float64(d[y])
        for start in range(0, n_hidden, _PRODUCT_CHUNK):
            stop = min(start + _PRODUCT_CHUNK, n_hidden)
            # Slices, so that the loop runs from 0 and LLVM sees no negative index
            # (which would turn its loads into gathers).
            a_, ea_, ea_neg_ = a[start:stop], ea[start:stop], ea_neg[start:stop]
            v_, ev_, ev_neg_ = (
                V[y, start:stop],
                EV[y, start:stop],
                EV_neg[y, start:stop],
            )
            product = 1.0
            positive = 0.0
            for j in range(stop - start):
                o = np.float64(a_[j]) + np.float64(v_[j])
                product *= 1.0 + min(ea_[j] * ev_[j], ea_neg_[j] * ev_neg_[j])
                positive += max(o, 0.0)
            total += positive + np.log(product)
        out[y] = total


@kernel
def class_scores(A, V, d, out):
    """``out[i, y] <- d[y] + sum_j softplus(A[i, j] + V[y, j])``: minus the free energy
    of ``(x_i, y)`` with the hidden units summed out (float64, accumulated in float64).
    ``log p(y | x_i)`` is its log-softmax over ``y``."""
    n, n_hidden = A.shape
    n_classes = V.shape[0]
    EV, EV_neg, small_V = _class_factors(V)
    ea, ea_neg = np.empty(n_hidden), np.empty(n_hidden)
    for i in range(n):
        if _exp_pair(A[i], ea, ea_neg) and small_V:
            _scores_factored(A[i], ea, ea_neg, V, EV, EV_neg, d, out[i])
            continue
        for y in range(n_classes):
            total = np.float64(d[y])
            for j in range(n_hidden):
                total += softplus(A[i, j] + V[y, j])
            out[i, y] = total


@kernel
def class_weighted_hidden(A, V, G, H, grad_V):
    """``H[i, j] <- sum_y G[i, y] sigmoid(A[i, j] + V[y, j])`` and
    ``grad_V[y, j] <- sum_i G[i, y] sigmoid(A[i, j] + V[y, j])``.

    With ``G = p(y | x)`` the first is ``E[h | x]``; with ``G = onehot(y) - p(y | x)``
    both are the discriminative gradient's terms (for ``W`` through ``H.T @ X``, for
    ``c`` through ``H``'s column sums, and for ``V`` directly).
    """
    n, n_hidden = A.shape
    n_classes = V.shape[0]
    EV, EV_neg, small_V = _class_factors(V)
    ea_neg = np.empty(n_hidden)  # the sigmoid needs exp(-a) only
    for y in range(n_classes):
        for j in range(n_hidden):
            grad_V[y, j] = 0.0
    for i in range(n):
        for j in range(n_hidden):
            H[i, j] = 0.0
        factored = _exp_neg(A[i], ea_neg) and small_V
        for y in range(n_classes):
            g = G[i, y]
            if factored:  # sigmoid(o) = 1 / (1 + exp(-a) exp(-v))
                for j in range(n_hidden):
                    s = g / (1.0 + ea_neg[j] * EV_neg[y, j])
                    H[i, j] += s
                    grad_V[y, j] += s
            else:
                for j in range(n_hidden):
                    s = g * sigmoid(A[i, j] + V[y, j])
                    H[i, j] += s
                    grad_V[y, j] += s


@kernel
def class_hidden_sample(A, V, y, prob, sample, state):
    """CD's positive phase given ``(x_i, y_i)``: ``prob[i, j] <- sigmoid(A[i, j] +
    V[y_i, j])`` and ``sample`` a Bernoulli draw of it as 0.0 / 1.0, element ``(i, j)``
    reading draw ``counter + i * n_hidden + j`` (as ``add_bias_sigmoid_sample``)."""
    n, n_hidden = A.shape
    key, base = state[0], state[1]
    for i in range(n):
        v = V[y[i]]
        row = base + np.uint64(i) * np.uint64(n_hidden)
        for j in range(n_hidden):
            p = sigmoid(A[i, j] + v[j])
            prob[i, j] = p
            sample[i, j] = 1.0 if random_uniform(key, row + np.uint64(j)) < p else 0.0
    state[1] = base + np.uint64(n) * np.uint64(n_hidden)
