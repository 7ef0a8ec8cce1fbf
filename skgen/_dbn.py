"""Deep belief network: a stack of RBMs trained greedily, as a transformer."""

import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._rbm import BernoulliRBM, GaussianRBM

_FLOATS = (np.float64, np.float32)


def _per_layer(value, n_layers, name, kind):
    """``value`` for every layer: one value for all, or a sequence of one per layer."""
    values = [value] * n_layers if isinstance(value, kind) else list(value)
    if len(values) != n_layers or not all(isinstance(v, kind) for v in values):
        raise ValueError(
            f"{name} must be one value or one per hidden layer ({n_layers}), got "
            f"{value!r}."
        )
    return values


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
    verbose : int, default=0
        Print each layer, and each RBM's progress per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the RBMs (one seed per layer drawn from it) and the sampling.

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
        "verbose": ["verbose"],
        "random_state": ["random_state"],
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
        verbose=0,
        random_state=None,
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
        self.verbose = verbose
        self.random_state = random_state

    def _make_layers(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        if not sizes or not all(isinstance(h, Integral) and h >= 1 for h in sizes):
            raise ValueError(
                "hidden_layer_sizes must be one or more positive integers, got "
                f"{self.hidden_layer_sizes!r}."
            )
        n = len(sizes)
        rates = _per_layer(self.learning_rate, n, "learning_rate", Real)
        epochs = _per_layer(self.n_iter, n, "n_iter", Integral)
        steps = _per_layer(self.cd_k, n, "cd_k", Integral)
        seeds = check_random_state(self.random_state).randint(0, 2**31 - 1, size=n)
        layers = []
        for i, (size, rate, n_iter, k, seed) in enumerate(
            zip(sizes, rates, epochs, steps, seeds)
        ):
            cls = GaussianRBM if (i == 0 and self.gaussian_visible) else BernoulliRBM
            layers.append(
                cls(
                    n_components=size,
                    learning_rate=rate,
                    n_iter=n_iter,
                    cd_k=k,
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
        X = validate_data(self, X, accept_sparse="csr", dtype=_FLOATS)
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
        X = validate_data(self, X, accept_sparse="csr", dtype=_FLOATS, reset=first)
        if first:
            self.rbms_ = self._make_layers()
            self._n_features_out = self.rbms_[-1].n_components
        data = X
        for rbm in self.rbms_:
            data = rbm.partial_fit(data).transform(data)
        return self

    def transform(self, X):
        """The up pass: hidden probabilities of the top layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1])
        """
        check_is_fitted(self)
        data = validate_data(self, X, accept_sparse="csr", dtype=_FLOATS, reset=False)
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
        X = validate_data(self, X, accept_sparse="csr", dtype=_FLOATS, reset=False)
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
