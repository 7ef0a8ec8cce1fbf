"""``ReplicatedSoftmaxLayer``: the replicated softmax model of documents
(Salakhutdinov & Hinton, NeurIPS 2009), without scikit-learn.

A document of ``D`` words is ``D`` softmax units over a vocabulary of ``V`` words,
all sharing one weight matrix, and ``F`` binary hidden units whose biases are scaled
by ``D``. With ``v`` the word counts (``D = sum(v)``), the energy of the document as a
sequence of words is::

    E(v, h) = -h' W v - b' v - D c' h

so that ``p(h_j = 1 | v) = sigmoid(W_j v + D c_j)`` and, given ``h``, each word is an
independent draw from ``softmax(b + W' h)``. With ``h`` summed out,
``log p(v) = b' v + sum_j softplus(W_j v + D c_j) - log Z_D``: the probability of the
word sequence (not of the counts, which would add the multinomial coefficient), the
quantity that a unigram model's and LDA's perplexities also measure. ``Z_D`` depends
on the length only::

    log Z_D = log sum_h exp(D c' h) (sum_k exp(b_k + (W' h)_k)) ** D

which is exact by enumerating ``h`` (up to 20 hidden units) and otherwise estimated by
annealed importance sampling, one estimate per distinct length.

Layout as ``RBMLayer``: ``W`` is (n_hidden, n_words), ``b`` the word biases, ``c`` the
hidden biases; the arrays are the estimator's own and are updated in place.
"""

import numpy as np
from scipy.special import logsumexp

from .._kernels._activations import bernoulli_sample
from .._kernels._random import new_state
from .._kernels._topics import (
    add_scaled_bias_sigmoid,
    ais_log_weights,
    multinomial_counts,
)
from .._parallel import map_in_threads
from ._likelihood import MAX_EXACT_UNITS, _binary_states, ais_betas, ais_estimate

# AIS runs annealed together, with a stream of their own: the threads of a call
# share the groups.
_AIS_GROUP = 16


def document_lengths(X):
    """``D`` of each row of X (dense or CSR): its summed counts, float64."""
    return np.asarray(X.sum(axis=1), dtype=np.float64).ravel()


class ReplicatedSoftmaxLayer:
    """The parameters ``(W, b, c)`` of a replicated softmax model and what is
    computed from them."""

    def __init__(self, W, b, c):
        self.W, self.b, self.c = W, b, c

    @classmethod
    def initialized(cls, X, n_hidden, rng):
        """Weights drawn from N(0, 0.01^2), zero hidden biases, and word biases
        that make ``softmax(b)`` the corpus' word frequencies, each count smoothed by
        one: the unigram model, which is this model with no weights."""
        W = rng.normal(0, 0.01, (n_hidden, X.shape[1])).astype(X.dtype)
        counts = np.asarray(X.sum(axis=0), dtype=np.float64).ravel() + 1.0
        b = np.log(counts / counts.sum()).astype(X.dtype)
        return cls(W, b, np.zeros(n_hidden, dtype=X.dtype))

    @property
    def params(self):
        return [self.W, self.b, self.c]

    @property
    def dtype(self):
        return self.W.dtype

    def astype(self, dtype):
        params = [np.ascontiguousarray(p, dtype=dtype) for p in self.params]
        if all(p is q for p, q in zip(params, self.params)):
            return self
        return ReplicatedSoftmaxLayer(*params)

    # ----------------------------------------------------------- conditionals
    def mean_hidden(self, X, lengths=None):
        """``p(h = 1 | v)`` for the rows of X (dense or CSR counts)."""
        lengths = document_lengths(X) if lengths is None else lengths
        act = np.ascontiguousarray(X @ self.W.T, dtype=self.dtype)
        add_scaled_bias_sigmoid(act, lengths, self.c)
        return act

    def free_energy(self, X):
        """``F(v) = -b' v - sum_j softplus(W_j v + D c_j)``, float64."""
        lengths = document_lengths(X)
        a = np.asarray(X @ self.W.T, dtype=np.float64) + np.outer(lengths, self.c)
        visible = np.asarray(X @ self.b.astype(np.float64), dtype=np.float64).ravel()
        return -visible - np.logaddexp(0.0, a).sum(axis=1)

    # --------------------------------------------------------------- training
    def cd_gradients(self, X, k, state):
        """CD-k estimates of the log-likelihood's gradient (ascent directions),
        averaged over the rows of X (dense counts of the layer's dtype).

        The chains start at the data: a draw of ``h`` given ``v``, then ``k`` steps
        of a multinomial draw of each document's ``D`` words given ``h`` and a draw
        of ``h`` given the words (the last step keeps its probabilities). The
        hidden bias's gradient is ``D (h_data - h_model)``, its share of the energy.
        """
        n = X.shape[0]
        lengths = document_lengths(X)
        h_data = self.mean_hidden(X, lengths)
        h = np.empty_like(h_data)
        bernoulli_sample(h_data, h, state)
        v = np.empty_like(X)
        for step in range(k):
            logits = h @ self.W
            multinomial_counts(logits, self.b, lengths, v, state)
            h_model = self.mean_hidden(v, lengths)
            if step < k - 1:
                bernoulli_sample(h_model, h, state)
        grad_W = (h_data.T @ X - h_model.T @ v) / n
        grad_b = (X.sum(axis=0) - v.sum(axis=0)) / n
        grad_c = lengths @ (h_data - h_model) / n
        return [grad_W, grad_b.astype(self.dtype), grad_c.astype(self.dtype)]

    # -------------------------------------------------------- normalisation
    def uses_ais(self, method):
        """Whether ``log_partition`` with ``method`` estimates by AIS."""
        return method == "ais" or (
            method == "auto" and self.W.shape[0] > MAX_EXACT_UNITS
        )

    def log_partition(self, lengths, method, n_runs, n_betas, rng, progress=None):
        """``(lengths, log Z_D, standard errors, weights)`` for each distinct
        length in ``lengths`` (sorted, as ``np.unique`` gives them): exact when
        ``method`` is "exact", or "auto" with at most 20 hidden units; AIS
        otherwise. ``weights`` (lengths x runs; one column of ones when exact) are
        the runs' importance weights over their mean at each length: the lengths
        share their runs, so the error of a sum over lengths is that of the sum of
        their rows. ``progress(done, total)`` is called after each group of runs."""
        lengths = np.unique(np.asarray(lengths, dtype=np.float64))
        n_hidden = self.W.shape[0]
        if not self.uses_ais(method):
            if n_hidden > MAX_EXACT_UNITS:
                raise ValueError(
                    f"Exact enumeration needs at most {MAX_EXACT_UNITS} hidden "
                    f"units, this model has {n_hidden}; use method='ais'."
                )
            exact = self._exact_log_partition(lengths)
            return lengths, exact, np.zeros(len(lengths)), np.ones((len(lengths), 1))
        estimates = self._ais_log_partition(lengths, n_runs, n_betas, rng, progress)
        return (lengths, *estimates)

    def _exact_log_partition(self, lengths, chunk=4096):
        """``log Z_D`` by enumerating the hidden states: given ``h`` the words are
        independent, so ``sum_v exp(-E(v, h)) = exp(D c' h) (sum_k exp(b_k +
        (W' h)_k)) ** D``."""
        W, b, c = (p.astype(np.float64) for p in self.params)
        n_hidden = W.shape[0]
        parts = []
        for start in range(0, 2**n_hidden, chunk):
            s = _binary_states(start, min(start + chunk, 2**n_hidden), n_hidden)
            per_word = s @ c + logsumexp(s @ W + b, axis=1)
            parts.append(logsumexp(np.outer(lengths, per_word), axis=1))
        return logsumexp(np.array(parts), axis=0)

    def _ais_log_partition(self, lengths, n_runs, n_betas, rng, progress=None):
        """AIS along one path through every length (``ais_log_weights``): the first
        length gets ``n_betas`` temperatures, each later one ``n_betas`` times the
        share of its words that are new (at least 2), so that each step adds as
        much energy as a direct annealing of that length in ``n_betas`` steps would,
        and the cost grows with the log of the longest length over the shortest
        (plus 2 steps per length), not with the number of lengths times
        ``n_betas``.
        Returns ``log Z_D``, its standard errors and the runs' weights over their
        mean (lengths x runs). The runs go in groups of ``_AIS_GROUP``, each with a
        stream drawn in order from ``rng``, spread over the threads of the call:
        the estimates do not depend on the thread count."""
        W, b, c = (np.ascontiguousarray(p, dtype=np.float64) for p in self.params)
        steps = _path_steps(lengths, n_betas)
        betas = np.concatenate([ais_betas(k) for k in steps])
        ends = np.cumsum(steps)
        groups = [
            (min(_AIS_GROUP, n_runs - start), new_state(rng))
            for start in range(0, n_runs, _AIS_GROUP)
        ]

        def anneal(group):
            return ais_log_weights(W, b, c, lengths, betas, ends, *group)

        def report(index, _):
            progress(min(n_runs, (index + 1) * _AIS_GROUP), n_runs)

        done = None if progress is None else report
        log_w = np.concatenate(map_in_threads(anneal, groups, done), axis=1)
        log_z0 = W.shape[0] * np.log(2.0) + lengths * logsumexp(b)
        log_z, std_err = np.array(
            [ais_estimate(z0, runs) for z0, runs in zip(log_z0, log_w)]
        ).T
        ratios = np.exp(log_w - logsumexp(log_w, axis=1, keepdims=True)) * n_runs
        return log_z, std_err, ratios


def _path_steps(lengths, n_betas):
    """Temperatures of each length's stretch of the AIS path: ``n_betas`` for the
    first, ``n_betas`` times the share of new words for each later one (at least 2:
    its two ends; a length of 0 words has nothing to anneal)."""
    previous = np.concatenate([[0.0], lengths[:-1]])
    share = np.divide(
        lengths - previous, lengths, out=np.zeros_like(lengths), where=lengths > 0
    )
    return np.maximum(2, np.rint(n_betas * share).astype(np.int64))
