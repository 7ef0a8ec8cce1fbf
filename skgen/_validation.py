"""Input checks and warnings shared by the estimators."""

import os
import sys
import warnings
from numbers import Integral

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn

from ._errors import DivergenceError
from ._models._rbm import FLOAT_DTYPES  # noqa: F401 (the estimators' dtypes)
from ._models._units import spreads

# No useful sigmoid-unit model has a parameter this large: exp(1e8) saturates any unit.
EXPLODED = 1e8

# Frames in these folders are skgen's or scikit-learn's (Pipeline, _fit_context, ...);
# a warning points at the first frame outside them, the user's line.
_INTERNAL = tuple(
    os.path.dirname(module.__file__) + os.sep
    for module in (sys.modules[__package__], sklearn, joblib)
)


def warn_at_caller(message, category=UserWarning):
    """``warnings.warn`` attributed to the user's line: the innermost frame that is
    neither skgen's nor scikit-learn's nor joblib's (a Pipeline fits its
    transformers through ``joblib.Memory``)."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def check_layer_sizes(sizes, min_layers=0):
    """``hidden_layer_sizes`` as a list of positive ints (an int is one layer)."""
    layers = [sizes] if isinstance(sizes, Integral) else list(sizes)
    if len(layers) < min_layers or not all(
        isinstance(h, Integral) and h >= 1 for h in layers
    ):
        need = f"; at least {min_layers} layer" if min_layers else ""
        raise ValueError(
            "hidden_layer_sizes must be positive integers (one per hidden layer"
            f"{need}), got {sizes!r}."
        )
    return layers


def per_layer(value, n_layers, name, kind):
    """``value`` for every layer: one value for all, or a sequence of one per layer."""
    values = [value] * n_layers if isinstance(value, kind) else list(value)
    if len(values) != n_layers or not all(isinstance(v, kind) for v in values):
        raise ValueError(
            f"{name} must be one value or one per hidden layer ({n_layers}), got "
            f"{value!r}."
        )
    return values


def value_range(X):
    """``(low, high)`` of a dense or CSR ``X`` (its implicit zeros counted), or None
    for an empty one."""
    values = X.data if sp.issparse(X) else X
    if X.shape[0] * X.shape[1] == 0:
        return None
    if values.size == 0:  # a sparse matrix of zeros
        return 0.0, 0.0
    low, high = values.min(), values.max()
    if sp.issparse(X) and X.nnz < X.shape[0] * X.shape[1]:
        low, high = min(low, 0.0), max(high, 0.0)
    return low, high


# Rounding error of a [0, 1] scaling that in_unit_interval forgives (float32's
# is about 1e-7).
UNIT_INTERVAL_SLACK = 1e-6


def in_unit_interval(X):
    """Whether every value of ``X`` lies in [0, 1]: the rule by which DBN's "auto"
    visible units and DeepAutoencoder's loss choose Bernoulli units (data in
    [0, 1], e.g. after ``MinMaxScaler``) over Gaussian ones (real values, e.g.
    after ``StandardScaler``), and the first condition of :func:`looks_binary`
    (the VAEs' likelihood, the supervised RBM-based models' visible units); the
    [0, 1] warnings use it too.
    Values up
    to ``UNIT_INTERVAL_SLACK`` outside count as inside: ``MinMaxScaler`` rounds
    some maxima to 1.0000000000000002, and a rule without slack gave its output
    Gaussian units."""
    bounds = value_range(X)
    return bounds is None or (
        bounds[0] >= -UNIT_INTERVAL_SLACK and bounds[1] <= 1.0 + UNIT_INTERVAL_SLACK
    )


# Share of the values at exactly 0 or 1 from which data in [0, 1] count as binary
# data or intensities (see looks_binary).
BINARY_SHARE = 1 / 3


def looks_binary(X):
    """Whether ``X`` looks like binary data or intensities, which a Bernoulli
    likelihood models: every value in [0, 1] (:func:`in_unit_interval`) and at
    least ``BINARY_SHARE`` of them at 0 or 1 (implicit zeros of a sparse X count).

    A measured quantity after ``MinMaxScaler`` also lies in [0, 1], but has one
    row at each bound and the rest in between: 0.5-2% of the values of iris,
    wine, breast cancer and Friedman #1, at most 11% (diabetes) on the tables the
    default was chosen on, against 58% of digits' pixels and all of a binary
    matrix. Around 0.5 a Bernoulli likelihood is nearly flat, and the CVAE's
    codes collapsed onto one point (accuracy at chance on a min-max-scaled
    ``make_classification`` table, 0.62 with the Gaussian)."""
    if not in_unit_interval(X):
        return False
    n_values = X.shape[0] * X.shape[1]
    if n_values == 0:
        return True
    values = X.data if sp.issparse(X) else X
    at_bounds = np.count_nonzero(
        (np.abs(values) <= UNIT_INTERVAL_SLACK)
        | (np.abs(values - 1.0) <= UNIT_INTERVAL_SLACK)
    )
    if sp.issparse(X):
        at_bounds += n_values - X.nnz
    return at_bounds >= BINARY_SHARE * n_values


def resolve_gaussian_visible(setting, X, bernoulli=in_unit_interval):
    """A ``gaussian_visible`` setting (True, False or "auto") for training data X:
    "auto" is True unless ``bernoulli(X)``: :func:`in_unit_interval` for models
    that feed X to unit-variance Gaussian units as it is (:class:`DBN`), or
    :func:`looks_binary` for those that standardise it first (``standardize``)."""
    if isinstance(setting, str) and setting == "auto":
        return not bernoulli(X)
    return bool(setting)


def check_unit_interval(X, estimator_name, alternative="use GaussianRBM"):
    """Warn when ``X`` has values outside [0, 1], which Bernoulli units cannot model;
    ``alternative`` names the model to use for real-valued data instead."""
    if in_unit_interval(X):
        return
    low, high = value_range(X)
    warn_at_caller(
        f"{estimator_name} models data in [0, 1] (binary or intensities), but X "
        f"has values in [{low:.3g}, {high:.3g}]. Scale X into [0, 1], for example "
        f"with sklearn.preprocessing.MinMaxScaler, or {alternative} for "
        "real-valued data."
    )


# A column's standard deviation outside this range is far from the unit variance
# that unit-variance Gaussian visible units assume (StandardScaler gives 1).
UNIT_SPREAD = (0.25, 4.0)


def check_unit_spread(X, estimator_name, fix=None):
    """Warn when a column of ``X`` has a standard deviation far from 1
    (``UNIT_SPREAD``), which unit-variance Gaussian visible units take as noise of
    the wrong size; ``fix`` names the estimator's own way out, if it has one."""
    spread = np.sqrt(spreads(X)[1])  # a constant column counts as spread 1
    low, high = spread.min(), spread.max()
    if UNIT_SPREAD[0] <= low and high <= UNIT_SPREAD[1]:
        return
    warn_at_caller(
        f"{estimator_name} has Gaussian visible units of unit variance, which "
        "assume standardised features, but the columns of X have standard "
        f"deviations from {low:.3g} to {high:.3g}. Put "
        "sklearn.preprocessing.StandardScaler in front"
        + (f", or pass {fix}." if fix else ".")
    )


def check_finite_params(estimator, where, params, hint):
    """Raise :class:`DivergenceError` if a parameter is not finite or above 1e8.
    ``where`` names the step for the message, e.g. "iteration 3"; ``hint`` what to
    change (or a function that says it, called only when needed)."""
    if all(p.size == 0 or np.abs(p).max() <= EXPLODED for p in params):
        return  # NaN fails the comparison too
    if callable(hint):
        hint = hint()
    raise DivergenceError(
        f"{type(estimator).__name__} diverged in {where}: its parameters are no longer "
        f"finite or have exploded past {EXPLODED:.0e} "
        f"(learning_rate={estimator.learning_rate}). {hint}"
    )


def diverged_inside(error, context, advice):
    """The :class:`DivergenceError` of an inner model, reworded for the estimator the
    user called: ``context`` says where it happened, ``advice`` which of the user's
    own parameters to change."""
    return DivergenceError(f"{context}: {error} {advice}")


def check_positive_int(name, value, minimum=1):
    """Refuse a count that is not an integer of at least ``minimum``."""
    if not isinstance(value, Integral) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {kind}, got {value!r}.")
