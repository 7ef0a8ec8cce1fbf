"""Contrastive-divergence training of an RBM: one jitted call per epoch.

Layout: ``W`` is (n_hidden, n_visible), C-contiguous, as ``components_``. Per minibatch
the positive and negative visible rows are stacked in one buffer ``vv`` (positive rows
first, then the chains) and their hidden activations in ``hh``, so that

* one GEMM ``hh <- vv @ W.T`` gives positive and negative hidden probabilities, and
* one GEMM ``W <- lr * hh_scaled.T @ vv + (1 - lr * weight_decay) * W`` applies the
  whole weight update, with ``hh_scaled`` the positive rows divided by their count and
  the negative rows by minus theirs.

Persistent CD-1 therefore costs three BLAS calls per minibatch and no temporaries of
the minibatch's size (learned variances below add one GEMM and one).

Gaussian visible units with learned variances (``log_var``, the log of each unit's
variance) follow Krizhevsky's (2009) energy, centred at fixed offsets ``m``
(``skgen._models._rbm``): ``E(v, h) = sum_i (v_i - b_i)^2 / (2 s_i^2) - ((v - m) /
s) . W.T h - c . h``. In the coordinates ``u = (v - m) / s`` it is the unit-variance RBM
with visible biases ``(b - m) / s``. The step maps its positive rows to ``u`` and runs
the unit-variance phases there; the gradients are those of ``W`` and ``log s^2`` (one
more GEMM, ``E[h | u] @ W``, for the last) and that of ``b`` times ``s^2``, the step of
``(b - m) / s`` in ``u``: so the whole update is the same whatever the units of each
column (divided by ``s^2`` instead, the step of a column with a small variance was
large enough to throw its variance up by thousands of nats).
"""

import numpy as np

from ._blas import gemm
from ._jit import inline_kernel, kernel
from ._units import hidden_mean, sample_hidden, sample_visible, visible_mean


@kernel
def cd_step(vv, n_pos, hh, chains, params, velocity, settings, state):
    """One CD-k (or persistent CD-k) update from the first ``n_pos`` rows of ``vv``.

    ``params`` is ``(W, b, c, log_var, offset, min_log_var)``, updated in place (but
    the last two), with ``log_var`` the log variances of Gaussian visible units that
    learn them, ``offset`` their centres and ``min_log_var`` the floors of
    ``log_var``, or all three empty (the others); ``velocity`` the momentum
    buffers of ``(W, b, c, log_var)``, used only when momentum > 0; ``settings`` is
    ``(learning_rate, momentum, weight_decay, k, persistent, visible_kind,
    hidden_kind, mean_field)``, the kinds unit codes of ``skgen._kernels._units``;
    with ``mean_field`` the negative phase reconstructs the visible units by their
    means instead of drawing them. ``chains`` holds the hidden states of the
    negative chains: with ``persistent`` it is read and written (PCD), otherwise it
    is scratch space of at least ``n_pos`` rows that the chains start from (CD).
    """
    W, b, c, log_var, offset, min_log_var = params
    vel_W, vel_b, vel_c, vel_z = velocity
    (
        learning_rate,
        momentum,
        weight_decay,
        k,
        persistent,
        visible_kind,
        hidden_kind,
        mean_field,
    ) = settings
    n_chains = chains.shape[0] if persistent else n_pos
    n_all = n_pos + n_chains
    v_pos = vv[:n_pos]
    v_neg = vv[n_pos:n_all]
    h_pos = hh[:n_pos]
    h_neg = hh[n_pos:n_all]
    h_chain = chains[:n_chains]
    n_vis = vv.shape[1]
    n_hid = hh.shape[1]

    # With learned variances, the phases run on u = (v - m) / s, biases (b - m) / s.
    learned = log_var.shape[0] > 0
    bias = np.empty_like(b)
    scale = np.empty_like(b)
    for j in range(n_vis):
        scale[j] = np.exp(0.5 * log_var[j]) if learned else 1.0
        bias[j] = (b[j] - offset[j]) / scale[j] if learned else b[j]
    if learned:
        for i in range(n_pos):
            for j in range(n_vis):
                v_pos[i, j] = (v_pos[i, j] - offset[j]) / scale[j]

    if not persistent:
        hidden_mean(v_pos, W, c, h_pos, hidden_kind)
        sample_hidden(h_pos, h_chain, hidden_kind, state)
    for step in range(k):
        if mean_field:
            visible_mean(h_chain, W, bias, v_neg, visible_kind)
        else:
            sample_visible(h_chain, W, bias, v_neg, visible_kind, state)
        if step < k - 1:
            hidden_mean(v_neg, W, c, h_neg, hidden_kind)
            sample_hidden(h_neg, h_chain, hidden_kind, state)
    if persistent:
        # Positive and negative rows at once, then the chains' next state.
        hidden_mean(vv[:n_all], W, c, hh[:n_all], hidden_kind)
        sample_hidden(h_neg, h_chain, hidden_kind, state)
    else:
        hidden_mean(v_neg, W, c, h_neg, hidden_kind)

    grad_z = np.zeros(n_vis)
    if learned:
        _log_variance_gradient(vv[:n_all], hh[:n_all], W, bias, n_pos, grad_z)
    # Bias gradients, then scale hh so that one GEMM gives the weight gradient: each
    # phase is averaged over its own rows (batch rows, chains).
    grad_b = np.zeros(n_vis)
    grad_c = np.zeros(n_hid)
    _accumulate_phase(v_pos, h_pos, 1.0 / n_pos, grad_b, grad_c)
    _accumulate_phase(v_neg, h_neg, -1.0 / n_chains, grad_b, grad_c)

    if momentum > 0.0:
        gemm(True, False, learning_rate, hh[:n_all], vv[:n_all], momentum, vel_W)
        decay = learning_rate * weight_decay
        for i in range(n_hid):
            for j in range(n_vis):
                vel_W[i, j] -= decay * W[i, j]
                W[i, j] += vel_W[i, j]
        for j in range(n_vis):
            vel_b[j] = momentum * vel_b[j] + learning_rate * grad_b[j] * scale[j]
            b[j] += vel_b[j]
            if learned:
                vel_z[j] = momentum * vel_z[j] + learning_rate * grad_z[j]
                log_var[j] += vel_z[j]
                if log_var[j] < min_log_var[j]:  # at the floor: no more momentum
                    log_var[j] = min_log_var[j]
                    vel_z[j] = 0.0
        for j in range(n_hid):
            vel_c[j] = momentum * vel_c[j] + learning_rate * grad_c[j]
            c[j] += vel_c[j]
    else:
        shrink = 1.0 - learning_rate * weight_decay
        gemm(True, False, learning_rate, hh[:n_all], vv[:n_all], shrink, W)
        for j in range(n_vis):
            b[j] += learning_rate * grad_b[j] * scale[j]
            if learned:
                log_var[j] = max(
                    log_var[j] + learning_rate * grad_z[j], min_log_var[j]
                )
        for j in range(n_hid):
            c[j] += learning_rate * grad_c[j]


@inline_kernel
def _log_variance_gradient(uu, hh, W, bias, n_pos, grad_z):
    """Add the gradient of the log-likelihood with respect to the log variances,
    ``d(-E)/d log s^2 = ((u - bias)^2 - u * (W.T h)) / 2`` per unit, averaged over
    the positive rows (the first ``n_pos`` of ``uu``, in ``u = (v - m) / s``, with
    ``bias = (b - m) / s``) minus that over the negative ones, with ``h`` their hidden
    means ``hh``."""
    n_all, n_vis = uu.shape
    recon = np.empty((n_all, n_vis), dtype=uu.dtype)
    gemm(False, False, 1.0, hh, W, 0.0, recon)
    for i in range(n_all):
        weight = 0.5 / n_pos if i < n_pos else -0.5 / (n_all - n_pos)
        for j in range(n_vis):
            d = uu[i, j] - bias[j]
            grad_z[j] += weight * (d * d - uu[i, j] * recon[i, j])


@inline_kernel
def _accumulate_phase(v, h, scale, grad_b, grad_c):
    """Add ``scale`` times the column sums of ``v`` and ``h`` to the bias gradients,
    and scale ``h`` in place for the weight-gradient GEMM."""
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            grad_b[j] += v[i, j] * scale
        for j in range(h.shape[1]):
            grad_c[j] += h[i, j] * scale
            h[i, j] *= scale


@kernel
def cd_epoch_dense(X, order, bounds, vv, hh, chains, params, velocity, settings, state):
    """Run :func:`cd_step` over the minibatches ``X[order[bounds[i]:bounds[i + 1]]]``
    (``order``: the rows in the order of this epoch)."""
    for batch in range(bounds.shape[0] - 1):
        start = bounds[batch]
        n_pos = bounds[batch + 1] - start
        # Copied element by element: a row slice assignment (vv[i] = X[row]) made
        # numba compile its broadcasting machinery, 4 s of a cold first fit.
        for i in range(n_pos):
            row = order[start + i]
            for j in range(X.shape[1]):
                vv[i, j] = X[row, j]
        cd_step(vv, n_pos, hh, chains, params, velocity, settings, state)


@kernel
def cd_epoch_csr(
    data,
    indices,
    indptr,
    order,
    bounds,
    vv,
    hh,
    chains,
    params,
    velocity,
    settings,
    state,
):
    """:func:`cd_epoch_dense` for a CSR matrix given by its three arrays."""
    for batch in range(bounds.shape[0] - 1):
        start = bounds[batch]
        n_pos = bounds[batch + 1] - start
        for i in range(n_pos):
            row = order[start + i]
            for j in range(vv.shape[1]):
                vv[i, j] = 0.0
            for p in range(indptr[row], indptr[row + 1]):
                vv[i, indices[p]] += data[p]  # duplicates add up, as in X @ W.T
        cd_step(vv, n_pos, hh, chains, params, velocity, settings, state)
