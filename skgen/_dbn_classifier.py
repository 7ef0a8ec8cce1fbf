"""Deep belief network classifier: greedy RBM pretraining, then backpropagation."""

from numbers import Integral, Real

import numpy as np
from scipy.special import log_softmax
from sklearn.utils._param_validation import Interval, StrOptions

from . import _defaults
from ._base import ClassifierLifecycleMixin
from ._models._losses import LOSSES
from ._network_base import (
    AUTO_EPOCH_CONSTRAINTS,
    TRAINING_CONSTRAINTS,
    BaseNetwork,
    PretrainedNetworkMixin,
    StandardisedInputMixin,
    document_standardize,
    document_training,
)
from ._parallel import document_n_jobs, threaded


@document_n_jobs
@document_standardize
@document_training
class DBNClassifier(ClassifierLifecycleMixin, PretrainedNetworkMixin, BaseNetwork):
    """Deep belief network classifier: greedy RBM pretraining, then backpropagation.

    The hidden layers are first pretrained as a :class:`DBN` (each RBM models the
    layer below); their weights and hidden biases then initialise an ordinary network
    of logistic units with a softmax layer on top, and the whole network is fine-tuned
    on the cross-entropy by Adam, with early stopping on a validation fraction as in
    ``MLPClassifier``. ``pretrain=False`` starts from Glorot weights instead, so the
    benefit of pretraining can be measured.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(500, 500)
        Hidden units per layer, bottom first.
    pretrain : bool, default=True
        Pretrain the hidden layers as RBMs before fine-tuning.
    gaussian_visible : "auto" or bool, default="auto"
        Give the bottom RBM Gaussian visible units (real-valued, standardised
        features) instead of Bernoulli ones (data in [0, 1]). "auto": False for
        binary data and intensities (every value in [0, 1], at least a third of
        them at 0 or 1, as the VAEs' ``likelihood``), else True, with X
        standardised inside (``standardize``): ``StandardScaler``'s output and
        measurements that ``MinMaxScaler`` put in [0, 1] get the same model. The
        choice is ``gaussian_visible_``. In 3-fold CV on the training rows of
        min-max-scaled iris, wine and breast cancer
        (``benchmarks/choose_small_defaults.py``) the Gaussian units scored a
        mean accuracy of 0.9468 against the Bernoulli's 0.9445.
    STANDARDIZE_DESCRIPTION
    hidden_units : {"bernoulli", "relu"}, default="relu"
        The RBMs' hidden units, as :class:`DBN`'s, and with them the fine-tuned
        network's activation: logistic for "bernoulli", ReLU for "relu".
        Chosen by 3-fold CV on training rows only
        (benchmarks/choose_rectified_defaults.py, RESULTS.md): 0.983 / 0.951 /
        0.981 on digits / MNIST-5k / standardised breast cancer, against
        0.971 / 0.940 / 0.970 with binary units (at their own settings, 5 epochs
        at batch 32), 0.975 / 0.941 / 0.977 without pretraining and
        ``MLPClassifier()``'s 0.973 / 0.922 / 0.974.
    rbm_learning_rate : "auto", float or sequence of float, default="auto"
        Learning rate of the RBMs (one or one per layer). "auto": with binary
        hidden units 0.05, and 0.01 for a bottom RBM with Gaussian visible units
        (which diverge at 0.05 on standardised data; :class:`GaussianRBM`'s
        default); with rectified ones :class:`DBN`'s.
    rbm_n_iter : int or sequence of int, default=15
        RBM training epochs (one or one per layer), at a constant rate (with
        binary units, in 3-fold CV on MNIST-5k's training rows a linear decay
        over 5 epochs cost 0.007 of accuracy). With rectified units, in the CV
        above, 15 epochs at batch 10 beat 5 at batch 32 (0.972 against 0.966 mean
        accuracy), 15 and 30 at batch 32 (0.970).
    rbm_batch_size : int, default=10
        Minibatch size of the RBMs.
    cd_k : int, default=1
        Gibbs steps of the RBMs' CD (persistent for binary hidden units).
    learning_rate : float, default=3e-3
        Adam's step size for fine-tuning.
    alpha : float, default=1e-4
        L2 penalty on the weights during fine-tuning, as ``MLPClassifier``'s.
    batch_size : int, default=100
        Fine-tuning minibatch size (clipped to the number of samples).
    max_iter : "auto" or int, default="auto"
        Maximum fine-tuning epochs. "auto": the epochs of 2,000 Adam steps, at
        least 200 (a tenth of :class:`VAE`'s steps: in cross-validation on
        training rows the accuracy was the same with 20,000, which took 30-80 s
        on tables of 300-1,000 rows). Used: ``max_iter_``.
    tol : float, default=1e-3
        Stop when the loss (or validation accuracy) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs. The fine-tuning defaults (3e-3, 100, 1e-3) were
        chosen on MNIST-5k, where pretrained weights need fewer, larger steps than
        ``MLPClassifier``'s (1e-3, 200, 1e-4) to reach its accuracy in less time.
    n_iter_no_change : "auto" or int, default="auto"
        Epochs without improvement before stopping. "auto": the epochs of 500 Adam
        steps, at least 10 (13 on MNIST-5k's 4,000 rows, where 10 was chosen; 250
        on iris' 105, two minibatches an epoch). A patience in epochs stops a
        small table after a few steps: on min-max-scaled iris, 10 epochs (20
        steps) stopped every split at chance. Used: ``n_iter_no_change_``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` (before pretraining sees the data), stop on
        its accuracy, keep the best model.
    validation_fraction : float, default=0.1
        Share held out with ``early_stopping``.
    warm_start : bool, default=False
        Continue fine-tuning from the fitted network instead of starting anew.
    random_state : int, RandomState instance or None, default=None
        Pretraining, initialisation, shuffling and the validation split.
    verbose : int, default=0
        Progress per layer while pretraining and per epoch while fine-tuning.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coefs_, intercepts_ : list of ndarray
        The fine-tuned layers, ``coef`` of shape (n_in, n_out), softmax layer last.
    loss_ : float
        The last epoch's mean training loss, as ``MLPClassifier``'s.
    n_layers_ : int
        Number of layers, input and output included, as ``MLPClassifier``'s.
    out_activation_ : str
        "softmax", the output layer's function.
    dbn_ : DBN or None
        The pretrained stack (None without pretraining).
    gaussian_visible_ : bool
        Whether the bottom RBM has Gaussian visible units.
        TRAINING_ATTRIBUTES
    STANDARDIZE_ATTRIBUTES
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if all strings.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skgen import DBNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = DBNClassifier(hidden_layer_sizes=(64,), rbm_n_iter=2, batch_size=32,
    ...                     max_iter=50, random_state=0).fit(X[:500] / 16, y[:500])
    >>> bool(clf.score(X[500:700] / 16, y[500:700]) > 0.8)
    True
    """

    _max_updates = _defaults.FINE_TUNING_UPDATES

    # skgen 0.3 added gaussian_visible (Bernoulli before), 0.4 hidden_units
    _added_params = {
        "gaussian_visible": False,
        "hidden_units": "bernoulli",
        **StandardisedInputMixin._standardize_added,
    }

    _parameter_constraints: dict = {
        **TRAINING_CONSTRAINTS,
        **AUTO_EPOCH_CONSTRAINTS,
        "hidden_layer_sizes": ["array-like"],
        "pretrain": ["boolean"],
        "gaussian_visible": [StrOptions({"auto"}), "boolean"],
        **StandardisedInputMixin._standardize_constraint,
        "hidden_units": [StrOptions({"bernoulli", "relu"})],
        "rbm_learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
            "array-like",
        ],
        "rbm_n_iter": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "rbm_batch_size": [Interval(Integral, 1, None, closed="left")],
        "cd_k": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(500, 500),
        *,
        pretrain=True,
        gaussian_visible="auto",
        standardize="auto",
        hidden_units="relu",
        rbm_learning_rate="auto",
        rbm_n_iter=15,
        rbm_batch_size=10,
        cd_k=1,
        learning_rate=3e-3,
        alpha=1e-4,
        batch_size=100,
        max_iter="auto",
        tol=1e-3,
        n_iter_no_change="auto",
        early_stopping=False,
        validation_fraction=0.1,
        warm_start=False,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.pretrain = pretrain
        self.gaussian_visible = gaussian_visible
        self.standardize = standardize
        self.hidden_units = hidden_units
        self.rbm_learning_rate = rbm_learning_rate
        self.rbm_n_iter = rbm_n_iter
        self.rbm_batch_size = rbm_batch_size
        self.cd_k = cd_k
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    _fitted_marker = "coefs_"
    _relative_tol = False  # tol is absolute, as MLPClassifier's
    _validation_name = "val. accuracy"
    _out_activation = "softmax"
    _rbm_binary_rate = _defaults.BINARY_RATE  # chosen on MNIST-5k
    _loss_digits = 4

    def _n_outputs(self, y):
        return len(self.classes_)

    def _loss_and_grads(self, model, xb, yb):
        return model.loss_and_grads(xb, yb, LOSSES["softmax"], self.alpha)

    def _validation_score(self, X, y):
        return float(np.mean(np.argmax(self._logits(X), axis=1) == y))

    @threaded
    def predict_log_proba(self, X):
        """Log of the class probabilities: the log-softmax of the network's output.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            float64.
        """
        logits = self._logits(self._validate_X(X, dense=True))
        return log_softmax(logits.astype(np.float64), axis=1)
