"""Defaults that adapt to the data, each rule written once.

A fixed number cannot serve 30 features and 784 alike; these rules are what the
"auto" values of the estimators resolve to, into fitted attributes. How each was
chosen (cross-validation on training rows only, ``benchmarks/choose_defaults.py``)
is in its docstring and in ``benchmarks/RESULTS.md``; the small-table rules were
chosen with ``benchmarks/choose_small_defaults.py``.
"""

import numpy as np

from ._models._training import n_validation
from ._models._units import column_variances, spreads

# Hinton & Salakhutdinov's MNIST autoencoder, 784 -> 1000-500-250 -> 30.
_MNIST_ENCODER = (1000, 500, 250)
_MNIST_CODE = 30

# CD rates of RBMs with Gaussian units on a side, and of binary-binary ones.
GAUSSIAN_RATE = 0.01
BINARY_RATE = 0.05


def is_auto(value):
    """Whether a parameter is left to its data-dependent rule."""
    return isinstance(value, str) and value == "auto"


def code_size(n_features):
    """``n_features // 8`` within [2, 30]: 30 for MNIST's 784 pixels (Hinton &
    Salakhutdinov's), 8 for 8 x 8 digits, 3 for a 30-column table. A code as wide as
    the data (30 on 30 features) is no compression: PCA is exact there."""
    return int(min(_MNIST_CODE, max(2, n_features // 8)))


def encoder_sizes(n_features):
    """Hidden layers of the encoder: Hinton & Salakhutdinov's (1000, 500, 250) from
    250 features up; below, one layer of ``4 * n_features`` units.

    On fewer features the layers above the first are pretrained on hidden
    probabilities that barely vary, switch off, and hand fine-tuning a constant
    code. By 3-fold cross-validation on the training rows of digits (64 features)
    and the breast-cancer table (30), one layer of 4n beat (4n, 2n), (4n, 2n, n),
    (1000, 500, 250) and those sizes scaled by n / 784, and beat PCA with the same
    code (benchmarks/choose_defaults.py, RESULTS.md). MNIST's sizes are the
    paper's, not chosen here.
    """
    if n_features >= 250:
        return list(_MNIST_ENCODER)
    return [4 * n_features]


def rbm_learning_rate(gaussian, binary=BINARY_RATE):
    """CD learning rate of an RBM in a stack: 0.01 with Gaussian units on either
    side (:class:`GaussianRBM`'s default: a Gaussian-visible bottom layer at 0.05
    diverges on standardised tables; Hinton & Salakhutdinov's linear code layer
    learns at a smaller rate), else ``binary``."""
    return GAUSSIAN_RATE if gaussian else binary


# The step of rectified hidden units' CD relative to their input's size (chosen
# with benchmarks/choose_rectified_defaults.py: 0.25 and 0.5 train, 1.0 diverged on
# standardised breast cancer), and a cap on the rate it gives (BernoulliRBM's
# default rate: the features of a layer that has barely trained are near zero).
RECTIFIED_STEP = 0.5
MAX_RECTIFIED_RATE = 0.1


def mean_squared_norm(X, standardised=False):
    """``mean ||x||^2`` over the rows of ``X`` (dense or sparse), float64, without a
    copy of X. With ``standardised``, of the rows with their columns standardised
    as learned-variance Gaussian units start (``_units.spreads``): the number of
    columns that vary."""
    if standardised:
        _, used = spreads(X)
        return float(np.sum(column_variances(X) / used))
    if hasattr(X, "multiply"):
        total = float(X.multiply(X).sum())
    else:
        X = np.asarray(X)
        total = float(np.einsum("ij,ij->", X, X, dtype=np.float64))
    return total / max(X.shape[0], 1)


def rectified_learning_rate(X, standardised=False):
    """CD learning rate of an RBM with rectified hidden units on the rows ``X``
    (dense or sparse): ``RECTIFIED_STEP / mean ||x||^2``, at most
    ``MAX_RECTIFIED_RATE``. With ``standardised``, ``x`` is each row with its
    columns standardised, as Gaussian visible units that learn their variances see
    it (``mean ||x||^2`` is then the number of columns that vary).

    Below its threshold a rectified unit is linear, and CD on linear units moves
    the weights as the least-mean-squares rule does, which is stable only for a
    rate below ``2 / ||x||^2`` (the normalised LMS step); this is a quarter of
    that. A fixed rate that suits digits' 64 pixels (mean ||x||^2 15) diverges on
    MNIST's 784 (88), and on the rectified features that an upper layer sees,
    whose size is not known before the layer below is trained.
    """
    size = mean_squared_norm(X, standardised)
    return min(RECTIFIED_STEP / max(size, 1e-12), MAX_RECTIFIED_RATE)


def _epochs_of(n_updates, n_rows, batch_size):
    """Epochs (rounded up) in which minibatches of ``batch_size`` over ``n_rows``
    rows make ``n_updates`` updates; a last short minibatch counts as one."""
    n_rows = max(n_rows, 1)
    per_epoch = -(-n_rows // min(batch_size, n_rows))  # ceil
    return -(-n_updates // per_epoch)


# The visible variances of a DBN's Gaussian RBMs (GaussianRBM's visible_variance).
# "learned" was measured and not taken (benchmarks/choose_rectified_defaults.py
# --set DBN_VISIBLE_VARIANCE=learned, 3-fold CV on training rows): DBN() features +
# LogisticRegression digits 0.979 against 0.982, cancer 0.979 both, wine 0.940
# against 0.962.
DBN_VISIBLE_VARIANCE = "unit"

# CD updates (minibatches) that each RBM of a DBN trains for at its defaults.
CD_UPDATES = 5_000


def rbm_epochs(n_rows, batch_size):
    """Epochs of ``CD_UPDATES`` minibatches over ``n_rows`` rows, at least 10.

    MNIST-5k's 4,000 rows at batch 10 make 4,000 updates in 10 epochs, and a DBN
    trained that long beats one RBM's features there. Digits' 1,347 make 1,350,
    after which the second RBM has switched off (features + LR 0.31 in 3-fold CV
    on training rows); after 40 epochs (3,600 updates per fold) 0.85, above one
    BernoulliRBM's 0.84 (benchmarks/RESULTS.md)."""
    return max(10, _epochs_of(CD_UPDATES, n_rows, batch_size))


SCHEDULES = ("linear", "annealed", "constant")


def resolve_schedule(schedule, n_iter):
    """An RBM's ``learning_rate_schedule``: "auto" is "linear" when the length of
    the run is "auto" too (the pair chosen by cross-validation), and "annealed"
    when the user chose the number of epochs: such a run gets the total step of
    scikit-learn's constant rate, decaying towards zero at its end (the RBMs'
    docstring gives the measurements)."""
    if is_auto(schedule):
        return "linear" if is_auto(n_iter) else "annealed"
    return schedule


def rate_factor(schedule, epoch, n_epochs):
    """The factor of ``learning_rate`` for ``epoch`` (from 1) of ``n_epochs``.

    "linear": ``(n - i + 1) / n``, from 1 towards 0 (Tieleman's PCD, 2008).
    "annealed": ``2 (n - i + 1) / (n + 1)``, from about 2 towards 0, a mean of 1:
    the same total step as "constant", without its last epochs' oscillation.
    "constant": 1."""
    remaining = n_epochs - epoch + 1
    factors = {
        "constant": 1.0,
        "linear": remaining / n_epochs,
        "annealed": 2.0 * remaining / (n_epochs + 1),
    }
    return factors[schedule]  # "auto" must be resolved first


# Adam steps that bound a fine-tuning, and that count as no improvement.
MAX_UPDATES = 20_000
PATIENCE_UPDATES = 500


# DBNClassifier's bound: its pretrained network needs far fewer steps than a VAE
# trained from scratch. In 3-fold CV on training rows (iris, wine, cancer and 100
# digits behind both scalers; digits; MNIST-5k) its accuracy was the same with
# 2,000 and 20,000 (mean over the 8 small cells 0.920 both; digits 0.963,
# MNIST-5k 0.940), as those fits end on their patience first; on tables whose
# training loss keeps creeping down, 20,000 steps took 30-80 s. 500 scored the
# same too, but would leave the patience as long as the fit on small tables.
FINE_TUNING_UPDATES = 2_000


def epochs_for_updates(n_rows, batch_size, max_updates=MAX_UPDATES):
    """``(max_iter, n_iter_no_change)`` in epochs for ``n_rows`` training rows: at
    most ``max_updates`` Adam steps (at least 200 epochs, ``MLPRegressor``'s
    count) and a patience of ``PATIENCE_UPDATES`` steps (at least 10 epochs). A
    fixed number of epochs gives a 1,300-row table 13 steps an epoch and MNIST's
    60,000 rows 600: the same count stops the first long before it has learned."""
    max_iter = max(200, _epochs_of(max_updates, n_rows, batch_size))
    patience = max(10, _epochs_of(PATIENCE_UPDATES, n_rows, batch_size))
    return max_iter, patience


# Held-out rows below which "auto" early stopping holds nothing out.
MIN_VALIDATION_ROWS = 100


def early_stopping_for(n_rows, validation_fraction):
    """Whether "auto" early stopping holds ``validation_fraction`` of ``n_rows``
    out: only when that makes at least ``MIN_VALIDATION_ROWS`` rows (counted as the
    split counts them). On fewer, the
    held-out score moves in steps of a row or two and stops the training at a
    chance low (RBMClassifier on 45 digits held out 5 rows and scored 0.35 on one
    split, 0.83 on the others), and the rows are worth more as training data;
    scikit-learn's MLPs leave early stopping off by default for this reason."""
    return n_validation(n_rows, validation_fraction) >= MIN_VALIDATION_ROWS
