"""Pseudo-likelihood and the log partition function of an :class:`RBMLayer`.

``log p(v) = -F(v) - log Z`` with ``F`` the layer's free energy. ``log Z`` is exact by
enumerating the smaller layer of binary units (the other layer is summed or integrated
out by its unit type), or estimated by annealed importance sampling (AIS) for binary
hidden units. All sums are accumulated in float64.
"""

import numpy as np

from .._kernels._random import new_state
from .._kernels._sampling import ais_log_weights

# The smaller layer is enumerated exactly up to this many units (2 ** 20 states).
MAX_EXACT_UNITS = 20


def pseudo_likelihood(layer, v, rng):
    """Stochastic pseudo-likelihood of binary visible units, as scikit-learn's.

    One feature per sample, drawn at random, is flipped (``v_i -> 1 - v_i``); the value
    is ``n_features * log sigmoid(F(v_flipped) - F(v))``. The flipped free energy reuses
    the product ``v @ W.T`` with a rank-one correction, so it costs no second GEMM.
    """
    n_samples, n_features = v.shape
    rows = np.arange(n_samples)
    flip = rng.randint(0, n_features, n_samples)
    v_flip = np.asarray(v[rows, flip], dtype=np.float64).ravel()
    delta = 1.0 - 2.0 * v_flip  # change of the flipped feature
    a = np.asarray(v @ layer.W.T)
    a_flip = a + delta[:, None] * layer.W[:, flip].T
    # F(v_flip) - F(v): the visible term changes by -delta * b_i, the hidden one by
    # the difference of the summed-out hidden layers.
    diff = (
        -delta * layer.b[flip]
        - layer.hidden.log_marginal(a_flip, layer.c)
        + layer.hidden.log_marginal(a, layer.c)
    )
    return -n_features * np.logaddexp(0.0, -diff)


def enumerated_units(layer):
    """How many states an exact ``log Z`` must enumerate: the smaller layer of binary
    units (None when neither layer is binary)."""
    sizes = [
        n
        for n, units in (
            (layer.W.shape[1], layer.visible),
            (layer.n_hidden, layer.hidden),
        )
        if units.enumerable
    ]
    return min(sizes) if sizes else None


def _binary_states(start, stop, n_units):
    codes = np.arange(start, stop, dtype=np.int64)[:, None]
    return ((codes >> np.arange(n_units)) & 1).astype(np.float64)


def exact_log_partition(layer, chunk=4096):
    """``log Z`` (float64) by enumerating the smaller binary layer, the other summed
    out.

    Enumerating ``x`` on one side with ``y`` on the other:
    ``log Z = logsumexp_x [-E_x(x) + log_marginal_y(x W)]``.
    """
    layer = layer.astype(np.float64)
    n_units = enumerated_units(layer)
    if n_units is None:
        if layer.visible.gaussian and layer.hidden.gaussian:
            raise ValueError(
                "An RBM with Gaussian visible and Gaussian hidden units has no "
                "normalisable distribution; make one of the layers binary."
            )
        raise NotImplementedError(
            f"log Z of an RBM with {layer.visible.name} visible and "
            f"{layer.hidden.name} hidden units is not available: neither layer "
            "is binary, so neither can be enumerated, and there is no AIS for "
            f"{layer.hidden.name} hidden units. Use binary hidden units to score "
            "this model, or compare models by their features or reconstructions."
        )
    if n_units > MAX_EXACT_UNITS:
        hint = (
            "use method='ais'"
            if layer.hidden.enumerable
            else f"log Z of {_hidden_name(layer)} hidden units is only available "
            "by enumeration"
        )
        raise ValueError(
            f"Exact enumeration needs the enumerated layer to have at most "
            f"{MAX_EXACT_UNITS} units, it has {n_units}; {hint}."
        )
    W, b, c = layer.params
    hidden_side = layer.hidden.enumerable and (
        n_units == layer.n_hidden or not layer.visible.enumerable
    )
    if hidden_side:
        units, bias, weights, other, other_bias = layer.hidden, c, W, layer.visible, b
    else:
        units, bias, weights, other, other_bias = layer.visible, b, W.T, layer.hidden, c
    parts = []
    for start in range(0, 2**n_units, chunk):
        s = _binary_states(start, min(start + chunk, 2**n_units), n_units)
        term = -units.energy(s, bias) + other.log_marginal(s @ weights, other_bias)
        parts.append(np.logaddexp.reduce(term))
    return float(np.logaddexp.reduce(np.array(parts)))


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


def ais_log_partition(layer, n_runs, n_betas, rng):
    """``(log Z, standard error)`` by annealed importance sampling (for binary hidden
    units).

    The base model keeps the visible biases and has no weights and no hidden biases,
    so it is sampled exactly and ``log Z_0 = n_hidden log 2 + log Z_visible``. The
    standard error of ``log Z`` is the delta-method one, ``std(w) / (mean(w) sqrt(R))``.
    """
    W, b, c = layer.params
    v = layer.visible.sample_free(b, n_runs, rng).astype(layer.dtype)
    state = new_state(rng)
    zeros = np.zeros((1, W.shape[1]))
    log_z0 = layer.visible.log_marginal(zeros, b)[0] + layer.n_hidden * np.log(2.0)
    # betas stay float64: each step's log weight is a small difference of softplus terms
    log_w = ais_log_weights(
        W, b, c, ais_betas(n_betas), v, layer.visible.code, state
    )
    return ais_estimate(log_z0, log_w)


def ais_estimate(log_z0, log_w):
    """``(log Z, standard error)`` from the base model's ``log Z_0`` and the runs'
    log importance weights: ``log Z_0 + log mean(w)``, with the delta-method standard
    error ``std(w) / (mean(w) sqrt(R))``."""
    top = log_w.max()
    w = np.exp(log_w - top)
    mean = w.mean()
    std_err = w.std() / (mean * np.sqrt(len(log_w)))
    return float(log_z0 + top + np.log(mean)), float(std_err)


def effective_runs(std_err, n_runs):
    """The effective sample size ``(sum w)^2 / sum w^2`` of AIS runs whose
    :func:`ais_estimate` has standard error ``std_err``: with the weights' mean
    ``m`` and variance ``v``, ``std_err^2 = v / (m^2 R)`` and the ESS is
    ``R m^2 / (m^2 + v) = R / (1 + R std_err^2)``."""
    return n_runs / (1.0 + n_runs * np.square(std_err))


def _hidden_name(layer):
    """The hidden units' name in messages: Gaussian hidden units are "linear"."""
    return "linear" if layer.hidden.gaussian else layer.hidden.name


def log_partition(layer, method, n_runs, n_betas, rng):
    """``(log Z, standard error)``: exact when ``method`` is "exact", or "auto" and the
    enumerated layer is small enough; AIS otherwise. With learned visible variances,
    that of the unit-variance RBM of ``u = (v - m) / s`` plus ``sum_i log s_i``."""
    if layer.log_var is not None:
        log_z, std_err = log_partition(layer.in_units(), method, n_runs, n_betas, rng)
        return log_z + layer.log_jacobian(), std_err
    n_units = enumerated_units(layer)
    small = n_units is not None and n_units <= MAX_EXACT_UNITS
    if method == "exact" or (method == "auto" and small) or n_units is None:
        return exact_log_partition(layer), 0.0  # (None: says why there is none)
    if not layer.hidden.enumerable:
        raise NotImplementedError(
            f"AIS is not implemented for {_hidden_name(layer)} hidden units; log Z "
            f"is exact for at most {MAX_EXACT_UNITS} visible units, this model has "
            f"{layer.W.shape[1]}."
        )
    return ais_log_partition(layer, n_runs, n_betas, rng)
