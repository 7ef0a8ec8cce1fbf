"""Kernels of the replicated softmax (Salakhutdinov & Hinton, 2009): a document of
``D`` words is ``D`` softmax units over the vocabulary that share their weights, seen
through its word counts ``v``; the hidden biases are scaled by ``D``.

Given binary hidden units ``h`` the words are independent draws from
``softmax(b + h @ W)``, so a document's visible state is a multinomial draw of its
``D`` words; given the counts, ``p(h_j = 1 | v) = sigmoid(W_j . v + D c_j)``.
"""

import numpy as np

from ._activations import sigmoid
from ._blas import gemm
from ._fastexp import fast_exp
from ._jit import kernel
from ._random import random_uniform
from ._sampling import ais_hidden_step


@kernel
def add_scaled_bias_sigmoid(act, lengths, c):
    """``act[i, j] <- sigmoid(act[i, j] + lengths[i] * c[j])`` in place: the hidden
    means given the product ``v @ W.T`` and the document lengths."""
    n, m = act.shape
    for i in range(n):
        length = lengths[i]
        for j in range(m):
            act[i, j] = sigmoid(act[i, j] + length * c[j])


@kernel
def multinomial_counts(logits, b, lengths, out, state):
    """``out[r] <- the counts of round(lengths[r]) words`` drawn from
    ``softmax(logits[r] + b)``; ``logits`` is overwritten (by the cumulative sums of
    the unnormalised probabilities).

    Each word is one uniform draw, placed in the cumulative sums with a guide table
    (Chen & Asau, 1974): ``guide[g]`` is the first word whose cumulative sum passes
    ``g / V`` of the total, so a draw starts its search there and walks on a step or
    two on average: ``O(V + D)`` per document. Draw ``t`` of a document reads
    ``counter + (words drawn before it)``; the counter then advances by the number
    of words drawn.
    """
    n, n_words = logits.shape
    guide = np.empty(n_words, dtype=np.int64)
    key, base = state[0], state[1]
    drawn = np.uint64(0)
    for r in range(n):
        row = logits[r]
        top = -np.inf
        for k in range(n_words):
            row[k] += b[k]
            top = max(top, row[k])
        for k in range(n_words):
            row[k] = fast_exp(np.float64(row[k]) - top)
            out[r, k] = 0.0
        total = 0.0
        for k in range(n_words):
            total += row[k]
            row[k] = total
        k = 0
        for g in range(n_words):
            threshold = total * g / n_words
            while k < n_words - 1 and row[k] <= threshold:
                k += 1
            guide[g] = k
        n_draws = int(np.rint(lengths[r]))
        for t in range(n_draws):
            u = random_uniform(key, base + drawn + np.uint64(t))
            k = guide[min(int(u * n_words), n_words - 1)]
            x = u * total
            while k < n_words - 1 and row[k] <= x:
                k += 1
            out[r, k] += 1.0
        drawn += np.uint64(n_draws)
    state[1] = base + drawn


@kernel
def ais_log_weights(W, b, c, betas, v, lengths, state):
    """Log importance weights of AIS runs for the replicated softmax, annealing ``W``
    and ``c`` in from zero (float64 arrays, C-contiguous).

    As Salakhutdinov & Murray's AIS for binary RBMs (``_sampling.ais_log_weights``)
    with the base model "same word biases, no weights, no hidden biases": the
    intermediate models are ``p_k*(v) = exp(b . v) prod_j (1 + exp(beta_k (W_j . v +
    D c_j)))``. Row ``r`` of ``v`` is one run for a document of ``lengths[r]`` words,
    holding an exact draw of the base model (overwritten). Returns ``log w`` per run.
    """
    n_runs, n_words = v.shape
    act = np.empty((n_runs, W.shape[0]))
    logits = np.empty((n_runs, n_words))
    log_w = np.zeros(n_runs)
    for k in range(1, betas.shape[0]):
        gemm(False, True, 1.0, v, W, 0.0, act)
        ais_hidden_step(act, c, lengths, betas[k], betas[k - 1], log_w, state)
        if k < betas.shape[0] - 1:
            gemm(False, False, betas[k], act, W, 0.0, logits)
            multinomial_counts(logits, b, lengths, v, state)
    return log_w
