"""Input checks and errors shared by the estimators."""

import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp

# The dtypes every estimator keeps; anything else is converted to float64.
FLOAT_DTYPES = (np.float64, np.float32)


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


# No useful sigmoid-unit model has a parameter this large: exp(1e8) saturates any unit.
EXPLODED = 1e8


class DivergenceError(FloatingPointError):
    """Raised when training made the parameters non-finite or explode.

    A diverging fit stops with this error instead of returning a model full of NaN.
    The message names the estimator, the iteration and what to change.
    """


def check_unit_interval(X, estimator_name, alternative="use GaussianRBM"):
    """Warn when ``X`` has values outside [0, 1], which Bernoulli units cannot model;
    ``alternative`` names the model to use for real-valued data instead."""
    values = X.data if sp.issparse(X) else X
    if values.size == 0:
        return
    low, high = values.min(), values.max()
    if sp.issparse(X) and X.nnz < X.shape[0] * X.shape[1]:
        low = min(low, 0.0)
    if low < 0.0 or high > 1.0:
        warnings.warn(
            f"{estimator_name} models data in [0, 1] (binary or intensities), but X "
            f"has values in [{low:.3g}, {high:.3g}]. Scale X into [0, 1], for example "
            f"with sklearn.preprocessing.MinMaxScaler, or {alternative} for "
            "real-valued data.",
            UserWarning,
            stacklevel=5,  # the user's call to fit / partial_fit
        )


def check_finite_params(estimator, where, *params):
    """Raise :class:`DivergenceError` if a parameter is not finite or above 1e8.

    ``where`` names the step for the message, e.g. "iteration 3" or "partial_fit".
    """
    if all(p.size == 0 or np.abs(p).max() <= EXPLODED for p in params):
        return  # NaN fails the comparison too
    name = type(estimator).__name__
    hint = (
        "standardise X (sklearn.preprocessing.StandardScaler) and lower learning_rate"
        if getattr(estimator, "_gaussian_visible", False)
        else "lower learning_rate"
    )
    raise DivergenceError(
        f"{name} diverged in {where}: its parameters are no longer "
        f"finite or have exploded past {EXPLODED:.0e} "
        f"(learning_rate={estimator.learning_rate}). To fix it, {hint}."
    )
