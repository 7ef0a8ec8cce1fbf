"""Kernels of the collaborative-filtering RBM (Salakhutdinov, Mnih & Hinton, 2007).

A user is the RBM over the items that user rated: each rated item is a softmax unit
over ``K`` rating levels, and every user's RBM shares the weights of the items it
has. Ratings come as CSR arrays (``indptr``, ``items``, ``levels``: the level index
of each stored rating). Weights are ``W[item, level, hidden]`` plus
``S[level, hidden]``, shared by every item (see ``skgen._models._ratings``); ``b``
is ``[item, level]``, ``c`` the hidden biases.

The loops run over each user's rated items only: ``O(ratings * K * n_hidden)`` per
epoch for the gradients, plus one pass over every weight per minibatch for the
momentum and weight-decay update (which dominates when users rate fewer than one
item in ``batch_size``).
"""

import numpy as np

from ._activations import sigmoid
from ._fastexp import fast_exp
from ._jit import kernel
from ._random import random_uniform


@kernel
def hidden_input(indptr, items, levels, W, S, out):
    """``out[u] <- sum over u's ratings (item, level) of W[item, level] +
    S[level]``: the input of each user's hidden units, without their biases."""
    n_hidden = S.shape[1]
    for u in range(indptr.shape[0] - 1):
        row = out[u]
        for j in range(n_hidden):
            row[j] = 0.0
        for t in range(indptr[u], indptr[u + 1]):
            w, s = W[items[t], levels[t]], S[levels[t]]
            for j in range(n_hidden):
                row[j] += w[j] + s[j]


@kernel
def level_probabilities(h, W, S, b, item, out):
    """``out <- p(level | h)`` of one item: the softmax over levels ``k`` of
    ``b[item, k] + h . (W[item, k] + S[k])``."""
    n_levels = out.shape[0]
    top = -np.inf
    for k in range(n_levels):
        w, s = W[item, k], S[k]
        x = b[item, k]
        for j in range(h.shape[0]):
            x += h[j] * (w[j] + s[j])
        out[k] = x
        top = max(top, x)
    total = 0.0
    for k in range(n_levels):
        out[k] = fast_exp(out[k] - top)
        total += out[k]
    for k in range(n_levels):
        out[k] /= total


@kernel
def expected_ratings(H, W, S, b, level_values, users, items, out):
    """``out[n] <- sum_k level_values[k] p(level k of items[n] | H[users[n]])``:
    the expected rating of each (user, item) pair given the user's hidden
    probabilities (the paper's mean-field prediction)."""
    probs = np.empty(b.shape[1])
    for n in range(users.shape[0]):
        level_probabilities(H[users[n]], W, S, b, items[n], probs)
        value = 0.0
        for k in range(probs.shape[0]):
            value += level_values[k] * probs[k]
        out[n] = value


@kernel
def cd_epoch(indptr, items, levels, order, params, velocity, grads, settings, state):
    """One epoch of CD-1 over the users in ``order``, in minibatches.

    ``params`` is ``(W, S, b, c)``, updated in place, ``velocity`` and ``grads``
    buffers shaped like them; ``settings`` is ``(learning_rate, momentum,
    weight_decay, shared_rate, batch_size)``. Per user: hidden probabilities given
    the ratings, a draw of the hidden states, the rated items' level
    probabilities given the draw (probabilities, not a draw, as Hinton's guide
    advises for the visible side), and their hidden probabilities. The gradients of
    ``W``, ``b`` and ``c`` are averaged over the users of a minibatch (the paper's
    per user-case rate); that of the shared ``S``, which every rating touches, over
    the ratings, at ``shared_rate``. Weight decay applies to ``W``.
    """
    W, S, b, c = params
    vel_W, vel_S, vel_b, vel_c = velocity
    g_W, g_S, g_b, g_c = grads
    learning_rate, momentum, weight_decay, shared_rate, batch_size = settings
    n_levels, n_hidden = S.shape
    h_data = np.empty(n_hidden)
    h_draw = np.empty(n_hidden)
    h_model = np.empty(n_hidden)
    probs = np.empty(n_levels)
    longest = 0
    for u in range(indptr.shape[0] - 1):
        longest = max(longest, indptr[u + 1] - indptr[u])
    recon = np.empty((max(longest, 1), n_levels))
    key = state[0]
    n_users = order.shape[0]
    for start in range(0, n_users, batch_size):
        g_W[...] = 0.0
        g_S[...] = 0.0
        g_b[...] = 0.0
        g_c[...] = 0.0
        n_ratings = 0
        stop = min(start + batch_size, n_users)
        for p in range(start, stop):
            u = order[p]
            first, last = indptr[u], indptr[u + 1]
            n_ratings += last - first
            # positive phase
            for j in range(n_hidden):
                h_data[j] = c[j]
            for t in range(first, last):
                w, s = W[items[t], levels[t]], S[levels[t]]
                for j in range(n_hidden):
                    h_data[j] += w[j] + s[j]
            base = state[1]
            for j in range(n_hidden):
                h_data[j] = sigmoid(h_data[j])
                u01 = random_uniform(key, base + np.uint64(j))
                h_draw[j] = 1.0 if u01 < h_data[j] else 0.0
                g_c[j] += h_data[j]
            state[1] = base + np.uint64(n_hidden)
            for t in range(first, last):
                item, level = items[t], levels[t]
                g_b[item, level] += 1.0
                gw, gs = g_W[item, level], g_S[level]
                for j in range(n_hidden):
                    gw[j] += h_data[j]
                    gs[j] += h_data[j]
            # negative phase: the rated items' levels given the drawn h
            for j in range(n_hidden):
                h_model[j] = c[j]
            for t in range(first, last):
                item = items[t]
                level_probabilities(h_draw, W, S, b, item, probs)
                for k in range(n_levels):
                    recon[t - first, k] = probs[k]
                    w, s = W[item, k], S[k]
                    for j in range(n_hidden):
                        h_model[j] += probs[k] * (w[j] + s[j])
            for j in range(n_hidden):
                h_model[j] = sigmoid(h_model[j])
                g_c[j] -= h_model[j]
            for t in range(first, last):
                item = items[t]
                for k in range(n_levels):
                    r = recon[t - first, k]
                    g_b[item, k] -= r
                    gw, gs = g_W[item, k], g_S[k]
                    for j in range(n_hidden):
                        gw[j] -= r * h_model[j]
                        gs[j] -= r * h_model[j]
        users = stop - start
        step = learning_rate / users
        _momentum_step(W, vel_W, g_W, step, momentum, learning_rate * weight_decay)
        _momentum_step(b, vel_b, g_b, step, momentum, 0.0)
        _momentum_step(c, vel_c, g_c, step, momentum, 0.0)
        shared = shared_rate / max(n_ratings, 1)
        _momentum_step(S, vel_S, g_S, shared, momentum, 0.0)


@kernel
def _momentum_step(param, velocity, grad, step, momentum, decay):
    """``velocity <- momentum velocity + step grad - decay param``;
    ``param += velocity`` (flattened)."""
    p, v, g = param.reshape(-1), velocity.reshape(-1), grad.reshape(-1)
    for i in range(p.shape[0]):
        v[i] = momentum * v[i] + step * g[i] - decay * p[i]
        p[i] += v[i]
