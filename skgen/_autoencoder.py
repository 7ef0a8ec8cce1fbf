"""Deep autoencoder: an RBM stack pretrained, unrolled and fine-tuned by backprop."""

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.mixture import GaussianMixture
from sklearn.utils._param_validation import Interval, StrOptions

from . import _defaults
from ._dbn import DBN
from ._models._losses import LOSSES
from ._models._stack import Stack, stack_activations
from ._models._units import UNITS
from ._network_base import (
    AUTO_EPOCH_CONSTRAINTS,
    TRAINING_CONSTRAINTS,
    BaseNetwork,
    document_training,
)
from ._parallel import document_n_jobs, one_thread, threaded
from ._validation import (
    check_layer_sizes,
    in_unit_interval,
    per_layer,
    warn_at_caller,
)

# The output loss of each fine-tuning objective.
_LOSS_OF = {"cross_entropy": "bernoulli", "squared_error": "squared_error"}


@document_n_jobs
@document_training
class DeepAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseNetwork):
    """Deep autoencoder (Hinton & Salakhutdinov, 2006): RBM pretraining, then backprop.

    The encoder ``n_features -> hidden_layer_sizes -> n_components`` is first
    pretrained as a :class:`DBN`: one RBM per layer, each modelling the layer below,
    the top one giving the code layer. The stack is then unrolled into an encoder
    (the RBMs' weights and hidden biases) and a mirror-image decoder (the transposed
    weights and visible biases, as untied copies), and the whole network is
    fine-tuned by Adam on the reconstruction error. Hidden units are rectified
    (ReLU; Hinton & Salakhutdinov's logistic units with ``hidden_units=
    "bernoulli"``), the code linear.

    ``transform`` gives the code, ``inverse_transform`` decodes a code,
    ``score_samples`` is minus each sample's squared reconstruction error, and
    ``sample`` decodes draws from a Gaussian mixture fitted to the training codes
    (scikit-learn's ``GaussianMixture``, refitted after every training call).
    ``pretrain=False`` starts from Glorot weights instead, so the benefit of
    pretraining can be measured.

    Parameters
    ----------
    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Hidden units of the encoder, bottom first; the decoder mirrors them.
        "auto": Hinton & Salakhutdinov's (1000, 500, 250) from 250 features up,
        one layer of ``4 * n_features`` units below. Chosen by 3-fold
        cross-validation on the training rows of digits and of the breast-cancer
        table (benchmarks/choose_defaults.py, RESULTS.md): deeper stacks on few
        features pretrain a constant code.
        The sizes used are in ``hidden_layer_sizes_``.
    n_components : "auto" or int, default="auto"
        Size of the code. "auto": ``n_features // 8`` within [2, 30], so 30 for
        MNIST's 784 pixels (Hinton & Salakhutdinov's), 8 for 8 x 8 images and 3 for
        a 30-column table; a code as wide as the data compresses nothing. The size
        used is in ``n_components_``.
    pretrain : bool, default=True
        Pretrain the encoder as a stack of RBMs before fine-tuning.
    loss : {"auto", "cross_entropy", "squared_error"}, default="auto"
        Fine-tuning objective. "cross_entropy" treats each feature as a Bernoulli
        probability (data in [0, 1]: the decoder's output is logistic and the bottom
        RBM a :class:`BernoulliRBM`); "squared_error" is for real-valued,
        standardised data (linear output, a :class:`GaussianRBM` at the bottom).
        "auto" picks "cross_entropy" when X lies in [0, 1], else "squared_error".
    hidden_units : {"bernoulli", "relu"}, default="relu"
        The hidden units. "bernoulli": Hinton & Salakhutdinov's logistic units,
        the code layer's RBM with linear hidden units. "relu": every RBM, the code
        layer's included, has rectified hidden units (as :class:`DBN`'s, each
        at its "auto" rate from its input's size, by CD-1); the network is
        unrolled with ReLU hidden layers and a linear code (the code RBM's input,
        before rectification), and ``rbm_learning_rate``,
        ``code_learning_rate``, ``rbm_momentum`` and ``rbm_weight_decay`` are
        unused. Chosen on training rows only
        (benchmarks/choose_autoencoder_units.py): held-out squared error 0.81 /
        7.43 / 5.28 on digits / breast cancer / wine (3-fold CV) and 7.99 on a
        validation split of MNIST-5k, against 1.27 / 8.02 / 6.45 / 8.04 with
        binary units (PCA: 1.56 / 8.69 / 6.33 / 14.30); codes + LR 0.913 / 0.955 /
        0.940 / 0.878 against 0.897 / 0.960 / 0.933 / 0.858 (PCA: 0.898 / 0.958 /
        0.947 / 0.889).
    rbm_learning_rate : "auto", float or sequence of float, default="auto"
        With ``hidden_units="bernoulli"``: learning rate of the binary-hidden
        RBMs, one value or one per hidden layer.
        "auto": 0.05, except 0.01 (:class:`GaussianRBM`'s default) for the bottom
        RBM with ``loss="squared_error"``, whose Gaussian visible units diverge at
        0.05 on standardised data. The rates used are the ``learning_rate`` of each
        RBM in ``dbn_.rbms_``.
    code_learning_rate : float, default=0.01
        With ``hidden_units="bernoulli"``: learning rate of the code layer's RBM:
        linear hidden units need a smaller rate than binary ones (Hinton &
        Salakhutdinov used 0.001 with 30 times more updates per epoch on the full
        MNIST).
    rbm_n_iter : int or sequence of int, default=30
        RBM training epochs, one value or one per RBM (the code layer's last).
        The pretraining settings (30 epochs, batch 32, code rate 0.01) were chosen
        on MNIST-5k: 50 epochs at batch 100 reached the same test error (6.8 against
        PCA's 14.1) in twice the time, 10 epochs only 11.0; chosen on that benchmark
        (benchmarks/RESULTS.md).
    rbm_batch_size : int, default=32
        Minibatch size of the RBMs.
    rbm_momentum : float, default=0.5
        With ``hidden_units="bernoulli"``: momentum of the RBM updates.
    rbm_weight_decay : float, default=2e-4
        With ``hidden_units="bernoulli"``: L2 penalty of the RBM updates (Hinton &
        Salakhutdinov's 0.0002).
    learning_rate : float, default=1e-3
        Adam's step size for fine-tuning.
    alpha : float, default=0.0
        L2 penalty on the weights during fine-tuning (as ``MLPRegressor``'s).
    batch_size : int, default=100
        Fine-tuning minibatch size (clipped to the number of samples).
    max_iter : "auto" or int, default="auto"
        Maximum fine-tuning epochs. "auto": the epochs of 20,000 Adam steps, at
        least 200 (``MLPRegressor``'s count): a fixed count of epochs gives a small
        data set few steps (200 epochs of 1,200 rows are 2,600 steps, and the
        digits autoencoder was still improving there). Used: ``max_iter_``.
    tol : float, default=1e-4
        Stop when the training loss (or, with ``early_stopping``, the validation
        error) has not improved by ``tol`` times its best value for
        ``n_iter_no_change`` epochs.
    n_iter_no_change : "auto" or int, default="auto"
        Epochs without improvement before stopping. "auto": the epochs of 500
        Adam steps, at least 10, so that a plateau of the same length in steps
        stops a small data set no sooner than a large one. Used:
        ``n_iter_no_change_``.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the data, stop when its reconstruction
        error stops improving, and keep the best model. On by default, unlike
        ``MLPRegressor``: a network of this size overfits a few thousand samples
        within a hundred epochs.
    validation_fraction : float, default=0.1
        Share of the data held out with ``early_stopping``.
    warm_start : bool, default=False
        Continue fine-tuning from the fitted network instead of starting anew.
    density_components : int, default=10
        Components of the Gaussian mixture (full covariances) fitted to the codes of
        the training samples, from which :meth:`sample` draws (at most one per
        sample).
    random_state : int, RandomState instance or None, default=None
        Pretraining, initialisation, shuffling, the validation split, the code
        density and ``sample``'s draws.
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
    hidden_layer_sizes_ : tuple of int
        The encoder's hidden layer sizes used (``hidden_layer_sizes`` resolved).
    n_components_ : int
        The code size used (``n_components`` resolved).
        TRAINING_ATTRIBUTES
    code_density_ : GaussianMixture or None
        The density of the training codes that :meth:`sample` draws from, refitted
        after every ``fit`` or ``partial_fit`` call on the codes of the rows it
        trained on (None until two distinct codes have been seen).
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
    >>> ae.sample(5, random_state=0).shape
    (5, 64)
    """

    _added_params = {"hidden_units": "bernoulli"}  # skgen 0.4

    _parameter_constraints: dict = {
        **TRAINING_CONSTRAINTS,
        **AUTO_EPOCH_CONSTRAINTS,
        "hidden_layer_sizes": [StrOptions({"auto"}), "array-like"],
        "n_components": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "pretrain": ["boolean"],
        "loss": [StrOptions({"auto", "cross_entropy", "squared_error"})],
        "hidden_units": [StrOptions({"bernoulli", "relu"})],
        "rbm_learning_rate": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
            "array-like",
        ],
        "code_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "rbm_n_iter": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "rbm_batch_size": [Interval(Integral, 1, None, closed="left")],
        "rbm_momentum": [Interval(Real, 0, 1, closed="left")],
        "rbm_weight_decay": [Interval(Real, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "density_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes="auto",
        n_components="auto",
        *,
        pretrain=True,
        loss="auto",
        hidden_units="relu",
        rbm_learning_rate="auto",
        code_learning_rate=0.01,
        rbm_n_iter=30,
        rbm_batch_size=32,
        rbm_momentum=0.5,
        rbm_weight_decay=2e-4,
        learning_rate=1e-3,
        alpha=0.0,
        batch_size=100,
        max_iter="auto",
        tol=1e-4,
        n_iter_no_change="auto",
        early_stopping=True,
        validation_fraction=0.1,
        warm_start=False,
        density_components=10,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_components = n_components
        self.pretrain = pretrain
        self.loss = loss
        self.hidden_units = hidden_units
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
        self.warm_start = warm_start
        self.density_components = density_components
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    _fitted_marker = "encoder_coefs_"
    _validation_name = "val. error"
    _loss_digits = 2  # with 3 validation digits, a line fits 80 columns
    _validation_digits = 3
    _validation_sign = -1.0
    _divergence_hint = (
        "Lower learning_rate, and standardise real-valued X (loss='squared_error')."
    )

    # ----------------------------------------------------------------- set up
    def _resolve(self, X):
        """The "auto" loss (:func:`in_unit_interval`) and sizes."""
        auto = "cross_entropy" if in_unit_interval(X) else "squared_error"
        self.loss_ = auto if self.loss == "auto" else self.loss
        n_features = X.shape[1]
        self.hidden_layer_sizes_ = tuple(
            _defaults.encoder_sizes(n_features)
            if _defaults.is_auto(self.hidden_layer_sizes)
            else check_layer_sizes(self.hidden_layer_sizes)
        )
        self.n_components_ = (
            _defaults.code_size(n_features)
            if _defaults.is_auto(self.n_components)
            else self.n_components
        )

    def _unit_interval(self):
        if self.loss_ != "cross_entropy":
            return None
        return "DeepAutoencoder(loss='cross_entropy')", "loss='squared_error'"

    def _unit_spread(self):
        if self.loss_ != "squared_error" or not self.pretrain:
            return None
        return ("DeepAutoencoder(loss='squared_error')",)

    def _sizes(self):
        return list(self.hidden_layer_sizes_) + [self.n_components_]

    def _structure(self):
        sizes = self.hidden_layer_sizes
        return {
            "hidden_layer_sizes": sizes
            if _defaults.is_auto(sizes)
            else tuple(check_layer_sizes(sizes)),
            "n_components": self.n_components,
            "loss": self.loss,
            "hidden_units": self.hidden_units,
        }

    def _initialize(self, X, y):
        sizes = self._sizes()
        n_hidden, dtype, rng = len(sizes) - 1, X.dtype, self._train_rng_
        if self.pretrain:
            self.dbn_ = self._pretrained(X, sizes)
            stack = Stack.from_rbms(self.dbn_._layers(), dtype, mirror=True)
        else:
            self.dbn_ = None
            enc_sizes = [X.shape[1]] + sizes
            acts = stack_activations(n_hidden + 1, self._hidden_activation())
            stack = Stack.initialized(enc_sizes, acts, dtype, rng) + Stack.initialized(
                enc_sizes[::-1], acts, dtype, rng
            )
        n_layers = len(sizes)
        self.encoder_coefs_ = stack.coefs[:n_layers]
        self.encoder_intercepts_ = stack.intercepts[:n_layers]
        self.decoder_coefs_ = stack.coefs[n_layers:]
        self.decoder_intercepts_ = stack.intercepts[n_layers:]
        self._n_features_out = self.n_components_

    def _hidden_activation(self):
        return UNITS[self.hidden_units].activation

    def _pretrained(self, X, sizes):
        """The encoder pretrained as a DBN whose top RBM has linear hidden units
        (with rectified units, a rectified one unrolled linear)."""
        if self.hidden_units == "relu":
            self._warn_binary_settings()
            dbn = self._rectified_dbn(sizes)
            dbn._rate_advice = (
                "In a DeepAutoencoder with rectified units each RBM's rate is 0.5 / "
                "mean ||x||^2 of its input; standardise X, or use "
                "hidden_units='bernoulli' with rates of your own."
            )
            return dbn._fit(X, checked=True)
        n_hidden = len(sizes) - 1
        gaussian = self.loss_ == "squared_error"
        if _defaults.is_auto(self.rbm_learning_rate):
            rates = [
                _defaults.rbm_learning_rate(gaussian and i == 0)
                for i in range(n_hidden)
            ]
        else:
            rates = per_layer(
                self.rbm_learning_rate, n_hidden, "rbm_learning_rate", Real
            )
        per_layer(
            self.rbm_n_iter, n_hidden + 1, "rbm_n_iter (code layer last)", Integral
        )
        if n_hidden == 0 and self.loss_ == "squared_error":
            raise ValueError(
                "Pretraining for loss='squared_error' needs at least one hidden "
                "layer (a Gaussian-visible RBM) below the linear code; pass "
                "hidden_layer_sizes with one or more layers, or pretrain=False."
            )
        dbn = DBN(
            hidden_layer_sizes=sizes,
            learning_rate=rates + [self.code_learning_rate],
            # Hinton & Salakhutdinov's recipe, for which the settings above were
            # chosen: a constant rate, with momentum.
            learning_rate_schedule="constant",
            n_iter=self.rbm_n_iter,
            batch_size=self.rbm_batch_size,
            persistent=False,
            momentum=self.rbm_momentum,
            weight_decay=self.rbm_weight_decay,
            gaussian_visible=gaussian,
            hidden_units="bernoulli",
            features="top",
            linear_top=True,
            verbose=self.verbose,
            random_state=self._train_rng_.randint(0, 2**31 - 1),
        )
        # A diverging layer's message names this estimator's parameters.
        dbn._rate_advice = (
            "In a DeepAutoencoder the RBMs' rates are rbm_learning_rate (one value, "
            "or one per hidden layer) and code_learning_rate (the code layer)."
        )
        return dbn._fit(X, checked=True)

    def _warn_binary_settings(self):
        """Say so when settings of the binary recipe were given to rectified units,
        which set their own rates."""
        defaults = type(self)().get_params()
        given = [
            name
            for name in (
                "rbm_learning_rate",
                "code_learning_rate",
                "rbm_momentum",
                "rbm_weight_decay",
            )
            if getattr(self, name) != defaults[name]
        ]
        if given:
            warn_at_caller(
                f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} to "
                "hidden_units='bernoulli' only; with "
                "rectified units each RBM learns at a rate set from its input's size "
                "(DBN's 'auto'), without momentum or weight decay. Pass "
                "hidden_units='bernoulli' to use them."
            )

    def _rectified_dbn(self, sizes):
        """The stack of rectified RBMs that pretrains the encoder, code included, at
        :class:`DBN`'s own rates and CD for them."""
        per_layer(
            self.rbm_n_iter, len(sizes), "rbm_n_iter (code layer last)", Integral
        )
        return DBN(
            hidden_layer_sizes=sizes,
            n_iter=self.rbm_n_iter,
            batch_size=self.rbm_batch_size,
            gaussian_visible=self.loss_ == "squared_error",
            hidden_units="relu",
            features="top",
            verbose=self.verbose,
            random_state=self._train_rng_.randint(0, 2**31 - 1),
        )

    def _stacks(self, dtype=None):
        """The encoder and the decoder (in ``dtype``, or sharing the fitted arrays):
        hidden layers of the units' activation, a linear code (with rectified
        units, the code RBM's input before rectification) and a linear output."""
        acts = stack_activations(len(self.encoder_coefs_), self._hidden_activation())
        encoder = Stack(self.encoder_coefs_, self.encoder_intercepts_, acts)
        decoder = Stack(self.decoder_coefs_, self.decoder_intercepts_, acts)
        if dtype is not None:
            encoder, decoder = encoder.astype(dtype), decoder.astype(dtype)
        return encoder, decoder

    def _model(self):
        encoder, decoder = self._stacks()
        return encoder + decoder

    def _loss_and_grads(self, model, xb, yb):
        loss = LOSSES[_LOSS_OF[self.loss_]]
        return model.loss_and_grads(xb, xb, loss, self.alpha)

    def _validation_score(self, X, y):
        return float(np.mean(self._score_dense(X)))

    def _after_training(self, X, y):
        """Refit ``code_density_`` on the codes of this call's training rows (a
        block of fewer than two distinct codes keeps the density it had)."""
        codes = self._encode(self._dense(X)).astype(np.float64)
        n_distinct = len(np.unique(codes, axis=0))  # no more components than codes
        seed = self._train_rng_.randint(0, 2**31 - 1)
        if n_distinct < 2:
            if not hasattr(self, "code_density_"):
                self.code_density_ = None
            return
        density = GaussianMixture(
            n_components=min(self.density_components, n_distinct),
            init_params="k-means++",  # no k-means fit: no warning on close codes
            random_state=seed,
        )
        with one_thread():
            self.code_density_ = density.fit(codes)

    # ---------------------------------------------------------- representation
    def _encode(self, X):
        return self._stacks(X.dtype)[0].predict(X)

    def _decode(self, Z):
        out = self._stacks(Z.dtype)[1].predict(Z)
        return LOSSES[_LOSS_OF[self.loss_]].link(out)

    @threaded
    def transform(self, X):
        """The code of each sample: the encoder's linear top layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        Z : ndarray of shape (n_samples, `n_components_`)
            Codes, in the dtype of X (float32 stays float32, anything else is
            float64).
        """
        return self._encode(self._validate_X(X, dense=True))

    @threaded
    def inverse_transform(self, X):
        """Decode codes back to the data space.

        Parameters
        ----------
        X : array-like of shape (n_samples, `n_components_`)
            Codes, e.g. from ``transform``.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Reconstructions: probabilities in [0, 1] for the cross-entropy, real
            values for the squared error.
        """
        self._check_fitted()
        return self._decode(self._validate_codes(X, self.n_components_))

    @threaded
    def sample(self, n_samples=1, *, random_state=None):
        """Decoded draws from the density of the training codes (``code_density_``).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws. None draws from ``random_state_`` (new samples on
            every call); an int gives the same samples every time.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Decoder outputs (probabilities for the cross-entropy), in the model's
            dtype.
        """
        rng = self._sampling_rng(n_samples, random_state)
        if self.code_density_ is None:
            raise ValueError(
                "The autoencoder has seen fewer than two distinct codes, too few to "
                "fit the density that sample draws from; train on more samples."
            )
        density = copy.copy(self.code_density_)
        density.random_state = rng  # GaussianMixture.sample draws from its own seed
        codes, _ = density.sample(n_samples)  # grouped by component: shuffle them
        codes = codes[rng.permutation(n_samples)]
        return self._decode(np.ascontiguousarray(codes, dtype=self._dtype()))

    def _score_dense(self, X):
        error = self._decode(self._encode(X)) - X
        return -np.square(error, dtype=np.float64).sum(axis=1)

    @threaded
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
        return self._score_dense(self._validate_X(X, dense=True))
