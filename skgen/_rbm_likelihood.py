"""Free energy, pseudo-likelihood and the log partition function of an RBM.

The energy of a binary-hidden RBM with weights ``W`` (n_hidden, n_visible), visible
biases ``b`` and hidden biases ``c`` is ``E(v, h) = -c.h - v.W^T h + E_vis(v)`` with
``E_vis(v) = -b.v`` (Bernoulli visible units) or ``||v - b||^2 / 2`` (unit-variance
Gaussian ones). Summing out ``h`` gives the free energy
``F(v) = E_vis(v) - sum_j softplus(c_j + W_j . v)`` and ``log p(v) = -F(v) - log Z``.
Linear hidden units with unit-variance Gaussian noise (the code layer of a deep
autoencoder, Hinton & Salakhutdinov 2006) have ``E(v, h) = ... + ||h||^2 / 2``
instead, and integrate out to ``-sum_j a_j^2 / 2 - n_hidden/2 log(2 pi)`` with
``a_j = c_j + W_j . v``. All sums are accumulated in float64.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.utils.extmath import safe_sparse_dot

from ._kernels._random import new_state
from ._kernels._sampling import ais_log_weights

# The smaller layer is enumerated exactly up to this many units (2 ** 20 states).
MAX_EXACT_UNITS = 20


def _softplus_sum(act):
    return np.logaddexp(0.0, act).sum(axis=1, dtype=np.float64)


def _hidden_term(act, gaussian_hidden):
    """``log`` of the hidden layer's sum (or integral) given its inputs ``act``."""
    if gaussian_hidden:
        act = act.astype(np.float64, copy=False)
        return 0.5 * np.square(act).sum(axis=1) + 0.5 * act.shape[1] * np.log(
            2.0 * np.pi
        )
    return _softplus_sum(act)


def _visible_energy(v, b, gaussian):
    if gaussian:
        v = v.toarray() if sp.issparse(v) else v
        return 0.5 * np.square(v - b, dtype=np.float64).sum(axis=1)
    return -np.asarray(safe_sparse_dot(v, b.astype(np.float64))).ravel()


def free_energy(v, W, b, c, gaussian, gaussian_hidden=False):
    """``F(v)`` for each row of ``v`` (dense or sparse), as float64."""
    act = safe_sparse_dot(v, W.T, dense_output=True) + c
    return _visible_energy(v, b, gaussian) - _hidden_term(act, gaussian_hidden)


def pseudo_likelihood(v, W, b, c, rng, gaussian_hidden=False):
    """Stochastic pseudo-likelihood of Bernoulli visible units, as scikit-learn's.

    One feature per sample, drawn at random, is flipped (``v_i -> 1 - v_i``); the value
    is ``n_features * log sigmoid(F(v_flipped) - F(v))``. The flipped free energy reuses
    the product ``v @ W.T`` with a rank-one correction, so it costs no second GEMM.
    """
    n_samples, n_features = v.shape
    rows = np.arange(n_samples)
    flip = rng.randint(0, n_features, n_samples)
    v_flip = v[rows, flip]
    v_flip = np.asarray(v_flip, dtype=np.float64).ravel()
    delta = 1.0 - 2.0 * v_flip  # change of the flipped feature
    act = safe_sparse_dot(v, W.T, dense_output=True) + c
    act_flip = act + delta[:, None] * W[:, flip].T
    # F(v_flip) - F(v): the visible term changes by -delta * b_i, the hidden one by
    # the difference of the softplus sums.
    diff = (
        -delta * b[flip]
        - _hidden_term(act_flip, gaussian_hidden)
        + _hidden_term(act, gaussian_hidden)
    )
    return -n_features * np.logaddexp(0.0, -diff)


def _binary_states(start, stop, n_units):
    codes = np.arange(start, stop, dtype=np.int64)[:, None]
    return ((codes >> np.arange(n_units)) & 1).astype(np.float64)


def exact_log_partition(W, b, c, gaussian, chunk=4096, gaussian_hidden=False):
    """``log Z`` by enumerating the smaller binary layer (float64).

    Bernoulli-Bernoulli RBMs enumerate whichever layer is smaller; Gaussian visible
    units are integrated in closed form, so the hidden layer is enumerated:
    ``log Z = n_visible/2 log(2 pi)
    + logsumexp_h [c.h + (||b + W^T h||^2 - ||b||^2)/2]``. Gaussian hidden units
    (with Bernoulli visible ones) are integrated, and the visible layer enumerated.
    """
    W = W.astype(np.float64)
    b = b.astype(np.float64)
    c = c.astype(np.float64)
    n_hidden, n_visible = W.shape
    enumerate_hidden = gaussian or (n_hidden <= n_visible and not gaussian_hidden)
    n_units = n_hidden if enumerate_hidden else n_visible
    if gaussian and gaussian_hidden:
        raise ValueError(
            "An RBM with Gaussian visible and Gaussian hidden units has no "
            "normalisable distribution; make one of the layers binary."
        )
    if n_units > MAX_EXACT_UNITS:
        hint = (
            "log Z of linear hidden units is only available by enumeration"
            if gaussian_hidden
            else "use method='ais'"
        )
        raise ValueError(
            f"Exact enumeration needs the enumerated layer to have at most "
            f"{MAX_EXACT_UNITS} units, it has {n_units}; {hint}."
        )
    parts = []
    for start in range(0, 2**n_units, chunk):
        s = _binary_states(start, min(start + chunk, 2**n_units), n_units)
        if gaussian:
            m = s @ W + b
            term = s @ c + 0.5 * (np.square(m).sum(axis=1) - b @ b)
        elif enumerate_hidden:
            term = s @ c + _softplus_sum(s @ W + b)
        else:
            term = s @ b + _hidden_term(s @ W.T + c, gaussian_hidden)
        top = term.max()
        parts.append(top + np.log(np.exp(term - top).sum()))
    parts = np.array(parts)
    top = parts.max()
    log_z = top + np.log(np.exp(parts - top).sum())
    if gaussian:
        log_z += 0.5 * n_visible * np.log(2.0 * np.pi)
    return float(log_z)


def ais_betas(n_betas):
    """``n_betas`` inverse temperatures from 0 to 1, denser near 1 (Salakhutdinov &
    Murray's 500 / 4000 / 10000 split of [0, 0.5], [0.5, 0.9], [0.9, 1]); evenly
    spaced when there are too few to split."""
    if n_betas < 30:
        return np.linspace(0.0, 1.0, n_betas)
    n1 = int(round(n_betas * 500 / 14500))
    n2 = int(round(n_betas * 4000 / 14500))
    n3 = n_betas - n1 - n2
    return np.concatenate(
        [
            np.linspace(0.0, 0.5, n1, endpoint=False),
            np.linspace(0.5, 0.9, n2, endpoint=False),
            np.linspace(0.9, 1.0, n3),
        ]
    )


def sample_base_model(b, n_samples, gaussian, rng):
    """Exact samples of the RBM with its weights and hidden biases removed: independent
    Bernoulli(sigmoid(b)) or N(b, 1) visible units, float64, C-contiguous."""
    b = b.astype(np.float64)
    if gaussian:
        return b + rng.standard_normal((n_samples, b.shape[0]))
    return (rng.uniform(size=(n_samples, b.shape[0])) < expit(b)).astype(np.float64)


def ais_log_partition(W, b, c, gaussian, n_runs, n_betas, rng):
    """``(log Z, standard error)`` by annealed importance sampling.

    The base model keeps the visible biases and has no weights and no hidden biases,
    so it is sampled exactly and ``log Z_0 = n_hidden log 2 + log Z_visible``. The
    standard error of ``log Z`` is the delta-method one, ``std(w) / (mean(w) sqrt(R))``.
    """
    n_hidden, n_visible = W.shape
    v = sample_base_model(b, n_runs, gaussian, rng).astype(W.dtype)
    state = new_state(rng)
    if gaussian:
        log_z0 = 0.5 * n_visible * np.log(2.0 * np.pi)
    else:
        log_z0 = np.logaddexp(0.0, b.astype(np.float64)).sum()
    log_z0 += n_hidden * np.log(2.0)
    # betas stay float64: each step's log weight is a small difference of softplus terms
    log_w = ais_log_weights(W, b, c, ais_betas(n_betas), v, gaussian, state)
    top = log_w.max()
    w = np.exp(log_w - top)
    mean = w.mean()
    log_z = log_z0 + top + np.log(mean)
    std_err = w.std() / (mean * np.sqrt(n_runs))
    return float(log_z), float(std_err)
