"""Gibbs sampling and annealed importance sampling (AIS) for RBMs."""

import numpy as np

from ._activations import sigmoid, softplus
from ._blas import gemm
from ._jit import kernel
from ._random import random_uniform
from ._units import sample_given_input, sample_visible


@kernel
def gibbs_chain(v, W, b, c, n_steps, gaussian, state, h, gaussian_hidden=False):
    """Run ``n_steps`` full Gibbs steps v -> h -> v in place on the rows of ``v``.

    ``h`` is scratch space of shape (n_rows, n_hidden). Each step samples the hidden
    units (binary, or linear with unit-variance Gaussian noise), then the visible
    ones; the result is a sample, not a mean.
    """
    for _ in range(n_steps):
        gemm(False, True, 1.0, v, W, 0.0, h)
        sample_given_input(h, c, gaussian_hidden, state)
        sample_visible(h, W, b, v, gaussian, state)


@kernel
def ais_log_weights(W, b, c, betas, v, gaussian, state):
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
    n_hid = W.shape[0]
    act = np.empty((n_runs, n_hid), dtype=v.dtype)
    step = np.empty(n_hid)  # per-unit terms of one run's log-weight step
    log_w = np.zeros(n_runs)
    key = state[0]
    for k in range(1, betas.shape[0]):
        beta, beta_prev = betas[k], betas[k - 1]
        gemm(False, True, 1.0, v, W, 0.0, act)
        base = state[1]
        for r in range(n_runs):
            row = base + np.uint64(r * n_hid)
            for j in range(n_hid):  # vectorized: no sum inside this loop
                a = np.float64(act[r, j]) + np.float64(c[j])  # float64, see docstring
                step[j] = softplus(beta * a) - softplus(beta_prev * a)
                # Transition T_k leaves p_k invariant: h ~ p_k(h | v).
                u = random_uniform(key, row + np.uint64(j))
                act[r, j] = 1.0 if u < sigmoid(beta * a) else 0.0
            log_w[r] += step.sum()
        state[1] = base + np.uint64(n_runs * n_hid)
        if k < betas.shape[0] - 1:
            # v ~ p_k(v | h): weights scaled by beta through GEMM's alpha.
            gemm(False, False, beta, act, W, 0.0, v)
            sample_given_input(v, b, gaussian, state)
    return log_w
