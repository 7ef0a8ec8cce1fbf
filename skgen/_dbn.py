"""Deep belief network: a stack of RBMs trained greedily, as a transformer."""

import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network as net
from ._kernels import _network as k
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, threaded
from ._rbm import BernoulliRBM, GaussianRBM, _LinearHiddenRBM
from ._validation import FLOAT_DTYPES, check_layer_sizes


def _per_layer(value, n_layers, name, kind):
    """``value`` for every layer: one value for all, or a sequence of one per layer."""
    values = [value] * n_layers if isinstance(value, kind) else list(value)
    if len(values) != n_layers or not all(isinstance(v, kind) for v in values):
        raise ValueError(
            f"{name} must be one value or one per hidden layer ({n_layers}), got "
            f"{value!r}."
        )
    return values


@document_n_jobs
class DBN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Deep belief network (Hinton, Osindero & Teh, 2006) as a transformer.

    A stack of RBMs trained one layer at a time: the first models the data, and each
    next one models the hidden probabilities of the layer below (greedy layer-wise
    pretraining). ``transform`` runs the up pass and gives the top layer's features,
    for a ``Pipeline`` in front of a classifier; ``inverse_transform`` runs the down
    pass; ``sample`` runs Gibbs chains in the top RBM and propagates down.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Hidden units of each RBM, bottom first.
    learning_rate : float or sequence of float, default=0.05
        Learning rate of every RBM, or one per layer.
    n_iter : int or sequence of int, default=10
        Training epochs of every RBM, or one per layer.
    cd_k : int or sequence of int, default=1
        Gibbs steps per update, for every RBM or one per layer.
    batch_size : int, default=10
        Minibatch size of the RBMs.
    persistent : bool, default=True
        Persistent CD (True) or CD-k (False), as in :class:`BernoulliRBM`.
    momentum : float, default=0.0
        Momentum of the RBM updates.
    weight_decay : float, default=0.0
        L2 penalty on the RBM weights.
    gaussian_visible : bool, default=False
        Make the bottom RBM a :class:`GaussianRBM` for real-valued, standardised
        data (its ``learning_rate`` is then best around 0.001-0.01).
    linear_top : bool, default=False
        Make the top RBM's hidden units linear with unit-variance Gaussian noise,
        so that ``transform`` gives real-valued codes instead of probabilities (the
        code layer of :class:`DeepAutoencoder`). Its ``learning_rate`` is then best
        smaller than the binary layers' (DeepAutoencoder's defaults: 0.01 against
        0.05).
    verbose : int, default=0
        Print each layer, and each RBM's progress per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the RBMs (one seed per layer drawn from it) and the sampling.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    rbms_ : list of BernoulliRBM or GaussianRBM
        The fitted layers, bottom first.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if all strings.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import DBN
    >>> X = (np.random.RandomState(0).uniform(size=(100, 16)) > 0.5) * 1.0
    >>> dbn = DBN(hidden_layer_sizes=(8, 4), n_iter=3, random_state=0).fit(X)
    >>> dbn.transform(X).shape
    (100, 4)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like"],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), "array-like"],
        "n_iter": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "cd_k": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "gaussian_visible": ["boolean"],
        "linear_top": ["boolean"],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        *,
        learning_rate=0.05,
        n_iter=10,
        cd_k=1,
        batch_size=10,
        persistent=True,
        momentum=0.0,
        weight_decay=0.0,
        gaussian_visible=False,
        linear_top=False,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.learning_rate = learning_rate
        self.n_iter = n_iter
        self.cd_k = cd_k
        self.batch_size = batch_size
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.gaussian_visible = gaussian_visible
        self.linear_top = linear_top
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _make_layers(self):
        sizes = check_layer_sizes(self.hidden_layer_sizes, min_layers=1)
        n = len(sizes)
        if n == 1 and self.gaussian_visible and self.linear_top:
            raise ValueError(
                "gaussian_visible=True and linear_top=True on a single layer make a "
                "Gaussian-Gaussian RBM, which has no normalisable distribution; add "
                "a binary layer between them or switch one off."
            )
        rates = _per_layer(self.learning_rate, n, "learning_rate", Real)
        epochs = _per_layer(self.n_iter, n, "n_iter", Integral)
        steps = _per_layer(self.cd_k, n, "cd_k", Integral)
        seeds = check_random_state(self.random_state).randint(0, 2**31 - 1, size=n)
        layers = []
        for i, (size, rate, n_iter, gibbs_steps, seed) in enumerate(
            zip(sizes, rates, epochs, steps, seeds)
        ):
            if i == 0 and self.gaussian_visible:
                cls = GaussianRBM
            elif i == n - 1 and self.linear_top:
                cls = _LinearHiddenRBM
            else:
                cls = BernoulliRBM
            layers.append(
                cls(
                    n_components=size,
                    learning_rate=rate,
                    n_iter=n_iter,
                    cd_k=gibbs_steps,
                    batch_size=self.batch_size,
                    persistent=self.persistent,
                    momentum=self.momentum,
                    weight_decay=self.weight_decay,
                    verbose=max(self.verbose - 1, 0),
                    random_state=int(seed),
                )
            )
        return layers

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def fit(self, X, y=None):
        """Pretrain the layers greedily, bottom first.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data ([0, 1] for Bernoulli visible units).
        y : Ignored

        Returns
        -------
        self : object
        """
        X = validate_data(self, X, accept_sparse="csr", dtype=FLOAT_DTYPES)
        self.rbms_ = self._make_layers()
        data = X
        for i, rbm in enumerate(self.rbms_):
            begin = time.time()
            data = rbm.fit_transform(data)
            if self.verbose:
                print(
                    f"[DBN] Layer {i + 1}/{len(self.rbms_)}: {rbm.n_features_in_} -> "
                    f"{rbm.n_components} units, {rbm.n_iter} epochs, "
                    f"time = {time.time() - begin:.2f}s"
                )
        self._n_features_out = self.rbms_[-1].n_components
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def partial_fit(self, X, y=None):
        """One epoch of every layer on X: each RBM's ``partial_fit`` on the up pass of
        the layers below (already updated with this block).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        self : object
        """
        first = not hasattr(self, "rbms_")
        X = validate_data(self, X, accept_sparse="csr", dtype=FLOAT_DTYPES, reset=first)
        if first:
            self.rbms_ = self._make_layers()
            self._n_features_out = self.rbms_[-1].n_components
        data = X
        for rbm in self.rbms_:
            data = rbm.partial_fit(data).transform(data)
        return self

    def transform(self, X):
        """The up pass: hidden probabilities (or, with ``linear_top``, the hidden
        means) of the top layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1])
        """
        check_is_fitted(self)
        data = validate_data(
            self, X, accept_sparse="csr", dtype=FLOAT_DTYPES, reset=False
        )
        for rbm in self.rbms_:
            data = rbm.transform(data)
        return data

    def _down(self, H):
        """Mean-field down pass from the top hidden layer to the visible units."""
        data = H
        for i, rbm in reversed(list(enumerate(self.rbms_))):
            act = data @ rbm.components_.astype(data.dtype, copy=False)
            act += rbm.intercept_visible_
            data = act if (i == 0 and self.gaussian_visible) else expit(act)
        return data

    def inverse_transform(self, X):
        """The down pass: visible means given top-layer activities.

        Parameters
        ----------
        X : array-like of shape (n_samples, hidden_layer_sizes[-1])
            Top-layer activities, e.g. from ``transform``.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        top = self.rbms_[-1]
        H = np.array(X, dtype=top.components_.dtype, order="C", ndmin=2)
        if H.shape[1] != top.n_components or not np.isfinite(H).all():
            raise ValueError(
                f"inverse_transform expects finite values of shape (n_samples, "
                f"{top.n_components}), got shape {H.shape}."
            )
        return self._down(H)

    def sample(self, n_samples=1, *, n_steps=1000, random_state=None):
        """Draw from the DBN: Gibbs chains in the top RBM, then a down pass.

        Parameters
        ----------
        n_samples : int, default=1
        n_steps : int, default=1000
            Gibbs steps in the top RBM.
        random_state : int, RandomState instance or None, default=None
            Seed of the chains; None uses the top RBM's generator.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Visible means of the down pass from the chains' top-layer states.
        """
        check_is_fitted(self)
        top = self.rbms_[-1]
        below = top.sample(n_samples, n_steps=n_steps, random_state=random_state)
        H = top.transform(below)
        return self._down(H)

    def score_samples(self, X):
        """Minus the squared error of each sample's up-down reconstruction.

        A DBN's likelihood is intractable; this is comparable across DBNs of any
        size, higher is better.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        score : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=FLOAT_DTYPES, reset=False)
        recon = self._down(self.transform(X))
        dense = X.toarray() if sp.issparse(X) else X
        return -np.square(recon - dense, dtype=np.float64).sum(axis=1)

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


@document_n_jobs
class DBNClassifier(ClassifierMixin, BaseEstimator):
    """Deep belief network classifier: greedy RBM pretraining, then backpropagation.

    The hidden layers are first pretrained as a :class:`DBN` (each RBM models the
    layer below); their weights and hidden biases then initialise an ordinary network
    of logistic units with a softmax layer on top, and the whole network is fine-tuned
    on the cross-entropy by Adam, with early stopping on a validation fraction as in
    ``MLPClassifier``. ``pretrain=False`` starts from Glorot weights instead, so the
    benefit of pretraining can be measured.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(500, 500)
        Hidden units per layer, bottom first.
    pretrain : bool, default=True
        Pretrain the hidden layers as RBMs before fine-tuning.
    rbm_learning_rate : float or sequence of float, default=0.05
        Learning rate of the RBMs (one or one per layer).
    rbm_n_iter : int or sequence of int, default=5
        RBM training epochs (one or one per layer).
    rbm_batch_size : int, default=32
        Minibatch size of the RBMs.
    cd_k : int, default=1
        Gibbs steps of the RBMs' (persistent) CD.
    learning_rate : float, default=3e-3
        Adam's step size for fine-tuning.
    alpha : float, default=1e-4
        L2 penalty on the weights during fine-tuning, as ``MLPClassifier``'s.
    batch_size : int, default=100
        Fine-tuning minibatch size (clipped to the number of samples).
    max_iter : int, default=200
        Maximum fine-tuning epochs.
    tol : float, default=1e-3
        Stop when the loss (or validation accuracy) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs. The fine-tuning defaults (3e-3, 100, 1e-3) were
        chosen on MNIST-5k, where pretrained weights need fewer, larger steps than
        ``MLPClassifier``'s (1e-3, 200, 1e-4) to reach its accuracy in less time.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction``, stop on its accuracy, keep the best model.
    validation_fraction : float, default=0.1
        Share held out with ``early_stopping``.
    random_state : int, RandomState instance or None, default=None
        Pretraining, initialisation, shuffling and the validation split.
    verbose : int, default=0
        Progress per layer while pretraining and per epoch while fine-tuning.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coefs_, intercepts_ : list of ndarray
        The fine-tuned layers, ``coef`` of shape (n_in, n_out), softmax layer last.
    dbn_ : DBN or None
        The pretrained stack (None without pretraining).
    loss_curve_ : list of float
        Mean training cross-entropy per epoch.
    validation_scores_ : list of float or None
        Validation accuracy per epoch with ``early_stopping``.
    best_loss_ : float or None
        Best training loss (without ``early_stopping``).
    n_iter_ : int
        Fine-tuning epochs run.
    n_features_in_ : int

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import DBNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = DBNClassifier(hidden_layer_sizes=(64,), rbm_n_iter=2, batch_size=32,
    ...                     max_iter=50, random_state=0).fit(X[:500] / 16, y[:500])
    >>> bool(clf.score(X[500:700] / 16, y[500:700]) > 0.8)
    True
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like"],
        "pretrain": ["boolean"],
        "rbm_learning_rate": [Interval(Real, 0, None, closed="neither"), "array-like"],
        "rbm_n_iter": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "rbm_batch_size": [Interval(Integral, 1, None, closed="left")],
        "cd_k": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(500, 500),
        *,
        pretrain=True,
        rbm_learning_rate=0.05,
        rbm_n_iter=5,
        rbm_batch_size=32,
        cd_k=1,
        learning_rate=3e-3,
        alpha=1e-4,
        batch_size=100,
        max_iter=200,
        tol=1e-3,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.pretrain = pretrain
        self.rbm_learning_rate = rbm_learning_rate
        self.rbm_n_iter = rbm_n_iter
        self.rbm_batch_size = rbm_batch_size
        self.cd_k = cd_k
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def fit(self, X, y):
        """Pretrain (unless ``pretrain=False``), then fine-tune on (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, in [0, 1] for the Bernoulli RBMs of the pretraining.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
        """
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=FLOAT_DTYPES)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        yi = encoder.transform(y)
        rng = check_random_state(self.random_state)
        self._init_layers(X, rng)
        X = X.toarray() if sp.issparse(X) else X
        self._finetune(np.ascontiguousarray(X), yi, rng)
        return self

    def _init_layers(self, X, rng):
        sizes = check_layer_sizes(self.hidden_layer_sizes, min_layers=1)
        n_classes = len(self.classes_)
        dtype = X.dtype
        if self.pretrain:
            self.dbn_ = DBN(
                hidden_layer_sizes=sizes,
                learning_rate=self.rbm_learning_rate,
                n_iter=self.rbm_n_iter,
                cd_k=self.cd_k,
                batch_size=self.rbm_batch_size,
                verbose=self.verbose,
                random_state=rng.randint(0, 2**31 - 1),
            ).fit(X)
            coefs = [np.ascontiguousarray(r.components_.T) for r in self.dbn_.rbms_]
            intercepts = [r.intercept_hidden_.copy() for r in self.dbn_.rbms_]
            top, _ = net.init_layers([sizes[-1], n_classes], ["identity"], dtype, rng)
            coefs, intercepts = coefs + top, intercepts + [np.zeros(n_classes, dtype)]
        else:
            self.dbn_ = None
            layer_sizes = [X.shape[1]] + sizes + [n_classes]
            coefs, intercepts = net.init_layers(
                layer_sizes, self._activations(len(sizes)), dtype, rng
            )
        self.coefs_ = [c.astype(dtype) for c in coefs]
        self.intercepts_ = [b.astype(dtype) for b in intercepts]

    @staticmethod
    def _activations(n_hidden):
        return ["logistic"] * n_hidden + ["identity"]

    def _finetune(self, X, yi, rng):
        n_hidden = len(self.coefs_) - 1
        acts = self._activations(n_hidden)
        validation_loss = None
        if self.early_stopping:
            X, yi, X_val, yi_val = net.split_validation(
                X, yi, self.validation_fraction, rng
            )

            def validation_loss():  # minus the accuracy: lower is better
                return -float(np.mean(self._predict_indices(X_val) == yi_val))

        params = self.coefs_ + self.intercepts_
        optimizer = net.Adam(params, self.learning_rate)
        grads = [np.empty_like(p) for p in params]
        g_w, g_b = grads[: len(self.coefs_)], grads[len(self.coefs_) :]

        def step(idx):
            outs = net.forward(self.coefs_, self.intercepts_, acts, X[idx])
            grad_out = np.empty_like(outs[-1])
            loss = np.empty(len(idx))
            k.softmax_cross_entropy(outs[-1], yi[idx], 1.0 / len(idx), grad_out, loss)
            net.backward(self.coefs_, acts, outs, grad_out, g_w, g_b)
            net.add_l2_gradient(g_w, self.coefs_, self.alpha, len(idx))
            optimizer.update(params, grads)
            return loss.sum()

        def run_epoch():
            return net.minibatch_epoch(
                rng.permutation(X.shape[0]),
                self.batch_size,
                step,
                "DBNClassifier",
                "Lower learning_rate.",
            )

        self.loss_curve_, val_losses, best = net.train_epochs(
            run_epoch,
            params,
            max_iter=self.max_iter,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            validation_loss=validation_loss,
            report=net.epoch_reporter(
                self, "validation accuracy", sign=-1.0, loss_digits=6
            ),
        )
        self.n_iter_ = len(self.loss_curve_)
        self.validation_scores_ = (
            None if val_losses is None else [-v for v in val_losses]
        )
        self.best_loss_ = None if val_losses is not None else best

    def _logits(self, X):
        acts = self._activations(len(self.coefs_) - 1)
        return net.forward(self.coefs_, self.intercepts_, acts, X)[-1]

    def _predict_indices(self, X):
        return np.argmax(self._logits(X), axis=1)

    def _check_X(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=FLOAT_DTYPES, reset=False)
        X = X.toarray() if sp.issparse(X) else X
        return np.ascontiguousarray(X, dtype=self.coefs_[0].dtype)

    def predict_proba(self, X):
        """Class probabilities: the softmax of the network's output.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        logits = self._logits(self._check_X(X)).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """The most probable class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        return self.classes_[self._predict_indices(X)]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of :meth:`predict` on X against y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        return ClassifierMixin.score(self, X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
