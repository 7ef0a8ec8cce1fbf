"""Variational autoencoder as a scikit-learn transformer."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, logsumexp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network as net
from ._kernels import _network as k
from ._kernels._random import new_state
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, threaded
from ._validation import (
    FLOAT_DTYPES,
    check_layer_sizes,
    check_unit_interval,
)

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


@document_n_jobs
class VAE(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
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
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
        ``p(x | z)``: "bernoulli" (sigmoid outputs, cross-entropy) for data in
        [0, 1] such as pixel intensities; "gaussian" (unit variance, i.e. squared
        error) for real-valued data, best standardised.
    beta : float, default=1.0
        Weight of the KL term (beta-VAE, Higgins et al. 2017); 1 is the ELBO.
    batch_size : int, default=128
        Minibatch size (clipped to the number of samples).
    learning_rate : float, default=1e-3
        Adam's step size.
    max_iter : int, default=100
        Maximum number of epochs.
    tol : float, default=1e-4
        Relative tolerance: training stops when the loss (or, with
        ``early_stopping``, the validation loss) has not improved by ``tol`` times its
        best value for ``n_iter_no_change`` consecutive epochs.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, track its negative ELBO, stop
        when it no longer improves and keep the best parameters.
    validation_fraction : float, default=0.1
        Share of the data held out with ``early_stopping``.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    warm_start : bool, default=False
        Continue from the fitted parameters instead of initialising anew.
    random_state : int, RandomState instance or None, default=None
        Initialisation, shuffling, the reparameterization noise, and the noise of
        ``score_samples`` and ``sample``. An int makes ``fit`` and the scores
        reproducible.
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
    loss_curve_ : list of float
        Mean training loss (negative ELBO with KL weight ``beta``, nats per sample)
        of every epoch (a warm start or ``partial_fit`` appends to it).
    validation_scores_ : list of float
        Mean validation ELBO per epoch (``early_stopping`` only), else None.
    best_loss_ : float
        Best training (or validation) loss seen.
    n_iter_ : int
        Epochs run by ``fit`` (counting on through warm starts).
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
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"relu", "tanh", "logistic"})],
        "likelihood": [StrOptions({"bernoulli", "gaussian"})],
        "beta": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "shuffle": ["boolean"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_components=20,
        *,
        hidden_layer_sizes=(400,),
        activation="relu",
        likelihood="bernoulli",
        beta=1.0,
        batch_size=128,
        learning_rate=1e-3,
        max_iter=100,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
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

    # ------------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=True)
    @threaded
    def fit(self, X, y=None):
        """Train the encoder and decoder on X by maximising the ELBO.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input trains in float32, anything else in float64.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted model.
        """
        fitted = hasattr(self, "encoder_coefs_")
        X = self._validate_train(X, reset=not (self.warm_start and fitted))
        return self._fit(X, None, fitted)

    def _fit(self, X, yi, fitted):
        """The training loop; ``yi`` holds class indices for the CVAE, else None."""
        rng = check_random_state(self.random_state)
        if self.warm_start and fitted:
            self._check_fitted()  # warm starts keep the architecture
        else:
            self._initialize(X.shape[1], X.dtype, rng)
        validation_loss = None
        if self.early_stopping:
            X, yi, X_val, yi_val = net.split_validation(
                X, yi, self.validation_fraction, rng
            )
            X_val = X_val.toarray() if sp.issparse(X_val) else X_val

            def validation_loss():
                return -float(np.mean(self._elbo(X_val, 1.0, yi_val)))

        if self.warm_start and fitted and hasattr(self, "n_iter_"):
            start = self.n_iter_  # a warm start continues the curve, as MLP's does
        else:
            self.loss_curve_, start = [], 0

        # Patience counts epochs that do not beat the best by tol (relative); the
        # best parameters are kept whenever the validation score is simply better.
        losses, val_losses, self.best_loss_ = net.train_epochs(
            lambda: self._run_epoch(X, rng, yi),
            self._params(),
            max_iter=self.max_iter,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            relative_tol=True,
            validation_loss=validation_loss,
            report=net.epoch_reporter(self, "validation ELBO", sign=-1.0),
        )
        self.loss_curve_ += losses
        self.n_iter_ = start + len(losses)
        self.validation_scores_ = (
            None if val_losses is None else [-v for v in val_losses]
        )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    @threaded
    def partial_fit(self, X, y=None):
        """One epoch of training over X, in minibatches; initialises on first call.

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
        first = not hasattr(self, "encoder_coefs_")
        X = self._validate_train(X, reset=first)
        return self._partial_fit(X, None, first)

    def _partial_fit(self, X, yi, first):
        """One epoch over X (and class indices ``yi`` for the CVAE)."""
        if first or not hasattr(self, "_partial_rng"):  # also after fit
            self._partial_rng = check_random_state(self.random_state)
        if first:
            self._initialize(X.shape[1], X.dtype, self._partial_rng)
            self.loss_curve_ = []
        else:
            self._check_fitted()
        self.loss_curve_.append(self._run_epoch(X, self._partial_rng, yi))
        return self

    def _validate_train(self, X, reset):
        dtype = FLOAT_DTYPES if reset else self.encoder_coefs_[0].dtype
        X = validate_data(
            self, X, accept_sparse="csr", dtype=dtype, order="C", reset=reset
        )
        if self.likelihood == "bernoulli":
            check_unit_interval(
                X, "VAE(likelihood='bernoulli')", "use likelihood='gaussian'"
            )
        return X

    def _initialize(self, n_features, dtype, rng):
        hidden = self._hidden_sizes()
        acts = [self.activation] * len(hidden)
        n_enc_cond, n_dec_cond = self._condition_sizes()
        enc_sizes = [n_features + n_enc_cond] + hidden + [2 * self.n_components]
        dec_sizes = [self.n_components + n_dec_cond] + hidden[::-1] + [n_features]
        # PyTorch's default initialisation: 0.3 nats better test ELBO than Glorot
        # on MNIST-5k after 20 epochs (median of 3 seeds, benchmarks/RESULTS.md).
        self.encoder_coefs_, self.encoder_intercepts_ = net.init_layers(
            enc_sizes, acts + ["identity"], dtype, rng, scheme="fan_in"
        )
        self.decoder_coefs_, self.decoder_intercepts_ = net.init_layers(
            dec_sizes, acts + ["identity"], dtype, rng, scheme="fan_in"
        )
        self._init_extra_params(dtype, rng)
        self._n_features_out = self.n_components
        self._rng_state = new_state(rng)
        # Scores draw their noise from this seed, fixed at fit: scoring neither reads
        # nor advances a generator, so the same model always gives the same scores.
        self._score_seed = new_state(rng)[0]
        # The settings the arrays were built for; later set_params cannot change them.
        self._fitted_settings = self._structure()
        self._optimizer = net.Adam(self._params(), self.learning_rate)

    def _params(self):
        return (
            self.encoder_coefs_
            + self.encoder_intercepts_
            + self.decoder_coefs_
            + self.decoder_intercepts_
            + self._extra_params()
        )

    # Conditioning hooks, overridden by the CVAE: extra encoder / decoder inputs, the
    # prior mean of each row, and parameters beyond the two networks.
    def _condition_sizes(self):
        return 0, 0

    def _init_extra_params(self, dtype, rng):
        pass

    def _extra_params(self):
        return []

    def _encoder_input(self, X, yi):
        return X

    def _decoder_input(self, Z, yi):
        return Z

    def _prior_mean(self, yi, n, dtype):
        return np.zeros((n, self.n_components), dtype=dtype)

    def _extra_grads(self, stats, prior, yi, kl_weight, grads):
        pass

    def _hidden_sizes(self):
        """``hidden_layer_sizes`` as a list (an int is one layer), each size >= 1."""
        return check_layer_sizes(self.hidden_layer_sizes)

    @property
    def _activations(self):
        return [self.activation] * len(self._hidden_sizes()) + ["identity"]

    def _run_epoch(self, X, rng, yi=None):
        """One pass of Adam over X in minibatches; returns the mean loss per sample."""
        n = X.shape[0]
        order = rng.permutation(n) if self.shuffle else np.arange(n)
        grads = [np.empty_like(p) for p in self._params()]
        self._optimizer.learning_rate = self.learning_rate

        def step(idx):
            xb = X[idx]
            xb = xb.toarray() if sp.issparse(xb) else xb
            return self._train_step(xb, grads, None if yi is None else yi[idx])

        return net.minibatch_epoch(
            order,
            self.batch_size,
            step,
            "VAE",
            "Lower learning_rate, and use likelihood='gaussian' with standardised X "
            "for real-valued data.",
        )

    def _train_step(self, xb, grads, yb=None):
        loss = self._loss_and_grads(xb, grads, self._rng_state, yb)
        self._optimizer.update(self._params(), grads)
        return loss

    def _loss_and_grads(self, xb, grads, state, yb=None):
        """Sum over the rows of the negative ELBO (KL weighted by ``beta``); ``grads``
        receives the gradient of its mean, laid out as ``_params()``."""
        n_layers_enc = len(self.encoder_coefs_)
        n_layers_dec = len(self.decoder_coefs_)
        g_enc_w = grads[:n_layers_enc]
        g_enc_b = grads[n_layers_enc : 2 * n_layers_enc]
        g_dec_w = grads[2 * n_layers_enc : 2 * n_layers_enc + n_layers_dec]
        g_dec_b = grads[
            2 * n_layers_enc + n_layers_dec : 2 * (n_layers_enc + n_layers_dec)
        ]
        n = xb.shape[0]
        acts = self._activations
        enc = net.forward(
            self.encoder_coefs_,
            self.encoder_intercepts_,
            acts,
            self._encoder_input(xb, yb),
        )
        stats = enc[-1]
        z, eps, kl = self._latent_buffers(n, xb.dtype)
        prior = self._prior_mean(yb, n, xb.dtype)
        keys = np.empty(n, dtype=np.uint64)
        k.row_keys_from_state(state, keys)
        k.reparameterize(stats, prior, True, keys, z, eps, kl)
        dec = net.forward(
            self.decoder_coefs_,
            self.decoder_intercepts_,
            acts,
            self._decoder_input(z, yb),
        )
        grad_out = np.empty_like(dec[-1])
        nll = np.empty(n)
        self._nll(dec[-1], xb, 1.0 / n, grad_out, nll)
        grad_in = net.backward(
            self.decoder_coefs_, acts, dec, grad_out, g_dec_w, g_dec_b, True
        )
        grad_z = np.ascontiguousarray(grad_in[:, : self.n_components])
        grad_stats = np.empty_like(stats)
        k.reparameterize_backward(stats, prior, eps, grad_z, self.beta / n, grad_stats)
        net.backward(self.encoder_coefs_, acts, enc, grad_stats, g_enc_w, g_enc_b)
        self._extra_grads(stats, prior, yb, self.beta / n, grads)
        return float(nll.sum() + self.beta * kl.sum())

    def _latent_buffers(self, n, dtype):
        return (
            np.empty((n, self.n_components), dtype=dtype),
            np.empty((n, self.n_components), dtype=dtype),
            np.empty(n),
        )

    def _nll(self, out, x, scale, grad, loss):
        if self.likelihood == "bernoulli":
            k.bernoulli_nll(out, x, scale, grad, loss)
        else:
            k.gaussian_nll(out, x, scale, grad, loss)

    # ---------------------------------------------------------- representation
    def _structure(self):
        return (
            self.n_components,
            tuple(self._hidden_sizes()),
            self.activation,
            self.likelihood,
            getattr(self, "conditioning", None),
        )

    def _check_fitted(self):
        check_is_fitted(self)
        if self._structure() != self._fitted_settings:
            raise ValueError(
                "n_components, hidden_layer_sizes, activation, likelihood or "
                "conditioning changed since the model was fitted "
                f"({self._fitted_settings} -> {self._structure()}); call fit to train "
                "a model with the new settings."
            )

    def _check_X(self, X):
        self._check_fitted()
        X = validate_data(
            self, X, accept_sparse="csr", reset=False, dtype=FLOAT_DTYPES, order="C"
        )
        X = X.toarray() if sp.issparse(X) else X
        return X.astype(self.encoder_coefs_[0].dtype, copy=False)

    def transform(self, X):
        """Posterior means ``E[z | x]``: the latent code of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
        """
        X = self._check_X(X)
        stats = net.forward(
            self.encoder_coefs_, self.encoder_intercepts_, self._activations, X
        )[-1]
        return np.ascontiguousarray(stats[:, : self.n_components])

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
        self._check_fitted()
        dtype = self.decoder_coefs_[0].dtype
        Z = np.array(X, dtype=dtype, order="C", ndmin=2)
        if Z.ndim != 2 or Z.shape[1] != self.n_components:
            raise ValueError(
                f"inverse_transform expects codes of shape (n_samples, "
                f"{self.n_components}), got {Z.shape}."
            )
        if not np.isfinite(Z).all():
            raise ValueError("The codes contain NaN or infinity.")
        return self._decode_mean(Z)

    def _decode_mean(self, Z):
        out = net.forward(
            self.decoder_coefs_, self.decoder_intercepts_, self._activations, Z
        )[-1]
        return expit(out) if self.likelihood == "bernoulli" else out

    def sample(self, n_samples=1, *, draw=False, random_state=None):
        """Samples of the model: decoder means of prior draws ``z ~ N(0, I)``.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        draw : bool, default=False
            False returns the decoder means ``E[x | z]`` (smooth images). True draws
            ``x ~ p(x | z)`` itself: 0/1 pixels for Bernoulli, mean plus unit noise for
            Gaussian.
        random_state : int, RandomState instance or None, default=None
            Seed for the draws; None uses the estimator's ``random_state``.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        """
        self._check_fitted()
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(
                f"n_samples must be a positive integer, got {n_samples!r}."
            )
        rng = check_random_state(
            self.random_state if random_state is None else random_state
        )
        dtype = self.decoder_coefs_[0].dtype
        Z = rng.standard_normal((n_samples, self.n_components)).astype(dtype)
        return self._observe(self._decode_mean(Z), draw, rng)

    def _observe(self, mean, draw, rng):
        """``mean`` itself, or a draw of ``x ~ p(x | z)`` around it."""
        if not draw:
            return mean
        if self.likelihood == "bernoulli":
            return (rng.uniform(size=mean.shape) < mean).astype(mean.dtype)
        return (mean + rng.standard_normal(mean.shape)).astype(mean.dtype)

    # ------------------------------------------------------------------ scores
    def _score_keys(self, X, draw=0):
        """Per-row noise streams keyed on each row's content and ``random_state``, so
        that a sample's score does not depend on the rest of the batch."""
        seed = self._score_seed + np.uint64(draw)
        bits = X.view(np.uint64 if X.itemsize == 8 else np.uint32)
        keys = np.empty(X.shape[0], dtype=np.uint64)
        k.row_keys_from_data(bits, seed, keys)
        return keys

    def _elbo(self, X, kl_weight=1.0, yi=None):
        acts = self._activations
        stats = net.forward(
            self.encoder_coefs_,
            self.encoder_intercepts_,
            acts,
            self._encoder_input(X, yi),
        )[-1]
        z, eps, kl = self._latent_buffers(X.shape[0], X.dtype)
        prior = self._prior_mean(yi, X.shape[0], X.dtype)
        k.reparameterize(stats, prior, True, self._score_keys(X), z, eps, kl)
        out = net.forward(
            self.decoder_coefs_,
            self.decoder_intercepts_,
            acts,
            self._decoder_input(z, yi),
        )[-1]
        nll = np.empty(X.shape[0])
        self._nll(out, X, 1.0, np.empty_like(out), nll)
        return -(nll + kl_weight * kl)

    def score_samples(self, X):
        """Evidence lower bound of each sample, in nats (one draw of ``z``; the KL
        term exact). The draw is keyed on the sample and ``random_state``: an int
        ``random_state`` makes scores reproducible, and a sample scores the same
        whatever else is in X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
        """
        return self._elbo(self._check_X(X))

    def score(self, X, y=None):
        """Mean ELBO of X in nats per sample (higher is better).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X)))

    def log_likelihood(self, X, *, n_importance=100):
        """Importance-weighted estimate of ``log p(x)`` (Burda et al., 2016).

        ``log (1/k) sum_i p(x | z_i) p(z_i) / q(z_i | x)`` with ``k = n_importance``
        draws from the posterior: a lower bound that tightens as ``k`` grows (k = 1 is
        the ELBO).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        n_importance : int, default=100
            Number of importance samples ``k``.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
        """
        if not isinstance(n_importance, Integral) or n_importance < 1:
            raise ValueError(
                f"n_importance must be a positive integer, got {n_importance!r}."
            )
        X = self._check_X(X)
        acts = self._activations
        stats = net.forward(self.encoder_coefs_, self.encoder_intercepts_, acts, X)[-1]
        logvar = stats[:, self.n_components :].astype(np.float64)
        log_w = np.empty((n_importance, X.shape[0]))
        z, eps, kl = self._latent_buffers(X.shape[0], X.dtype)
        zeros = np.zeros_like(z)
        for i in range(n_importance):
            keys = self._score_keys(X, draw=i + 1)
            k.reparameterize(stats, zeros, True, keys, z, eps, kl)
            out = net.forward(self.decoder_coefs_, self.decoder_intercepts_, acts, z)[
                -1
            ]
            nll = np.empty(X.shape[0])
            self._nll(out, X, 1.0, np.empty_like(out), nll)
            z64, eps64 = z.astype(np.float64), eps.astype(np.float64)
            log_prior = -0.5 * np.square(z64).sum(axis=1)
            log_q = -0.5 * (np.square(eps64) + logvar).sum(axis=1)
            log_w[i] = -nll + log_prior - log_q  # the 2 pi terms of p(z), q cancel
        return logsumexp(log_w, axis=0) - np.log(n_importance)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
