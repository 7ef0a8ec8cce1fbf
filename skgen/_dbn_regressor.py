"""Deep belief network regressor: greedy RBM pretraining, then backpropagation with
a linear output and squared loss."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import RegressorLifecycleMixin
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
from ._parallel import document_n_jobs


@document_n_jobs
@document_standardize
@document_training
class DBNRegressor(RegressorLifecycleMixin, PretrainedNetworkMixin, BaseNetwork):
    """Deep belief network regressor: greedy RBM pretraining, then backpropagation.

    The hidden layers are first pretrained as a :class:`DBN` on X alone (by default
    with Gaussian visible units at the bottom, for real-valued, standardised
    features); their weights and hidden biases then initialise a network of logistic
    units with a linear output layer, fine-tuned on the squared error by Adam, as
    ``MLPRegressor`` trains. The targets are standardised for training (each with its
    training mean and standard deviation) and predictions mapped back, so the
    defaults do not depend on their units. ``pretrain=False`` starts from Glorot
    weights instead.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Hidden units per layer, bottom first (``MLPRegressor``'s default).
    pretrain : bool, default=True
        Pretrain the hidden layers as RBMs before fine-tuning.
    gaussian_visible : "auto" or bool, default="auto"
        Model X with Gaussian visible units in the bottom RBM (real-valued,
        standardised features). "auto": False for binary data and intensities
        (every value in [0, 1], at least a third of them at 0 or 1, as the VAEs'
        ``likelihood``), else True, with X
        standardised inside (``standardize``), so that measurements after
        ``MinMaxScaler`` get the model ``StandardScaler`` gives. The choice is
        ``gaussian_visible_``. In 3-fold CV on the training rows of min-max-scaled
        diabetes and Friedman #1 (``choose_small_defaults.py --regression``) the
        Gaussian units scored R^2 0.478 / 0.761 against the Bernoulli's 0.504 /
        0.715.
    STANDARDIZE_DESCRIPTION
    hidden_units : {"bernoulli", "relu"}, default="bernoulli"
        The RBMs' hidden units, as :class:`DBN`'s, and with them the fine-tuned
        network's activation: logistic for "bernoulli", ReLU for "relu".
        Binary by default: in 5-fold CV on data the regression benchmark does
        not score (benchmarks/choose_regressor_defaults.py) rectified units
        gave R^2 0.447 / 0.939 / 0.884 on diabetes / Friedman #1 (2,000 and 450
        rows) against 0.472 / 0.939 / 0.868.
    rbm_learning_rate : "auto", float or sequence of float, default="auto"
        Learning rate of the RBMs (one or one per layer); "auto" is :class:`DBN`'s.
    rbm_n_iter : "auto", int or sequence of int, default="auto"
        RBM training epochs (one or one per layer); "auto" is :class:`DBN`'s.
    rbm_batch_size : int, default=10
        Minibatch size of the RBMs.
    cd_k : int, default=1
        Gibbs steps of the RBMs' CD (persistent for binary hidden units).
    learning_rate : float, default=1e-2
        Adam's step size for fine-tuning (see the note on the defaults).
    alpha : float, default=1e-4
        L2 penalty on the weights during fine-tuning, ``alpha / 2 ||W||^2`` per
        minibatch row as ``MLPRegressor``'s; its data term differs (see ``loss_``), so
        the same value weighs twice ``n_outputs_`` times less here.
    average : float in [0, 1), default=0.99
        Decay of an exponential moving average of the weights over the
        fine-tuning's Adam steps, started at the network's initial (pretrained)
        weights, which weigh ``average^t`` after ``t`` steps (0.99: 37% after
        100 steps, under 1% after 500); recent steps weigh most, about the last
        ``1 / (1 - average)``. Early stopping scores the averaged weights, and
        the fitted network is the average at its best epoch; without early
        stopping it is the average of the steps alone at the last epoch (the
        start's share taken out, as Adam's bias correction does), so a short
        fit does not end near its start. The steps' noise cancels out in the
        average, so the held-out score it stops on is less noisy. 0: the steps'
        own weights (before skgen 0.7). ``loss_curve_`` is the loss of the
        steps. A warm start or
        ``partial_fit`` continues from the fitted weights without averaging.
        Chosen by cross-validation on training rows: see the Notes.
    batch_size : int, default=32
        Fine-tuning minibatch size (clipped to the number of samples).
    max_iter : int or "auto", default=200
        Maximum fine-tuning epochs; "auto" as in :class:`VAE` (20,000 Adam steps,
        at least 200 epochs).
    tol : float, default=1e-4
        Stop when the loss (or the validation R^2) has not improved by ``tol``
        for ``n_iter_no_change`` epochs.
    n_iter_no_change : int or "auto", default=30
        Epochs without improvement before stopping; "auto" as in :class:`VAE`
        (500 Adam steps, at least 10 epochs).
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` (before pretraining sees the data), stop on
        its R^2, keep the best model. On by default, unlike ``MLPRegressor``: see
        the note below.
    validation_fraction : float, default=0.2
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
    coefs_, intercepts_ : list of ndarray
        The fine-tuned layers, ``coef`` of shape (n_in, n_out), the linear output
        layer last (it predicts the standardised targets).
    n_outputs_ : int
        Number of targets.
    loss_ : float
        The last epoch's mean training loss: the squared error of the standardised
        targets, summed over the targets, averaged over the rows (``MLPRegressor``'s
        is half the squared error averaged over rows and targets, in the targets'
        units, so the two are not comparable).
    n_layers_ : int
        Number of layers, input and output included, as ``MLPRegressor``'s.
    out_activation_ : str
        "identity", the output layer's function.
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

    Notes
    -----
    How the defaults were chosen (``benchmarks/choose_regressor_defaults.py``): by
    5-fold cross-validation on data that the benchmark
    (``benchmarks/bench_regressor.py``) does not score: an 80% training
    split of diabetes, and ``make_friedman1`` with other seeds at 2,000 and 450
    rows. At ``MLPRegressor``'s step size (1e-3) and patience (10) the network
    stops while still almost linear (R^2 0.71 on Friedman #1 at 2,000 rows, where
    0.94 is reachable). A ten times larger step finds the nonlinearity but overfits
    diabetes' 353 rows (0.43 against 0.49) unless early stopping watches a larger
    validation share (20%). The patience is the remaining trade-off: a small data
    set needs long to leave its linear phase (Friedman #1 at 450 rows: 0.72 at 20
    epochs, 0.81 at 30, 0.84 at 40, means of 1-3 seeds) while diabetes loses from
    it (0.47, 0.47, 0.44). 30 keeps diabetes and gains most of the rest. Past
    the model's own noise (0.78-0.87 between seeds at 450 rows), more rows help
    it most.

    Averaging the weights (``average``, skgen 0.7) cut that noise. Each
    fold of Friedman #1 at 450 rows either leaves the linear phase (R^2 near
    0.9) or stops in it (near 0.72); averaged weights leave it more often. Means
    over seeds 0-2 of the same 5-fold CV, without / with averaging: diabetes
    0.473 / 0.475, Friedman #1 at 2,000 rows 0.939 / 0.941, at 450 rows 0.809 /
    0.847. In 3-fold CV on the training rows of the small tables
    (``benchmarks/choose_small_defaults.py --regression``; diabetes, Friedman #1
    at 600 rows) R^2 went from 0.478 / 0.761 to 0.497 / 0.768 (decay 0.9: 0.495
    / 0.715; 0.999: 0.467 / 0.649). A bias-corrected average (Adam's
    correction, so that it weighs the steps alone and not the start) scored
    0.507 / 0.769 there but stopped more 450-row fits in the linear phase
    (0.737): the average that starts at the pretrained weights keeps improving,
    and early stopping keeps training, until it has left them.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skgen import DBNRegressor
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = make_friedman1(n_samples=400, noise=1.0, random_state=0)
    >>> reg = make_pipeline(StandardScaler(), DBNRegressor(random_state=0))
    >>> bool(reg.fit(X[:300], y[:300]).score(X[300:], y[300:]) > 0.5)
    True
    """

    _added_params = {
        "hidden_units": "bernoulli",  # skgen 0.4
        **StandardisedInputMixin._standardize_added,
        "average": 0.0,  # skgen 0.7: the last step's weights
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
        "rbm_n_iter": [
            Interval(Integral, 0, None, closed="left"),
            StrOptions({"auto"}),
            "array-like",
        ],
        "rbm_batch_size": [Interval(Integral, 1, None, closed="left")],
        "cd_k": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "average": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        pretrain=True,
        gaussian_visible="auto",
        standardize="auto",
        hidden_units="bernoulli",
        rbm_learning_rate="auto",
        rbm_n_iter="auto",
        rbm_batch_size=10,
        cd_k=1,
        learning_rate=1e-2,
        alpha=1e-4,
        average=0.99,
        batch_size=32,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=30,
        early_stopping=True,
        validation_fraction=0.2,
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
        self.average = average
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
    _relative_tol = False  # tol is absolute, as MLPRegressor's
    _validation_name = "val. R2"
    _rbm_schedule = "linear"  # DBN's default, with its "auto" epochs

    def _average_decay(self):
        return self.average or None

    def _n_outputs(self, y):
        return y.shape[1]

    def _loss_and_grads(self, model, xb, yb):
        return model.loss_and_grads(xb, yb, LOSSES["squared_error"], self.alpha)

    def _predict_scaled(self, X):
        return self._logits(X)

    def _validation_score(self, X, y):
        """R^2 of the standardised targets, averaged over them. A constant target
        scores ``1 - residual`` (scikit-learn's ``r2_score`` says 0), so that early
        stopping still sees the fit improve."""
        residual = np.square(self._logits(X) - y).sum(axis=0)
        total = np.square(y - y.mean(axis=0)).sum(axis=0)
        return float(np.mean(1.0 - residual / np.where(total > 0, total, 1.0)))
