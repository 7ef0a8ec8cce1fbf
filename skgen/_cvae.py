"""Conditional variational autoencoder: a generative classifier on the VAE's model."""

from numbers import Real

import numpy as np
from scipy.special import logsumexp
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import ClassifierLifecycleMixin, SemiSupervisedMixin
from ._models._stack import Stack
from ._models._vae import ClassPosterior, ClassPriorMeans, ConcatOneHot
from ._network_base import document_training
from ._parallel import document_n_jobs, threaded
from ._validation import check_layer_sizes, check_positive_int
from ._vae import VAE


@document_n_jobs
@document_training
class CVAE(SemiSupervisedMixin, ClassifierLifecycleMixin, VAE):
    """Conditional variational autoencoder: generate, encode and classify by class.

    Two ways to condition on the class ``y``:

    * ``conditioning="prior"`` (default): every class has its own learned prior mean
      ``mu_y`` (``class_means_``) with unit variance, so the KL term becomes
      ``1/2 sum_l [(mu_l - mu_yl)^2 + sigma_l^2 - log sigma_l^2 - 1]``, learned jointly
      with the networks. The encoder and decoder do not see ``y``; generating class
      ``y`` draws ``z ~ N(mu_y, I)`` and decodes it.
    * ``conditioning="concat"``: the one-hot label is concatenated to the encoder's and
      the decoder's inputs, with the prior ``N(0, I)`` (Sohn et al., 2015).

    Rows labelled ``missing_label`` (-1, scikit-learn's convention in
    ``sklearn.semi_supervised``) are unlabelled, and the model learns from them
    too (Kingma, Rezende, Mohamed & Welling, 2014, model M2): a classifier network
    ``q(y | x)`` (``classifier_coefs_``; ``hidden_layer_sizes`` and ``activation``
    as the encoder's) joins the encoder, and

    * a labelled row contributes its ELBO given ``y`` (the supervised objective
      above) plus ``alpha`` times the classifier's ``log q(y | x)``;
    * an unlabelled row contributes the ELBO with ``y`` summed out,
      ``sum_y q(y | x) [ELBO_y(x) + log pi_y - log q(y | x)]``, a bound on
      ``log p(x)``. As only the prior depends on ``y``, the sum over the classes
      is exact and cheap: one reconstruction and one closed-form KL per class.

    With no unlabelled row, the encoder, decoder and class means train exactly
    as without the classifier, which trains beside them on the labels. A model
    stacked on a :class:`VAE`'s codes (``make_pipeline(VAE(), CVAE())``, Kingma
    et al.'s M1 + M2) is measured in ``benchmarks/bench_semisupervised.py``.

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
        How the class enters the model, see above. Unlabelled rows need
        "prior".
    alpha : float, default=100.0
        Weight of the classifier's cross-entropy ``-log q(y | x)``: the mean over
        the labelled rows of a training call is weighed against the mean
        negative ELBO over all its rows (so each labelled row's by ``alpha *
        n_rows / n_labelled``). Chosen on validation splits of training rows
        (a quarter held out; 5 labels per class of digits, 10 of MNIST-5k;
        ``prediction="bayes"``): alpha 0.1 / 1 / 10 / 100 gave digits 0.866 /
        0.926 / 0.938 / 0.938 and 0.875 / 0.822 / 0.893 / 0.902 (two label
        draws), MNIST-5k 0.713 (10) / 0.816 (100); 1000 gave digits 0.944 and
        0.884. Kingma et al.'s 0.1 (their ``0.1 N`` on a sum over N rows) is
        far too weak here.
    prediction : {"bayes", "classifier"}, default="bayes"
        What ``predict_proba`` gives: Bayes' rule over the generative model
        (below), or the classifier network's ``q(y | x)``. On the validation
        splits of ``alpha``, Bayes' rule was as accurate or more in 21 of 22 fits
        (by 0.006-0.05; the exception MNIST-5k at alpha=10, 0.713 against
        0.728).
    missing_label : scalar, str or None, default=-1
        The label of unlabelled rows in ``y``; None: every label is a class (as
        before skgen 0.9). It is a class too when a first ``partial_fit``'s
        ``classes`` hold it, or when the other rows of ``fit``'s y hold one class
        only (labels such as {-1, 1}). ``fit`` refuses y with no labelled row.
    hidden_layer_sizes, activation, likelihood, beta, batch_size, learning_rate, \
max_iter, tol, n_iter_no_change, validation_fraction, shuffle, warm_start, \
random_state, verbose :
        As in :class:`VAE`.
    early_stopping : "auto" or bool, default="auto"
        As in :class:`VAE`, but "auto" is False whatever the likelihood: on the
        standardised breast-cancer table, stopping on the held-out ELBO left the
        classes overlapping (class samples recognised 0.76-0.84 against 0.98).
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
    classifier_coefs_, classifier_intercepts_ : list of ndarray
        The classifier network ``q(y | x)``; its last layer gives the class
        logits.
    encoder_coefs_, encoder_intercepts_, decoder_coefs_, decoder_intercepts_, \
likelihood_, loss_curve_, validation_scores_, best_loss_, best_validation_score_, \
n_iter_, t_, max_iter_, n_iter_no_change_, random_state_, n_features_in_ :
        As in :class:`VAE`; the validation score is the ELBO of the held-out samples
        given their classes.

    References
    ----------
    Sohn, K., Lee, H. and Yan, X. Learning structured output representation using
    deep conditional generative models. NeurIPS 2015.

    Kingma, D. P., Rezende, D. J., Mohamed, S. and Welling, M. Semi-supervised
    learning with deep generative models. NeurIPS 2014.

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
        **{
            name: rule
            for name, rule in VAE._parameter_constraints.items()
            if name != "covariance_type"
        },
        "conditioning": [StrOptions({"prior", "concat"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "prediction": [StrOptions({"bayes", "classifier"})],
        "missing_label": "no_validation",
    }
    # VAE's covariance_type is not a CVAE parameter; skgen 0.9 added the
    # semi-supervised model (before it, every label was a class and Bayes' rule
    # classified)
    _added_params: dict = {"alpha": 0.0, "prediction": "bayes", "missing_label": None}

    def __init__(
        self,
        n_components=20,
        *,
        conditioning="prior",
        alpha=1.0,
        prediction="bayes",
        missing_label=-1,
        hidden_layer_sizes=(400,),
        activation="relu",
        likelihood="auto",
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
        self.alpha = alpha
        self.prediction = prediction
        self.missing_label = missing_label

    def _early_stopping(self):
        # "auto" is off for the CVAE, learned variances too: stopping on the held-out
        # ELBO ends training before the classes separate in latent space (on the
        # standardised cancer table, class samples recognised 0.76-0.84 after about
        # 400 epochs, 0.98 without early stopping; benchmarks/bench_quality.py).
        return self.early_stopping is True

    def _correlated(self):
        return False  # independent features given z and the class

    def _class_indices(self, y, reset, incremental=False, classes=None):
        if self.conditioning == "prior" and self.beta == 0:
            raise ValueError(
                "beta=0 removes the KL term, the only place the class prior means "
                "are learned; use beta > 0, or conditioning='concat'."
            )
        yi = super()._class_indices(y, reset, incremental, classes)
        # Class frequencies over the labelled rows trained on (a first pass resets).
        count = 0 if reset else self.class_count_
        self.class_count_ = count + np.bincount(
            yi[yi >= 0], minlength=len(self.classes_)
        )
        self.class_prior_ = self.class_count_ / self.class_count_.sum()
        return yi

    def _refuse_unlabelled(self):
        if self.conditioning == "concat":
            return (
                "conditioning='concat' needs the class of every row; use "
                "conditioning='prior' (the semi-supervised model) or drop them."
            )
        return None

    def _train(self, X, y, *, cold, incremental):
        if not cold and self._classifier() is None and np.any(y < 0):
            raise ValueError(
                "This model was fitted by skgen 0.8 or before, without the "
                "classifier q(y | x) that unlabelled rows need; fit a new model."
            )
        super()._train(X, y, cold=cold, incremental=incremental)

    def _loss_options(self):
        return {"alpha": self.alpha * self._label_weight_}

    # ------------------------------------------------------- the conditioning
    def _structure(self):
        return {**super()._structure(), "conditioning": self.conditioning}

    def _init_conditioning(self, dtype):
        self.class_means_ = np.zeros((len(self.classes_), self.n_components), dtype)
        return len(self.classes_) if self.conditioning == "concat" else 0

    def _initialize(self, X, y):
        super()._initialize(X, y)
        # drawn after the generative networks, which start as they did before 0.9
        hidden = check_layer_sizes(self.hidden_layer_sizes)
        sizes = [X.shape[1]] + hidden + [len(self.classes_)]
        stack = Stack.initialized(
            sizes, self._activations, X.dtype, self._train_rng_, scheme="fan_in"
        )
        self.classifier_coefs_ = stack.coefs
        self.classifier_intercepts_ = stack.intercepts

    def _conditioning(self):
        if self.conditioning == "concat":
            return ConcatOneHot(len(self.classes_))
        return ClassPriorMeans(self.class_means_)

    def _classifier(self):
        if not hasattr(self, "classifier_coefs_"):  # skgen 0.8 and before
            return None
        stack = Stack(
            self.classifier_coefs_, self.classifier_intercepts_, self._activations
        )
        return ClassPosterior(stack, self._log_prior())

    # ---------------------------------------------------------- representation
    def _transform_classes(self, X):
        """With ``conditioning="concat"`` the encoder is given the predicted class."""
        return self._predict_indices(X) if self.conditioning == "concat" else None

    @threaded
    def inverse_transform(self, X, y=None):
        """Decoder means of latent codes; ``y`` (one label or one per code) is needed
        with ``conditioning="concat"``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent codes.
        y : label or array-like of shape (n_samples,), default=None
            The class to decode each code for (``conditioning="concat"`` only).

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        Z = self._validate_codes(X, self.n_components)
        if self.conditioning != "concat":
            return self._model(Z.dtype).decode(Z)
        if y is None:
            raise ValueError(
                "CVAE(conditioning='concat') decodes for a class: pass y, one label "
                "or one per code."
            )
        return self._model(Z.dtype).decode(Z, self._labels_for(y, Z.shape[0]))

    def _labels_for(self, y, n_samples):
        """Class indices of one label for all, or of one label per sample."""
        y = np.asarray(y)
        if y.ndim > 0 and y.shape != (n_samples,):
            raise ValueError(
                f"y must be one label or one per sample ({n_samples}), got "
                f"shape {y.shape}."
            )
        return self._label_indices(np.broadcast_to(y, (n_samples,)))

    @threaded
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
            Seed of the draws. None draws from ``random_state_`` (new samples on
            every call); an int gives the same samples every time.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Decoder means of ``z ~ N(mu_y, I)`` (prior scheme) or of ``z ~ N(0, I)``
            decoded with the label (concat).
        y : ndarray of shape (n_samples,)
            Their classes.
        """
        rng = self._sampling_rng(n_samples, random_state)
        if y is None:
            yi = rng.choice(len(self.classes_), size=n_samples, p=self.class_prior_)
        else:
            yi = self._labels_for(y, n_samples)
        model, dtype = self._model(), self._dtype()
        Z = rng.standard_normal((n_samples, self.n_components)).astype(dtype)
        Z += model.conditioning.prior_mean(yi, n_samples, self.n_components, dtype)
        X = model.decode(Z, yi, draw=rng if draw else None)
        return X, self.classes_[yi]

    # ------------------------------------------------------------ classifying
    def _class_log_likelihoods(self, X):
        """``ELBO_y(x)`` up to terms that do not depend on y (n_samples, n_classes)."""
        n, n_classes = X.shape[0], len(self.classes_)
        if self.conditioning == "prior":
            mu = self._encode(X, None).astype(np.float64)
            diff = mu[:, None, :] - self.class_means_.astype(np.float64)[None, :, :]
            return -0.5 * np.square(diff).sum(axis=2)
        out = np.empty((n, n_classes))
        for c in range(n_classes):
            out[:, c] = self._elbo(X, np.full(n, c))
        return out

    def _predict_indices(self, X):
        return np.argmax(self._joint_log_proba(X), axis=1)

    def _log_prior(self):
        with np.errstate(divide="ignore"):  # a class never seen: log 0
            return np.log(self.class_prior_)

    def _classifies(self):
        """Whether predictions come from ``q(y | x)`` (``prediction``)."""
        if self.prediction == "classifier" and not hasattr(self, "classifier_coefs_"):
            raise ValueError(
                "prediction='classifier' needs the network q(y | x), which models "
                "fitted by skgen 0.8 and before lack; fit the model again."
            )
        return self.prediction == "classifier"

    def _joint_log_proba(self, X):
        if self._classifies():
            return self._model(X.dtype).classifier.log_proba(X)[0]
        joint = self._class_log_likelihoods(X) + self._log_prior()
        # a row that no class can score (its code overflowed): the prior alone
        lost = ~np.isfinite(joint).any(axis=1)
        joint[lost] = self._log_prior()
        return joint

    @threaded
    def predict_log_proba(self, X):
        """``log p(y | x)`` by Bayes' rule (see the class docstring), or the
        classifier's ``log q(y | x)`` with ``prediction="classifier"``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        joint = self._joint_log_proba(self._validate_X(X, dense=True))
        return joint - logsumexp(joint, axis=1, keepdims=True)

    @threaded
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
        X = self._validate_X(X, dense=True)
        n = X.shape[0]
        if self.conditioning == "prior":
            # One decoder pass: only the KL term depends on the class, and
            # KL_y = KL_0 + (||mu - mu_y||^2 - ||mu||^2) / 2 in closed form.
            elbo_0 = self._elbo(X, np.zeros(n, dtype=np.intp))
            shift = self._class_log_likelihoods(X)
            elbos = elbo_0[:, None] + shift - shift[:, :1]
        else:
            elbos = self._class_log_likelihoods(X)
        return logsumexp(elbos + self._log_prior(), axis=1)

    @threaded
    def log_likelihood(self, X, y=None, *, n_importance=100):
        """Importance-weighted estimate of ``log p(x | y)``, or of ``log p(x)``.

        ``log (1/k) sum_i p(x | z_i, y) p(z_i | y) / q(z_i | x, y)`` with ``k =
        n_importance`` draws from the posterior (Burda et al., 2016): a lower bound
        on ``log p(x | y)`` that tightens as ``k`` grows. Without ``y``, ``log p(x) =
        log sum_y class_prior_[y] p(x | y)`` from the bound of every class (``k``
        draws per class). A row whose code overflows (values far beyond the
        training data) scores -inf.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to evaluate.
        y : label or array-like of shape (n_samples,), default=None
            The class of each sample (or one for all); None sums over the classes.
        n_importance : int, default=100
            Number of importance samples ``k`` (per class without ``y``).

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
        """
        check_positive_int("n_importance", n_importance)
        X = self._validate_X(X, dense=True)
        n = X.shape[0]
        if y is not None:
            return self._importance_weighted(X, n_importance, self._labels_for(y, n))
        per_class = np.column_stack(
            [
                self._importance_weighted(X, n_importance, np.full(n, c))
                for c in range(len(self.classes_))
            ]
        )
        return logsumexp(per_class + self._log_prior(), axis=1)
