"""Deep belief network: a stack of RBMs trained greedily, as a transformer."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions

from . import _defaults
from ._base import BaseModel
from ._defaults import (
    is_auto,
    rbm_epochs,
    rbm_learning_rate,
    rectified_learning_rate,
)
from ._errors import DivergenceError
from ._models._units import UNITS
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, threaded
from ._rbm import BernoulliRBM, GaussianRBM, _LinearHiddenRBM
from ._validation import (
    check_layer_sizes,
    check_positive_int,
    diverged_inside,
    per_layer,
    resolve_gaussian_visible,
)


@document_n_jobs
class DBN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseModel):
    """Deep belief network (Hinton, Osindero & Teh, 2006) as a transformer.

    A stack of RBMs trained one layer at a time: the first models the data, and each
    next one models the hidden probabilities of the layer below (greedy layer-wise
    pretraining). ``transform`` runs the up pass and gives the features of every
    layer (or the top layer's), for a ``Pipeline`` in front of a classifier;
    ``inverse_transform`` runs the down pass; ``sample`` runs Gibbs chains in the
    top RBM and propagates down. By default the hidden units are rectified linear
    units, which make far better features than binary ones.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Hidden units of each RBM, bottom first.
    learning_rate : "auto", float or sequence of float, default="auto"
        Learning rate of every RBM, or one per layer. "auto": for rectified
        hidden units, ``0.5 / mean ||x||^2`` of each RBM's input in each training
        call, at most 0.1 (a quarter of the bound of the least-mean-squares rule
        they follow; see ``hidden_units``). For binary units, each layer's own
        estimator's default, :class:`BernoulliRBM`'s 0.1 (0.853 against 0.82 at
        0.05 for features + LR in 3-fold CV on digits' training rows), 0.01 for
        an RBM with Gaussian units on either side (a Gaussian-visible bottom
        layer diverges at 0.05 on standardised data, and a linear top layer wants
        a smaller rate). Each RBM in ``rbms_`` shows the rate it used.
    learning_rate_schedule : {"linear", "constant"}, default="linear"
        How each RBM's rate changes over its epochs, as in :class:`BernoulliRBM`.
    n_iter : "auto", int or sequence of int, default="auto"
        Training epochs of every RBM, or one per layer. "auto": the epochs of
        5,000 minibatch updates, at least 10 (13 for MNIST-5k's 4,000 rows at batch
        10, 38 for digits' 1,347). A fixed count of epochs gives small data sets
        too few updates: after 10 epochs on digits the second RBM has switched
        off. Each RBM in ``rbms_`` shows the epochs it trained for.
    cd_k : int or sequence of int, default=1
        Gibbs steps per update, for every RBM or one per layer.
    batch_size : int, default=10
        Minibatch size of the RBMs.
    persistent : "auto" or bool, default="auto"
        Persistent CD (True) or CD-k (False), as in :class:`BernoulliRBM`.
        "auto": persistent for binary hidden units, CD-k for rectified ones,
        whose mean-field reconstructions make a persistent chain an iterated
        linear map rather than a sampler: on standardised breast cancer it blew
        up in the first epoch at the rate that CD-1 trains well.
    shuffle : bool, default=True
        Each RBM visits the rows in a new random order every epoch, as in
        :class:`BernoulliRBM`.
    momentum : float, default=0.0
        Momentum of the RBM updates.
    weight_decay : float, default=0.0
        L2 penalty on the RBM weights.
    gaussian_visible : "auto" or bool, default="auto"
        Make the bottom RBM a :class:`GaussianRBM` (with unit variances: learned
        ones made the DBN's features worse in cross-validation, see
        ``_defaults.DBN_VISIBLE_VARIANCE``) for real-valued, standardised data
        (its ``learning_rate`` is then best around 0.001-0.01). "auto":
        True unless every training value lies in [0, 1] (binary data,
        intensities, ``MinMaxScaler``'s output), so that a ``StandardScaler``
        in front gets Gaussian units; the choice is ``gaussian_visible_``. (The
        supervised models, which standardise X inside, give measurements in
        [0, 1] Gaussian units too; a DBN feeds X to unit-variance units as it
        is, which suits standardised data only.)
    hidden_units : {"bernoulli", "relu"}, default="relu"
        The hidden units of every RBM. "bernoulli": binary units, each RBM above
        the first modelling the hidden probabilities of the one below. "relu":
        noisy rectified linear units (Nair & Hinton, 2010); each RBM above the
        first then has Gaussian visible units on the rectified features of the
        one below, and each RBM's "auto" rate is set from the size of its input
        (``_defaults.rectified_learning_rate``). Chosen by 3-fold CV on training
        rows only (benchmarks/choose_rectified_defaults.py): features + LR with
        ``features="all"`` 0.982 / 0.946 / 0.979 on digits / MNIST-5k /
        standardised breast cancer, against 0.914 / 0.945 / 0.972 with binary
        units and one RBM's 0.912 / 0.934 / 0.977.
    features : {"top", "all"}, default="all"
        What ``transform`` gives: the top layer's features, or those of every
        layer side by side (bottom first). In the same CV "all" beat "top" on
        every data set with either unit type (rectified units: 0.982 / 0.946 /
        0.979 against 0.977 / 0.944 / 0.965).
    linear_top : bool, default=False
        Make the top RBM's hidden units linear with unit-variance Gaussian noise,
        so that ``transform`` gives real-valued codes instead of probabilities (the
        code layer of :class:`DeepAutoencoder`). Its ``learning_rate`` is then best
        smaller than the binary layers' (DeepAutoencoder's defaults: 0.01 against
        0.05).
    verbose : int, default=0
        Print each layer, and each RBM's progress per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the RBMs (one seed per layer drawn from it) and ``sample``.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    rbms_ : list of BernoulliRBM or GaussianRBM
        The fitted layers, bottom first (with ``linear_top``, the top one an RBM
        with linear hidden units).
    gaussian_visible_ : bool
        Whether the bottom RBM has Gaussian visible units (``gaussian_visible``,
        with "auto" resolved).
    random_state_ : RandomState instance
        The generator that ``sample`` draws from when its ``random_state`` is None.
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
    >>> dbn.transform(X).shape  # both layers' features
    (100, 12)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like"],
        "learning_rate": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
            "array-like",
        ],
        "learning_rate_schedule": [StrOptions({"linear", "constant"})],
        "n_iter": [
            StrOptions({"auto"}),
            Interval(Integral, 0, None, closed="left"),
            "array-like",
        ],
        "cd_k": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "persistent": [StrOptions({"auto"}), "boolean"],
        "shuffle": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "gaussian_visible": [StrOptions({"auto"}), "boolean"],
        "hidden_units": [StrOptions({"bernoulli", "relu"})],
        "features": [StrOptions({"top", "all"})],
        "linear_top": ["boolean"],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        *,
        learning_rate="auto",
        learning_rate_schedule="linear",
        n_iter="auto",
        cd_k=1,
        batch_size=10,
        persistent="auto",
        shuffle=True,
        momentum=0.0,
        weight_decay=0.0,
        gaussian_visible="auto",
        hidden_units="relu",
        features="all",
        linear_top=False,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.n_iter = n_iter
        self.cd_k = cd_k
        self.batch_size = batch_size
        self.persistent = persistent
        self.shuffle = shuffle
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.gaussian_visible = gaussian_visible
        self.hidden_units = hidden_units
        self.features = features
        self.linear_top = linear_top
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    _fitted_marker = "rbms_"
    _added_attributes = {"gaussian_visible_": "gaussian_visible"}  # skgen 0.3
    # skgen 0.4; binary units and the top layer's features before
    _added_params = {"hidden_units": "bernoulli", "features": "top"}

    def _resolve(self, X):
        """``gaussian_visible_``: "auto" is False for X in [0, 1], else True."""
        self.gaussian_visible_ = resolve_gaussian_visible(self.gaussian_visible, X)

    def _unit_interval(self):
        if self.gaussian_visible_:
            return None
        return "DBN", "gaussian_visible=True (a GaussianRBM at the bottom)"

    def _unit_spread(self):
        if not self.gaussian_visible_ or _defaults.DBN_VISIBLE_VARIANCE != "unit":
            return None
        return ("DBN",)

    def _structure(self):
        sizes = check_layer_sizes(self.hidden_layer_sizes, min_layers=1)
        return {
            "hidden_layer_sizes": tuple(sizes),
            "gaussian_visible": self.gaussian_visible,
            "hidden_units": self.hidden_units,
            "linear_top": self.linear_top,
        }

    def _dtype(self):
        return self.rbms_[0].components_.dtype

    def _layer_settings(self, n_rows):
        """Each RBM's class and parameters, from the DBN's current settings, for
        ``n_rows`` training rows."""
        sizes = check_layer_sizes(self.hidden_layer_sizes, min_layers=1)
        n = len(sizes)
        rectified = self.hidden_units == "relu"
        # persistent chains are no sampler with mean reconstructions
        mean_field = UNITS[self.hidden_units].mean_field_reconstruction
        # Gaussian visible units: the bottom RBM's on real data, and every upper
        # RBM's on the rectified features of the one below.
        gaussian = [
            (self.gaussian_visible_ if i == 0 else rectified) for i in range(n)
        ]
        if self.linear_top and gaussian[-1]:
            raise ValueError(
                "linear_top=True on an RBM with Gaussian visible units (the bottom "
                "one with gaussian_visible=True, or one above rectified units) "
                "makes a Gaussian-Gaussian RBM, which has no normalisable "
                "distribution; use hidden_units='bernoulli' with a binary layer "
                "below the top, or linear_top=False."
            )
        linear = [self.linear_top and i == n - 1 for i in range(n)]
        if rectified and all(linear):
            raise ValueError(
                "linear_top=True makes the only RBM's hidden units linear, which "
                "leaves no rectified layer for hidden_units='relu'; pass "
                "hidden_units='bernoulli' (the hidden units then play no part) or "
                "add a layer."
            )
        if is_auto(self.learning_rate):
            # None: a rectified layer's rate, set from its input in each training call
            rates = [
                None
                if rectified and not linear[i]
                else rbm_learning_rate(
                    gaussian[i] or linear[i], binary=BernoulliRBM().learning_rate
                )
                for i in range(n)
            ]
        else:
            rates = per_layer(self.learning_rate, n, "learning_rate", Real)
        if is_auto(self.n_iter):
            epochs = [rbm_epochs(n_rows, self.batch_size)] * n
        else:
            epochs = per_layer(self.n_iter, n, "n_iter", Integral)
        steps = per_layer(self.cd_k, n, "cd_k", Integral)
        settings = []
        for i, (size, rate, n_iter, k) in enumerate(zip(sizes, rates, epochs, steps)):
            if linear[i]:
                cls = _LinearHiddenRBM
            elif gaussian[i]:
                cls = GaussianRBM
            else:
                cls = BernoulliRBM
            params = dict(
                n_components=size,
                # (a linear top layer's hidden units are its class's own)
                hidden_units="bernoulli" if linear[i] else self.hidden_units,
                learning_rate=rate,
                learning_rate_schedule=self.learning_rate_schedule,
                n_iter=n_iter,
                cd_k=k,
                batch_size=self.batch_size,
                persistent=(
                    not (mean_field and not linear[i])
                    if is_auto(self.persistent)
                    else self.persistent
                ),
                shuffle=self.shuffle,
                momentum=self.momentum,
                weight_decay=self.weight_decay,
                verbose=max(self.verbose - 1, 0),
            )
            if rate is None:
                del params["learning_rate"]
            if cls is GaussianRBM:
                params["visible_variance"] = _defaults.DBN_VISIBLE_VARIANCE
            settings.append((cls, params))
        return settings

    def _make_layers(self, n_rows):
        settings = self._layer_settings(n_rows)
        seeds = self._train_rng_.randint(0, 2**31 - 1, size=len(settings))
        return [
            cls(**params, random_state=int(seed))
            for (cls, params), seed in zip(settings, seeds)
        ]

    def _train(self, X, y, *, cold, incremental):
        """Each RBM trained on the up pass of the layers below it (already trained,
        or already updated with this block)."""
        settings = self._layer_settings(X.shape[0])
        if cold:
            self.rbms_ = self._make_layers(X.shape[0])
        else:  # settings changed by set_params since the layers were made
            for rbm, (_, params) in zip(self.rbms_, settings):
                rbm.set_params(**params)
        for rbm in self.rbms_:
            rbm._validate_params()  # per-layer values, with the RBM's own message
        data = X
        for i, (rbm, (_, params)) in enumerate(zip(self.rbms_, settings)):
            begin = time.time()
            if "learning_rate" not in params:  # "auto" for a rectified layer
                learned = params.get("visible_variance") == "learned"
                rate = rectified_learning_rate(data, standardised=learned)
                rbm.set_params(learning_rate=rate)
            try:
                rbm._fit(data, incremental=incremental, checked=True)
            except DivergenceError as error:
                advice = getattr(self, "_rate_advice", None) or (
                    "learning_rate takes one value per layer (this layer's: "
                    f"{rbm.learning_rate})."
                )
                raise diverged_inside(
                    error,
                    f"Layer {i + 1} of {len(self.rbms_)} of the RBM stack",
                    advice,
                ) from error
            if i + 1 < len(self.rbms_):
                data = rbm._layer(data.dtype).mean_hidden(data)
            if self.verbose and not incremental:
                print(
                    f"[DBN] Layer {i + 1}/{len(self.rbms_)}: {rbm.n_features_in_} -> "
                    f"{rbm.n_components} units, {rbm.n_iter} epochs, "
                    f"time = {time.time() - begin:.2f}s"
                )

    def _layers(self, dtype=None):
        """The fitted RBMs as ``RBMLayer``s, bottom first."""
        return [rbm._layer(dtype) for rbm in self.rbms_]

    @property
    def _n_features_out(self):
        """Columns of ``transform`` (for ``get_feature_names_out``)."""
        sizes = [rbm.n_components for rbm in self.rbms_]
        return sum(sizes) if self.features == "all" else sizes[-1]

    def _up(self, X, every_layer=False):
        """The up pass: the top layer's means, or with ``every_layer`` the list of
        every layer's, bottom first."""
        data, means = X, []
        for layer in self._layers(X.dtype):
            data = layer.mean_hidden(data)
            means.append(data)
        return means if every_layer else data

    def _down(self, H):
        """Mean-field down pass from the top hidden layer to the visible units:
        each RBM's visible means, as the units of the layer below them (rectified
        features rectified), as the unrolled decoder of ``Stack.from_rbms``."""
        layers = self._layers(H.dtype)
        data = H
        for i in range(len(layers) - 1, -1, -1):
            data = layers[i].mean_visible(data)
            if i > 0 and layers[i - 1].hidden.activation == "relu":
                np.maximum(data, 0, out=data)
        return data

    @threaded
    def transform(self, X):
        """The up pass: the hidden means (probabilities of binary units) of the
        top layer, or with ``features="all"`` of every layer side by side.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1]) or \
(n_samples, sum(hidden_layer_sizes))
            In the dtype of X (float32 stays float32, anything else is float64).
        """
        X = self._validate_X(X)
        if self.features == "all":
            return np.hstack(self._up(X, every_layer=True))
        return self._up(X)

    @threaded
    def inverse_transform(self, X):
        """The down pass: visible means given top-layer activities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            The output of ``transform``: top-layer activities, or with
            ``features="all"`` every layer's, of which the top layer's (the
            last columns) are used.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        self._check_fitted()
        codes = self._validate_codes(X, self._n_features_out)
        top = self.rbms_[-1].n_components
        return self._down(np.ascontiguousarray(codes[:, codes.shape[1] - top :]))

    @threaded
    def sample(self, n_samples=1, *, n_steps=1000, random_state=None):
        """Draw from the DBN: Gibbs chains in the top RBM, then a down pass.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        n_steps : int, default=1000
            Gibbs steps in the top RBM.
        random_state : int, RandomState instance or None, default=None
            Seed of the chains. None draws from ``random_state_`` (new samples on
            every call); an int gives the same samples every time.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Visible means of the down pass from the chains' top-layer states.
        """
        rng = self._sampling_rng(n_samples, random_state)
        check_positive_int("n_steps", n_steps)
        top = self._layers()[-1]
        return self._down(top.mean_hidden(top.sample(n_samples, n_steps, rng)))

    @threaded
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
        X = self._validate_X(X)
        recon = self._down(self._up(X))
        return -np.square(recon - self._dense(X), dtype=np.float64).sum(axis=1)
