"""Variational autoencoder as a scikit-learn transformer."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions

from ._models import new_stream_state
from ._models._losses import LOSSES, CorrelatedGaussian
from ._models._stack import Stack
from ._models._vae import Unconditioned, VariationalModel, content_keys, row_keys
from ._network_base import (
    AUTO_EPOCH_CONSTRAINTS,
    TRAINING_CONSTRAINTS,
    BaseNetwork,
    document_training,
)
from ._parallel import document_n_jobs, threaded
from ._validation import check_layer_sizes, check_positive_int, looks_binary


# covariance_type="full": posterior draws per training row (at most), residuals
# (at least, as long as there is a draw per row) and the shrinkage towards I.
_RESIDUAL_DRAWS, _RESIDUALS, _SHRINKAGE = 8, 10_000, 1e-3


@document_n_jobs
@document_training
class VAE(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseNetwork):
    """Variational autoencoder (Kingma & Welling, 2014) as a transformer.

    An encoder network gives the posterior ``q(z | x) = N(mu(x), diag(sigma(x)^2))``;
    ``z = mu + sigma * eps`` is drawn by the reparameterization trick; a decoder gives
    ``p(x | z)``. Training maximises the evidence lower bound
    ``ELBO = E_q[log p(x | z)] - beta * KL(q(z | x) || N(0, I))`` by Adam on
    minibatches: the KL term is computed in closed form, only the reconstruction term
    is estimated with one sample of ``eps``.

    Parameters
    ----------
    n_components : int, default=20
        Size of the latent space (the number of output features of ``transform``).
    hidden_layer_sizes : tuple of int, default=(400,)
        Hidden layers of the encoder; the decoder mirrors them.
    activation : {"relu", "tanh", "logistic"}, default="relu"
        Activation of the hidden layers.
    likelihood : {"auto", "bernoulli", "gaussian", "unit_gaussian"}, \
default="auto"
        ``p(x | z)``. "auto" chooses from the training data: "bernoulli" for
        binary data and intensities (every value in [0, 1], at least a third of
        them exactly 0 or 1: pixels, flags), "gaussian" otherwise
        (``StandardScaler``'s output, raw real values, and ``MinMaxScaler``'s
        output of measured quantities, on which the Bernoulli's codes
        collapsed); the choice is ``likelihood_``. "bernoulli": sigmoid outputs,
        cross-entropy. "gaussian", for real-valued data, best standardised: a
        normal distribution whose mean and variance the decoder gives for every
        sample and feature (it has twice as many outputs), so that
        the ELBO and ``log_likelihood`` are true log-densities and
        ``sample(draw=True)`` draws with each feature's own spread. The variance
        has a floor of 1e-6 (as ``GaussianMixture``'s ``reg_covar``), so a feature
        with two values cannot make the density infinite. "unit_gaussian": the
        variance fixed at 1, i.e. squared error (skgen 0.1's "gaussian").
        A learned variance per feature (one for all samples) was measured too and
        did worse on validation splits of breast cancer, wine and diabetes
        (benchmarks/RESULTS.md).
    covariance_type : {"full", "diag"}, default="full"
        The noise of ``likelihood="gaussian"`` across features, given ``z``.
        "full": correlated, ``p(x | z) = N(m, S^1/2 R S^1/2)`` with the decoder's
        means ``m`` and variances ``S`` and one correlation matrix ``R`` of the
        standardised residuals ``(x - m) / sqrt(S)`` for all ``z``, fitted after
        the networks: the correlation of their second moments over the training
        rows and posterior draws of ``z`` (8 per row, fewer beyond 1,250 rows),
        shrunk by 1e-3 towards the identity. ``partial_fit`` adds each block's
        moments to those of the blocks before (residuals as the networks were
        then). The ELBO, ``log_likelihood`` and ``sample(draw=True)`` use it.
        "diag": independent features given ``z`` (``R = I``), as before skgen
        0.8. The networks train as "diag" either way. On validation splits of
        training rows (benchmarks/RESULTS.md, issue 23), importance-weighted
        nats per held-out row, "diag" -> "full": breast cancer -10.2 -> -2.9,
        -19.3 -> -11.9, -5.3 -> 2.0; diabetes -9.2 -> -8.4, -9.7 -> -8.9, -9.2
        -> -8.2; wine -18.2 -> -18.5, -14.7 -> -14.8, -16.8 -> -16.0. Not used
        by the other likelihoods.
    beta : float, default=1.0
        Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 is the ELBO.
    batch_size : int, default=128
        Minibatch size (clipped to the number of samples).
    learning_rate : float, default=1e-3
        Adam's step size.
    max_iter : "auto" or int, default="auto"
        Maximum number of epochs. "auto": the epochs of 20,000 Adam steps or 200
        epochs, whichever is more, as :class:`DeepAutoencoder`'s; with ``tol`` and
        ``n_iter_no_change`` the fit then stops when the loss levels off rather
        than after a fixed 100 epochs, which gave digits' 1,347 rows 1,100 steps.
        Chosen on validation splits of training rows (benchmarks/choose_defaults.py
        --study cvae): CVAE class samples recognised 0.69-0.75 -> 0.99 on digits,
        0.85 -> 0.92 on MNIST-5k. Used: ``max_iter_``.
    tol : float, default=1e-4
        Relative tolerance: training stops when the loss (or, with
        ``early_stopping``, the validation loss) has not improved by ``tol`` times its
        best value for ``n_iter_no_change`` consecutive epochs.
    n_iter_no_change : "auto" or int, default="auto"
        Epochs without improvement before stopping. "auto": the epochs of 500 Adam
        steps, at least 10. Used: ``n_iter_no_change_``.
    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` of the data, track its negative ELBO, stop
        when it no longer improves and keep the best parameters. "auto": when
        ``likelihood_`` is "gaussian" only, whose learned variances let the training
        likelihood grow far beyond the held-out one on a few hundred rows (on
        standardised breast cancer, 426 training rows: +28 nats per row on them,
        -288 on held-out rows after 2,200 epochs; with early stopping about -8).
        Chosen on validation splits of training rows
        (``benchmarks/choose_vae_gaussian.py``).
    validation_fraction : float, default=0.1
        Share of the data held out with ``early_stopping``.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    warm_start : bool, default=False
        Continue from the fitted parameters instead of initialising anew.
    random_state : int, RandomState instance or None, default=None
        Initialisation, shuffling, the validation split, the reparameterization
        noise, the noise of ``score_samples``, and ``sample``'s draws. An int makes
        ``fit``, the scores and the sequence of samples reproducible.
    verbose : int, default=0
        Print the loss every epoch.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    encoder_coefs_, encoder_intercepts_ : list of ndarray
        Encoder layers, ``coef`` of shape (n_in, n_out); the last layer gives the
        posterior means and log-variances (2 * n_components outputs).
    decoder_coefs_, decoder_intercepts_ : list of ndarray
        Decoder layers; the last gives logits (Bernoulli) or means (Gaussian).
    likelihood_ : str
        The likelihood fitted: ``likelihood``, with "auto" resolved.
    residual_correlation_ : ndarray of shape (n_features, n_features) or None
        ``R`` of ``covariance_type="full"`` (None for independent features).
        TRAINING_ATTRIBUTES
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if all strings.

    References
    ----------
    Kingma, D. P. and Welling, M. Auto-encoding variational Bayes. ICLR 2014.

    Burda, Y., Grosse, R. and Salakhutdinov, R. Importance weighted autoencoders.
    ICLR 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import VAE
    >>> X = np.random.RandomState(0).uniform(size=(200, 16)) > 0.5
    >>> vae = VAE(n_components=2, hidden_layer_sizes=(32,), max_iter=5,
    ...           random_state=0).fit(X.astype(float))
    >>> vae.transform(X[:3]).shape
    (3, 2)
    """

    _parameter_constraints: dict = {
        **TRAINING_CONSTRAINTS,
        **AUTO_EPOCH_CONSTRAINTS,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"relu", "tanh", "logistic"})],
        "likelihood": [StrOptions({"auto", "bernoulli", "gaussian", "unit_gaussian"})],
        "covariance_type": [StrOptions({"full", "diag"})],
        "beta": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(
        self,
        n_components=20,
        *,
        hidden_layer_sizes=(400,),
        activation="relu",
        likelihood="auto",
        covariance_type="full",
        beta=1.0,
        batch_size=128,
        learning_rate=1e-3,
        max_iter="auto",
        tol=1e-4,
        n_iter_no_change="auto",
        early_stopping="auto",
        validation_fraction=0.1,
        shuffle=True,
        warm_start=False,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.likelihood = likelihood
        self.covariance_type = covariance_type
        self.beta = beta
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    _fitted_marker = "encoder_coefs_"
    _added_attributes = {"likelihood_": "likelihood"}  # skgen 0.3
    _added_params = {"covariance_type": "diag"}  # skgen 0.8
    _validation_name = "val. ELBO"
    _divergence_hint = (
        "Lower learning_rate, and use likelihood='gaussian' with standardised X "
        "for real-valued data."
    )

    # ------------------------------------------------------------- the model
    def _early_stopping(self):
        if self.early_stopping == "auto":
            return self.likelihood_ == "gaussian"
        return bool(self.early_stopping)

    def _resolve(self, X):
        """``likelihood_``: "auto" is Bernoulli for binary data and intensities
        (:func:`looks_binary`), else Gaussian."""
        if self.likelihood == "auto":
            self.likelihood_ = "bernoulli" if looks_binary(X) else "gaussian"
        else:
            self.likelihood_ = self.likelihood

    def _unit_interval(self):
        # "auto" resolves first: on a first pass it picks Bernoulli only for data
        # in [0, 1]; a later partial_fit outside [0, 1] is warned about.
        if self.likelihood_ != "bernoulli":
            return None
        return f"{type(self).__name__}(likelihood='bernoulli')", (
            "use likelihood='gaussian' (or 'auto')"
        )

    def _structure(self):
        return {
            "n_components": self.n_components,
            "hidden_layer_sizes": tuple(check_layer_sizes(self.hidden_layer_sizes)),
            "activation": self.activation,
            "likelihood": self.likelihood,
        }

    @property
    def _activations(self):
        hidden = check_layer_sizes(self.hidden_layer_sizes)
        return [self.activation] * len(hidden) + ["identity"]

    def _loss(self):
        """The likelihood ``p(x | z)`` of the decoder's outputs."""
        chol = getattr(self, "_residual_chol_", None)
        return LOSSES[self.likelihood_] if chol is None else CorrelatedGaussian(chol)

    def _correlated(self):
        """Whether the fit ends with the residuals' correlation
        (``covariance_type``; subclasses without it keep independent noise)."""
        return self.likelihood_ == "gaussian" and self.covariance_type == "full"

    @property
    def residual_correlation_(self):
        self._check_fitted()
        chol = getattr(self, "_residual_chol_", None)  # None: skgen 0.7 and before
        return None if chol is None else chol @ chol.T

    def _train(self, X, y, *, cold, incremental):
        # The networks train and validate under independent noise; the residuals'
        # correlation is fitted to the trained networks.
        if cold or not incremental:
            self._residual_moments_ = None
        self._residual_chol_ = None
        super()._train(X, y, cold=cold, incremental=incremental)
        if self._correlated():
            self._fit_residual_correlation(X, y)

    def _fit_residual_correlation(self, X, y):
        """``R``: the correlation of ``E[e e^T]`` over this call's rows (and the
        rows of earlier ``partial_fit`` calls), ``_RESIDUAL_DRAWS`` posterior
        draws per row (fewer where ``_RESIDUALS`` residuals need fewer), keyed on
        each row's content; shrunk by ``_SHRINKAGE`` towards the identity."""
        model = self._model()
        total = getattr(self, "_residual_moments_", None)  # None: skgen 0.7
        total = 0.0 if total is None else total
        n_draws = int(np.clip(np.ceil(_RESIDUALS / X.shape[0]), 1, _RESIDUAL_DRAWS))
        seeds = self._score_seed_ + np.arange(1, n_draws + 1, dtype=np.uint64)
        for start in range(0, X.shape[0], 4096):
            block = self._dense(X[start : start + 4096])
            yi = None if y is None else y[start : start + 4096]
            keys = [content_keys(block, seed) for seed in seeds]
            total = total + model.residual_moments(block, keys, yi)
        self._residual_moments_ = total
        scale = np.sqrt(np.diag(total))
        scale[scale == 0] = 1.0
        correlation = total / np.outer(scale, scale)
        np.fill_diagonal(correlation, 1.0)
        shrunk = correlation + _SHRINKAGE * np.eye(len(total))
        self._residual_chol_ = np.linalg.cholesky(shrunk / (1 + _SHRINKAGE))

    def _conditioning(self):
        """How the class enters the model: not at all in a VAE."""
        return Unconditioned()

    def _initialize(self, X, y):
        rng, dtype = self._train_rng_, X.dtype
        hidden = check_layer_sizes(self.hidden_layer_sizes)
        n_cond = self._init_conditioning(dtype)
        acts = self._activations
        enc_sizes = [X.shape[1] + n_cond] + hidden + [2 * self.n_components]
        n_out = self._loss().n_outputs(X.shape[1])
        dec_sizes = [self.n_components + n_cond] + hidden[::-1] + [n_out]
        # PyTorch's default initialisation: 0.3 nats better test ELBO than Glorot
        # on MNIST-5k after 20 epochs (median of 3 seeds, benchmarks/RESULTS.md).
        enc = Stack.initialized(enc_sizes, acts, dtype, rng, scheme="fan_in")
        dec = Stack.initialized(dec_sizes, acts, dtype, rng, scheme="fan_in")
        self.encoder_coefs_, self.encoder_intercepts_ = enc.coefs, enc.intercepts
        self.decoder_coefs_, self.decoder_intercepts_ = dec.coefs, dec.intercepts
        self._n_features_out = self.n_components
        self._rng_state_ = new_stream_state(rng)
        # Scores draw their noise from this seed, fixed at fit: scoring neither reads
        # nor advances a generator, so the same model always gives the same scores.
        self._score_seed_ = new_stream_state(rng)[0]

    def _init_conditioning(self, dtype):
        """Create the conditioning's parameters; returns its extra input width."""
        return 0

    def _model(self, dtype=None):
        """The encoder, decoder, loss and conditioning as a ``VariationalModel`` (in
        ``dtype``, or sharing the fitted arrays)."""
        acts = self._activations
        loss = self._loss()
        width = self.decoder_coefs_[-1].shape[1]
        if width != loss.n_outputs(self.n_features_in_):
            raise ValueError(
                f"This model's decoder has {width} outputs, but "
                f"likelihood={getattr(self, 'likelihood', loss.name)!r} needs "
                f"{loss.n_outputs(self.n_features_in_)}: it was fitted by skgen 0.1, "
                "whose 'gaussian' had a unit variance (now 'unit_gaussian'); fit it "
                "again."
            )
        model = VariationalModel(
            Stack(self.encoder_coefs_, self.encoder_intercepts_, acts),
            Stack(self.decoder_coefs_, self.decoder_intercepts_, acts),
            loss,
            self.n_components,
            self._conditioning(),
            self._classifier(),
        )
        return model if dtype is None else model.astype(dtype)

    def _classifier(self):
        """The network ``q(y | x)`` of a semi-supervised model: none in a VAE."""
        return None

    def _loss_and_grads(self, model, xb, yb):
        keys = row_keys(self._rng_state_, xb.shape[0])
        return model.loss_and_grads(xb, yb, keys, self.beta, **self._loss_options())

    def _loss_options(self):
        """Further keywords of ``VariationalModel.loss_and_grads`` (none)."""
        return {}

    def _elbo(self, X, yi=None):
        keys = content_keys(X, self._score_seed_)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: -inf below
            return below_every_float(self._model(X.dtype).elbo(X, yi, keys))

    def _validation_rows(self, X, y):
        return self._elbo(X, y)

    def _validation_score(self, X, y):
        return float(np.mean(self._validation_rows(X, y)))

    # ---------------------------------------------------------- representation
    @threaded
    def transform(self, X):
        """Posterior means ``E[z | x]``: the latent code of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            In the dtype of X (float32 stays float32, anything else is float64).
        """
        X = self._validate_X(X, dense=True)
        return self._encode(X, self._transform_classes(X))

    def _transform_classes(self, X):
        return None

    def _encode(self, X, yi):
        stats, _ = self._model(X.dtype).posterior(X, yi)
        return np.ascontiguousarray(stats[:, : self.n_components])

    @threaded
    def inverse_transform(self, X):
        """Decoder means ``E[x | z]`` of latent codes (Bernoulli: probabilities).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent codes, e.g. from ``transform``.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        Z = self._validate_codes(X, self.n_components)
        return self._model(Z.dtype).decode(Z)

    @threaded
    def sample(self, n_samples=1, *, draw=False, random_state=None):
        """Samples of the model: decoder means of prior draws ``z ~ N(0, I)``.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        draw : bool, default=False
            False returns the decoder means ``E[x | z]`` (smooth images). True draws
            ``x ~ p(x | z)`` itself: 0/1 pixels for Bernoulli, the mean plus the
            decoder's noise for Gaussian (with ``residual_correlation_``).
        random_state : int, RandomState instance or None, default=None
            Seed for the draws. None draws from ``random_state_``, so that repeated
            calls give new samples; an int gives the same samples every time.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        """
        rng = self._sampling_rng(n_samples, random_state)
        model = self._model()
        Z = rng.standard_normal((n_samples, self.n_components))
        return model.decode(Z.astype(self._dtype()), draw=rng if draw else None)

    # ------------------------------------------------------------------ scores
    @threaded
    def score_samples(self, X):
        """Evidence lower bound of each sample, in nats (one draw of ``z``; the KL
        term exact). The draw is keyed on the sample and ``random_state``: an int
        ``random_state`` makes scores reproducible, and a sample scores the same
        whatever else is in X. A row whose code overflows (values far beyond the
        training data, such as 1e39) scores -inf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
        """
        return self._elbo(self._validate_X(X, dense=True))

    @threaded
    def log_likelihood(self, X, *, n_importance=100):
        """Importance-weighted estimate of ``log p(x)`` (Burda et al., 2016).

        ``log (1/k) sum_i p(x | z_i) p(z_i) / q(z_i | x)`` with ``k = n_importance``
        draws from the posterior: a lower bound that tightens as ``k`` grows (k = 1 is
        the ELBO). A row whose code overflows scores -inf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.
        n_importance : int, default=100
            Number of importance samples ``k``.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
        """
        check_positive_int("n_importance", n_importance)
        return self._importance_weighted(self._validate_X(X, dense=True), n_importance)

    def _importance_weighted(self, X, n_importance, yi=None):
        """The bound of ``log_likelihood`` for a checked, dense X (given the class
        indices ``yi``, for a conditioned model)."""
        seeds = self._score_seed_ + np.arange(1, n_importance + 1, dtype=np.uint64)
        keys = [content_keys(X, seed) for seed in seeds]
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: -inf below
            return below_every_float(
                self._model(X.dtype).importance_weighted(X, keys, yi)
            )


def below_every_float(bounds):
    """The bounds, with -inf where they are NaN: X is checked finite, so a NaN
    bound is a row whose code overflowed (values far beyond the training data,
    such as 1e39), whose KL term is then beyond every float."""
    bounds = np.asarray(bounds, dtype=np.float64)
    return np.where(np.isnan(bounds), -np.inf, bounds)
