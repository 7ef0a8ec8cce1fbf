"""Gibbs sampling and annealed importance sampling (AIS) for RBMs."""

import numpy as np

from ._activations import sigmoid, softplus
from ._blas import gemm
from ._jit import kernel
from ._random import random_uniform
from ._units import sample_given_input, sample_visible


@kernel
def gibbs_chain(v, W, b, c, n_steps, visible_kind, state, h, hidden_kind=0):
    """Run ``n_steps`` full Gibbs steps v -> h -> v in place on the rows of ``v``.

    ``h`` is scratch space of shape (n_rows, n_hidden). Each step samples the hidden
    units, then the visible ones (the kinds are unit codes of ``_units``, binary by
    default); the result is a sample, not a mean.
    """
    for _ in range(n_steps):
        gemm(False, True, 1.0, v, W, 0.0, h)
        sample_given_input(h, c, hidden_kind, state)
        sample_visible(h, W, b, v, visible_kind, state)


@kernel
def ais_log_weights(W, b, c, betas, v, visible_kind, state):
    """Log importance weights of AIS runs that anneal ``W`` and ``c`` in from zero.

    Salakhutdinov & Murray (2008) with the base model "same visible biases, no weights,
    no hidden biases": the intermediate models are
    ``p_k*(v) = exp(visible terms) * prod_j (1 + exp(beta_k * (W v + c)_j))``, whose
    visible terms do not depend on ``beta`` and cancel in every ratio. ``v`` holds one
    exact sample of the base model per run (rows) and is overwritten. ``betas`` rises
    from 0 to 1 and should be float64: each step adds a small difference of softplus
    terms, computed in float64 also for a float32 model. Returns ``log w`` (one per
    run); then
    ``log Z = log Z_base + n_hidden * log 2 + log mean(w)``.
    """
    n_runs = v.shape[0]
    act = np.empty((n_runs, W.shape[0]), dtype=v.dtype)
    log_w = np.zeros(n_runs)
    ones = np.ones(n_runs)  # the hidden biases are not scaled
    for k in range(1, betas.shape[0]):
        gemm(False, True, 1.0, v, W, 0.0, act)
        ais_hidden_step(act, c, ones, betas[k], betas[k - 1], log_w, state)
        if k < betas.shape[0] - 1:
            # v ~ p_k(v | h): weights scaled by beta through GEMM's alpha.
            gemm(False, False, betas[k], act, W, 0.0, v)
            sample_given_input(v, b, visible_kind, state)
    return log_w


@kernel
def ais_hidden_step(act, c, scale, beta, beta_prev, log_w, state, fixed=None):
    """One AIS step on the hidden side, for runs whose hidden units see
    ``f + beta a`` with ``a = act[r] + scale[r] * c`` (``act`` the product with the
    weights) and ``f = fixed[r]`` (0 when None): adds ``sum_j softplus(f_j + beta
    a_j) - softplus(f_j + beta_prev a_j)`` to ``log_w[r]``, the ratio of the
    intermediate models at the current visible state, then draws ``h ~ p_beta(h |
    v)`` into ``act`` (transition T_k leaves p_k invariant).

    The terms are float64 also for a float32 model: each is a small difference.
    """
    n_runs, n_hidden = act.shape
    step = np.empty(n_hidden)  # per-unit terms of one run's log-weight step
    key, base = state[0], state[1]
    for r in range(n_runs):
        row = base + np.uint64(r * n_hidden)
        for j in range(n_hidden):  # vectorized: no sum inside this loop
            a = np.float64(act[r, j]) + scale[r] * np.float64(c[j])
            f = 0.0 if fixed is None else np.float64(fixed[r, j])
            step[j] = softplus(f + beta * a) - softplus(f + beta_prev * a)
            u = random_uniform(key, row + np.uint64(j))
            act[r, j] = 1.0 if u < sigmoid(f + beta * a) else 0.0
        log_w[r] += step.sum()
    state[1] = base + np.uint64(n_runs * n_hidden)
