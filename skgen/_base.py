"""The one lifecycle of every skgen estimator.

``BaseModel`` owns, once for all estimators, what scikit-learn's
``BaseMultilayerPerceptron._fit(X, y, incremental)`` owns for the MLPs:

* the first pass, a warm start and ``partial_fit`` (``_fit``): which one a call is,
  the input check (``validate_data`` with the model's dtype after the first pass),
  and the one generator ``random_state_`` that training and ``sample`` draw from;
* rollback: a call that fails (a :class:`DivergenceError` or anything else) leaves a
  first fit unfitted, and a warm start or ``partial_fit`` as it was before the call;
* one check of X and one of codes for the methods that compute; the computation runs
  in X's float dtype (float32 stays float32, and a float32 model given float64 data
  computes in float64 instead of overflowing);
* one sampling-seed policy: ``random_state=None`` draws from ``random_state_`` (new
  draws on every call), an int gives the same draws every time;
* ``score`` as the mean of ``score_samples``.

``BaseNetwork`` adds the epoch loop of the network estimators: the early-stopping
split (made before anything, pretraining included, sees the data), minibatch Adam,
MLP-style stopping, verbose lines, and the fitted attributes ``loss_curve_``,
``n_iter_``, ``best_loss_``, ``validation_scores_``, ``best_validation_score_`` and
``t_``, filled the same way whichever call trained the model.
"""

import copy

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
)
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._models._training import Adam, minibatch_epoch, split_validation, train_epochs
from ._parallel import threaded
from ._validation import (
    FLOAT_DTYPES,
    check_finite_params,
    check_positive_int,
    check_unit_interval,
)

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
    random_state_ : RandomState instance
        The generator that training (shuffling, the validation split) and
        ``sample`` draw from; ``fit`` seeds it from ``random_state``.
"""


def document_training(cls):
    """Class decorator: write the fitted attributes of the epoch loop into the
    docstring, where it says ``TRAINING_ATTRIBUTES``."""
    cls.__doc__ = cls.__doc__.replace(
        "        TRAINING_ATTRIBUTES\n", TRAINING_ATTRIBUTES
    )
    return cls


def _fitted_names(estimator):
    """The names of an estimator's fitted state: every attribute that ends with "_"
    (skgen's private training state too, e.g. ``_rng_state_``) and scikit-learn's
    ``_n_features_out``. scikit-learn's own instance state (``set_output``, metadata
    routing, callbacks) is not fitted state: fitting neither makes nor forgets it."""
    return [
        name
        for name in vars(estimator)
        if (name.endswith("_") and not name.startswith("__"))
        or name == "_n_features_out"
    ]


class BaseModel(BaseEstimator):
    """The lifecycle of every skgen estimator (see the module docstring).

    A subclass sets ``_fitted_marker`` (an attribute that exists once the model has
    parameters) and defines ``_train(X, y, cold, incremental)``; it may define
    ``_structure()`` (the settings its arrays were built for), ``_unit_interval()``
    (the warning's name and alternative when X should lie in [0, 1]), and
    ``_supervised = True`` for a model that needs y (class labels).
    """

    _fitted_marker = None
    _supervised = False

    # ------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def fit(self, X, y=None):
        """Fit the model to X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains in float32, anything else in float64.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted model.
        """
        return self._fit(X, y)

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def partial_fit(self, X, y=None):
        """Train on X for one epoch, in minibatches, from where training stopped.

        The first call initialises the model (and, for the estimators that pretrain
        an RBM stack, pretrains it on this first block). Chains, optimizer state and
        random streams carry over from call to call, so a stream of blocks trains as
        epochs of ``fit`` do.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A block of training data.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The updated model.
        """
        return self._fit(X, y, incremental=True)

    def _fit(self, X, y=None, *, incremental=False, classes=None, checked=False):
        """Train: a first pass (new parameters), or on from the fitted ones for
        ``partial_fit`` and warm starts. A call that fails leaves no trace.

        ``checked``: X comes from another skgen estimator that has validated it (a
        layer of a stack): it is neither validated nor warned about again.
        """
        y = y if self._supervised else None  # unsupervised: y is ignored
        fitted = hasattr(self, self._fitted_marker)
        warm = incremental or getattr(self, "warm_start", False)
        cold = not (fitted and warm)
        saved = None if cold else self._snapshot()
        try:
            if cold:
                self._forget_fit()
            else:
                self._check_unchanged()
            if checked:
                self.n_features_in_ = X.shape[1]
            else:
                X, y = self._validate_train(X, y, cold, incremental, classes)
            if cold:
                self.random_state_ = check_random_state(self.random_state)
                self._fitted_structure_ = self._structure()
            self._train(X, y, cold=cold, incremental=incremental)
        except Exception:
            if cold:
                self._forget_fit()  # a failed first pass is no model
            else:
                self._restore(saved)  # a failed update changes nothing
            raise
        return self

    def _snapshot(self):
        return {
            name: copy.deepcopy(getattr(self, name)) for name in _fitted_names(self)
        }

    def _forget_fit(self):
        for name in _fitted_names(self):
            delattr(self, name)

    def _restore(self, saved):
        self._forget_fit()
        vars(self).update(saved)

    def _structure(self):
        """The settings the fitted arrays were built for, by parameter name: a
        later ``set_params`` of one of them needs a new ``fit``."""
        return {}

    def _check_unchanged(self):
        now, then = self._structure(), self._fitted_structure_
        changed = [f"{k} is {now[k]!r}" for k in now if now[k] != then[k]]
        if changed:
            was = ", ".join(f"{then[k]!r}" for k in now if now[k] != then[k])
            raise ValueError(
                f"{' and '.join(changed)}, but the model was fitted with {was}; call "
                "fit to train a model with the new settings."
            )

    def _validate_train(self, X, y, reset, incremental, classes):
        dtype = FLOAT_DTYPES if reset else self._dtype()
        kwargs = dict(accept_sparse="csr", dtype=dtype, order="C", reset=reset)
        if self._supervised:
            X, y = validate_data(self, X, y, **kwargs)
            y = self._class_indices(y, reset, incremental, classes)
        else:
            X = validate_data(self, X, **kwargs)
        self._check_data(X, reset)
        return X, y

    def _check_data(self, X, reset):
        """Warn when X lies outside [0, 1] and the model wants it inside."""
        unit = self._unit_interval()
        if unit is not None:
            check_unit_interval(X, *unit)

    def _unit_interval(self):
        return None

    # ----------------------------------------------------------- labels
    def _class_indices(self, y, reset, incremental=False, classes=None):
        """y as indices into ``classes_``, which a first pass sets: from y in
        ``fit``, from ``classes`` (required) in a first ``partial_fit``."""
        check_classification_targets(y)
        if incremental:
            _check_partial_fit_first_call(self, classes)
        elif reset:
            self.classes_ = LabelEncoder().fit(y).classes_
        return self._label_indices(y)

    def _label_indices(self, y):
        y = np.asarray(y)
        idx = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        unseen = self.classes_[idx] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels never seen in fit: {np.unique(y[unseen])[:5]}. "
                f"Known classes: {self.classes_[:10]}; refit with all classes (or "
                "pass classes= to the first partial_fit)."
            )
        return idx

    # ------------------------------------------------ the methods that compute
    def _check_fitted(self):
        check_is_fitted(self)
        self._check_unchanged()

    def _validate_X(self, X, dense=False):
        """X checked against the fitted model, in float64 or float32 (as given)."""
        self._check_fitted()
        X = validate_data(
            self, X, accept_sparse="csr", reset=False, dtype=FLOAT_DTYPES, order="C"
        )
        return self._dense(X) if dense else X

    @staticmethod
    def _dense(X):
        return np.ascontiguousarray(X.toarray() if sp.issparse(X) else X)

    def _validate_codes(self, Z, n_components):
        """Codes for ``inverse_transform``: a finite, real, dense 2-D array of
        ``n_components`` columns, refused with scikit-learn's messages otherwise."""
        self._check_fitted()
        Z = check_array(Z, dtype=FLOAT_DTYPES, order="C", input_name="X")
        if Z.shape[1] != n_components:
            raise ValueError(
                f"X has {Z.shape[1]} features (code units), but "
                f"{type(self).__name__}.inverse_transform expects codes of "
                f"{n_components}, the size of the code layer."
            )
        return Z

    def _sampling_rng(self, n_samples, random_state):
        """The generator a ``sample`` call draws from (see the module docstring)."""
        self._check_fitted()
        check_positive_int("n_samples", n_samples)
        if random_state is None:
            return self.random_state_
        return check_random_state(random_state)

    def score(self, X, y=None):
        """Mean of :meth:`score_samples` over X, so that model selection works.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        score : float
            Mean of ``score_samples(X)``; higher is better.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class ClassifierLifecycleMixin(ClassifierMixin):
    """``fit(X, y)``, ``partial_fit(X, y, classes)`` and the accuracy ``score`` of
    the estimators that classify (put before the base class)."""

    _supervised = True

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def fit(self, X, y):
        """Fit the model to X with class labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains in float32, anything else in float64.
        y : array-like of shape (n_samples,)
            Class labels (any hashable values).

        Returns
        -------
        self : object
            The fitted model.
        """
        return self._fit(X, y)

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def partial_fit(self, X, y, classes=None):
        """One epoch over X, y, from where training stopped; the first call
        initialises the model (and pretrains, where the model pretrains).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A block of training data.
        y : array-like of shape (n_samples,)
            Its class labels.
        classes : array-like of shape (n_classes,), default=None
            Every class the model will see. Required on the first call (as in
            ``MLPClassifier.partial_fit``), optional later.

        Returns
        -------
        self : object
            The updated model.
        """
        return self._fit(X, y, incremental=True, classes=classes)

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of :meth:`predict` on X against y (scikit-learn's classifier
        convention).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,)
            Their true labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            The share of samples whose predicted class is y.
        """
        return ClassifierMixin.score(self, X, y, sample_weight)


class BaseNetwork(BaseModel):
    """The network estimators' epoch loop on top of :class:`BaseModel`.

    A subclass defines ``_initialize(X, y)`` (new parameters, pretraining included,
    drawn from ``random_state_``), ``_model()`` (the model-layer object whose
    ``params`` and ``grads`` Adam steps on), ``_loss_and_grads(model, xb, yb)`` (the
    summed loss of a minibatch, gradients of its mean into ``model.grads``) and
    ``_validation_score(X, y)`` (higher is better); and the class attributes that
    word its messages.
    """

    _relative_tol = True  # tol times |best loss| (False: absolute, as MLPClassifier)
    _validation_name = "validation score"
    _validation_sign = 1.0  # -1: print minus the score (an error)
    _loss_digits = 4
    _divergence_hint = "Lower learning_rate."

    def _dtype(self):
        return self._model().params[0].dtype

    def _train(self, X, y, *, cold, incremental):
        X_val = y_val = None
        if self.early_stopping and not incremental:  # held out before pretraining
            X, y, X_val, y_val = split_validation(
                X, y, self.validation_fraction, self.random_state_
            )
        if cold:
            self._initialize(X, y)
            self._optimizer_ = Adam(self._model().params, self.learning_rate)
            self.loss_curve_, self.validation_scores_, self.t_ = [], None, 0
        validation_loss = None
        if X_val is not None:
            X_val = self._dense(X_val)

            def validation_loss():
                return -self._validation_score(X_val, y_val)

        losses, val_losses = train_epochs(
            lambda: self._run_epoch(X, y),
            self._model().params,
            max_iter=1 if incremental else self.max_iter,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            relative_tol=self._relative_tol,
            validation_loss=validation_loss,
            report=self._report if self.verbose else None,
        )
        scores = None if val_losses is None else [-v for v in val_losses]
        self._record(losses, scores, X.shape[0])
        self._after_training(X, y)

    def _after_training(self, X, y):
        """Fit what depends on the trained network (nothing by default)."""

    def _run_epoch(self, X, y):
        """One pass of Adam over X in minibatches; returns the mean loss per sample."""
        model = self._model()
        optimizer = self._optimizer_
        optimizer.learning_rate = self.learning_rate
        n = X.shape[0]
        shuffle = getattr(self, "shuffle", True)
        order = self.random_state_.permutation(n) if shuffle else np.arange(n)

        def step(idx):
            xb = self._dense(X[idx])
            loss = self._loss_and_grads(model, xb, None if y is None else y[idx])
            optimizer.update(model.params, model.grads)
            return loss

        name, hint = type(self).__name__, self._divergence_hint
        loss = minibatch_epoch(order, self.batch_size, step, name, hint)
        where = f"epoch {len(self.loss_curve_) + 1}"
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
            or (self.early_stopping)
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
        extra = ""
        if val_loss is not None:
            score = -val_loss * self._validation_sign
            extra = f", {self._validation_name} = {score:.4f}"
        print(
            f"[{type(self).__name__}] Iteration {len(self.loss_curve_) + epoch + 1}, "
            f"loss = {loss:.{self._loss_digits}f}{extra}, time = {seconds:.2f}s"
        )
