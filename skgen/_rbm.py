"""Restricted Boltzmann machines: BernoulliRBM (a drop-in for scikit-learn's) and
GaussianRBM (real-valued visible units), thin estimators over ``RBMLayer``."""

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions

from ._models import _likelihood as lik
from ._models._units import GAUSSIAN
from ._parallel import document_n_jobs, threaded
from ._rbm_base import _COMMON_PARAMS, _BaseRBM


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

    @threaded
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
        X = self._validate_X(X)
        layer = self._layer(np.result_type(X.dtype, self.components_.dtype))
        return lik.pseudo_likelihood(layer, X, check_random_state(self.random_state))

    def _progress(self, X):
        return self.score_samples(X).mean()


def _inserted(text, anchor, addition):
    """``text`` with ``addition`` (which starts with a newline) before ``anchor``."""
    if anchor not in text:
        raise RuntimeError(f"{anchor!r} is not in the shared docstring")
    return text.replace(anchor, addition.rstrip("\n") + anchor, 1)


VISIBLE_VARIANCE = """
    visible_variance : {"learned", "unit"}, default="learned"
        "learned": each visible unit learns its variance (``log_variance_visible_``),
        starting at its column's own, and is centred at its column's mean
        (``offset_visible_``); the visible biases move by their gradient times the
        variance, so a column in other units gives the same model in those units.
        "unit": unit variances, as the classic model. Chosen by 3-fold CV on
        training rows
        (benchmarks/choose_defaults.py --study grbm-variance): validation
        log-likelihood per row -24.5 against -35.2 nats on standardised breast
        cancer, -15.5 against -17.1 on wine, -67.2 against -77.6 on digits'
        standardised pixels; features + LogisticRegression 0.979 against 0.972
        (cancer), 0.968 against 0.925 (digits), 0.966 against 0.988 (wine, 133
        rows). Checked on tables not used to choose: seattle-weather -5.0
        against -5.6 nats (features 0.535 against 0.504), cars -4.9 against -7.4
        (0.684 against 0.653). See the user guide's "Gaussian visible units with
        learned variances".
"""

LOG_VARIANCE = """
    log_variance_visible_ : ndarray of shape (n_features,)
        Log variances of the visible units; only with
        ``visible_variance="learned"``.
    offset_visible_ : ndarray of shape (n_features,)
        The fixed centres of the visible units' input to the hidden units, the
        first training data's column means; only with
        ``visible_variance="learned"``.
    min_log_variance_visible_ : ndarray of shape (n_features,)
        The floors of ``log_variance_visible_``: 1/100 of each column's variance
        in the first training data (of 1 for a constant column); only with
        ``visible_variance="learned"``.
"""


@document_n_jobs
class GaussianRBM(_BaseRBM):
    __doc__ = (
        """Gaussian-Bernoulli Restricted Boltzmann Machine for real-valued data.

    Visible units are Gaussian, hidden units binary. By default each visible unit
    learns its own variance ``s_i^2`` (Krizhevsky, 2009), and its input to the
    hidden units is centred at a fixed offset ``m_i`` (Melchior et al., 2016):
    ``p(v | h) = N(intercept_visible_ + s * (h @ components_), diag(s^2))`` and
    ``p(h_j = 1 | v) = sigmoid(intercept_hidden_ + components_ @ ((v - m) / s))``,
    with ``s = exp(log_variance_visible_ / 2)`` and ``m = offset_visible_``, which
    start at the training columns' spreads and means: the fit is the same whatever
    the units of each column, so a ``StandardScaler`` in front changes nothing.
    With ``visible_variance="unit"``, ``s = 1`` and ``m = 0``, the classic model,
    which assumes standardised features. Training, sampling and the log partition
    function work as in :class:`BernoulliRBM`; Gaussian units want a smaller
    ``learning_rate`` (0.001 to 0.01; the default is 0.01).

    :meth:`score_samples` and :meth:`score` are the true log-density, whose log
    partition function is exact for ``n_components <= 20`` but estimated by AIS above
    that (10,000 temperatures x 100 runs: seconds per call for hundreds of units, and
    random unless ``random_state`` is an int). For model selection over large models,
    call :meth:`log_likelihood` with cheaper AIS settings.

    Parameters
    ----------
    n_components : int, default=256
        Number of binary hidden units."""
        + _inserted(
            _inserted(
                _COMMON_PARAMS.replace("LEARNING_RATE", "0.01"),
                "\n    verbose : int",
                VISIBLE_VARIANCE,
            ),
            "\n    random_state_ : RandomState instance",
            LOG_VARIANCE,
        )
        + """
    See Also
    --------
    BernoulliRBM : Binary visible units, for data in [0, 1].

    References
    ----------
    Hinton, G. E. A Practical Guide to Training Restricted Boltzmann Machines.
    UTML TR 2010-003, section 13.2.

    Krizhevsky, A. Learning Multiple Layers of Features from Tiny Images. Technical
    report, University of Toronto (2009), section 1.4.

    Melchior, J., Fischer, A. and Wiskott, L. How to Center Deep Boltzmann Machines.
    JMLR 17 (2016).

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

    _visible = GAUSSIAN
    _progress_name = "reconstruction error"
    _added_params = {**_BaseRBM._added_params, "visible_variance": "unit"}  # 0.5
    _parameter_constraints: dict = {
        **_BaseRBM._parameter_constraints,
        "visible_variance": [StrOptions({"learned", "unit"})],
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.01,
        learning_rate_schedule="auto",
        batch_size=10,
        n_iter="auto",
        cd_k=1,
        persistent=True,
        shuffle=True,
        momentum=0.0,
        weight_decay=0.0,
        hidden_units="bernoulli",
        visible_variance="learned",
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.visible_variance = visible_variance
        super().__init__(
            n_components,
            learning_rate=learning_rate,
            learning_rate_schedule=learning_rate_schedule,
            batch_size=batch_size,
            n_iter=n_iter,
            cd_k=cd_k,
            persistent=persistent,
            shuffle=shuffle,
            momentum=momentum,
            weight_decay=weight_decay,
            hidden_units=hidden_units,
            verbose=verbose,
            random_state=random_state,
            n_jobs=n_jobs,
        )

    def _structure(self):
        return {**super()._structure(), "visible_variance": self.visible_variance}

    def _learns_variance(self):
        return self.visible_variance == "learned"

    @threaded
    def score_samples(self, X):
        """Log-density of each sample under the model, ``log p(x)``, in nats.

        The log partition function is exact when ``n_components <= 20`` and
        estimated by AIS otherwise (see :meth:`log_likelihood`, which this calls with
        its defaults). With ``hidden_units="relu"`` it raises
        NotImplementedError: neither layer is binary, so ``log Z`` can be neither
        enumerated nor estimated by skgen's AIS.

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
        layer = self._layer()
        X = self._dense(X)
        recon = layer.mean_visible(layer.mean_hidden(X))
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

    def _hidden(self):
        return GAUSSIAN
