"""Restricted Boltzmann machines: BernoulliRBM (a drop-in for scikit-learn's) and
GaussianRBM (real-valued visible units), thin estimators over ``RBMLayer``."""

import numpy as np
from sklearn.utils import check_random_state

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

    _visible = GAUSSIAN
    _progress_name = "reconstruction error"

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
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
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
