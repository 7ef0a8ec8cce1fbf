"""The one lifecycle of every skgen estimator.

``BaseModel`` owns, once for all estimators, what scikit-learn's
``BaseMultilayerPerceptron._fit(X, y, incremental)`` owns for the MLPs:

* the first pass, a warm start and ``partial_fit`` (``_fit``): which one a call is,
  the input check (``validate_data`` with the model's dtype after the first pass),
  and the generators: ``_train_rng_`` for everything training draws (initialisation,
  shuffles, splits), seeded from ``random_state`` on a first pass, and
  ``random_state_`` for ``sample``, seeded from it, so that sampling between two
  ``partial_fit`` calls does not change training;
* rollback: a call that fails (a :class:`DivergenceError` or anything else) leaves a
  first fit unfitted, and a warm start or ``partial_fit`` as it was before the call;
* one check of X and one of codes for the methods that compute; the computation runs
  in X's float dtype (float32 stays float32, and a float32 model given float64 data
  computes in float64 instead of overflowing);
* one sampling-seed policy: ``random_state=None`` draws from ``random_state_`` (new
  draws on every call), an int gives the same draws every time;
* ``score`` as the mean of ``score_samples``.

``BaseNetwork`` (``_network_base.py``) adds the epoch loop of the network estimators.
"""

import copy

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
)
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._parallel import threaded
from ._validation import (
    FLOAT_DTYPES,
    check_positive_int,
    check_unit_interval,
    check_unit_spread,
)

# The root of the published documentation; each estimator's API page is
# ``generated/skgen.<Class>.html`` under it, the file autosummary writes for the
# entry in docs/api.rst.
DOCS_URL = "https://scikit-gen.readthedocs.io/en/latest/"


def _put_back(original, copied):
    """``original`` with the values of its earlier deep copy ``copied`` written back
    in place where it can be (arrays, lists of them); else ``copied`` itself."""
    if isinstance(original, np.ndarray) and isinstance(copied, np.ndarray):
        if original.shape == copied.shape and original.flags.writeable:
            original[...] = copied
            return original
    if isinstance(original, list) and isinstance(copied, list):
        original[:] = [_put_back(o, c) for o, c in zip(original, copied)]
        original[len(copied) :] = copied[len(original) :]
        return original
    return copied


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
    # The "?" link of scikit-learn's HTML representation: scikit-learn fills in the
    # public module ("skgen") and the class name, for classes defined in skgen.
    _doc_link_module = "skgen"
    _doc_link_template = DOCS_URL + "generated/{estimator_module}.{estimator_name}.html"
    # What a release added, for models pickled before it; unpickling fills them in.
    # Constructor parameters, each with the value that does what such a model did
    # (so that get_params, clone and set_params work on it):
    _added_params: dict = {}
    # Fitted attributes that resolve an "auto", each with the parameter whose
    # value such a model used as it was:
    _added_attributes: dict = {}

    def __setstate__(self, state):
        for name, before in self._added_params.items():
            state.setdefault(name, before)
        if self._fitted_marker in state:
            for name, parameter in self._added_attributes.items():
                state.setdefault(name, state[parameter])
        # state an older release stored where a property now computes it
        for name in list(state):
            if isinstance(getattr(type(self), name, None), property):
                del state[name]
        super().__setstate__(state)

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
        ``partial_fit`` and warm starts. A call that fails leaves no trace: a first
        pass is forgotten, a continuation restored (in place) to where it was.

        ``checked``: X comes from another skgen estimator that has validated it (a
        layer of a stack): it is neither validated nor warned about again.
        """
        y = y if self._supervised else None  # unsupervised: y is ignored
        fitted = hasattr(self, self._fitted_marker)
        warm = incremental or getattr(self, "warm_start", False)
        cold = not (fitted and warm)
        # A layer of a stack (``checked``) is restored by its owner's snapshot.
        saved = None if cold or checked else self._snapshot()
        try:
            if cold:
                self._forget_fit()
            else:
                self._check_unchanged()
            if checked:  # validated and warned about by the owner; resolved here
                self.n_features_in_ = X.shape[1]
                if cold:
                    self._resolve(X)
            else:
                X, y = self._validate_train(X, y, cold, incremental, classes)
            if cold:
                self._train_rng_ = check_random_state(self.random_state)
                self._fitted_structure_ = self._structure()
            self._train(X, y, cold=cold, incremental=incremental)
            if cold:
                seed = self._train_rng_.randint(0, 2**31 - 1)
                self.random_state_ = np.random.RandomState(seed)
        except Exception:
            if cold:
                self._forget_fit()  # a failed first pass is no model
            elif saved is not None:
                self._restore(saved)  # a failed update changes nothing
            raise
        return self

    def _snapshot(self):
        """The fitted state: each attribute's object and a deep copy of its value."""
        return {
            name: (getattr(self, name), copy.deepcopy(getattr(self, name)))
            for name in _fitted_names(self)
        }

    def _forget_fit(self):
        for name in _fitted_names(self):
            delattr(self, name)

    def _restore(self, saved):
        """Back to a ``_snapshot``: the same array objects as before the call, with
        their values written back, so references a user holds
        (``W = est.components_``) see the restored model too."""
        for name in _fitted_names(self):
            if name not in saved:
                delattr(self, name)
        for name, (original, copied) in saved.items():
            setattr(self, name, _put_back(original, copied))

    def _structure(self):
        """The settings the fitted arrays were built for, by parameter name: a
        later ``set_params`` of one of them needs a new ``fit``."""
        return {}

    def _check_unchanged(self):
        # A model fitted before a parameter joined the structure had its old value.
        now = self._structure()
        then = {**self._added_params, **self._fitted_structure_}
        changed = [f"{k} is {now[k]!r}" for k in now if now[k] != then[k]]
        if changed:
            was = ", ".join(f"{then[k]!r}" for k in now if now[k] != then[k])
            raise ValueError(
                f"{' and '.join(changed)}, but the model was fitted with {was}; fit "
                "a new model (warm_start=False) to use the new settings."
            )

    def _validate_train(self, X, y, reset, incremental, classes):
        dtype = FLOAT_DTYPES if reset else self._dtype()
        kwargs = dict(accept_sparse="csr", dtype=dtype, order="C", reset=reset)
        if self._supervised:
            X, y = validate_data(self, X, y, **kwargs, **self._y_checks)
            y = self._targets(y, X.dtype, reset, incremental, classes)
        else:
            X = validate_data(self, X, **kwargs)
        self._check_data(X, reset)
        return self._prepare_input(X), y

    def _check_data(self, X, reset):
        """On a first pass, resolve the settings that X decides (``_resolve``);
        warn when X lies outside [0, 1] and the model wants it inside."""
        if reset:
            self._resolve(X)
        unit = self._unit_interval()
        if unit is not None:
            check_unit_interval(X, *unit)
        spread = self._unit_spread()
        if spread is not None:
            check_unit_spread(X, *spread)

    def _resolve(self, X):
        """Set the fitted attributes of the "auto" settings that the training data
        decide, before anything is built (nothing by default)."""

    def _prepare_input(self, X):
        """X as the model computes on it, after the checks (unchanged by default;
        :class:`~skgen._network_base.StandardisedInputMixin` standardises it)."""
        return X

    def _unit_interval(self):
        return None

    def _unit_spread(self):
        """``(name, fix)`` when the model's visible units are Gaussian with unit
        variance, to warn about unstandardised X (None: nothing to check)."""
        return None

    # ----------------------------------------------------------- labels
    _y_checks = {}  # validate_data's options for y

    def _targets(self, y, dtype, reset, incremental, classes):
        """y as the model trains on it: class indices (regressors override)."""
        return self._class_indices(y, reset, incremental, classes)

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
        X = self._prepare_input(X)
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

    @threaded
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
    """``fit(X, y)``, ``partial_fit(X, y, classes)``, ``predict``, ``predict_proba``
    and the accuracy ``score`` of the estimators that classify, which define
    ``predict_log_proba`` (put the mixin before the base class)."""

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

    @threaded
    def predict_proba(self, X):
        """Class probabilities, ``exp`` of :meth:`predict_log_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            float64, in the order of ``classes_``.
        """
        return np.exp(self.predict_log_proba(X))

    @threaded
    def predict(self, X):
        """The most probable class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        log_proba = self.predict_log_proba(X)  # checks that the model is fitted
        return self.classes_[np.argmax(log_proba, axis=1)]

    @threaded
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


class SemiSupervisedMixin:
    """``missing_label``: the rows of y that carry it are unlabelled (class index
    -1), scikit-learn's convention in ``sklearn.semi_supervised`` (put the
    mixin before :class:`ClassifierLifecycleMixin`), unless it is one of
    ``classes_``: a first ``partial_fit`` whose ``classes`` hold it, or a fit
    whose other rows hold one class only (labels such as {-1, 1}, which no
    semi-supervised model could learn from), makes it a class. The estimator may
    refuse unlabelled rows in a setting that cannot use them
    (``_refuse_unlabelled``)."""

    def _marked(self, y):
        """The rows of y that carry ``missing_label``."""
        y = np.asarray(y)
        if self.missing_label is None or (
            y.dtype.kind in "US" and not isinstance(self.missing_label, str)
        ):
            return np.zeros(y.shape[0], dtype=bool)
        return np.asarray(y == self.missing_label, dtype=bool).reshape(y.shape[0])

    def _refuse_unlabelled(self):
        """Why this setting cannot use unlabelled rows (None: it can)."""
        return None

    def _class_indices(self, y, reset, incremental=False, classes=None):
        """y as indices into ``classes_``, -1 for the unlabelled rows."""
        y = np.asarray(y)
        marked = self._marked(y)
        label = f"missing_label={self.missing_label!r}"
        if reset and incremental and classes is not None:
            a_class = self._marked(np.asarray(classes)).any()
        elif reset:
            a_class = 0 < marked.sum() < len(y) and len(np.unique(y[~marked])) < 2
        else:
            a_class = self._marked(self.classes_).any()
        missing = marked & (not a_class)
        if reset and missing.all():
            raise ValueError(
                f"Every row of y is unlabelled ({label}): no class is known. "
                "Label some rows of every class (the semi-supervised model "
                "learns from the unlabelled ones beside them)."
            )
        reason = self._refuse_unlabelled() if missing.any() else None
        if reason is not None:
            raise ValueError(
                f"y has {missing.sum()} unlabelled rows ({label}): {reason}"
            )
        yi = np.full(y.shape[0], -1, dtype=np.intp)
        if missing.all():  # a later block: the classes are known
            if incremental:
                _check_partial_fit_first_call(self, classes)
        else:
            yi[~missing] = super()._class_indices(
                y[~missing], reset, incremental, classes
            )
        return yi

    def _train(self, X, y, *, cold, incremental):
        # ``_label_weight_``: rows / labelled rows of this call, the weight of
        # each labelled row's supervised term that makes it a mean over the
        # labelled rows beside the mean over all rows of the unsupervised term
        self._label_weight_ = len(y) / max(1, np.count_nonzero(y >= 0))
        super()._train(X, y, cold=cold, incremental=incremental)


class RegressorLifecycleMixin(RegressorMixin):
    """``fit(X, y)``, ``partial_fit(X, y)``, ``predict`` and the R^2 ``score`` of the
    estimators that regress, which define ``_predict_scaled`` (put the mixin before
    the base class).

    The model trains on y standardised with the mean and standard deviation of each
    target in the first pass (all the rows given to ``fit``, held-out ones included,
    or the first ``partial_fit`` block), so that the defaults do not depend on the
    targets' units; predictions are mapped back. The standardisation runs in float64
    whatever X's dtype, so that float32 models keep the targets' precision.
    """

    _supervised = True
    _y_checks = {"multi_output": True, "y_numeric": True}

    def _targets(self, y, dtype, reset, incremental, classes):
        y = np.asarray(y, dtype=np.float64)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if reset:
            self.n_outputs_ = y.shape[1]
            self._y_mean_ = y.mean(axis=0)
            scale = y.std(axis=0)
            self._y_scale_ = np.where(scale > 0, scale, 1.0)
        elif y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} targets, but the model was fitted with "
                f"{self.n_outputs_}; fit a new model for other targets."
            )
        return np.ascontiguousarray((y - self._y_mean_) / self._y_scale_, dtype=dtype)

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def fit(self, X, y):
        """Fit the model to X with targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains in float32, anything else in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values (real numbers).

        Returns
        -------
        self : object
            The fitted model.
        """
        return self._fit(X, y)

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def partial_fit(self, X, y):
        """One epoch over X, y, from where training stopped; the first call
        initialises the model (and pretrains, where the model pretrains) and fixes
        the targets' standardisation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A block of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Its targets.

        Returns
        -------
        self : object
            The updated model.
        """
        return self._fit(X, y, incremental=True)

    @threaded
    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            In X's float dtype; 1-D for a single target, as ``MLPRegressor``.
        """
        X = self._validate_X(X, dense=True)
        y = self._predict_scaled(X) * self._y_scale_ + self._y_mean_
        y = y.astype(X.dtype, copy=False)
        return y[:, 0] if self.n_outputs_ == 1 else y

    @threaded
    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of :meth:`predict` on X against y
        (scikit-learn's regressor convention).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Their true targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R^2 (1 is perfect; 0 is predicting the mean), averaged over targets.
        """
        return RegressorMixin.score(self, X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
