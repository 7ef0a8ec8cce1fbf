"""ReplicatedSoftmax: the RBM for documents as word counts (Salakhutdinov & Hinton,
2009), a thin estimator over ``ReplicatedSoftmaxLayer``."""

import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_non_negative

from ._base import BaseModel
from ._defaults import rate_factor
from ._models import new_stream_state
from ._models._likelihood import effective_runs
from ._models._topics import ReplicatedSoftmaxLayer, document_lengths
from ._models._training import Adam
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, refresh, threaded
from ._errors import DivergenceError
from ._validation import (
    EXPLODED,
    check_finite_params,
    check_positive_int,
    warn_at_caller,
)

_AIS_PARAMETERS = """        method : {"auto", "exact", "ais"}, default="auto"
            How ``log Z_D`` is found for each document length ``D``: "exact"
            enumerates the hidden states (at most 20 hidden units), "ais" is annealed
            importance sampling from the model with no weights and no hidden biases
            to the shortest length, then on to each longer length by annealing its
            new words in; "auto" is "exact" when it is possible.
        n_runs : int, default=32
            AIS runs; every length is estimated from the same runs.
        n_betas : int, default=1000
            AIS intermediate distributions to the shortest length; each longer
            length adds ``n_betas`` times the share of its words that are new.
            Long documents need more: a warning says so when a length's estimate
            rests on fewer than ``n_runs / 4`` effective runs, where its standard
            error understates its error.
"""


def _ais_documented(method):
    """Write the AIS parameters' entries into ``method``'s docstring, where it says
    ``AIS_PARAMETERS``."""
    method.__doc__ = method.__doc__.replace("        AIS_PARAMETERS\n", _AIS_PARAMETERS)
    return method


@document_n_jobs
class ReplicatedSoftmax(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseModel):
    """Replicated softmax: an RBM topic model of documents given as word counts.

    Salakhutdinov & Hinton's model (NeurIPS 2009): a document of ``D`` words is
    ``D`` softmax units over the vocabulary, all sharing one weight matrix, and the
    binary hidden units ("topics") have their biases scaled by ``D``, so that one
    model serves documents of every length. ``p(h_j = 1 | v) = sigmoid(W_j v + D
    c_j)``; given the hidden units each word is a draw from ``softmax(b + W' h)``.
    Rows of X are word counts, as ``CountVectorizer`` gives them (sparse is best).

    ``transform`` gives the topic features ``p(h | v)`` and :meth:`top_words` each
    hidden unit's strongest words; :meth:`perplexity` (pooled over words, or
    averaged over documents as the paper reports it) and :meth:`score` measure
    held-out documents by their log-probability, with the length-dependent
    normaliser ``Z_D`` exact for at most 20 hidden units and estimated by AIS
    otherwise. AIS runs along one path through every length of the data, about
    ``n_runs * (n_betas * (1 + log(longest / shortest)) + 2 * lengths)`` Gibbs steps
    in all (``verbose`` reports its progress); it warns when its estimate rests on
    too few effective runs. Training draws each document's words in ``O(vocabulary
    + words)`` up to three words per vocabulary word, and as conditional binomials
    in ``O(vocabulary)`` past that: a fit on documents of 100,000 words cost 3.2x one
    on documents of 100 (2,000 words in the vocabulary), and longer ones no more.

    Parameters
    ----------
    n_components : int, default=50
        Number of binary hidden units (topics).
    learning_rate : float, default=3e-3
        Adam's step size on the CD gradient (averaged over a minibatch's
        documents). Adam rather than plain SGD because the gradient's scale grows
        with the documents' lengths, which differ from corpus to corpus.
    learning_rate_schedule : {"linear", "constant"}, default="linear"
        "linear": epoch ``i`` of ``n_iter`` (from 1) steps at ``learning_rate *
        (n_iter - i + 1) / n_iter``, as skgen's RBMs; "constant": every epoch at
        ``learning_rate``. ``partial_fit`` always steps at ``learning_rate``.
    batch_size : int, default=10
        Documents per minibatch.
    n_iter : int, default=100
        Epochs of ``fit``. The defaults (rate, schedule, epochs) were chosen by the
        perplexity of held-out documents of the training split of both benchmark
        corpora, never their test documents (``benchmarks/choose_topics_defaults.py``,
        ``RESULTS.md``): 3e-3 decaying linearly over 100 epochs reached 940 and 826
        (unigram model: 1819 and 1418), against 1207 and 942 at 1e-3; at a constant
        3e-3 the perplexity on the news stories doubled between epochs 50 and 100.
        Those scores came from an AIS that underestimated ``log Z_D``; scored again
        with the present one (2,000 temperatures), 3e-3 reached 1454 and 916 and 1e-3
        1331 and 940; with about one effective AIS run on the longest documents these
        do not separate the two rates, and the default stayed.
    cd_k : int, default=1
        Gibbs steps of the negative phase (CD-k); each draws all of a document's
        words.
    shuffle : bool, default=True
        Visit the documents in a new random order every epoch.
    verbose : int, default=0
        Print each epoch's time, and the progress of AIS estimates, when positive.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffles, CD's draws and AIS. The same int
        gives the same model, also when several fits run at once in threads.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Weights ``W`` between hidden units and words.
    intercept_visible_ : ndarray of shape (n_features,)
        Word biases ``b``, started at the log of the training corpus' word
        frequencies (each count plus one): the unigram model.
    intercept_hidden_ : ndarray of shape (n_components,)
        Hidden biases ``c``, scaled by each document's length.
    n_iter_ : int
        Epochs trained (``fit``'s, then one per ``partial_fit``).
    random_state_ : RandomState instance
        The generator fitted state hands on to later calls.
    n_features_in_ : int
        Number of words in the vocabulary seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has feature
        names that are all strings.

    See Also
    --------
    sklearn.decomposition.LatentDirichletAllocation : A directed topic model.

    References
    ----------
    Salakhutdinov, R. and Hinton, G. E. Replicated Softmax: an Undirected Topic
    Model. NeurIPS 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import ReplicatedSoftmax
    >>> rng = np.random.RandomState(0)
    >>> X = rng.poisson(1.0, size=(40, 12))  # 40 documents over 12 words
    >>> model = ReplicatedSoftmax(n_components=4, n_iter=5, random_state=0).fit(X)
    >>> model.transform(X).shape
    (40, 4)
    >>> bool(model.perplexity(X) < 12)  # exact: 4 hidden units are enumerated
    True
    """

    _fitted_marker = "components_"

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"linear", "constant"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "cd_k": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        n_components=50,
        *,
        learning_rate=3e-3,
        learning_rate_schedule="linear",
        batch_size=10,
        n_iter=100,
        cd_k=1,
        shuffle=True,
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
        self.shuffle = shuffle
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _structure(self):
        return {"n_components": self.n_components}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True  # word counts
        # scikit-learn's checks then give whole numbers, which the likelihood needs
        tags.input_tags.categorical = True
        return tags

    def _dtype(self):
        return self.components_.dtype

    def _check_data(self, X, reset):
        self._check_counts(X, whole=True)

    # ---------------------------------------------------------------- training
    def _train(self, X, y, *, cold, incremental):
        if cold:
            layer = ReplicatedSoftmaxLayer.initialized(
                X, self.n_components, self._train_rng_
            )
            self.components_, self.intercept_visible_, self.intercept_hidden_ = (
                layer.params
            )
            self.n_iter_ = 0
            self._n_features_out = self.n_components
            self._rng_state_ = new_stream_state(self._train_rng_)
            self._optimizer_ = Adam(layer.params, self.learning_rate)
        n_epochs = 1 if incremental else self.n_iter
        for iteration in range(n_epochs):
            begin = time.time()
            where = "partial_fit" if incremental else f"iteration {iteration + 1}"
            rate = self.learning_rate
            if not incremental:
                schedule = self.learning_rate_schedule
                rate *= rate_factor(schedule, iteration + 1, n_epochs)
            self._epoch(X, where, rate)
            self.n_iter_ += 1
            if self.verbose and not incremental:
                print(
                    f"[{type(self).__name__}] Iteration {iteration + 1}, "
                    f"time = {time.time() - begin:.2f}s"
                )

    def _epoch(self, X, where, rate):
        """One sweep of CD-k over the documents in minibatches, each followed by an
        Adam step of size ``rate``, then a divergence check."""
        refresh()
        layer = self._layer()
        self._optimizer_.learning_rate = rate
        n = X.shape[0]
        order = self._train_rng_.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            rows = X[order[start : start + self.batch_size]]
            batch = np.ascontiguousarray(rows.toarray() if sp.issparse(rows) else rows)
            grads = layer.cd_gradients(batch, self.cd_k, self._rng_state_)
            self._optimizer_.update(layer.params, [-g for g in grads])
        check_finite_params(
            self, where, layer.params, "To fix it, lower learning_rate."
        )
        # Weights that stay below 1e8 can still be far past any model of words:
        # what the hidden units see is the weights times the document's length.
        longest = float(document_lengths(X).max()) if n else 0.0
        reach = longest * (np.abs(layer.W).max() + np.abs(layer.c).max())
        if not reach <= EXPLODED:
            raise DivergenceError(
                f"ReplicatedSoftmax diverged in {where}: its hidden units' input "
                f"reaches {reach:.1e} for a document of {longest:.0f} words (past "
                f"{EXPLODED:.0e}; learning_rate={self.learning_rate}). To fix it, "
                "lower learning_rate."
            )

    def _layer(self, dtype=None):
        layer = ReplicatedSoftmaxLayer(
            self.components_, self.intercept_visible_, self.intercept_hidden_
        )
        return layer if dtype is None else layer.astype(dtype)

    # ---------------------------------------------------------- representation
    @threaded
    def transform(self, X):
        """Topic features: the hidden units' probabilities ``p(h = 1 | v)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Word counts.

        Returns
        -------
        H : ndarray of shape (n_samples, n_components)
            In the dtype of X (float32 stays float32, anything else becomes float64).
        """
        X = self._validate_counts(X, whole=False)
        return self._layer(X.dtype).mean_hidden(X)

    @threaded
    def top_words(self, vocabulary=None, n_words=10):
        """The words that turn each hidden unit ("topic") on most: the largest
        weights of each row of ``components_``, as LDA's users print topics.

        Parameters
        ----------
        vocabulary : array-like of str of shape (n_features,), default=None
            The word of each column of X, e.g.
            ``CountVectorizer.get_feature_names_out()``. None: the names of the
            DataFrame ``fit`` saw (``feature_names_in_``), else column indices.
        n_words : int, default=10
            Words per hidden unit.

        Returns
        -------
        words : ndarray of shape (n_components, n_words)
            Each hidden unit's words, strongest first.

        Examples
        --------
        >>> import numpy as np
        >>> from skgen import ReplicatedSoftmax
        >>> X = np.array([[3, 0, 1], [0, 4, 1], [2, 0, 2], [0, 3, 0]])
        >>> model = ReplicatedSoftmax(n_components=2, n_iter=5, random_state=0)
        >>> model.fit(X).top_words(["cat", "dog", "pet"], n_words=2).shape
        (2, 2)
        """
        self._check_fitted()
        check_positive_int("n_words", n_words)
        if vocabulary is None:
            vocabulary = getattr(self, "feature_names_in_", None)
        if vocabulary is None:
            vocabulary = np.arange(self.n_features_in_)
        vocabulary = np.asarray(vocabulary)
        if vocabulary.shape != (self.n_features_in_,):
            raise ValueError(
                f"vocabulary must give one word per column of X "
                f"({self.n_features_in_}), got shape {vocabulary.shape}."
            )
        order = np.argsort(-self.components_, axis=1, kind="stable")
        return vocabulary[order[:, :n_words]]

    # ------------------------------------------------------------- likelihood
    def _validate_counts(self, X, whole):
        X = self._validate_X(X)
        self._check_counts(X, whole)
        return X

    def _check_counts(self, X, whole):
        """Refuse negative values, and with ``whole`` values that are not whole
        numbers: training draws each document's words, and the likelihood is that
        of word sequences."""
        check_non_negative(X, f"{type(self).__name__} (word counts X)")
        values = X.data if sp.issparse(X) else X
        if whole and np.any(values != np.round(values)):
            raise ValueError(
                "A replicated softmax models word counts, and X has values that are "
                "not whole numbers (e.g. "
                f"{float(values[values != np.round(values)].ravel()[0])!r}). Give the "
                "counts themselves (CountVectorizer), not weights such as TF-IDF."
            )

    @threaded
    @_ais_documented
    def log_partition_function(self, length, *, method="auto", n_runs=32, n_betas=1000):
        """``log Z_D`` of the model for documents of ``length`` words.

        Parameters
        ----------
        length : int or array-like of int
            Document length(s) ``D``.
        AIS_PARAMETERS

        Returns
        -------
        log_z : float or ndarray
            The estimate for each length (a float for a single length).
        std_err : float or ndarray
            Its standard error (0 for "exact"). AIS tends to underestimate ``log Z``,
            so perplexities derived from it lean low.
        """
        self._check_fitted()
        try:
            lengths = np.atleast_1d(np.asarray(length, dtype=np.float64))
        except (TypeError, ValueError):
            lengths = np.array([np.nan])  # refused below, naming length
        if (
            lengths.ndim != 1
            or not np.all(np.isfinite(lengths))
            or np.any(lengths < 0)
            or np.any(lengths != np.round(lengths))
        ):
            raise ValueError(
                f"length must be a whole number of words (or a list of them) at "
                f"least 0, got {length!r}."
            )
        unique, log_z, std_err, _ = self._log_partition(
            lengths.astype(np.float64), method, n_runs, n_betas
        )
        where = np.searchsorted(unique, lengths)
        if np.ndim(length) == 0:
            return float(log_z[where[0]]), float(std_err[where[0]])
        return log_z[where], std_err[where]

    def _log_partition(self, lengths, method, n_runs, n_betas):
        if method not in ("auto", "exact", "ais"):
            raise ValueError(
                f"method must be 'auto', 'exact' or 'ais', got {method!r}."
            )
        check_positive_int("n_runs", n_runs, minimum=2)
        check_positive_int("n_betas", n_betas, minimum=2)
        rng = check_random_state(self.random_state)
        layer = self._layer(np.float64)
        progress = self._ais_progress() if layer.uses_ais(method) else None
        unique, log_z, std_err, weights = layer.log_partition(
            lengths, method, n_runs, n_betas, rng, progress
        )
        ess = effective_runs(std_err, n_runs)
        # With few effective runs the log of the mean weight is biased low by more
        # than its standard error shows (benchmarks/choose_ais_warning.py, against
        # exact log Z on models of 16 and 20 hidden units: 7 of the 8 errors past 3
        # standard errors had an ESS under a quarter of n_runs, 19 of 80 estimates
        # were flagged); the ESS falls as documents grow longer.
        worst = np.argmin(ess)
        if ess[worst] < n_runs / 4:
            warn_at_caller(
                f"The AIS estimate of log Z_D for documents of {unique[worst]:.0f} "
                f"words rests on {ess[worst]:.1f} effective runs of {n_runs}: it may "
                f"be low by more than its standard error ({std_err[worst]:.2g} "
                "nats), which makes scores and perplexities too optimistic. Pass a "
                f"larger n_betas (e.g. {4 * n_betas}); longer documents need more."
            )
        return unique, log_z, std_err, weights

    def _ais_progress(self):
        """A progress report for AIS with ``verbose`` (None without)."""
        if not self.verbose:
            return None
        begin = time.time()

        def report(done, total):
            print(
                f"[ReplicatedSoftmax] AIS: {done}/{total} runs, "
                f"{time.time() - begin:.1f}s",
                flush=True,
            )

        return report

    @threaded
    @_ais_documented
    def score_samples(self, X, *, method="auto", n_runs=32, n_betas=1000):
        """Log-probability of each document as its sequence of words, in nats.

        ``log p(v) = b' v + sum_j softplus(W_j v + D c_j) - log Z_D``: comparable to a
        unigram model's ``sum_w v_w log p(w)`` and to LDA's bound.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Word counts (whole numbers).
        AIS_PARAMETERS

        Returns
        -------
        log_prob : ndarray of shape (n_samples,)
            float64.
        """
        X = self._validate_counts(X, whole=True)
        return self._log_prob(X, method, n_runs, n_betas)[0]

    def _log_prob(self, X, method, n_runs, n_betas, weights=None):
        """``log p(v)`` of each row of X, and the standard error of their sum
        weighted by ``weights`` (one per row; 1 if None): documents of one length
        share their ``log Z_D``, and the lengths share AIS's runs, so the error is
        the delta method's on the runs' weighted sum of their normalised weights."""
        lengths = document_lengths(X)
        unique, log_z, _, runs = self._log_partition(lengths, method, n_runs, n_betas)
        where = np.searchsorted(unique, lengths)
        layer = self._layer(np.result_type(X.dtype, self.components_.dtype))
        shares = np.bincount(where, weights, minlength=len(unique))
        std_err = float((shares @ runs).std() / np.sqrt(runs.shape[1]))
        return -layer.free_energy(X) - log_z[where], std_err

    @threaded
    def score(self, X, y=None):
        """Mean log-probability per word of X, ``-log(perplexity(X))``: higher is
        better, so that model selection (``GridSearchCV``) works. Per word rather
        than per document, so that long documents count by their words, as in the
        perplexity; computed in log space, so it stays finite where the
        perplexity overflows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Word counts (whole numbers).
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        score : float
        """
        X = self._validate_counts(X, whole=True)
        return self._per_word(X, "auto", 32, 1000)[0]

    @threaded
    @_ais_documented
    def perplexity(
        self,
        X,
        *,
        average="words",
        method="auto",
        n_runs=32,
        n_betas=1000,
        return_std=False,
    ):
        """Perplexity of X, pooled over its words or averaged over its documents.

        With ``average="words"``, ``exp(-sum_n log p(v_n) / sum_n D_n)``: the
        geometric mean over all words of ``1 / p(word)``, so that long documents
        count by their words (LDA's ``perplexity`` in scikit-learn pools the same
        way). With ``average="documents"``, ``exp(-mean_n log p(v_n) / D_n)``:
        each document's per-word log-probability averaged over documents, the
        measure of Salakhutdinov & Hinton (2009).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Word counts (whole numbers) of held-out documents.
        average : {"words", "documents"}, default="words"
            Pool the log-probabilities over all words, or average each
            document's per-word log-probability over documents (empty documents
            are left out).
        AIS_PARAMETERS
        return_std : bool, default=False
            Also return the standard error of the perplexity that comes from the
            AIS estimates of ``log Z_D`` (0 when they are exact).

        Returns
        -------
        perplexity : float
            Lower is better; a model that knows nothing scores ``n_features``;
            inf where it overflows (:meth:`score` stays finite there).
        std_err : float
            Only with ``return_std=True``.
        """
        X = self._validate_counts(X, whole=True)
        if average not in ("words", "documents"):
            raise ValueError(
                f"average must be 'words' or 'documents', got {average!r}."
            )
        per_word, std_err = self._per_word(X, method, n_runs, n_betas, average)
        with np.errstate(over="ignore"):  # inf past float's range, as documented
            perplexity = float(np.exp(-per_word))
        if return_std:  # the delta method: d perplexity = perplexity d log(...)
            return perplexity, perplexity * std_err
        return perplexity

    def _per_word(self, X, method, n_runs, n_betas, average="words"):
        """The mean log-probability per word of X (pooled over words, or each
        document's averaged over documents), in log space (a model far off scores
        a finite number where its perplexity overflows), and its AIS standard
        error."""
        lengths = document_lengths(X)
        if average == "words":
            log_prob, std_err = self._log_prob(X, method, n_runs, n_betas)
            n_words = max(lengths.sum(), 1.0)
            return float(log_prob.sum() / n_words), std_err / n_words
        kept = lengths > 0
        if not np.any(kept):
            return 0.0, 0.0  # no words: nothing to be surprised by, as pooled
        X, lengths = X[kept], lengths[kept]
        n_docs = len(lengths)
        log_prob, std_err = self._log_prob(X, method, n_runs, n_betas, 1.0 / lengths)
        return float(np.mean(log_prob / lengths)), std_err / n_docs
