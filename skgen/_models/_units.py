"""Unit types of an RBM: one small object per type.

A unit type says what one layer of units does given its input ``a`` (the product with
the weights) and its bias: the conditional mean and a draw (kernels in
``skgen._kernels._units``, selected by ``gaussian``), its energy, and the log of the
sum (or integral) over its states, which is what summing a layer out of an RBM needs.
Energies follow one convention on both sides of the RBM, so that free energies and
exact partition functions are written once for every pair of unit types:

* Bernoulli: ``E(x; bias) = -bias . x``, ``x`` in {0, 1}.
* Gaussian (unit variance; "linear" units as hidden units):
  ``E(x; bias) = ||x - bias||^2 / 2``.
* Rectified (hidden units only): Nair & Hinton's (2010) stepped sigmoid units, each
  the sum of infinitely many binary copies with shared weights and biases
  ``bias - 0.5, bias - 1.5, ...``; summed out, a unit with input ``x`` contributes
  ``sum_{i >= 1} softplus(x - i + 0.5)`` to the free energy. Their mean and draws
  approximate the paper's: ``max(0, x)``, and the noisy rectified linear unit
  ``max(0, x + N(0, sigmoid(x)))`` for ``x > 0``, 0 otherwise (the paper's draw is
  sometimes positive for a negative ``x``; drawing from the mean keeps such units
  off, and trained features as good: 0.975 against 0.973 on a validation split
  of digits).

A new unit type (softmax, replicated softmax) is one more subclass and one entry of
``UNITS``, plus its code and branches in the kernels.
"""

import numpy as np
from scipy.special import expit

from .._kernels import _units as codes
from .._kernels._units import add_bias_mean

HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


def _dense(x):
    return x.toarray() if hasattr(x, "toarray") else np.asarray(x)


def _column_means(X):
    """Float64 column means of a dense or CSR ``X``, each summed in row order, so
    that the same data gives the same bits either way."""
    if hasattr(X, "indptr"):
        # bincount adds in the order of the stored entries, i.e. row by row.
        sums = np.bincount(X.indices, weights=X.data, minlength=X.shape[1])
    else:
        # Rows added in order, in float64, without a float64 copy of X (which made
        # a float32 fit's peak memory three times its data).
        sums = np.asarray(X).sum(axis=0, dtype=np.float64)
    return sums / X.shape[0]


def column_variances(X, block=256):
    """Float64 column variances of a dense or CSR ``X`` (divided by the rows), in
    two passes (around the means), so that a column of 1e8 + N(0, 1) keeps its
    variance of 1. ``block`` columns at a time, made dense and contiguous: no copy
    of the whole of X, and the same bits from dense and sparse data."""
    variances = np.empty(X.shape[1])
    for start in range(0, X.shape[1], block):
        part = X[:, start : start + block]
        part = part.toarray() if hasattr(part, "toarray") else np.asarray(part)
        part = np.ascontiguousarray(part)
        variances[start : start + block] = np.var(part, axis=0, dtype=np.float64)
    return variances


def spreads(X):
    """``(means, variances)`` of the columns of ``X`` as a standardisation uses them:
    a column that is constant up to rounding (as scikit-learn's StandardScaler
    finds them) gets variance 1, so that its values stay where they are."""
    means, variances = _column_means(X), column_variances(X)
    rounding = (X.shape[0] * np.finfo(np.float64).eps * np.abs(means)) ** 2
    constant = variances <= np.maximum(rounding, np.finfo(np.float64).tiny)
    return means, np.where(constant, 1.0, variances)


class Units:
    """A unit type. ``code`` is the kernels' code for it; ``gaussian`` says whether
    it is linear with unit-variance Gaussian noise; ``enumerable`` whether the
    states of a layer of them can be enumerated (binary units)."""

    name = None
    code = codes.BINARY
    gaussian = False
    enumerable = False
    activation = None  # the dense-network activation of the unit's mean
    # CD with these as hidden units reconstructs the visible layer by its means
    # instead of a draw.
    mean_field_reconstruction = False

    def mean(self, act, bias):
        """``E[x | input act]``, written into ``act`` (C-contiguous, float) in place."""
        add_bias_mean(act, bias, self.code)
        return act

    def energy(self, x, bias):
        """``E(x; bias)`` of each row of ``x`` (dense or sparse), float64."""
        raise NotImplementedError

    def log_marginal(self, a, bias):
        """``log sum_x exp(-E(x; bias) + x . a)`` over the states of each row's units,
        float64: a layer summed (or integrated) out given its input ``a``."""
        raise NotImplementedError

    def sample_free(self, bias, n_samples, rng):
        """Exact draws of independent units with biases ``bias`` and no input."""
        raise NotImplementedError

    def bias_matching(self, X):
        """The biases with which independent units of this type (no weights) have
        the column means of ``X`` (dense or sparse) as their means: the best model
        without weights, where Hinton's guide (2010, section 8.1) starts the visible
        biases."""
        raise NotImplementedError

    def __repr__(self):
        return f"Units({self.name!r})"

    def __reduce__(self):  # unit types are singletons, also after pickling
        return (_units_named, (self.name,))


class BernoulliUnits(Units):
    """Binary units: ``p(x = 1 | a) = sigmoid(a + bias)``."""

    name = "bernoulli"
    enumerable = True
    activation = "logistic"

    def energy(self, x, bias):
        return -np.asarray(x @ bias.astype(np.float64)).ravel()

    def log_marginal(self, a, bias):
        return np.logaddexp(0.0, a + bias).sum(axis=1, dtype=np.float64)

    def sample_free(self, bias, n_samples, rng):
        p = expit(bias.astype(np.float64))
        return (rng.uniform(size=(n_samples, bias.shape[0])) < p).astype(np.float64)

    def bias_matching(self, X):
        # log(p / (1 - p)), with p kept in [0.001, 0.999] so that a column that is
        # always 0 (or 1) gets a finite bias, -6.9 (or 6.9).
        p = np.clip(_column_means(X), 1e-3, 1.0 - 1e-3)
        return np.log(p) - np.log1p(-p)


class GaussianUnits(Units):
    """Linear units with unit-variance Gaussian noise: ``x | a ~ N(a + bias, I)``."""

    name = "gaussian"
    code = codes.LINEAR
    gaussian = True
    activation = "identity"

    def energy(self, x, bias):
        return 0.5 * np.square(_dense(x) - bias, dtype=np.float64).sum(axis=1)

    def log_marginal(self, a, bias):
        a = np.asarray(a, dtype=np.float64)
        bias = bias.astype(np.float64)
        shifted = 0.5 * (np.square(a + bias).sum(axis=1) - bias @ bias)
        return shifted + a.shape[1] * HALF_LOG_2PI

    def sample_free(self, bias, n_samples, rng):
        return bias.astype(np.float64) + rng.standard_normal((n_samples, len(bias)))

    def bias_matching(self, X):
        return _column_means(X)


class RectifiedUnits(Units):
    """Noisy rectified linear hidden units (Nair & Hinton, 2010): stepped sigmoid
    units, with mean ``max(0, a + bias)`` and draws ``max(0, m + N(0, sigmoid(m)))``
    from that mean ``m`` (a unit with a negative input stays off)."""

    name = "relu"
    code = codes.RELU
    activation = "relu"
    # On digits' training rows (validation split), features + LogisticRegression
    # after CD-1: 0.98 with mean reconstructions, 0.95 with drawn binary visible
    # units, 0.93-0.95 with persistent chains.
    mean_field_reconstruction = True

    # The copies summed by log_marginal: as many as needed for the largest input,
    # plus this many whose terms fall below exp(-36), 2e-16 of a nat.
    _TAIL = 36

    def log_marginal(self, a, bias):
        """``sum_j sum_{i >= 1} softplus(x_j - i + 0.5)`` with ``x = a + bias``.

        The first ``K = max(floor(x) - TAIL, 0)`` copies of each unit have inputs
        above ``TAIL - 0.5``, where ``softplus(t) = t`` to double precision: their
        sum is ``K (x + 0.5) - K (K + 1) / 2``. The next ``2 TAIL + 2`` are summed
        one by one, up to where the terms fall below double precision; so the cost
        does not grow with the input (an input of 1e37 once meant 1e37 copies)."""
        x = np.asarray(a, dtype=np.float64) + bias.astype(np.float64)
        if x.size == 0 or not np.isfinite(x).all():
            return np.full(x.shape[0], np.nan if x.size else 0.0)
        K = np.maximum(np.floor(x) - self._TAIL, 0.0)
        total = K * (x + 0.5) - 0.5 * K * (K + 1.0)
        for j in range(1, 2 * self._TAIL + 3):
            total += np.logaddexp(0.0, x - (K + j - 0.5))
        return total.sum(axis=1)


def _units_named(name):
    return UNITS[name]


BERNOULLI = BernoulliUnits()
GAUSSIAN = GaussianUnits()
RELU = RectifiedUnits()

# By name; "linear" is the name Hinton & Salakhutdinov give Gaussian hidden units.
UNITS = {
    "bernoulli": BERNOULLI,
    "gaussian": GAUSSIAN,
    "linear": GAUSSIAN,
    "relu": RELU,
}
