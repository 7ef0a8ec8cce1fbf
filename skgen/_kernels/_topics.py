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
from ._jit import inline_kernel, kernel
from ._random import binomial, random_bits, random_uniform
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


# A document of more words than this many times the vocabulary draws its counts as
# conditional binomials (O(V)) instead of word by word (O(V + D)): about where the
# two cost the same (benchmarks/RESULTS.md, issue 27: "Closer to the hardware").
BINOMIALS_PER_WORD = 3.0


@kernel
def multinomial_counts(logits, b, lengths, out, state):
    """``out[r] <- the counts of round(lengths[r]) words`` drawn from
    ``softmax(logits[r] + b)``; ``logits`` is overwritten.

    A document of ``D`` words over ``V`` words in all is drawn word by word when
    ``D <= BINOMIALS_PER_WORD * V``: each word is one uniform ``u``, placed at the
    first word whose cumulative sum of the probabilities passes ``u`` of the total.
    Up to ``2 V / log2(V)`` words each are found by bisection; more share a guide
    table (Chen & Asau, 1974): ``guide[g]`` is the first word whose cumulative sum
    passes ``g / V`` of the total, so a draw starts its search there and walks on a
    step or two on average: ``O(V + D)``. Both find the same word. Word ``t`` of
    such a document reads draw ``counter + (words drawn before it)``. A longer
    document draws its counts as conditional binomials,
    ``count_k ~ Binomial(D - (words already placed), p_k / (p_k + ... + p_V))``, in
    ``O(V)`` whatever its length, from a stream of its own keyed by one draw of
    the counter. The counter then advances by the draws of every document.
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
        n_draws = int(np.rint(lengths[r]))
        if n_draws > BINOMIALS_PER_WORD * n_words:
            own_key = random_bits(key, base + drawn)
            _binomial_counts(row, n_draws, out[r], own_key)
            drawn += np.uint64(1)
            continue
        total = 0.0
        for k in range(n_words):
            total += row[k]
            row[k] = total
        # A few words are placed by bisection; more share a guide table first.
        guided = n_draws * np.log2(n_words) > 2 * n_words
        if guided:
            k = 0
            for g in range(n_words):
                threshold = total * g / n_words
                while k < n_words - 1 and row[k] <= threshold:
                    k += 1
                guide[g] = k
        for t in range(n_draws):
            u = random_uniform(key, base + drawn + np.uint64(t))
            x = u * total
            if guided:
                k = guide[min(int(u * n_words), n_words - 1)]
                while k < n_words - 1 and row[k] <= x:
                    k += 1
            else:
                k = _first_above(row, x)
            out[r, k] += 1.0
        drawn += np.uint64(n_draws)
    state[1] = base + drawn


@inline_kernel
def _first_above(cumulative, x):
    """The first index whose value in the ascending ``cumulative`` exceeds ``x``
    (the last index if none does), by bisection."""
    lo, hi = 0, cumulative.shape[0] - 1
    while lo < hi:
        mid = (lo + hi) >> 1
        if cumulative[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def _binomial_counts(weights, n_draws, out, key):
    """``out <- a multinomial draw of n_draws`` over the unnormalised ``weights``
    (``out`` zero on entry): word ``k`` takes a binomial share of the words left,
    with the probability ``weights[k] / sum(weights[k:])``; stops once none is left.
    (Its buffer is allocated here, not per call of ``multinomial_counts``: the AIS
    path calls that thousands of times with short documents only.)"""
    n_words = weights.shape[0]
    tail = np.empty(n_words)
    total = 0.0
    for k in range(n_words - 1, -1, -1):
        total += weights[k]
        tail[k] = total
    left = n_draws
    index = np.uint64(0)
    for k in range(n_words):
        if left == 0:
            break
        if k == n_words - 1:
            count = left
        else:
            share = min(1.0, weights[k] / tail[k]) if tail[k] > 0 else 1.0
            count, index = binomial(left, share, key, index)
        out[k] = count
        left -= count


@kernel
def ais_log_weights(W, b, c, lengths, betas, ends, n_runs, state):
    """Log importance weights of AIS runs for the replicated softmax that reach
    every length in ``lengths`` (ascending, float64) along one path: ``log_w[i, r]``
    is run ``r``'s log weight at ``lengths[i]`` (float64 arrays, C-contiguous).

    The path adds the words of each length in turn. From a model of ``d`` words
    (``d = lengths[i - 1]``, 0 at first) to one of ``D = lengths[i]``, the ``m = D -
    d`` new words are annealed in with the inverse temperatures ``betas[ends[i -
    1]:ends[i]]`` (0 to 1): the intermediate models are joint models of the ``d``
    words ``v`` and the ``m`` new ones ``u``::

        p_beta*(v, u) = exp(b' (v + u)) prod_j (1 + exp(W_j v + d c_j
                                                      + beta (W_j u + m c_j)))

    whose Gibbs steps are exact (the hidden units see the sum; the old words are
    drawn from ``softmax(b + W' h)``, the new ones from ``softmax(b + beta W' h)``).
    At ``beta = 0`` the new words are the unigram model's, independent of the rest,
    so the model is that of ``d`` words times ``(sum exp(b))^m``, sampled exactly by
    adding unigram draws to the runs' state; at ``beta = 1`` it is the model of
    ``D`` words. The first length's annealing is Salakhutdinov & Murray's AIS from
    "same word biases, no weights, no hidden biases"; then ``log Z_D = F log 2 + D
    log sum exp(b) + log mean(w)`` for every length of the path.
    """
    n_hidden, n_words = W.shape
    log_w = np.zeros((lengths.shape[0], n_runs))
    weights = np.zeros(n_runs)
    old = np.zeros((n_runs, n_words))  # counts of the d words
    new = np.empty((n_runs, n_words))  # counts of the m new words
    fixed = np.empty((n_runs, n_hidden))
    act = np.empty((n_runs, n_hidden))
    logits = np.empty((n_runs, n_words))
    tempered = np.empty((n_runs, n_words))
    d_runs = np.zeros(n_runs)
    m_runs = np.empty(n_runs)
    start = 0
    for i in range(lengths.shape[0]):
        m = lengths[i] - d_runs[0]
        m_runs[:] = m
        logits[:] = 0.0
        multinomial_counts(logits, b, m_runs, new, state)  # the unigram's words
        for k in range(start + 1, ends[i]):
            gemm(False, True, 1.0, old, W, 0.0, fixed)
            for r in range(n_runs):
                for j in range(n_hidden):
                    fixed[r, j] += d_runs[r] * c[j]
            gemm(False, True, 1.0, new, W, 0.0, act)
            ais_hidden_step(
                act, c, m_runs, betas[k], betas[k - 1], weights, state, fixed
            )
            if k < ends[i] - 1:
                gemm(False, False, 1.0, act, W, 0.0, logits)
                for r in range(n_runs):
                    for w in range(n_words):
                        tempered[r, w] = betas[k] * logits[r, w]
                multinomial_counts(logits, b, d_runs, old, state)
                multinomial_counts(tempered, b, m_runs, new, state)
        start = ends[i]
        log_w[i] = weights
        old += new
        d_runs[:] = lengths[i]
    return log_w
