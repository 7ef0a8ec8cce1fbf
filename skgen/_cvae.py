"""Conditional variational autoencoder: a generative classifier on the VAE engine."""

from numbers import Integral

import numpy as np
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from . import _network as net
from ._parallel import document_n_jobs, threaded
from ._vae import VAE
from ._validation import FLOAT_DTYPES, check_unit_interval


@document_n_jobs
class CVAE(ClassifierMixin, VAE):
    """Conditional variational autoencoder: generate, encode and classify by class.

    Two ways to condition on the class ``y``:

    * ``conditioning="prior"`` (default): every class has its own learned prior mean
      ``mu_y`` (``class_means_``) with unit variance, so the KL term becomes
      ``1/2 sum_l [(mu_l - mu_yl)^2 + sigma_l^2 - log sigma_l^2 - 1]``, learned jointly
      with the networks. The encoder and decoder do not see ``y``; generating class
      ``y`` draws ``z ~ N(mu_y, I)`` and decodes it.
    * ``conditioning="concat"``: the one-hot label is concatenated to the encoder's and
      the decoder's inputs, with the prior ``N(0, I)`` (Sohn et al., 2015).

    Classification is Bayes' rule with the ELBO standing in for ``log p(x | y)``:
    ``p(y | x) = pi_y exp(ELBO_y(x)) / sum_c pi_c exp(ELBO_c(x))`` with ``pi`` the class
    frequencies seen in ``fit``. With the prior scheme only the KL term depends on
    ``y``, and of it only ``(mu - mu_y)^2 / 2``: the reconstruction, the variances and
    the constants cancel in the ratio, leaving
    ``log p(y | x) = log pi_y - ||mu(x) - mu_y||^2 / 2 + const``, an exact,
    noise-free computation. With concatenation each class needs its own ELBO (one
    shared noise draw per sample).

    Parameters
    ----------
    n_components : int, default=20
        Size of the latent space.
    conditioning : {"prior", "concat"}, default="prior"
        How the class enters the model, see above.
    hidden_layer_sizes, activation, likelihood, beta, batch_size, learning_rate, \
max_iter, tol, n_iter_no_change, early_stopping, validation_fraction, shuffle, \
warm_start, random_state, verbose :
        As in :class:`VAE`.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    class_count_ : ndarray of shape (n_classes,)
        Training samples seen per class (``partial_fit`` adds to it).
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies in the training data seen so far.
    class_means_ : ndarray of shape (n_classes, n_components)
        Prior means of the classes (``conditioning="prior"``; zeros otherwise).
    encoder_coefs_, encoder_intercepts_, decoder_coefs_, decoder_intercepts_, \
loss_curve_, validation_scores_, best_loss_, n_iter_, n_features_in_ :
        As in :class:`VAE`.

    References
    ----------
    Sohn, K., Lee, H. and Yan, X. Learning structured output representation using
    deep conditional generative models. NeurIPS 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import CVAE
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.uniform(size=(50, 8)) < 0.2,
    ...                rng.uniform(size=(50, 8)) < 0.8])
    >>> y = np.repeat(["a", "b"], 50)
    >>> cvae = CVAE(n_components=2, hidden_layer_sizes=(16,), max_iter=30,
    ...             random_state=0).fit(X * 1.0, y)
    >>> Xs, ys = cvae.sample(4, y="b")
    >>> Xs.shape, ys.tolist()
    ((4, 8), ['b', 'b', 'b', 'b'])
    """

    _parameter_constraints: dict = {
        **VAE._parameter_constraints,
        "conditioning": [StrOptions({"prior", "concat"})],
    }

    def __init__(
        self,
        n_components=20,
        *,
        conditioning="prior",
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
        super().__init__(
            n_components,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            likelihood=likelihood,
            beta=beta,
            batch_size=batch_size,
            learning_rate=learning_rate,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            n_jobs=n_jobs,
        )
        self.conditioning = conditioning

    # ------------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=True)
    @threaded
    def fit(self, X, y):
        """Train on X with class labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (any hashable values).

        Returns
        -------
        self : object
            The fitted model.
        """
        fitted = hasattr(self, "encoder_coefs_")
        reset = not (self.warm_start and fitted)
        X, yi = self._validate_xy(X, y, reset=reset, classes=None)
        return self._fit(X, yi, fitted)

    @_fit_context(prefer_skip_nested_validation=True)
    @threaded
    def partial_fit(self, X, y, classes=None):
        """One epoch over X, y; ``classes`` is required on the first call unless y
        holds every class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None

        Returns
        -------
        self : object
        """
        first = not hasattr(self, "encoder_coefs_")
        X, yi = self._validate_xy(X, y, reset=first, classes=classes)
        return self._partial_fit(X, yi, first)

    def _validate_xy(self, X, y, reset, classes):
        dtype = FLOAT_DTYPES if reset else self.encoder_coefs_[0].dtype
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=dtype, order="C", reset=reset
        )
        check_classification_targets(y)
        if self.conditioning == "prior" and self.beta == 0:
            raise ValueError(
                "beta=0 removes the KL term, the only place the class prior means "
                "are learned; use beta > 0, or conditioning='concat'."
            )
        if reset:
            self.classes_ = (
                LabelEncoder().fit(y if classes is None else classes).classes_
            )
            self.class_count_ = np.zeros(len(self.classes_))
        elif classes is not None and not np.array_equal(
            np.unique(classes), self.classes_
        ):
            raise ValueError(
                f"classes={classes!r} differs from the classes of the first call "
                f"{self.classes_}."
            )
        yi = self._class_indices(y)
        # Class frequencies over everything trained on (fit resets them).
        self.class_count_ = self.class_count_ + np.bincount(
            yi, minlength=len(self.classes_)
        )
        self.class_prior_ = self.class_count_ / self.class_count_.sum()
        if self.likelihood == "bernoulli":
            check_unit_interval(
                X, "CVAE(likelihood='bernoulli')", "use likelihood='gaussian'"
            )
        return X, yi

    def _class_indices(self, y):
        y = np.asarray(y)
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        unseen = self.classes_[idx] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels never seen in fit: {np.unique(y[unseen])[:5]}. "
                f"Known classes: {self.classes_[:10]}; refit with all classes (or "
                "pass classes= to the first partial_fit)."
            )
        return idx

    # ----------------------------------------------------- conditioning hooks
    def _condition_sizes(self):
        n = len(self.classes_) if self.conditioning == "concat" else 0
        return n, n

    def _init_extra_params(self, dtype, rng):
        self.class_means_ = np.zeros((len(self.classes_), self.n_components), dtype)

    def _extra_params(self):
        return [self.class_means_] if self.conditioning == "prior" else []

    def _one_hot(self, yi, dtype):
        out = np.zeros((len(yi), len(self.classes_)), dtype=dtype)
        out[np.arange(len(yi)), yi] = 1.0
        return out

    def _encoder_input(self, X, yi):
        if self.conditioning != "concat":
            return X
        return np.hstack([X, self._one_hot(yi, X.dtype)])

    def _decoder_input(self, Z, yi):
        if self.conditioning != "concat":
            return Z
        return np.hstack([Z, self._one_hot(yi, Z.dtype)])

    def _prior_mean(self, yi, n, dtype):
        if self.conditioning != "prior":
            return np.zeros((n, self.n_components), dtype=dtype)
        return np.ascontiguousarray(self.class_means_[yi], dtype=dtype)

    def _extra_grads(self, stats, prior, yi, kl_weight, grads):
        if self.conditioning != "prior":
            return
        # d KL / d mu_y = -(mu - mu_y), summed over the rows of class y.
        grad = grads[-1]
        grad[...] = 0.0
        np.add.at(grad, yi, -kl_weight * (stats[:, : self.n_components] - prior))

    # ---------------------------------------------------------- representation
    def transform(self, X):
        """Posterior means ``E[z | x]``; with ``conditioning="concat"`` the encoder
        is given the predicted class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
        """
        X = self._check_X(X)
        yi = self._predict_indices(X) if self.conditioning == "concat" else None
        stats = net.forward(
            self.encoder_coefs_,
            self.encoder_intercepts_,
            self._activations,
            self._encoder_input(X, yi),
        )[-1]
        return np.ascontiguousarray(stats[:, : self.n_components])

    def inverse_transform(self, X, y=None):
        """Decoder means of latent codes; ``y`` (one label or one per code) is needed
        with ``conditioning="concat"``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
        y : label or array-like of shape (n_samples,), default=None

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        if self.conditioning != "concat":
            return super().inverse_transform(X)
        self._check_fitted()
        if y is None:
            raise ValueError(
                "CVAE(conditioning='concat') decodes for a class: pass y, one label "
                "or one per code."
            )
        Z = np.array(X, dtype=self.decoder_coefs_[0].dtype, order="C", ndmin=2)
        yi = self._class_indices(np.broadcast_to(np.asarray(y), (Z.shape[0],)))
        return self._decode_mean(self._decoder_input(Z, yi))

    def sample(self, n_samples=1, y=None, *, draw=False, random_state=None):
        """Generate samples of given classes.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        y : label or array-like of shape (n_samples,), default=None
            The class of each sample; None draws classes from ``class_prior_``.
        draw : bool, default=False
            Decoder means (False) or draws ``x ~ p(x | z, y)`` (True), as in
            :meth:`VAE.sample`.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws; None uses the estimator's ``random_state``.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Decoder means of ``z ~ N(mu_y, I)`` (prior scheme) or of ``z ~ N(0, I)``
            decoded with the label (concat).
        y : ndarray of shape (n_samples,)
            Their classes.
        """
        self._check_fitted()
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(
                f"n_samples must be a positive integer, got {n_samples!r}."
            )
        rng = check_random_state(
            self.random_state if random_state is None else random_state
        )
        if y is None:
            yi = rng.choice(len(self.classes_), size=n_samples, p=self.class_prior_)
        else:
            y = np.asarray(y)
            if y.ndim > 0 and y.shape != (n_samples,):
                raise ValueError(
                    f"y must be one label or one per sample ({n_samples}), got "
                    f"shape {y.shape}."
                )
            yi = self._class_indices(np.broadcast_to(y, (n_samples,)))
        dtype = self.decoder_coefs_[0].dtype
        Z = rng.standard_normal((n_samples, self.n_components)).astype(dtype)
        Z += self._prior_mean(yi, n_samples, dtype)
        mean = self._decode_mean(self._decoder_input(Z, yi))
        return self._observe(mean, draw, rng), self.classes_[yi]

    # ------------------------------------------------------------ classifying
    def _class_log_likelihoods(self, X):
        """``ELBO_y(x)`` up to terms that do not depend on y (n_samples, n_classes)."""
        n, n_classes = X.shape[0], len(self.classes_)
        if self.conditioning == "prior":
            stats = net.forward(
                self.encoder_coefs_, self.encoder_intercepts_, self._activations, X
            )[-1]
            mu = stats[:, : self.n_components].astype(np.float64)
            diff = mu[:, None, :] - self.class_means_.astype(np.float64)[None, :, :]
            return -0.5 * np.square(diff).sum(axis=2)
        out = np.empty((n, n_classes))
        for c in range(n_classes):
            out[:, c] = self._elbo(X, 1.0, np.full(n, c))
        return out

    def _predict_indices(self, X):
        return np.argmax(self._joint_log_proba(X), axis=1)

    def _joint_log_proba(self, X):
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        return self._class_log_likelihoods(X) + log_prior

    def predict_log_proba(self, X):
        """``log p(y | x)`` by Bayes' rule (see the class docstring).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        joint = self._joint_log_proba(self._check_X(X))
        return joint - logsumexp(joint, axis=1, keepdims=True)

    def predict_proba(self, X):
        """``p(y | x)`` by Bayes' rule (see the class docstring).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return np.exp(self.predict_log_proba(X))

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

    def score_samples(self, X):
        """``log p(x) ~ log sum_y pi_y exp(ELBO_y(x))``, the class-marginal ELBO, in
        nats (one noise draw per sample, keyed on the sample).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        n = X.shape[0]
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        if self.conditioning == "prior":
            # One decoder pass: only the KL term depends on the class, and
            # KL_y = KL_0 + (||mu - mu_y||^2 - ||mu||^2) / 2 in closed form.
            elbo_0 = self._elbo(X, 1.0, np.zeros(n, dtype=np.intp))
            shift = self._class_log_likelihoods(X)
            elbos = elbo_0[:, None] + shift - shift[:, :1]
        else:
            elbos = self._class_log_likelihoods(X)
        return logsumexp(elbos + log_prior, axis=1)

    def log_likelihood(self, X, *, n_importance=100):
        """Not available for the CVAE: use :meth:`score_samples`."""
        raise NotImplementedError(
            "CVAE.log_likelihood is not implemented; score_samples gives the "
            "class-marginal ELBO."
        )

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of :meth:`predict` on X against y (scikit-learn's classifier
        convention; ``score_samples`` gives densities).

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
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
