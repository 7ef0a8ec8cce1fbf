"""The error a diverging fit raises (no scikit-learn: the model layer raises it)."""


class DivergenceError(FloatingPointError):
    """Raised when training made the parameters non-finite or explode.

    A diverging fit stops with this error instead of returning a model full of NaN:
    a diverged ``fit`` leaves the estimator unfitted, a diverged ``partial_fit`` or
    warm start leaves it as it was before the call. The message names the estimator,
    the step and what to change.
    """
