"""What the RBM estimators share: training, sampling and likelihoods over an
``RBMLayer``, and the parameters' documentation."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseModel
from ._defaults import (
    SCHEDULES,
    is_auto,
    rate_factor,
    mean_squared_norm,
    rbm_epochs,
    resolve_schedule,
)
from ._models import _likelihood as lik
from ._models import new_stream_state
from ._models._rbm import FLOAT_DTYPES, RBMLayer
from ._models._units import BERNOULLI, UNITS
from ._parallel import N_JOBS_CONSTRAINT, refresh, threaded
from ._validation import check_finite_params, check_positive_int


class _BaseRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseModel):
    """Training, sampling and likelihoods shared by the RBM estimators.

    Subclasses set the visible unit type ``_visible`` and define ``score_samples``
    and the verbose progress measure; ``hidden_units`` names the hidden units'.
    """

    _visible = BERNOULLI
    _fitted_marker = "components_"
    _added_params = {"hidden_units": "bernoulli"}  # skgen 0.4

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"auto", *SCHEDULES})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
        "cd_k": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "shuffle": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "hidden_units": [StrOptions({"bernoulli", "relu"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.1,
        learning_rate_schedule="auto",
        batch_size=10,
        n_iter="auto",
        cd_k=1,
        persistent=True,
        shuffle=True,
        momentum=0.0,
        weight_decay=0.0,
        hidden_units="bernoulli",
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.cd_k = cd_k
        self.persistent = persistent
        self.shuffle = shuffle
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.hidden_units = hidden_units
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _unit_interval(self):
        return None if self._visible.gaussian else (type(self).__name__,)

    def _unit_spread(self):
        if not self._visible.gaussian or self._learns_variance():
            return None
        return f"{type(self).__name__}(visible_variance='unit')", (
            "visible_variance='learned'"
        )

    def _structure(self):
        return {"n_components": self.n_components, "hidden_units": self.hidden_units}

    def _hidden(self):
        """The hidden unit type."""
        return UNITS[self.hidden_units]

    def _learns_variance(self):
        """Whether the visible units learn variances (``log_variance_visible_``)."""
        return False

    def _store(self, layer):
        """Make the layer's arrays the fitted attributes."""
        W, b, c = layer.params[:3]
        self.components_, self.intercept_visible_, self.intercept_hidden_ = W, b, c
        if layer.log_var is not None:
            self.log_variance_visible_ = layer.log_var
            self.offset_visible_ = layer.offset
            self.min_log_variance_visible_ = layer.min_log_var

    def _dtype(self):
        return self.components_.dtype

    def _train(self, X, y, *, cold, incremental):
        if cold:
            self._initialize(X)
        if incremental:
            n_epochs = 1
        elif is_auto(self.n_iter):
            n_epochs = rbm_epochs(X.shape[0], self.batch_size)
        else:
            n_epochs = self.n_iter
        if not incremental:
            self.learning_rate_schedule_ = resolve_schedule(
                self.learning_rate_schedule, self.n_iter
            )
        for iteration in range(1, n_epochs + 1):
            begin = time.time()
            rate = self.learning_rate
            if not incremental:  # partial_fit trains at learning_rate
                rate *= rate_factor(self.learning_rate_schedule_, iteration, n_epochs)
            self._cd_epoch(
                X, "partial_fit" if incremental else f"iteration {iteration}", rate
            )
            self.n_iter_ += 1
            if self.verbose and not incremental:
                end = time.time()  # training time only, not the score below
                print(
                    f"[{type(self).__name__}] Iteration {iteration}, "
                    f"{self._progress_name} = {self._progress(X):.2f}, "
                    f"time = {end - begin:.2f}s"
                )

    def _initialize(self, X):
        rng, dtype = self._train_rng_, X.dtype
        layer = RBMLayer.initialized(
            X,
            self.n_components,
            rng,
            self._visible,
            self._hidden(),
            learn_variance=self._learns_variance(),
        )
        self._store(layer)
        self.h_samples_ = np.zeros((self.batch_size, self.n_components), dtype=dtype)
        self.n_iter_ = 0
        self._n_features_out = self.n_components
        self._rng_state_ = new_stream_state(rng)
        self._velocity_ = tuple(np.zeros((0,) * p.ndim, dtype) for p in layer.params)

    def _layer(self, dtype=None):
        """The fitted parameters as an ``RBMLayer`` of ``dtype`` (the model's own).

        Copies only what is not already C-contiguous in that dtype (for example
        parameters set by hand, or a Fortran-ordered ``components_`` taken from
        scikit-learn's RBM).
        """
        W = self.components_
        if dtype is None:
            dtype = W.dtype if W.dtype in FLOAT_DTYPES else np.float64
        layer = RBMLayer(
            W,
            self.intercept_visible_,
            self.intercept_hidden_,
            self._visible,
            self._hidden(),
            getattr(self, "log_variance_visible_", None),  # as fitted
            getattr(self, "offset_visible_", None),
            getattr(self, "min_log_variance_visible_", None),
        ).astype(dtype)
        n_hidden, n_visible = W.shape
        consistent = layer.b.shape == (n_visible,) and layer.c.shape == (n_hidden,)
        if layer.log_var is not None:
            shapes = {p.shape for p in (layer.log_var, layer.offset, layer.min_log_var)}
            consistent = consistent and shapes == {(n_visible,)}
        if not consistent:
            raise ValueError(
                "intercept_visible_ and intercept_hidden_ (and the learned "
                f"variances' arrays) do not match components_ {W.shape}; call fit "
                "to train a consistent model."
            )
        return layer

    def _cd_epoch(self, X, where, rate):
        """One sweep of CD over X at learning rate ``rate``, then a divergence check.

        State that the current parameters need but the model lacks (momentum
        switched on after fitting) is created, so that ``set_params`` between
        ``partial_fit`` calls is safe. The BLAS thread count follows the machine's
        load from one epoch to the next (``_parallel.refresh``).
        """
        refresh()
        layer = self._layer()
        self._store(layer)
        self.h_samples_ = np.ascontiguousarray(self.h_samples_, dtype=layer.dtype)
        if self.momentum > 0 and self._velocity_[0].shape != layer.W.shape:
            self._velocity_ = tuple(np.zeros_like(p) for p in layer.params)
        layer.cd_epoch(
            X,
            self.batch_size,
            self.h_samples_ if self.persistent else None,
            self._velocity_,
            (rate, self.momentum, self.weight_decay, self.cd_k),
            self._rng_state_,
            self._train_rng_.permutation(X.shape[0]) if self.shuffle else None,
        )
        hint = (  # learned variances standardise X themselves
            "To fix it, standardise X (sklearn.preprocessing.StandardScaler) and "
            "lower learning_rate."
            if layer.visible.gaussian and layer.log_var is None
            else "To fix it, lower learning_rate."
        )

        def with_bound():  # rectified units: the LMS rule's bound, for this X
            learned = layer.log_var is not None  # which sees X standardised
            bound = 2.0 / max(mean_squared_norm(X, learned), 1e-12)
            return (
                f"{hint} Rectified hidden units need a rate below 2 / mean "
                f"||x||^2{' (x standardised)' if learned else ''}, {bound:.3g} "
                "for this X."
            )

        relu = self._hidden().mean_field_reconstruction
        # learned variances: the visible biases in the standardised units, since
        # in the data's own they may be as large as its values
        checked = layer.in_units().params + layer.params[3:]
        check_finite_params(self, where, checked, with_bound if relu else hint)

    # ---------------------------------------------------------- representation
    @threaded
    def transform(self, X):
        """Compute the hidden layer activation probabilities, P(h=1|v=X).

        With ``hidden_units="relu"``, the rectified means ``max(0, W v + c)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data to be transformed.

        Returns
        -------
        h : ndarray of shape (n_samples, n_components)
            Latent representations of the data, in the dtype of X (float32 stays
            float32, anything else becomes float64).
        """
        X = self._validate_X(X)
        return self._layer(X.dtype).mean_hidden(X)

    # ---------------------------------------------------------------- sampling
    @threaded
    def gibbs(self, v):
        """Perform one Gibbs sampling step v -> h -> v.

        Parameters
        ----------
        v : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer to start from.

        Returns
        -------
        v_new : ndarray of shape (n_samples, n_features)
            Values of the visible layer after one Gibbs step, in the dtype of the
            model: 0.0 / 1.0 for Bernoulli units (scikit-learn's returns booleans).
        """
        v = self._validate_X(v, dense=True)
        layer = self._layer()
        v = np.array(v, dtype=layer.dtype, order="C")  # a copy: chains run in place
        return layer.gibbs(v, 1, new_stream_state(self.random_state_))

    @threaded
    def sample(self, n_samples=1, *, n_steps=1000, random_state=None):
        """Draw visible samples from Gibbs chains of the fitted model.

        Each chain starts from the model with its weights removed (Bernoulli units
        with probability ``sigmoid(intercept_visible_)``, or ``N(intercept_visible_,
        s^2)`` for Gaussian units of variance ``s^2``) and runs ``n_steps`` Gibbs
        steps.

        Parameters
        ----------
        n_samples : int, default=1
            Number of independent chains, one sample each.
        n_steps : int, default=1000
            Gibbs steps per chain; more steps bring samples closer to the model.
        random_state : int, RandomState instance or None, default=None
            Seed for the chains. None draws from ``random_state_``, so that repeated
            calls give new samples and a model fitted with an int ``random_state``
            gives the same sequence of samples.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The last visible state of each chain, in the dtype of the model.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen import BernoulliRBM
        >>> X = (np.random.RandomState(0).uniform(size=(100, 6)) > 0.5) * 1.0
        >>> rbm = BernoulliRBM(n_components=3, random_state=0).fit(X)
        >>> rbm.sample(4, n_steps=100, random_state=0).shape
        (4, 6)
        """
        rng = self._sampling_rng(n_samples, random_state)
        check_positive_int("n_steps", n_steps)
        return self._layer().sample(n_samples, n_steps, rng)

    # ------------------------------------------------------------- likelihood
    @threaded
    def log_partition_function(self, *, method="auto", n_runs=100, n_betas=10000):
        """Estimate the log partition function ``log Z`` of the fitted model.

        Parameters
        ----------
        method : {"auto", "exact", "ais"}, default="auto"
            "exact" enumerates the smaller layer (at most 20 units; for Gaussian visible
            units the hidden layer, the visible one is integrated in closed form).
            "ais" is annealed importance sampling (Salakhutdinov & Murray, 2008) from
            the model with no weights and no hidden biases. "auto" is "exact" when it
            is possible, else "ais".
        n_runs : int, default=100
            Independent AIS runs (ignored by "exact").
        n_betas : int, default=10000
            Intermediate distributions per AIS run (ignored by "exact").

        Returns
        -------
        log_z : float
            The estimate of ``log Z``.
        std_err : float
            Its standard error (0.0 for "exact"). AIS estimates of ``log Z`` tend to be
            low rather than high, so a log-likelihood derived from them leans high.
        """
        self._check_fitted()
        if method not in ("auto", "exact", "ais"):
            raise ValueError(
                f"method must be 'auto', 'exact' or 'ais', got {method!r}."
            )
        check_positive_int("n_runs", n_runs, minimum=2)
        check_positive_int("n_betas", n_betas, minimum=2)
        rng = check_random_state(self.random_state)
        return lik.log_partition(self._layer(), method, n_runs, n_betas, rng)

    @threaded
    def log_likelihood(
        self, X, *, method="auto", n_runs=100, n_betas=10000, return_std=False
    ):
        """Log-likelihood ``log p(x) = -F(x) - log Z`` of each sample, in nats.

        Unlike the pseudo-likelihood, this is a real log-probability (for Gaussian
        units a log-density), comparable across models of different sizes.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.
        method : {"auto", "exact", "ais"}, default="auto"
            How ``log Z`` is found; see :meth:`log_partition_function`.
        n_runs : int, default=100
            AIS runs; see :meth:`log_partition_function`.
        n_betas : int, default=10000
            AIS intermediate distributions; see :meth:`log_partition_function`.
        return_std : bool, default=False
            Also return the standard error of ``log Z``, which every value shares.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            float64 log-likelihood of each sample.
        std_err : float
            Only with ``return_std=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen import BernoulliRBM
        >>> X = (np.random.RandomState(0).uniform(size=(200, 12)) > 0.5) * 1.0
        >>> rbm = BernoulliRBM(n_components=8, n_iter=5, random_state=0).fit(X)
        >>> exact = rbm.log_likelihood(X)  # 8 hidden units: enumerated exactly
        >>> ais, std_err = rbm.log_likelihood(X, method="ais", n_betas=1000,
        ...                                   return_std=True)
        >>> bool(abs(ais.mean() - exact.mean()) < max(4 * std_err, 0.05))
        True
        """
        X = self._validate_X(X)
        log_z, std_err = self.log_partition_function(
            method=method, n_runs=n_runs, n_betas=n_betas
        )
        layer = self._layer(np.result_type(X.dtype, self.components_.dtype))
        values = -layer.free_energy(X) - log_z
        return (values, std_err) if return_std else values


# The parameters and attributes both RBMs share; LEARNING_RATE is each one's default.
_COMMON_PARAMS = """
    learning_rate : float, default=LEARNING_RATE
        The learning rate for weight updates. It is *highly* recommended to tune this
        hyper-parameter. Reasonable values are in the 10**[0., -3.] range.
    learning_rate_schedule : {"auto", "linear", "annealed", "constant"}, \
default="auto"
        How the rate changes over the epochs of ``fit`` (``partial_fit`` always
        trains at ``learning_rate``). "linear": epoch ``i`` of ``n`` (from 1) runs
        at ``learning_rate * (n - i + 1) / n``, falling towards zero as in
        Tieleman's PCD (2008). "annealed": at ``2 * learning_rate * (n - i + 1) /
        (n + 1)``, the same total step as a constant rate, falling towards zero.
        "constant": every epoch at ``learning_rate``, as scikit-learn's RBM.
        "auto": "linear" with ``n_iter="auto"``, "annealed" with a number of
        epochs; the choice is ``learning_rate_schedule_``.

        The decay was chosen by 3-fold CV on training rows only
        (benchmarks/choose_defaults.py): at a constant rate the last epochs of PCD
        leave the model wherever its oscillation stands, -193 to -239 nats of
        validation log-likelihood on MNIST-5k after 10 epochs against -137 to -156
        with the linear decay (GaussianRBM on breast cancer: -45 to -55 against
        -38); features + LogisticRegression are level. A run whose length the
        user chose keeps the total step the user chose: the linear decay halves
        it, which at scikit-learn's explicit settings left 4x4 bars and stripes
        on its plateau (benchmarks/bench_dropin.py; exact log-likelihood -9.7
        nats against scikit-learn's -6.0), while a constant rate loses MNIST-5k's
        annealing.
    batch_size : int, default=10
        Number of examples per minibatch.
    n_iter : "auto" or int, default="auto"
        Number of iterations/sweeps over the training dataset to perform during
        training. "auto": the epochs of 5,000 minibatch updates, at least 10 (10
        for 50,000 rows at batch 10, 13 for 4,000, 38 for 1,347). A fixed 10 epochs
        (scikit-learn's default) leaves small data sets undertrained: in 3-fold CV
        on training rows only, "auto" with the linear schedule takes features +
        LogisticRegression on digits from 0.83-0.84 to 0.90-0.91 and the validation
        log-likelihood on MNIST-5k from -193 to -239 nats to -133 to -143
        (benchmarks/choose_defaults.py, RESULTS.md). ``n_iter_`` shows the epochs
        trained.
    cd_k : int, default=1
        Gibbs steps per update in the negative phase (CD-k, or PCD-k when
        ``persistent``).
    persistent : bool, default=True
        Persistent contrastive divergence (Tieleman 2008), as scikit-learn's RBM: the
        negative chains (``h_samples_``, ``batch_size`` of them) carry over from one
        minibatch to the next. With False, each minibatch starts its chains at the
        data (plain CD-k, Hinton 2002).
    shuffle : bool, default=True
        Visit the rows in a new random order in every epoch (and within each
        ``partial_fit`` block), as ``MLPClassifier`` does. With False they are
        visited in the order given, every epoch, as by scikit-learn's RBM. Shuffling
        is worth 4-5 nats of test log-likelihood on MNIST-5k after 5 epochs of
        CD-1 (benchmarks/bench_rbm_loglik.py, RESULTS.md).
    momentum : float, default=0.0
        Momentum of the parameter updates, in [0, 1).
    weight_decay : float, default=0.0
        L2 penalty on ``components_`` (not on the intercepts).
    hidden_units : {"bernoulli", "relu"}, default="bernoulli"
        The hidden units. "bernoulli": binary units, as scikit-learn's RBM.
        "relu": noisy rectified linear units (Nair & Hinton, 2010), whose mean
        ``max(0, W v + c)`` is what ``transform`` gives; they model intensities
        and make features that a linear classifier separates better (digits,
        features + LogisticRegression: 0.97-0.98 against 0.90-0.93 with binary
        units; benchmarks/RESULTS.md). Their free energy is that of the stepped
        sigmoid units they approximate; ``log_likelihood`` is exact for at most
        20 binary visible units (there is no AIS for them, and none with
        Gaussian visible units). CD with them reconstructs the visible units by
        their means, and they need a ``learning_rate`` below ``2 / mean
        ||x||^2`` (the bound of the least-mean-squares rule they follow below
        their threshold): :class:`DBN` uses a quarter of it, 0.033 on digits'
        64 pixels, 0.006 on MNIST's 784.
    verbose : int, default=0
        The verbosity level. The default, zero, means silent mode.
    random_state : int, RandomState instance or None, default=None
        Determines random number generation for initializing components, sampling
        during fit, Gibbs sampling, corrupting the data when scoring samples and AIS.
        Pass an int for reproducible results across multiple function calls; the
        same int gives the same model, also when several fits run at once in threads.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    intercept_hidden_ : ndarray of shape (n_components,)
        Biases of the hidden units.
    intercept_visible_ : ndarray of shape (n_features,)
        Biases of the visible units.
    components_ : ndarray of shape (n_components, n_features)
        Weight matrix, where `n_features` is the number of visible units and
        `n_components` is the number of hidden units.
    n_iter_ : int
        Epochs trained since the model was initialised (``fit``'s, then one per
        ``partial_fit``).
    learning_rate_schedule_ : str
        The schedule of the last ``fit`` ("auto" resolved).
    h_samples_ : ndarray of shape (batch_size, n_components)
        Binary hidden states of the persistent negative chains (unchanged by training
        with ``persistent=False``).
    random_state_ : RandomState instance
        The generator that ``gibbs`` and ``sample`` draw their seeds from.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has feature
        names that are all strings.
"""
