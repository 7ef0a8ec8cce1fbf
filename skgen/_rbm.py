"""Restricted Boltzmann machines: BernoulliRBM (a drop-in for scikit-learn's) and
GaussianRBM (real-valued visible units)."""

import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _rbm_likelihood as lik
from ._kernels._activations import add_bias_sigmoid
from ._kernels._cd import cd_epoch_csr, cd_epoch_dense
from ._kernels._random import new_state
from ._kernels._sampling import gibbs_chain
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, threaded
from ._validation import (
    FLOAT_DTYPES,
    DivergenceError,
    check_finite_params,
    check_unit_interval,
)


def _batch_bounds(n_samples, batch_size):
    """Minibatch boundaries as scikit-learn's RBM makes them (``gen_even_slices``)."""
    n_batches = int(np.ceil(n_samples / batch_size))
    return np.minimum(np.arange(n_batches + 1) * batch_size, n_samples).astype(np.int64)


class _BaseRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Training, sampling and likelihoods shared by the RBM estimators.

    Subclasses set ``_gaussian_visible`` and define ``score_samples`` and the verbose
    progress measure.
    """

    _gaussian_visible = False
    _gaussian_hidden = False

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "cd_k": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.1,
        batch_size=10,
        n_iter=10,
        cd_k=1,
        persistent=True,
        momentum=0.0,
        weight_decay=0.0,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.cd_k = cd_k
        self.persistent = persistent
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=True)
    @threaded
    def fit(self, X, y=None):
        """Fit the model to the data X by ``n_iter`` sweeps of (persistent) CD-k.

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
        X = self._validate_train(X, reset=True)
        self.random_state_ = check_random_state(self.random_state)
        self._init_params(X.shape[1], X.dtype, self.random_state_)
        for iteration in range(1, self.n_iter + 1):
            begin = time.time()
            try:
                self._run_epoch(X, f"iteration {iteration}")
            except DivergenceError:
                self._forget_fit()  # a diverged model is not a fitted one
                raise
            if self.verbose:
                end = time.time()  # training time only, not the score below
                print(
                    "[%s] Iteration %d, %s = %.2f, time = %.2fs"
                    % (
                        type(self).__name__,
                        iteration,
                        self._progress_name,
                        self._progress(X),
                        end - begin,
                    )
                )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    @threaded
    def partial_fit(self, X, y=None):
        """Train on X for one sweep, in minibatches of ``batch_size``.

        Unlike scikit-learn's RBM, which takes one gradient step on whatever it is
        given, this walks X minibatch by minibatch, so a stream of blocks trains
        the same way one ``fit`` epoch does. Chains, momentum and the random stream
        carry over from call to call.

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
        first_call = not hasattr(self, "components_")
        X = self._validate_train(X, reset=first_call)
        if first_call:
            self.random_state_ = check_random_state(self.random_state)
            self._init_params(X.shape[1], X.dtype, self.random_state_)
        saved = self._training_state()
        try:
            self._run_epoch(X, "partial_fit")
        except DivergenceError:
            # Leave the model as it was before this call (unfitted on the first).
            if first_call:
                self._forget_fit()
            else:
                self._set_training_state(saved)
            raise
        return self

    def _validate_train(self, X, reset):
        dtype = FLOAT_DTYPES if reset else self.components_.dtype
        X = validate_data(
            self, X, accept_sparse="csr", dtype=dtype, order="C", reset=reset
        )
        if not self._gaussian_visible:
            check_unit_interval(X, type(self).__name__)
        return X

    def _init_params(self, n_features, dtype, rng):
        self.components_ = rng.normal(0, 0.01, (self.n_components, n_features)).astype(
            dtype
        )
        self.intercept_hidden_ = np.zeros(self.n_components, dtype=dtype)
        self.intercept_visible_ = np.zeros(n_features, dtype=dtype)
        self.h_samples_ = np.zeros((self.batch_size, self.n_components), dtype=dtype)
        self._n_features_out = self.n_components
        self._rng_state = new_state(rng)
        shape_w = self.components_.shape if self.momentum > 0 else (0, 0)
        self._velocity = (
            np.zeros(shape_w, dtype=dtype),
            np.zeros(n_features if self.momentum > 0 else 0, dtype=dtype),
            np.zeros(self.n_components if self.momentum > 0 else 0, dtype=dtype),
        )

    _TRAINING_STATE = (
        "components_",
        "intercept_visible_",
        "intercept_hidden_",
        "h_samples_",
        "_velocity",
        "_rng_state",
    )

    def _training_state(self):
        return {
            name: tuple(v.copy() for v in value)
            if isinstance(value, tuple)
            else value.copy()
            for name, value in ((n, getattr(self, n)) for n in self._TRAINING_STATE)
        }

    def _set_training_state(self, state):
        for name, value in state.items():
            setattr(self, name, value)

    def _forget_fit(self):
        for name in self._TRAINING_STATE + (
            "_n_features_out",
            "random_state_",
            "n_features_in_",
            "feature_names_in_",
        ):
            if hasattr(self, name):
                delattr(self, name)

    def _kernel_params(self):
        """``(W, b, c)`` as C-contiguous arrays of one dtype, as the kernels need.

        Copies only what is not already so (for example parameters set by hand, or a
        Fortran-ordered ``components_`` taken from scikit-learn's RBM); refuses an
        ``n_components`` changed since fitting instead of reading past the arrays.
        """
        W = np.ascontiguousarray(self.components_)
        if W.dtype not in FLOAT_DTYPES:
            W = W.astype(np.float64)
        if self.n_components != W.shape[0]:
            raise ValueError(
                f"n_components is {self.n_components}, but the model was fitted with "
                f"{W.shape[0]} hidden units; call fit to train a model of the new size."
            )
        b = np.ascontiguousarray(self.intercept_visible_, dtype=W.dtype)
        c = np.ascontiguousarray(self.intercept_hidden_, dtype=W.dtype)
        if b.shape != (W.shape[1],) or c.shape != (W.shape[0],):
            raise ValueError(
                "intercept_visible_ and intercept_hidden_ do not match components_ "
                f"{W.shape}; call fit to train a consistent model."
            )
        return W, b, c

    def _run_epoch(self, X, where):
        """One sweep of the jitted CD kernel over X, then a divergence check.

        Buffers are sized from the fitted arrays, and state that the current
        parameters need but the model lacks (chains for a larger ``batch_size`` with
        plain CD, momentum switched on after fitting) is created, so that
        ``set_params`` between ``partial_fit`` calls is safe.
        """
        W, b, c = self._kernel_params()
        self.components_, self.intercept_visible_, self.intercept_hidden_ = W, b, c
        dtype = W.dtype
        n_hidden, n_features = W.shape
        self.h_samples_ = np.ascontiguousarray(self.h_samples_, dtype=dtype)
        if self.persistent:
            chains = self.h_samples_  # carried over between minibatches
        else:
            chains = np.empty((self.batch_size, n_hidden), dtype=dtype)  # scratch
        if self.momentum > 0 and self._velocity[0].shape != W.shape:
            self._velocity = (
                np.zeros_like(W),
                np.zeros_like(b),
                np.zeros_like(c),
            )
        n_rows = self.batch_size + chains.shape[0]
        vv = np.empty((n_rows, n_features), dtype=dtype)
        hh = np.empty((n_rows, n_hidden), dtype=dtype)
        settings = (
            float(self.learning_rate),
            float(self.momentum),
            float(self.weight_decay),
            int(self.cd_k),
            bool(self.persistent),
            self._gaussian_visible,
            self._gaussian_hidden,
        )
        bounds = _batch_bounds(X.shape[0], self.batch_size)
        buffers = (bounds, vv, hh, chains, (W, b, c), self._velocity, settings)
        if sp.issparse(X):
            cd_epoch_csr(X.data, X.indices, X.indptr, *buffers, self._rng_state)
        else:
            cd_epoch_dense(X, *buffers, self._rng_state)
        check_finite_params(self, where, W, b, c)

    # ---------------------------------------------------------- representation
    def transform(self, X):
        """Compute the hidden layer activation probabilities, P(h=1|v=X).

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
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False, dtype=FLOAT_DTYPES)
        return self._mean_hiddens(X)

    def _params(self, dtype):
        """The parameters in ``dtype`` (the input's for ``transform``, which keeps
        float32 float32; the promoted one where likelihoods are summed)."""
        return tuple(p.astype(dtype, copy=False) for p in self._kernel_params())

    def _mean_hiddens(self, v):
        W, _, c = self._params(v.dtype)
        p = v @ W.T
        p = np.ascontiguousarray(p, dtype=v.dtype)
        if self._gaussian_hidden:
            p += c
        else:
            add_bias_sigmoid(p, c)
        return p

    # ---------------------------------------------------------------- sampling
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
        check_is_fitted(self)
        v = validate_data(self, v, accept_sparse="csr", reset=False, dtype=FLOAT_DTYPES)
        v = v.toarray() if sp.issparse(v) else v
        W, _, _ = self._kernel_params()
        v = np.array(v, dtype=W.dtype, order="C")  # a copy: chains run in place
        return self._run_chains(v, 1, self.random_state_)

    def sample(self, n_samples=1, *, n_steps=1000, random_state=None):
        """Draw visible samples from Gibbs chains of the fitted model.

        Each chain starts from the model with its weights removed (Bernoulli units
        with probability ``sigmoid(intercept_visible_)``, or ``N(intercept_visible_,
        1)`` for Gaussian units) and runs ``n_steps`` Gibbs steps.

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
        check_is_fitted(self)
        for name, value in (("n_samples", n_samples), ("n_steps", n_steps)):
            if not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        rng = (
            self.random_state_
            if random_state is None
            else check_random_state(random_state)
        )
        W, b, _ = self._kernel_params()
        v = lik.sample_base_model(b, n_samples, self._gaussian_visible, rng)
        return self._run_chains(v.astype(W.dtype), n_steps, rng)

    def _run_chains(self, v, n_steps, rng):
        W, b, c = self._kernel_params()
        h = np.empty((v.shape[0], W.shape[0]), dtype=v.dtype)
        gibbs_chain(
            v,
            W,
            b,
            c,
            n_steps,
            self._gaussian_visible,
            new_state(rng),
            h,
            self._gaussian_hidden,
        )
        return v

    # ------------------------------------------------------------- likelihood
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
        check_is_fitted(self)
        if method not in ("auto", "exact", "ais"):
            raise ValueError(
                f"method must be 'auto', 'exact' or 'ais', got {method!r}."
            )
        W, b, c = self._kernel_params()
        if self._gaussian_visible:
            small = W.shape[0]
        elif self._gaussian_hidden:
            small = W.shape[1]
        else:
            small = min(W.shape)
        if method == "exact" or (method == "auto" and small <= lik.MAX_EXACT_UNITS):
            log_z = lik.exact_log_partition(
                W, b, c, self._gaussian_visible, gaussian_hidden=self._gaussian_hidden
            )
            return log_z, 0.0
        if self._gaussian_hidden:
            raise NotImplementedError(
                "AIS is not implemented for linear hidden units; log Z is exact for "
                f"at most {lik.MAX_EXACT_UNITS} visible units, this model has "
                f"{W.shape[1]}."
            )
        for name, value in (("n_runs", n_runs), ("n_betas", n_betas)):
            if not isinstance(value, Integral) or value < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {value!r}.")
        rng = check_random_state(self.random_state)
        return lik.ais_log_partition(
            W, b, c, self._gaussian_visible, n_runs, n_betas, rng
        )

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
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False, dtype=FLOAT_DTYPES)
        log_z, std_err = self.log_partition_function(
            method=method, n_runs=n_runs, n_betas=n_betas
        )
        W, b, c = self._params(np.result_type(X.dtype, self.components_.dtype))
        values = -lik.free_energy(
            X, W, b, c, self._gaussian_visible, self._gaussian_hidden
        )
        values -= log_z
        return (values, std_err) if return_std else values

    def score(self, X, y=None):
        """Mean of :meth:`score_samples` over X, so that model selection tools work.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        score : float
            Mean of ``score_samples(X)``.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


# The parameters and attributes both RBMs share; LEARNING_RATE is each one's default.
_COMMON_PARAMS = """
    learning_rate : float, default=LEARNING_RATE
        The learning rate for weight updates. It is *highly* recommended to tune this
        hyper-parameter. Reasonable values are in the 10**[0., -3.] range.
    batch_size : int, default=10
        Number of examples per minibatch.
    n_iter : int, default=10
        Number of iterations/sweeps over the training dataset to perform during
        training.
    cd_k : int, default=1
        Gibbs steps per update in the negative phase (CD-k, or PCD-k when
        ``persistent``).
    persistent : bool, default=True
        Persistent contrastive divergence (Tieleman 2008), as scikit-learn's RBM: the
        negative chains (``h_samples_``, ``batch_size`` of them) carry over from one
        minibatch to the next. With False, each minibatch starts its chains at the
        data (plain CD-k, Hinton 2002).
    momentum : float, default=0.0
        Momentum of the parameter updates, in [0, 1).
    weight_decay : float, default=0.0
        L2 penalty on ``components_`` (not on the intercepts).
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


@document_n_jobs
class BernoulliRBM(_BaseRBM):
    __doc__ = (
        """Bernoulli Restricted Boltzmann Machine (RBM), a drop-in for scikit-learn's.

    Binary visible and binary hidden units, trained by persistent contrastive
    divergence (PCD, as ``sklearn.neural_network.BernoulliRBM``) or CD-k, with
    optional momentum and weight decay. Each training epoch is one call into a
    compiled kernel: the products go to BLAS, the rest (sigmoid, Bernoulli draws,
    updates) is fused around them.

    The constructor, fitted attributes, methods and verbose output match
    scikit-learn's; beyond them the model can :meth:`sample`, :meth:`score`, and give
    a true :meth:`log_likelihood` (exact or by AIS) besides the pseudo-likelihood.
    Visible values should lie in [0, 1] (binary data or intensities).

    Where it differs from scikit-learn's on purpose: ``partial_fit`` walks its input
    in minibatches (scikit-learn's takes one step on the whole block); the negative
    phase is averaged over the chains, not divided by the rows of a short last
    minibatch (which makes scikit-learn's last step of each epoch too large, see
    ``benchmarks/RESULTS.md``); ``gibbs`` returns 0.0 / 1.0 floats, not booleans;
    ``components_`` is C-ordered; random numbers come from skgen's own generator, so
    a seed gives other (equally valid) draws than scikit-learn's.

    Parameters
    ----------
    n_components : int, default=256
        Number of binary hidden units."""
        + _COMMON_PARAMS.replace("LEARNING_RATE", "0.1")
        + """
    See Also
    --------
    GaussianRBM : The same model with real-valued (Gaussian) visible units.
    sklearn.neural_network.BernoulliRBM : scikit-learn's implementation.

    References
    ----------
    Hinton, G. E., Osindero, S. and Teh, Y. A fast learning algorithm for deep belief
    nets. Neural Computation 18, pp 1527-1554 (2006).

    Tieleman, T. Training Restricted Boltzmann Machines using Approximations to the
    Likelihood Gradient. ICML 2008.

    Salakhutdinov, R. and Murray, I. On the quantitative analysis of deep belief
    networks. ICML 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import BernoulliRBM
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> model = BernoulliRBM(n_components=2, random_state=0).fit(X)
    >>> model.transform(X).shape
    (4, 2)
    >>> ll = model.log_likelihood(X)  # exact: the hidden layer is small
    >>> bool(np.all(ll < 0))
    True
    """
    )

    _progress_name = "pseudo-likelihood"

    def score_samples(self, X):
        """Compute the pseudo-likelihood of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Values of the visible layer.

        Returns
        -------
        pseudo_likelihood : ndarray of shape (n_samples,)
            Value of the pseudo-likelihood (proxy for likelihood), float64.

        Notes
        -----
        As scikit-learn's: the free energy is computed on X and on a copy with one
        randomly chosen feature per sample flipped, and the value is
        ``n_features * log(sigmoid(difference))``. The choice of features comes from
        ``random_state``, so an int ``random_state`` makes it deterministic. Its scale
        grows with the number of features; :meth:`log_likelihood` gives a true
        log-likelihood.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False, dtype=FLOAT_DTYPES)
        W, b, c = self._params(np.result_type(X.dtype, self.components_.dtype))
        return lik.pseudo_likelihood(
            X,
            W,
            b,
            c,
            check_random_state(self.random_state),
            gaussian_hidden=self._gaussian_hidden,
        )

    def _progress(self, X):
        return self.score_samples(X).mean()


@document_n_jobs
class GaussianRBM(_BaseRBM):
    __doc__ = (
        """Gaussian-Bernoulli Restricted Boltzmann Machine for real-valued data.

    Visible units are Gaussian with unit variance, hidden units binary:
    ``p(v | h) = N(intercept_visible_ + h @ components_, I)`` and
    ``p(h_j = 1 | v) = sigmoid(intercept_hidden_ + components_ @ v)``. The unit
    variance assumes standardised features: put ``StandardScaler`` in front of it.
    Training, sampling and the log partition function work as in
    :class:`BernoulliRBM`; Gaussian units want a smaller ``learning_rate`` (0.001 to
    0.01; the default is 0.01).

    :meth:`score_samples` and :meth:`score` are the true log-density, whose log
    partition function is exact for ``n_components <= 20`` but estimated by AIS above
    that (10,000 temperatures x 100 runs: seconds per call for hundreds of units, and
    random unless ``random_state`` is an int). For model selection over large models,
    call :meth:`log_likelihood` with cheaper AIS settings.

    Parameters
    ----------
    n_components : int, default=256
        Number of binary hidden units."""
        + _COMMON_PARAMS.replace("LEARNING_RATE", "0.01")
        + """
    See Also
    --------
    BernoulliRBM : Binary visible units, for data in [0, 1].

    References
    ----------
    Hinton, G. E. A Practical Guide to Training Restricted Boltzmann Machines.
    UTML TR 2010-003, section 13.2.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skgen import GaussianRBM
    >>> X = np.random.RandomState(0).normal(size=(100, 5))
    >>> model = make_pipeline(StandardScaler(),
    ...                       GaussianRBM(n_components=4, learning_rate=0.01,
    ...                                   random_state=0)).fit(X)
    >>> model.transform(X).shape
    (100, 4)
    """
    )

    _gaussian_visible = True
    _progress_name = "reconstruction error"

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.01,
        batch_size=10,
        n_iter=10,
        cd_k=1,
        persistent=True,
        momentum=0.0,
        weight_decay=0.0,
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        super().__init__(
            n_components,
            learning_rate=learning_rate,
            batch_size=batch_size,
            n_iter=n_iter,
            cd_k=cd_k,
            persistent=persistent,
            momentum=momentum,
            weight_decay=weight_decay,
            verbose=verbose,
            random_state=random_state,
            n_jobs=n_jobs,
        )

    def score_samples(self, X):
        """Log-density of each sample under the model, ``log p(x)``, in nats.

        The log partition function is exact when ``n_components <= 20`` and
        estimated by AIS otherwise (see :meth:`log_likelihood`, which this calls with
        its defaults).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        return self.log_likelihood(X)

    def _progress(self, X):
        """Mean squared error of the mean-field reconstruction ``E[v | E[h | x]]``."""
        X = X.toarray() if sp.issparse(X) else X
        recon = self._mean_hiddens(X) @ self.components_ + self.intercept_visible_
        return float(np.mean(np.square(recon - X, dtype=np.float64)))


class _LinearHiddenRBM(BernoulliRBM):
    """An RBM with Bernoulli visible units and linear hidden units with unit-variance
    Gaussian noise: ``p(h | v) = N(intercept_hidden_ + components_ @ v, I)``.

    The code layer of a :class:`~skgen.DeepAutoencoder` (Hinton & Salakhutdinov,
    2006): its hidden units take any real value, so the code is not squashed into
    (0, 1). ``transform`` gives the hidden means. Trained, sampled and scored (by
    pseudo-likelihood) as :class:`BernoulliRBM`; linear units want a smaller
    learning rate than binary ones (Hinton & Salakhutdinov used 0.001 against 0.1;
    DeepAutoencoder's defaults are 0.01 against 0.05). ``log Z`` is
    exact for at most 20 visible units; there is no AIS for it.
    """

    _gaussian_hidden = True
