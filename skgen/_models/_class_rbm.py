"""``ClassRBM``: the RBM over an input, a class and hidden units (Larochelle & Bengio,
ICML 2008), without scikit-learn.

Energy, for binary hidden units ``h``, visible units ``x`` and a one-hot class
``e_y``::

    E(x, y, h) = -h' W x + E_v(x; b) - c' h - d' e_y - h' V' e_y

with ``E_v`` the visible units' own energy (:mod:`._units`): ``-b' x`` for
Bernoulli units (``x`` in [0, 1]), ``||x - b||^2 / 2`` for unit-variance Gaussian
ones (standardised real values). ``p(y | x)`` does not depend on the visible type;
the generative term's reconstruction does.

With ``h`` summed out, ``p(y | x)`` is exact: the softmax over ``y`` of
``d_y + sum_j softplus(c_j + W_j x + V_yj)``. The objective of a minibatch is the
discriminative one (minus ``log p(y | x)``), the generative one (minus
``log p(x, y)``, whose gradient CD-1 estimates), or their hybrid:
``-log p(y | x) - generative_weight * log p(x, y)``.
"""

import numpy as np
from scipy.special import log_softmax, softmax

from .._kernels._activations import add_bias_sigmoid
from .._kernels._class_rbm import (
    class_hidden_sample,
    class_scores,
    class_weighted_hidden,
)
from .._kernels._random import new_state
from ._losses import categorical_draw
from ._units import BERNOULLI

OBJECTIVES = ("hybrid", "discriminative", "generative")


class ClassRBM:
    """The parameters ``(W, V, b, c, d)`` (the estimator's own arrays, updated in
    place by an optimizer) and gradient buffers shaped like them.

    ``W`` is (n_hidden, n_features) as an RBM's ``components_``; ``V`` is
    (n_classes, n_hidden); ``b``, ``c``, ``d`` the visible, hidden and class biases;
    ``visible`` the visible units' type (a :class:`~._units.Units`).
    """

    def __init__(self, W, V, b, c, d, visible=BERNOULLI):
        self.W, self.V, self.b, self.c, self.d = W, V, b, c, d
        self.visible = visible
        self._grads = None

    @classmethod
    def initialized(cls, n_features, n_hidden, n_classes, dtype, rng, **kwargs):
        """Weights uniform in +-1/sqrt(max(n_features, n_hidden)), as the paper
        initialises them; zero biases."""
        bound = 1.0 / np.sqrt(max(n_features, n_hidden))
        W = rng.uniform(-bound, bound, (n_hidden, n_features)).astype(dtype)
        V = rng.uniform(-bound, bound, (n_classes, n_hidden)).astype(dtype)
        zeros = [np.zeros(n, dtype=dtype) for n in (n_features, n_hidden, n_classes)]
        return cls(W, V, *zeros, **kwargs)

    @property
    def params(self):
        return [self.W, self.V, self.b, self.c, self.d]

    @property
    def grads(self):
        if self._grads is None:
            self._grads = [np.zeros_like(p) for p in self.params]
        return self._grads

    def astype(self, dtype):
        params = (p.astype(dtype, copy=False) for p in self.params)
        return ClassRBM(*params, visible=self.visible)

    def _hidden_input(self, X):
        A = X @ self.W.T
        A += self.c
        return A

    def class_scores(self, X, A=None):
        """``d_y + sum_j softplus(o_yj)`` for every sample and class (float64):
        ``log p(y | x)`` is its log-softmax."""
        A = self._hidden_input(X) if A is None else A
        scores = np.empty((X.shape[0], self.V.shape[0]))
        class_scores(A, self.V, self.d, scores)
        return scores

    def hidden_mean(self, X):
        """``E[h | x] = sum_y p(y | x) sigmoid(o_y)``, exact."""
        A = self._hidden_input(X)
        proba = softmax(self.class_scores(X, A), axis=1).astype(X.dtype)
        H = np.empty_like(A)
        class_weighted_hidden(A, self.V, proba, H, np.empty_like(self.V))
        return H

    def loss_and_grads(
        self,
        X,
        y,
        objective,
        generative_weight,
        rng,
        label_weight=1.0,
        unlabeled_weight=0.0,
    ):
        """Summed ``-log p(y | x)`` of the minibatch; the gradient of the mean
        ``objective`` (to be minimised) written into ``grads``. ``rng`` (a
        ``RandomState``) seeds the stream of CD-1's hidden draws for the generative
        term: one seed per call.

        Rows of class -1 are unlabelled (Larochelle & Bengio's semi-supervised
        objective): they add ``unlabeled_weight`` times the generative term of
        ``log p(x)`` alone, whose CD starts from a class drawn from ``p(y | x)``
        (``rng``); the labelled rows' discriminative terms (and the summed loss)
        are weighed by ``label_weight``.

        The weight gradient of both terms is one product: with ``H`` the
        discriminative hidden weights, ``h0`` and ``h1`` CD's positive and negative
        hidden probabilities and ``x1`` its reconstruction,
        ``[H + a h0; -a h1].T @ [X; x1]``.
        """
        n = X.shape[0]
        A = self._hidden_input(X)
        log_proba = log_softmax(self.class_scores(X, A), axis=1)
        labelled = y >= 0
        if not labelled.all():
            drawn = categorical_draw(np.exp(log_proba), rng.uniform(size=n))
            y = np.where(labelled, y, drawn)
        onehot = np.zeros((n, self.V.shape[0]), dtype=X.dtype)
        onehot[np.arange(n), y] = 1.0
        g_W, g_V, g_b, g_c, g_d = self.grads
        weight = {"hybrid": generative_weight, "generative": 1.0}.get(objective, 0.0)
        if not labelled.all():  # one weight per row: the unlabelled rows' own
            rows = np.where(labelled, weight, unlabeled_weight)
            weight = rows.astype(X.dtype)[:, None]
        generative = np.any(weight > 0)
        hidden = np.zeros((2 * n if generative else n, A.shape[1]), dtype=X.dtype)
        visible = np.empty((2 * n, X.shape[1]), dtype=X.dtype) if generative else X
        g_b[...] = 0.0
        if objective == "generative":
            g_V[...] = 0.0
            g_d[...] = 0.0
        else:
            G = (onehot - np.exp(log_proba)).astype(X.dtype)
            if not labelled.all() or label_weight != 1.0:
                G *= np.where(labelled, label_weight, 0.0).astype(X.dtype)[:, None]
            class_weighted_hidden(A, self.V, G, hidden[:n], g_V)
            g_d[...] = G.sum(axis=0)
        if generative:
            h0, h1, x1, y1 = self._cd_step(y, A, new_state(rng))
            hidden[:n] += weight * h0
            hidden[n:] = -weight * h1
            visible[:n] = X
            visible[n:] = x1
            if np.ndim(weight) == 0:
                g_V += weight * (onehot.T @ h0 - y1.T @ h1)
                g_b += weight * (X - x1).sum(axis=0)
                g_d += weight * (onehot - y1).sum(axis=0)
            else:
                g_V += (weight * onehot).T @ h0 - (weight * y1).T @ h1
                g_b += (weight * (X - x1)).sum(axis=0)
                g_d += (weight * (onehot - y1)).sum(axis=0)
        np.matmul(hidden.T, visible, out=g_W)
        g_c[...] = hidden.sum(axis=0)
        for g in self.grads:  # ascent directions of the summed objective -> descent
            g *= -1.0 / n
        return label_weight * float(-log_proba[labelled, y[labelled]].sum())

    def _cd_step(self, y, A, state):
        """CD-1 for ``log p(x, y)``: the hidden probabilities ``h0`` given
        ``(x, y)``, a draw of them from ``state``'s stream, mean-field
        reconstructions ``x1`` and ``y1``, and their hidden probabilities ``h1``."""
        h0, h_sample = np.empty_like(A), np.empty_like(A)
        class_hidden_sample(A, self.V, y, h0, h_sample, state)
        x1 = self.visible.mean(h_sample @ self.W, self.b)
        y1 = softmax(h_sample @ self.V.T + self.d, axis=1).astype(A.dtype)
        h1 = x1 @ self.W.T
        h1 += y1 @ self.V
        add_bias_sigmoid(h1, self.c)
        return h0, h1, x1, y1
