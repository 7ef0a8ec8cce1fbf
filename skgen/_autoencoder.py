"""Deep autoencoder: an RBM stack pretrained, unrolled and fine-tuned by backprop."""

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
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _network as net
from ._dbn import DBN, _per_layer
from ._kernels import _network as k
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, threaded
from ._validation import (
    FLOAT_DTYPES,
    DivergenceError,
    check_layer_sizes,
    check_unit_interval,
)

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


@document_n_jobs
class DeepAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Deep autoencoder (Hinton & Salakhutdinov, 2006): RBM pretraining, then backprop.

    The encoder ``n_features -> hidden_layer_sizes -> n_components`` is first
    pretrained as a :class:`DBN`: one RBM per layer, each modelling the layer below,
    the top one (the code layer) with linear hidden units. The stack is then unrolled
    into an encoder (the RBMs' weights and hidden biases) and a mirror-image decoder
    (the transposed weights and visible biases, as untied copies), and the whole
    network is fine-tuned by Adam on the reconstruction error. Hidden units are
    logistic, the code linear.

    ``transform`` gives the code, ``inverse_transform`` decodes a code,
    ``score_samples`` is minus each sample's squared reconstruction error.
    ``pretrain=False`` starts from Glorot weights instead, so the benefit of
    pretraining can be measured.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(1000, 500, 250)
        Hidden units of the encoder, bottom first; the decoder mirrors them.
    n_components : int, default=30
        Size of the code.
    pretrain : bool, default=True
        Pretrain the encoder as a stack of RBMs before fine-tuning.
    loss : {"auto", "cross_entropy", "squared_error"}, default="auto"
        Fine-tuning objective. "cross_entropy" treats each feature as a Bernoulli
        probability (data in [0, 1]: the decoder's output is logistic and the bottom
        RBM a :class:`BernoulliRBM`); "squared_error" is for real-valued,
        standardised data (linear output, a :class:`GaussianRBM` at the bottom).
        "auto" picks "cross_entropy" when X lies in [0, 1], else "squared_error".
    rbm_learning_rate : float or sequence of float, default=0.05
        Learning rate of the binary-hidden RBMs, one value or one per hidden layer.
        With ``loss="squared_error"`` the bottom RBM has Gaussian visible units and
        wants a smaller rate (0.001-0.01): pass one per layer.
    code_learning_rate : float, default=0.01
        Learning rate of the code layer's RBM: linear hidden units need a smaller
        rate than binary ones (Hinton & Salakhutdinov used 0.001 with 30 times more
        updates per epoch on the full MNIST).
    rbm_n_iter : int or sequence of int, default=30
        RBM training epochs, one value or one per RBM (the code layer's last).
        The pretraining settings (30 epochs, batch 32, code rate 0.01) were chosen
        on MNIST-5k: 50 epochs at batch 100 reached the same test error (6.8 against
        PCA's 14.1) in twice the time, 10 epochs only 11.0; chosen on that benchmark
        (benchmarks/RESULTS.md).
    rbm_batch_size : int, default=32
        Minibatch size of the RBMs.
    rbm_momentum : float, default=0.5
        Momentum of the RBM updates.
    rbm_weight_decay : float, default=2e-4
        L2 penalty of the RBM updates (Hinton & Salakhutdinov's 0.0002).
    learning_rate : float, default=1e-3
        Adam's step size for fine-tuning.
    alpha : float, default=0.0
        L2 penalty on the weights during fine-tuning (as ``MLPRegressor``'s).
    batch_size : int, default=100
        Fine-tuning minibatch size (clipped to the number of samples).
    max_iter : int, default=200
        Maximum fine-tuning epochs.
    tol : float, default=1e-4
        Stop when the training loss (or, with ``early_stopping``, the validation
        error) has not improved by ``tol`` times its best value for
        ``n_iter_no_change`` epochs.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the data, stop when its reconstruction
        error stops improving, and keep the best model. On by default, unlike
        ``MLPRegressor``: a network of this size overfits a few thousand samples
        within a hundred epochs.
    validation_fraction : float, default=0.1
        Share of the data held out with ``early_stopping``.
    random_state : int, RandomState instance or None, default=None
        Pretraining, initialisation, shuffling and the validation split.
    verbose : int, default=0
        Progress per RBM layer (and, from 2, per RBM epoch) while pretraining and
        per epoch while fine-tuning.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    encoder_coefs_, encoder_intercepts_ : list of ndarray
        Encoder layers, ``coef`` of shape (n_in, n_out), the code layer last.
    decoder_coefs_, decoder_intercepts_ : list of ndarray
        Decoder layers, from the code to the output.
    dbn_ : DBN or None
        The pretrained RBM stack (None without pretraining).
    loss_ : str
        The fine-tuning objective used ("cross_entropy" or "squared_error").
    loss_curve_ : list of float
        Mean training loss per sample and epoch: nats of cross-entropy, or the
        squared error.
    validation_scores_ : list of float or None
        ``score`` of the held-out data per epoch with ``early_stopping``.
    best_loss_ : float
        Best training loss, or best validation error with ``early_stopping``.
    n_iter_ : int
        Fine-tuning epochs run.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if all strings.

    See Also
    --------
    DBN : The pretraining stack on its own, as a transformer.
    VAE : A probabilistic autoencoder with a sampling prior.
    sklearn.decomposition.PCA : The linear method a deep autoencoder should beat.

    References
    ----------
    Hinton, G. E. and Salakhutdinov, R. R. Reducing the dimensionality of data with
    neural networks. Science 313, pp 504-507 (2006).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import DeepAutoencoder
    >>> X = load_digits().data[:300] / 16
    >>> ae = DeepAutoencoder(hidden_layer_sizes=(32,), n_components=4, rbm_n_iter=2,
    ...                      max_iter=5, random_state=0).fit(X)
    >>> ae.transform(X).shape
    (300, 4)
    >>> ae.inverse_transform(ae.transform(X)).shape
    (300, 64)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like"],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "pretrain": ["boolean"],
        "loss": [StrOptions({"auto", "cross_entropy", "squared_error"})],
        "rbm_learning_rate": [Interval(Real, 0, None, closed="neither"), "array-like"],
        "code_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "rbm_n_iter": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "rbm_batch_size": [Interval(Integral, 1, None, closed="left")],
        "rbm_momentum": [Interval(Real, 0, 1, closed="left")],
        "rbm_weight_decay": [Interval(Real, 0, None, closed="left")],
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
        hidden_layer_sizes=(1000, 500, 250),
        n_components=30,
        *,
        pretrain=True,
        loss="auto",
        rbm_learning_rate=0.05,
        code_learning_rate=0.01,
        rbm_n_iter=30,
        rbm_batch_size=32,
        rbm_momentum=0.5,
        rbm_weight_decay=2e-4,
        learning_rate=1e-3,
        alpha=0.0,
        batch_size=100,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=True,
        validation_fraction=0.1,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_components = n_components
        self.pretrain = pretrain
        self.loss = loss
        self.rbm_learning_rate = rbm_learning_rate
        self.code_learning_rate = code_learning_rate
        self.rbm_n_iter = rbm_n_iter
        self.rbm_batch_size = rbm_batch_size
        self.rbm_momentum = rbm_momentum
        self.rbm_weight_decay = rbm_weight_decay
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
    def fit(self, X, y=None):
        """Pretrain the encoder (unless ``pretrain=False``), unroll, and fine-tune.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data: in [0, 1] for the cross-entropy, standardised otherwise.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted autoencoder.
        """
        X = validate_data(self, X, accept_sparse="csr", dtype=FLOAT_DTYPES, order="C")
        rng = check_random_state(self.random_state)
        self.loss_ = self._resolve_loss(X)
        validation_loss = None
        if self.early_stopping:  # held out before pretraining sees any of it
            X, _, X_val, _ = net.split_validation(
                X, None, self.validation_fraction, rng
            )

            def validation_loss():  # the squared error that score reports
                return -self._score_dense(self._dense(X_val)).mean()

        self._initialize(X, rng)

        try:
            self.loss_curve_, val_losses, self.best_loss_ = net.train_epochs(
                lambda: self._run_epoch(X, rng),
                self._params(),
                max_iter=self.max_iter,
                tol=self.tol,
                n_iter_no_change=self.n_iter_no_change,
                relative_tol=True,
                validation_loss=validation_loss,
                report=net.epoch_reporter(self, "validation squared error"),
            )
        except DivergenceError:
            self._forget_fit()  # no half-trained model full of NaN
            raise
        self.n_iter_ = len(self.loss_curve_)
        self.validation_scores_ = (
            None if val_losses is None else [-v for v in val_losses]
        )
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    @threaded
    def partial_fit(self, X, y=None):
        """One fine-tuning epoch over X; the first call also initialises the model
        (pretraining on this first block unless ``pretrain=False``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A block of training data.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The updated autoencoder.
        """
        first = not hasattr(self, "encoder_coefs_")
        dtype = FLOAT_DTYPES if first else self.encoder_coefs_[0].dtype
        X = validate_data(
            self, X, accept_sparse="csr", dtype=dtype, order="C", reset=first
        )
        if first:
            self._partial_rng = check_random_state(self.random_state)
            self.loss_ = self._resolve_loss(X)
            self._initialize(X, self._partial_rng)
            self.loss_curve_ = []
        else:
            self._check_fitted()
            if not hasattr(self, "_partial_rng"):  # partial_fit after fit
                self._partial_rng = check_random_state(self.random_state)
            if self.loss_ == "cross_entropy":
                check_unit_interval(
                    X, "DeepAutoencoder(loss='cross_entropy')", "loss='squared_error'"
                )
        if first:
            try:
                self.loss_curve_.append(self._run_epoch(X, self._partial_rng))
            except DivergenceError:
                self._forget_fit()
                raise
        else:
            saved = [p.copy() for p in self._params()], self._optimizer.state()
            try:
                self.loss_curve_.append(self._run_epoch(X, self._partial_rng))
            except DivergenceError:  # the model stays as it was before this block
                for p, old in zip(self._params(), saved[0]):
                    p[...] = old
                self._optimizer.set_state(saved[1])
                raise
        self.n_iter_ = len(self.loss_curve_)
        return self

    # ----------------------------------------------------------------- set up
    _FITTED = (
        "encoder_coefs_",
        "encoder_intercepts_",
        "decoder_coefs_",
        "decoder_intercepts_",
        "dbn_",
        "loss_",
        "loss_curve_",
        "n_iter_",
        "_optimizer",
        "_n_features_out",
        "_fitted_sizes",
        "validation_scores_",
        "best_loss_",
        "n_features_in_",
        "feature_names_in_",
    )

    def _forget_fit(self):
        for name in self._FITTED:
            if hasattr(self, name):
                delattr(self, name)

    def _resolve_loss(self, X):
        values = X.data if sp.issparse(X) else X
        if self.loss == "auto":
            inside = values.size == 0 or (values.min() >= 0 and values.max() <= 1)
            return "cross_entropy" if inside else "squared_error"
        if self.loss == "cross_entropy":
            check_unit_interval(
                X, "DeepAutoencoder(loss='cross_entropy')", "loss='squared_error'"
            )
        return self.loss

    def _sizes(self):
        return check_layer_sizes(self.hidden_layer_sizes) + [self.n_components]

    def _initialize(self, X, rng):
        sizes = self._sizes()
        n_hidden = len(sizes) - 1
        dtype = X.dtype
        if self.pretrain:
            rates = _per_layer(
                self.rbm_learning_rate, n_hidden, "rbm_learning_rate", Real
            )
            _per_layer(
                self.rbm_n_iter, n_hidden + 1, "rbm_n_iter (code layer last)", Integral
            )
            if n_hidden == 0 and self.loss_ == "squared_error":
                raise ValueError(
                    "Pretraining for loss='squared_error' needs at least one hidden "
                    "layer (a Gaussian-visible RBM) below the linear code; pass "
                    "hidden_layer_sizes with one or more layers, or pretrain=False."
                )
            self.dbn_ = DBN(
                hidden_layer_sizes=sizes,
                learning_rate=rates + [self.code_learning_rate],
                n_iter=self.rbm_n_iter,
                batch_size=self.rbm_batch_size,
                persistent=False,
                momentum=self.rbm_momentum,
                weight_decay=self.rbm_weight_decay,
                gaussian_visible=self.loss_ == "squared_error",
                linear_top=True,
                verbose=self.verbose,
                random_state=rng.randint(0, 2**31 - 1),
            ).fit(X)
            rbms = self.dbn_.rbms_
            enc_w = [np.ascontiguousarray(r.components_.T, dtype) for r in rbms]
            enc_b = [r.intercept_hidden_.astype(dtype) for r in rbms]
            dec_w = [r.components_.astype(dtype) for r in reversed(rbms)]
            dec_b = [r.intercept_visible_.astype(dtype) for r in reversed(rbms)]
        else:
            self.dbn_ = None
            enc_sizes = [X.shape[1]] + sizes
            acts = self._activations(n_hidden)
            enc_w, enc_b = net.init_layers(enc_sizes, acts, dtype, rng)
            dec_w, dec_b = net.init_layers(enc_sizes[::-1], acts, dtype, rng)
        self.encoder_coefs_, self.encoder_intercepts_ = enc_w, enc_b
        self.decoder_coefs_, self.decoder_intercepts_ = dec_w, dec_b
        self._n_features_out = self.n_components
        self._fitted_sizes = sizes
        self._optimizer = net.Adam(self._params(), self.learning_rate)

    @staticmethod
    def _activations(n_hidden):
        """Encoder (and, mirrored, decoder) activations: logistic, then linear."""
        return ["logistic"] * n_hidden + ["identity"]

    def _params(self):
        return (
            self.encoder_coefs_
            + self.decoder_coefs_
            + self.encoder_intercepts_
            + self.decoder_intercepts_
        )

    def _network(self):
        """The unrolled network as one stack: coefs, intercepts, activations."""
        acts = self._activations(len(self.encoder_coefs_) - 1)
        return (
            self.encoder_coefs_ + self.decoder_coefs_,
            self.encoder_intercepts_ + self.decoder_intercepts_,
            acts + acts,
        )

    # -------------------------------------------------------------- training
    def _run_epoch(self, X, rng):
        """One pass of Adam over X in minibatches; returns the mean loss per sample."""
        params = self._params()
        grads = [np.empty_like(p) for p in params]
        self._optimizer.learning_rate = self.learning_rate

        def step(idx):
            loss = self._loss_and_grads(self._dense(X[idx]), grads)
            self._optimizer.update(params, grads)
            return loss

        return net.minibatch_epoch(
            rng.permutation(X.shape[0]),
            self.batch_size,
            step,
            "DeepAutoencoder",
            "Lower learning_rate, and standardise real-valued X "
            "(loss='squared_error').",
        )

    def _loss_and_grads(self, xb, grads):
        """Summed loss of the rows of ``xb`` (L2 term excluded); ``grads``, laid out
        as ``_params()``, receives the gradient of the mean loss plus the L2 term."""
        coefs, intercepts, acts = self._network()
        n_layers = len(coefs)
        g_w, g_b = grads[:n_layers], grads[n_layers:]
        m = xb.shape[0]
        outs = net.forward(coefs, intercepts, acts, xb)
        grad_out = np.empty_like(outs[-1])
        loss = np.empty(m)
        self._loss(outs[-1], xb, 1.0 / m, grad_out, loss)
        net.backward(coefs, acts, outs, grad_out, g_w, g_b)
        net.add_l2_gradient(g_w, coefs, self.alpha, m)
        return float(loss.sum())

    def _loss(self, out, x, scale, grad, loss):
        """Per-sample loss of the output layer and its gradient (``scale`` times)."""
        if self.loss_ == "cross_entropy":
            k.bernoulli_nll(out, x, scale, grad, loss)
        else:  # sum of squares: twice the Gaussian NLL without its constant
            k.gaussian_nll(out, x, 2.0 * scale, grad, loss)
            loss -= x.shape[1] * _HALF_LOG_2PI
            loss *= 2.0

    # ---------------------------------------------------------- representation
    def _check_fitted(self):
        check_is_fitted(self)
        if self._sizes() != self._fitted_sizes:
            raise ValueError(
                f"hidden_layer_sizes or n_components changed since the model was "
                f"fitted ({self._fitted_sizes[:-1]}, {self._fitted_sizes[-1]}); call "
                "fit to train a model with the new settings."
            )

    def _dense(self, X):
        X = X.toarray() if sp.issparse(X) else X
        return np.ascontiguousarray(X, dtype=self.encoder_coefs_[0].dtype)

    def _check_X(self, X):
        self._check_fitted()
        X = validate_data(self, X, accept_sparse="csr", dtype=FLOAT_DTYPES, reset=False)
        return self._dense(X)

    def _encode(self, X):
        acts = self._activations(len(self.encoder_coefs_) - 1)
        return net.forward(self.encoder_coefs_, self.encoder_intercepts_, acts, X)[-1]

    def _decode(self, Z):
        acts = self._activations(len(self.decoder_coefs_) - 1)
        out = net.forward(self.decoder_coefs_, self.decoder_intercepts_, acts, Z)[-1]
        return expit(out) if self.loss_ == "cross_entropy" else out

    def transform(self, X):
        """The code of each sample: the encoder's linear top layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Codes, in the model's dtype.
        """
        return self._encode(self._check_X(X))

    def inverse_transform(self, X):
        """Decode codes back to the data space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, e.g. from ``transform``.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Reconstructions: probabilities in [0, 1] for the cross-entropy, real
            values for the squared error.
        """
        self._check_fitted()
        Z = np.array(X, dtype=self.decoder_coefs_[0].dtype, order="C")
        if Z.ndim != 2 or Z.shape[1] != self.n_components:
            raise ValueError(
                f"inverse_transform expects codes of shape (n_samples, "
                f"{self.n_components}), got {Z.shape}."
            )
        if not np.isfinite(Z).all():
            raise ValueError("The codes contain NaN or infinity.")
        return self._decode(Z)

    def _score_dense(self, X):
        error = self._decode(self._encode(X)) - X
        return -np.square(error, dtype=np.float64).sum(axis=1)

    def score_samples(self, X):
        """Minus the squared reconstruction error of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to reconstruct.

        Returns
        -------
        score : ndarray of shape (n_samples,)
            ``-||x - inverse_transform(transform(x))||^2``, float64; higher is
            better and comparable with PCA's reconstruction error.
        """
        return self._score_dense(self._check_X(X))

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`: minus the mean squared reconstruction error.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to reconstruct.
        y : Ignored
            Not used, present for API consistency by convention.

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
