"""Kernels of the classification RBM (Larochelle & Bengio, 2008): the sums over hidden
units that give each class its free energy, and their gradients.

``A`` is ``X @ W.T + c`` (n, n_hidden), from one BLAS product; ``V`` holds the class
weights as (n_classes, n_hidden). For sample ``i`` and class ``y`` the hidden units see
``o_yj = A[i, j] + V[y, j]``. Both kernels walk ``j`` innermost over contiguous rows,
so that the loops vectorize, and never store the (n, n_classes, n_hidden) tensor.
"""

import numpy as np

from ._activations import sigmoid, softplus
from ._jit import kernel


@kernel
def class_scores(A, V, d, out):
    """``out[i, y] <- d[y] + sum_j softplus(A[i, j] + V[y, j])``: minus the free energy
    of ``(x_i, y)`` with the hidden units summed out (float64, accumulated in float64).
    ``log p(y | x_i)`` is its log-softmax over ``y``."""
    n, n_hidden = A.shape
    terms = np.empty(n_hidden)
    for i in range(n):
        for y in range(V.shape[0]):
            for j in range(n_hidden):
                terms[j] = softplus(A[i, j] + V[y, j])
            out[i, y] = d[y] + terms.sum()


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
    for i in range(n):
        for j in range(n_hidden):
            H[i, j] = 0.0
    for y in range(n_classes):
        for j in range(n_hidden):
            grad_V[y, j] = 0.0
    for i in range(n):
        for y in range(n_classes):
            g = G[i, y]
            for j in range(n_hidden):
                s = g * sigmoid(A[i, j] + V[y, j])
                H[i, j] += s
                grad_V[y, j] += s
