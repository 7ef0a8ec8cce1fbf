"""The epoch loop of the network estimators, on top of :class:`BaseModel`.

``BaseNetwork`` owns the early-stopping split (made before anything, pretraining
included, sees the data, and the same rows on every warm start), minibatch Adam,
MLP-style stopping, the verbose line, and the fitted attributes ``loss_curve_``,
``n_iter_``, ``best_loss_``, ``validation_scores_``, ``best_validation_score_``,
``t_`` and the resolved epoch limits, filled the same way whichever call trained the
model.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, StrOptions

from . import _defaults
from ._base import BaseModel
from ._dbn import DBN
from ._models._stack import Stack, stack_activations
from ._models._training import (
    Adam,
    WeightAverage,
    minibatch_epoch,
    split_validation,
    train_epochs,
)
from ._models._units import UNITS, spreads
from ._parallel import N_JOBS_CONSTRAINT, refresh
from ._validation import (
    check_finite_params,
    check_layer_sizes,
    looks_binary,
    resolve_gaussian_visible,
)

_POSITIVE_INT = Interval(Integral, 1, None, closed="left")

# The parameters of the epoch loop, validated the same way in every network estimator.
TRAINING_CONSTRAINTS = {
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "batch_size": [_POSITIVE_INT],
    "max_iter": [_POSITIVE_INT],
    "tol": [Interval(Real, 0, None, closed="left")],
    "n_iter_no_change": [_POSITIVE_INT],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "warm_start": ["boolean"],
    "random_state": ["random_state"],
    "n_jobs": N_JOBS_CONSTRAINT,
    "verbose": ["verbose"],
}
# For the estimators whose epoch limits also take "auto" (a number of Adam steps).
AUTO_EPOCH_CONSTRAINTS = {
    "max_iter": [StrOptions({"auto"}), _POSITIVE_INT],
    "n_iter_no_change": [StrOptions({"auto"}), _POSITIVE_INT],
}

TRAINING_ATTRIBUTES = """\
    loss_curve_ : list of float
        Mean training loss per sample of every epoch; a warm start or
        ``partial_fit`` appends to it, ``fit`` starts it anew.
    validation_scores_ : list of float or None
        The held-out score after each epoch of ``loss_curve_`` (higher is
        better) once ``early_stopping`` has been used, NaN for epochs that held
        nothing out (``partial_fit``); None otherwise.
    best_loss_ : float
        The lowest value of ``loss_curve_``.
    best_validation_score_ : float or None
        The highest finite value of ``validation_scores_``, or None.
    n_iter_ : int
        Epochs trained, counting on through warm starts and ``partial_fit``.
    t_ : int
        Training samples seen by the optimizer (rows times epochs), as
        ``MLPClassifier.t_``.
    max_iter_, n_iter_no_change_ : int
        The epoch limits of the last training call: ``max_iter`` and
        ``n_iter_no_change``, with "auto" (where accepted) resolved for its
        number of rows; ``max_iter_`` is 1 after ``partial_fit``.
    random_state_ : RandomState instance
        The generator that ``sample`` draws from when its ``random_state`` is
        None; a first fit seeds it from ``random_state`` (training draws from a
        generator of its own, so sampling does not change later training).
"""


def document_training(cls):
    """Class decorator: write the fitted attributes of the epoch loop into the
    docstring, where it says ``TRAINING_ATTRIBUTES``."""
    cls.__doc__ = cls.__doc__.replace(
        "        TRAINING_ATTRIBUTES\n", TRAINING_ATTRIBUTES
    )
    return cls


STANDARDIZE_DESCRIPTION = """\
    standardize : "auto" or bool, default="auto"
        Standardise each feature inside the model (centred and scaled by its
        training mean and standard deviation, as ``StandardScaler`` does; a
        constant feature keeps scale 1; sparse data are scaled, not centred), so
        that the unit-variance Gaussian visible units and the network see features
        of unit spread whatever their units. "auto": when the visible units are
        Gaussian (``gaussian_visible_``). Measured by 3-fold CV on tables in their
        own units (benchmarks/choose_standardize.py): breast cancer 0.951 -> 0.970
        (DBNClassifier) and 0.627 -> 0.975 (RBMClassifier), Friedman #1 given as
        ``X * 20 + 10`` R^2 0.53 -> 0.74 (DBNRegressor); behind a
        ``StandardScaler`` nothing changes (the defaults were chosen there), and
        diabetes, whose columns scikit-learn ships with a spread of 0.05, goes from
        0.489 to 0.477. ``standardize=False`` with Gaussian visible units warns
        when a column's spread is far from 1; ``standardize=True`` with Bernoulli
        visible units is refused (it would feed them values outside [0, 1]).
        ``partial_fit`` and warm starts keep the means and spreads of the first
        fit (of ``partial_fit``'s first block).
"""

STANDARDIZE_ATTRIBUTES = """\
    standardize_ : bool
        Whether the model standardises X (``standardize`` with "auto" resolved).
    input_mean_ : ndarray of shape (`n_features_in_`,)
        The training means subtracted from X (zeros for sparse training data);
        only when ``standardize_``.
    input_scale_ : ndarray of shape (`n_features_in_`,)
        The training standard deviations X is divided by; only when
        ``standardize_``.
"""


def document_standardize(cls):
    """Class decorator: write the ``standardize`` parameter and its fitted
    attributes into the docstring, where it says ``STANDARDIZE_DESCRIPTION`` and
    ``STANDARDIZE_ATTRIBUTES``."""
    cls.__doc__ = cls.__doc__.replace(
        "    STANDARDIZE_DESCRIPTION\n", STANDARDIZE_DESCRIPTION
    ).replace("    STANDARDIZE_ATTRIBUTES\n", STANDARDIZE_ATTRIBUTES)
    return cls


class StandardisedInputMixin:
    """``standardize``: X standardised inside the model, for unit-variance Gaussian
    visible units. The estimator calls ``_resolve_units(X)`` in its ``_resolve``."""

    # skgen 0.6 added standardize; models before it saw X as given
    _standardize_added = {"standardize": False}
    _standardize_resolved = {"standardize_": "standardize"}
    _standardize_constraint = {"standardize": [StrOptions({"auto"}), "boolean"]}

    def _uses_visible_units(self):
        """Whether X goes into visible units (False: only into a network)."""
        return True

    def _resolve_units(self, X):
        """``gaussian_visible_`` ("auto": False for binary data and intensities,
        :func:`looks_binary`, else True: the standardised measurements the
        Gaussian units then see suit them whatever scaled X), then
        ``standardize_``."""
        self.gaussian_visible_ = resolve_gaussian_visible(
            self.gaussian_visible, X, looks_binary
        )
        self.standardize_ = (
            bool(self.gaussian_visible_)
            if _defaults.is_auto(self.standardize)
            else bool(self.standardize)
        )
        if self.standardize_ and not self.gaussian_visible_:
            if self._uses_visible_units():
                raise ValueError(
                    "standardize=True gives Bernoulli visible units (X in [0, 1], "
                    "or gaussian_visible=False) values outside [0, 1]; pass "
                    "gaussian_visible=True as well, or standardize='auto'."
                )
        if self.standardize_:
            means, variances = spreads(X)
            self.input_mean_ = np.zeros_like(means) if sp.issparse(X) else means
            self.input_scale_ = np.sqrt(variances)

    def _unit_spread(self):
        if not self.gaussian_visible_ or self.standardize_:
            return None
        return type(self).__name__, "standardize=True"

    def _prepare_input(self, X):
        if not self.standardize_:
            return X
        mean = self.input_mean_.astype(X.dtype)
        scale = self.input_scale_.astype(X.dtype)
        if sp.issparse(X):
            if not np.any(mean):  # scaling keeps the zeros
                return sp.csr_matrix(X.multiply(1 / scale), dtype=X.dtype)
            X = X.toarray()
        return (X - mean) / scale


class BaseNetwork(BaseModel):
    """The network estimators' epoch loop on top of :class:`BaseModel`.

    A subclass defines ``_initialize(X, y)`` (new parameters, pretraining included,
    drawn from ``_train_rng_``), ``_model()`` (the model-layer object whose
    ``params`` and ``grads`` Adam steps on), ``_loss_and_grads(model, xb, yb)`` (the
    summed loss of a minibatch, gradients of its mean into ``model.grads``) and
    ``_validation_score(X, y)`` (higher is better); with a non-zero
    ``_validation_slack`` also ``_validation_rows(X, y)`` (each row's score, whose
    mean early stopping then reads instead); and the class attributes that word
    its messages.
    """

    _relative_tol = True  # tol times |best loss| (False: absolute, as MLPClassifier)
    _validation_name = "val. score"
    _validation_sign = 1.0  # -1: print minus the score (an error)
    _loss_digits = 4
    _validation_digits = 4
    _divergence_hint = "Lower learning_rate."

    def _dtype(self):
        return self._model().params[0].dtype

    def _train(self, X, y, *, cold, incremental):
        X_val = y_val = None
        if self._early_stopping() and not incremental:  # held out before pretraining
            X, y, X_val, y_val = split_validation(
                X, y, self.validation_fraction, self._split_rng(cold)
            )
        if cold:
            self._initialize(X, y)
            self._optimizer_ = Adam(self._model().params, self.learning_rate)
            self.loss_curve_, self.validation_scores_, self.t_ = [], None, 0
        decay = self._average_decay() if cold and not incremental else None
        params = self._model().params
        average = WeightAverage(params, decay) if decay else None
        if X_val is None:
            validation_loss = None
        else:
            X_val = self._dense(X_val)

            def validation_loss():
                if not self._validation_slack:
                    return -self._validation_score(X_val, y_val)
                rows = self._validation_rows(X_val, y_val)
                error = rows.std() / np.sqrt(len(rows))
                return -rows.mean(), self._validation_slack * error

        done = len(self.loss_curve_)

        def run_epoch(epoch):
            return self._run_epoch(X, y, f"epoch {done + epoch + 1}", average)

        max_iter, patience = self._epoch_limits(X.shape[0], incremental)
        losses, val_losses = train_epochs(
            run_epoch,
            params,
            max_iter=max_iter,
            tol=self.tol,
            n_iter_no_change=patience,
            relative_tol=self._relative_tol,
            validation_loss=validation_loss,
            report=self._report,
            name=type(self).__name__,
            average=average,
        )
        scores = None if val_losses is None else [-v for v in val_losses]
        self._record(losses, scores, X.shape[0])
        self._after_training(X, y)

    def _early_stopping(self):
        """Whether a fit holds rows out (``early_stopping``, resolved)."""
        return bool(self.early_stopping)

    # Early stopping keeps the best epoch's parameters (0), or those of the latest
    # epoch whose validation score is within this many standard errors of the best
    # up to it (the standard error of the mean of ``_validation_rows``).
    _validation_slack = 0.0

    def _average_decay(self):
        """The decay of the weights' moving average over Adam steps that a cold
        fit validates and ends with (``_models._training.WeightAverage``), or
        None for the steps' own weights. Warm starts and
        ``partial_fit`` continue from the fitted weights without averaging."""
        return None

    # The Adam steps that bound a fit with max_iter="auto".
    _max_updates = _defaults.MAX_UPDATES

    def _epoch_limits(self, n_rows, incremental):
        """``(max_iter, n_iter_no_change)`` for ``n_rows`` training rows: the
        parameters, with "auto" resolved by ``_defaults.epochs_for_updates``, and
        one epoch for ``partial_fit``. They are kept as ``max_iter_`` and
        ``n_iter_no_change_``, so a user sees what ran."""
        max_iter, patience = _defaults.epochs_for_updates(
            n_rows, self.batch_size, self._max_updates
        )
        if incremental:
            max_iter = 1
        elif not _defaults.is_auto(self.max_iter):
            max_iter = self.max_iter
        if not _defaults.is_auto(self.n_iter_no_change):
            patience = self.n_iter_no_change
        self.max_iter_, self.n_iter_no_change_ = max_iter, patience
        return max_iter, patience

    def _split_rng(self, cold):
        """The generator of the validation split: the first pass's, replayed on
        warm starts, so that they hold out the rows the first fit held out."""
        if cold or not hasattr(self, "_split_state_"):  # or partial_fit started it
            self._split_state_ = self._train_rng_.get_state()
            return self._train_rng_
        rng = np.random.RandomState()
        rng.set_state(self._split_state_)
        return rng

    def _after_training(self, X, y):
        """Fit what depends on the trained network (nothing by default)."""

    def _run_epoch(self, X, y, where, average=None):
        """One pass of Adam over X in minibatches; returns the mean loss per sample.
        ``where`` names the epoch for a divergence message; ``average`` (a
        ``WeightAverage``, or None) is updated after every step. The BLAS thread
        count follows the machine's load from one epoch to the next."""
        refresh()
        model = self._model()
        optimizer = self._optimizer_
        optimizer.learning_rate = self.learning_rate
        n = X.shape[0]
        shuffle = getattr(self, "shuffle", True)
        order = self._train_rng_.permutation(n) if shuffle else np.arange(n)

        def step(idx):
            xb = self._dense(X[idx])
            loss = self._loss_and_grads(model, xb, None if y is None else y[idx])
            optimizer.update(model.params, model.grads)
            if average is not None:
                average.update(model.params)
            return loss

        name, hint = type(self).__name__, self._divergence_hint
        loss = minibatch_epoch(order, self.batch_size, step, f"{name} ({where})", hint)
        check_finite_params(self, where, model.params, hint)
        return loss

    def _record(self, losses, scores, n_samples):
        """Append an epoch run's losses (and validation scores: None for a run that
        held nothing out) to the fitted attributes."""
        done = len(self.loss_curve_)
        self.loss_curve_ = self.loss_curve_ + losses
        if (
            scores is not None
            or self.validation_scores_ is not None
            or self._early_stopping()
        ):
            missing = [np.nan] * (len(losses) if scores is None else 0)
            earlier = self.validation_scores_ or [np.nan] * done
            self.validation_scores_ = earlier + (scores or []) + missing
        self.n_iter_ = len(self.loss_curve_)
        self.t_ += n_samples * len(losses)
        self.best_loss_ = float(np.min(self.loss_curve_))
        seen = [s for s in self.validation_scores_ or [] if np.isfinite(s)]
        self.best_validation_score_ = float(max(seen)) if seen else None

    def _report(self, epoch, loss, val_loss, seconds):
        """scikit-learn's verbose line: ``[Name] Iteration 3, loss = ..., ...``."""
        if not self.verbose:
            return
        extra = ""
        if val_loss is not None:
            score = -val_loss * self._validation_sign
            extra = f", {self._validation_name} = {score:.{self._validation_digits}f}"
        print(
            f"[{type(self).__name__}] Iteration {len(self.loss_curve_) + epoch + 1}, "
            f"loss = {loss:.{self._loss_digits}f}{extra}, time = {seconds:.2f}s"
        )


class PretrainedNetworkMixin(StandardisedInputMixin):
    """The network of :class:`DBNClassifier` and :class:`DBNRegressor`: hidden layers
    of logistic (or, with rectified hidden units, ReLU) units pretrained as a
    :class:`DBN` (or started from Glorot weights with ``pretrain=False``), unrolled,
    with a linear output layer on top.

    The estimator defines ``_n_outputs(y)`` and its loss; it has the parameters
    ``hidden_layer_sizes``, ``pretrain``, ``gaussian_visible`` (a bottom RBM with
    Gaussian visible units: True, False or "auto"), ``hidden_units`` ("bernoulli"
    or "relu"), ``rbm_learning_rate``, ``rbm_n_iter``, ``rbm_batch_size`` and
    ``cd_k``.
    """

    _rbm_schedule = "constant"  # the RBMs' learning_rate_schedule
    _added_attributes = {
        "gaussian_visible_": "gaussian_visible",  # skgen 0.3
        **StandardisedInputMixin._standardize_resolved,
    }
    # The "auto" rbm_learning_rate of binary RBMs; None: DBN's own "auto".
    _rbm_binary_rate = None
    _out_activation = "identity"  # out_activation_, named as scikit-learn's MLPs

    def _resolve(self, X):
        """``gaussian_visible_`` and ``standardize_`` (``_resolve_units``)."""
        self._resolve_units(X)

    def _uses_visible_units(self):
        return self.pretrain  # without pretraining X goes into the network only

    def _unit_interval(self):
        if not self.pretrain or self.gaussian_visible_:
            return None
        name = type(self).__name__
        return f"{name}(pretrain=True)", "gaussian_visible=True (or 'auto')"

    def _hidden_activation(self):
        """The fine-tuned network's hidden activation: the mean of the hidden units."""
        return UNITS[self.hidden_units].activation

    def _rbm_rates(self, n_layers):
        """The RBMs' ``learning_rate`` for the DBN: "auto" resolved with this
        estimator's binary rate, if it has one (rectified units: the DBN's own)."""
        if (
            not _defaults.is_auto(self.rbm_learning_rate)
            or not self._rbm_binary_rate
            or self.hidden_units != "bernoulli"
        ):
            return self.rbm_learning_rate
        gaussian = self.gaussian_visible_
        return [
            _defaults.rbm_learning_rate(gaussian and i == 0, self._rbm_binary_rate)
            for i in range(n_layers)
        ]

    def _structure(self):
        sizes = check_layer_sizes(self.hidden_layer_sizes, min_layers=1)
        return {
            "hidden_layer_sizes": tuple(sizes),
            "hidden_units": self.hidden_units,
            "standardize": self.standardize,
        }

    def _initialize(self, X, y):
        sizes = check_layer_sizes(self.hidden_layer_sizes, min_layers=1)
        n_out, dtype, rng = self._n_outputs(y), X.dtype, self._train_rng_
        if self.pretrain:
            self.dbn_ = DBN(
                hidden_layer_sizes=sizes,
                learning_rate=self._rbm_rates(len(sizes)),
                learning_rate_schedule=self._rbm_schedule,
                n_iter=self.rbm_n_iter,
                cd_k=self.cd_k,
                batch_size=self.rbm_batch_size,
                gaussian_visible=self.gaussian_visible_,
                hidden_units=self.hidden_units,
                verbose=self.verbose,
                random_state=rng.randint(0, 2**31 - 1),
            )
            self.dbn_._validate_params()
            # A diverging layer's message names this estimator's parameter.
            self.dbn_._rate_advice = (
                f"In a {type(self).__name__} the RBMs' rate is rbm_learning_rate (one "
                "value, or one per layer)."
            )
            self.dbn_._fit(X, checked=True)
            top = Stack.initialized([sizes[-1], n_out], ["identity"], dtype, rng)
            stack = Stack.from_rbms(self.dbn_._layers(), dtype) + top
        else:
            self.dbn_ = None
            acts = stack_activations(len(sizes) + 1, self._hidden_activation())
            stack = Stack.initialized([X.shape[1]] + sizes + [n_out], acts, dtype, rng)
        self.coefs_, self.intercepts_ = stack.coefs, stack.intercepts
        self.n_layers_ = len(self.coefs_) + 1
        self.out_activation_ = self._out_activation

    def _after_training(self, X, y):
        self.loss_ = float(self.loss_curve_[-1])  # as scikit-learn's MLPs

    def _model(self, dtype=None):
        acts = stack_activations(len(self.coefs_), self._hidden_activation())
        stack = Stack(self.coefs_, self.intercepts_, acts)
        return stack if dtype is None else stack.astype(dtype)

    def _logits(self, X):
        """The output layer's values (before the softmax, for a classifier)."""
        return self._model(X.dtype).predict(X)
