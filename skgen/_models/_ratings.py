"""``RatingLayer``: the collaborative-filtering RBM of Salakhutdinov, Mnih & Hinton
(ICML 2007), without scikit-learn.

Each user is an RBM whose visible units are the items that user rated, each a
softmax over ``K`` rating levels (one-hot ``v_ik``), joined to ``F`` binary hidden
units; all users' RBMs share the weights of the items they have in common::

    E(v, h) = -sum_{i rated} sum_k v_ik (b_ik + h . (W_ik + S_k)) - c . h

``W[item, level]`` are the paper's weights. ``S[level]`` is added to every item's:
weights of the rating levels themselves, shared by all items. Without them the
hidden units learn a user's general leniency only through the weights of each item,
and items with few ratings keep weights near zero (on MovieLens-100k a prototype of
the paper's model alone scored a validation RMSE of 0.962 against 0.937 with them;
benchmarks/RESULTS.md). ``S = 0`` is the paper's model.

``p(h_j = 1 | ratings) = sigmoid(c_j + sum_{i rated} (W_i,r_i,j + S_r_i,j))`` and
``p(v_ik = 1 | h) = softmax_k(b_ik + h . (W_ik + S_k))``; the prediction of a rating
is its expectation under ``p(v_i | E[h | ratings])`` (the paper's mean-field
prediction). The paper's exact rule (its eq. 9) sums the hidden units out instead::

    p(v_ik = 1 | ratings) ~ exp(b_ik) prod_j (1 + exp(c_j + x_j + W_ikj + S_kj))

with ``x_j`` the user's own input to hidden unit ``j``, item ``i`` unrated.
"""

from collections import namedtuple

import numpy as np

from .._kernels._activations import add_bias_sigmoid
from .._kernels._ratings import cd_epoch, expected_ratings, hidden_input

Ratings = namedtuple("Ratings", "indptr items levels")
Ratings.__doc__ = """Users' ratings as CSR arrays: user ``u`` rated ``items[t]`` at
level index ``levels[t]`` for ``t`` in ``indptr[u]:indptr[u + 1]``."""


class RatingLayer:
    """The parameters ``(W, S, b, c)``; the arrays are the estimator's own."""

    def __init__(self, W, S, b, c):
        self.W, self.S, self.b, self.c = W, S, b, c

    @classmethod
    def initialized(
        cls, ratings, n_items, n_levels, n_hidden, rng, dtype=np.float64, smoothing=5.0
    ):
        """Weights from N(0, 0.01^2), zero shared weights and hidden biases, and
        level biases that give each item the frequencies of its levels in the
        training ratings, smoothed by ``smoothing`` ratings spread as all items'
        levels are (items with few ratings start near the global frequencies).
        The parameters are of ``dtype``."""
        W = rng.normal(0, 0.01, (n_items, n_levels, n_hidden)).astype(dtype)
        counts = np.zeros((n_items, n_levels))
        np.add.at(counts, (ratings.items, ratings.levels), 1.0)
        overall = (counts.sum(axis=0) + 1.0) / (counts.sum() + n_levels)
        counts += smoothing * overall
        b = np.log(counts / counts.sum(axis=1, keepdims=True)).astype(dtype)
        S = np.zeros((n_levels, n_hidden), dtype=dtype)
        return cls(W, S, b, np.zeros(n_hidden, dtype=dtype))

    @property
    def params(self):
        return [self.W, self.S, self.b, self.c]

    def astype(self, dtype):
        """This layer with parameters of ``dtype`` (itself if they are)."""
        if self.W.dtype == dtype:
            return self
        return RatingLayer(*(p.astype(dtype) for p in self.params))

    def hidden_mean(self, ratings):
        """``E[h | ratings]`` of each user (row), in the layer's dtype."""
        out = np.empty((len(ratings.indptr) - 1, self.c.shape[0]), dtype=self.W.dtype)
        hidden_input(*ratings, self.W, self.S, out)
        add_bias_sigmoid(out, self.c)
        return out

    def expected_ratings(self, ratings, users, items, level_values, hidden=None):
        """The expected rating of ``items[n]`` by user ``users[n]``, given the
        user's ratings in ``ratings`` (or their ``hidden_mean``, if given)."""
        H = self.hidden_mean(ratings) if hidden is None else hidden
        out = np.empty(len(users))
        expected_ratings(
            H,
            self.W,
            self.S,
            self.b,
            np.asarray(level_values, dtype=np.float64),
            np.asarray(users, dtype=np.int64),
            np.asarray(items, dtype=np.int64),
            out,
        )
        return out

    def hidden_state(self, ratings, exact):
        """What a rule needs of each user: for the exact rule the hidden units'
        total input ``c + x`` given the ratings (float64), else ``E[h | ratings]``
        (``hidden_mean``, in the layer's dtype)."""
        if not exact:
            return self.hidden_mean(ratings)
        n_users = len(ratings.indptr) - 1
        inputs = np.empty((n_users, self.c.shape[0]), dtype=self.W.dtype)
        hidden_input(*ratings, self.W, self.S, inputs)
        return inputs.astype(np.float64) + self.c

    def level_probabilities(
        self, ratings, users, items, exact=False, state=None, block=4096
    ):
        """``p(level | ratings)`` of ``items[n]`` for user ``users[n]``: float64,
        shape ``(n_pairs, n_levels)``. ``exact``: the paper's rule, the hidden
        units summed out with the item at each level in turn; otherwise the
        mean-field rule, ``softmax_k(b_ik + E[h | ratings] . (W_ik + S_k))`` (the
        probabilities behind ``expected_ratings``). ``state``: the users'
        ``hidden_state``, if known. ``block`` pairs at a time: memory ``block *
        n_levels * n_hidden``."""
        users = np.asarray(users, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        W, S, b = (np.asarray(p, dtype=np.float64) for p in self.params[:3])
        if state is None:
            state = self.hidden_state(ratings, exact)
        logits = np.empty((len(users), b.shape[1]))
        for first in range(0, len(users), block):
            part = slice(first, first + block)
            u, i = users[part], items[part]
            if exact:  # sum_j softplus(c_j + x_j + W_ikj + S_kj)
                act = state[u][:, None, :] + W[i] + S
                logits[part] = np.logaddexp(0.0, act).sum(axis=2)
            else:
                logits[part] = np.einsum("nf,nkf->nk", state[u], W[i] + S)
            logits[part] += b[i]
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return logits

    def cd_epoch(self, ratings, order, velocity, grads, settings, state):
        """One epoch of CD-1 over the users in ``order``; see the kernel."""
        cd_epoch(
            *ratings,
            np.asarray(order, dtype=np.int64),
            tuple(self.params),
            tuple(velocity),
            tuple(grads),
            settings,
            state,
        )
