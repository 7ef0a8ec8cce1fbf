"""Output losses by name, as scikit-learn's ``LOSS_FUNCTIONS``.

Each takes the last layer's output (pre-activation) and the target, and writes each
row's loss (float64, nats or squared units) and ``scale`` times its gradient in one
fused kernel. ``link`` turns the output into the model's mean (a probability for
Bernoulli data, class probabilities for softmax), and ``draw`` samples data from the
distribution the output gives. A loss may read more than one output per feature
(``outputs_per_feature``: the learned-variance Gaussian reads a mean and a
log-variance). A new loss is one kernel in ``skgen._kernels._dense`` and one entry
here.
"""

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import expit, log_ndtr, softmax

from .._kernels import _dense as k


class Loss:
    """A per-row loss: ``kernel(out, target, scale, grad, loss)`` fills ``loss`` and
    ``scale * d loss / d out``; ``link`` maps outputs to means."""

    def __init__(self, name, kernel, link, draw=None, outputs_per_feature=1):
        self.name, self.kernel, self.link, self._draw = name, kernel, link, draw
        self.outputs_per_feature = outputs_per_feature

    def __call__(self, out, target, scale, grad, loss):
        self.kernel(out, target, scale, grad, loss)

    def n_outputs(self, n_features):
        """The width of the output layer for ``n_features`` modelled columns."""
        return self.outputs_per_feature * n_features

    def values(self, out, target):
        """Each row's loss (float64), without the gradient."""
        loss = np.empty(out.shape[0])
        self.kernel(out, target, 1.0, np.empty_like(out), loss)
        return loss

    def draw(self, out, rng):
        """Data drawn from the distribution of the outputs ``out`` (in their dtype)."""
        if self._draw is None:
            raise ValueError(f"The {self.name} loss has no distribution to draw from.")
        return self._draw(out, rng).astype(out.dtype)


def categorical_draw(proba, u):
    """Category indices drawn by inverse CDF: row ``i`` takes the first category
    whose cumulative probability reaches ``u[i]`` (uniform draws)."""
    codes = (np.cumsum(proba, axis=1) < u[:, None]).sum(axis=1)
    return np.minimum(codes, proba.shape[1] - 1)


def gaussian_interval_log_proba(out, low, high):
    """``log P(low <= x <= high)`` of each row of a learned-variance Gaussian output
    of one feature (``out``: its mean and raw log-variance)."""
    mean = out[:, 0].astype(np.float64)
    sd = np.sqrt(gaussian_variance(out))[:, 0]
    a, b = log_ndtr((low - mean) / sd), log_ndtr((high - mean) / sd)
    return b + np.log1p(-np.exp(np.minimum(a - b, 0.0)) + 1e-300)


def _split(out):
    """Means and raw log-variances of a learned-variance Gaussian output."""
    m = out.shape[1] // 2
    return out[:, :m], out[:, m:]


def gaussian_variance(out):
    """The variances a learned-variance Gaussian output gives (its kernel's formula)."""
    raw = np.minimum(_split(out)[1].astype(np.float64), k._MAX_LOG_VARIANCE)
    return k.MIN_VARIANCE + np.exp(raw)


def _draw_gaussian(out, rng, chol=None):
    """``m + S^1/2 eps``, or ``m + S^1/2 L eps`` with correlated noise (``chol``)."""
    mean = _split(out)[0]
    noise = rng.standard_normal(mean.shape)
    noise = noise if chol is None else noise @ chol.T
    return mean + np.sqrt(gaussian_variance(out)) * noise


def standardised_residuals(out, target):
    """``(x - m) / sqrt(v)`` (float64) of a learned-variance Gaussian output."""
    mean = _split(out)[0].astype(np.float64)
    return (target - mean) / np.sqrt(gaussian_variance(out))


class CorrelatedGaussian:
    """The learned-variance Gaussian with correlated noise: ``p(x | z) =
    N(m, S^1/2 R S^1/2)``, ``m`` and ``S = diag(v)`` from the decoder as in
    ``LOSSES["gaussian"]``, ``R`` a correlation matrix of the standardised
    residuals ``e = S^-1/2 (x - m)`` shared by every ``z``.

    The networks train under the independent noise (``R = I``, this loss's
    ``__call__``); the estimator then fits ``R`` to the moments ``E[e e^T]`` of
    the training rows and their posterior draws
    (``VariationalModel.residual_moments``). Scores and draws use ``R``:
    ``log N(x; m, S^1/2 R S^1/2) = log N(x; m, S) + 1/2 (|e|^2 - |L^-1 e|^2) -
    log det L`` with ``R = L L^T``, and a draw is ``m + S^1/2 L eps``."""

    name = "gaussian"
    outputs_per_feature = 2

    def __init__(self, chol):
        self._base = LOSSES["gaussian"]
        self._chol = chol  # the lower Cholesky factor ``L`` of ``R`` (float64)
        self._log_det = float(np.log(np.diag(chol)).sum())

    def __call__(self, out, target, scale, grad, loss):
        self._base(out, target, scale, grad, loss)

    def n_outputs(self, n_features):
        return self._base.n_outputs(n_features)

    def link(self, out):
        return self._base.link(out)

    def values(self, out, target):
        e = standardised_residuals(out, target)
        # not checked: a row whose code overflowed scores NaN, then -inf, as in "diag"
        white = solve_triangular(self._chol, e.T, lower=True, check_finite=False).T
        change = 0.5 * (np.square(e).sum(1) - np.square(white).sum(1))
        return self._base.values(out, target) - change + self._log_det

    def draw(self, out, rng):
        return _draw_gaussian(out, rng, self._chol).astype(out.dtype)


LOSSES = {
    "bernoulli": Loss(
        "bernoulli",
        k.bernoulli_nll,
        expit,
        lambda out, rng: rng.uniform(size=out.shape) < expit(out),
    ),
    "gaussian": Loss(
        "gaussian",
        k.gaussian_learned_nll,
        lambda out: np.ascontiguousarray(_split(out)[0]),
        _draw_gaussian,
        outputs_per_feature=2,
    ),
    "unit_gaussian": Loss(
        "unit_gaussian",
        k.gaussian_nll,
        lambda out: out,
        lambda mean, rng: mean + rng.standard_normal(mean.shape),
    ),
    "squared_error": Loss("squared_error", k.squared_error, lambda out: out),
    "softmax": Loss(
        "softmax", k.softmax_cross_entropy, lambda out: softmax(out, axis=1)
    ),
}


class TableLoss:
    """One likelihood per column of an encoded table, as one loss.

    Encoded rows hold ``n_real`` real values (normal scores), then ``n_binary`` 0/1
    values, then one category code per categorical column (``sizes``: each one's
    number of categories). The outputs are the real columns' means and raw
    log-variances (the learned-variance Gaussian, ``LOSSES["gaussian"]``), one logit
    per binary column (``LOSSES["bernoulli"]``), and one block of logits per
    categorical column (``LOSSES["softmax"]``): the existing kernels, each on its
    columns, their row losses added.
    """

    name = "table"

    def __init__(self, n_real, n_binary, sizes):
        self.n_real, self.n_binary = int(n_real), int(n_binary)
        self.sizes = [int(s) for s in sizes]
        starts = 2 * self.n_real + self.n_binary + np.cumsum([0] + self.sizes)
        self._starts = starts  # first logit of each categorical column, then the end
        self.n_columns = self.n_real + self.n_binary + len(self.sizes)
        self._all_blocks = list(self._blocks())  # what every minibatch reads

    def n_outputs(self, n_features):
        return int(self._starts[-1])

    def _blocks(self, columns=None):
        """``(loss, output columns, target columns)`` for the encoded ``columns``
        (all by default): the real ones together, the binary ones together, each
        categorical alone."""
        g, b = self.n_real, self.n_binary
        chosen = np.arange(g + b + len(self.sizes)) if columns is None else columns
        chosen = np.asarray(chosen, dtype=np.intp)
        real = chosen[chosen < g]
        if real.size:
            yield LOSSES["gaussian"], np.concatenate([real, g + real]), real
        binary = chosen[(chosen >= g) & (chosen < g + b)]
        if binary.size:
            yield LOSSES["bernoulli"], g + binary, binary
        for c in chosen[chosen >= g + b]:
            start, stop = self._starts[c - g - b], self._starts[c - g - b + 1]
            yield LOSSES["softmax"], np.arange(start, stop), np.array([c])

    def __call__(self, out, target, scale, grad, loss, columns=None):
        loss[:] = 0.0
        part = np.empty_like(loss)
        blocks = self._all_blocks if columns is None else self._blocks(columns)
        for block_loss, outs, targets in blocks:
            o = np.ascontiguousarray(out[:, outs])
            t = target[:, targets]
            t = t[:, 0].astype(np.intp) if block_loss.name == "softmax" else t
            g = np.empty_like(o)
            block_loss(o, np.ascontiguousarray(t), scale, g, part)
            grad[:, outs] = g
            loss += part

    def values(self, out, target, columns=None):
        """Each row's loss (float64): minus the log-likelihood of the ``columns``
        (all by default) given the outputs."""
        loss = np.empty(out.shape[0])
        self(out, target, 1.0, np.empty_like(out), loss, columns)
        return loss

    def link(self, out):
        """The real columns' means, the binary ones' probabilities, and each
        categorical column's most probable code."""
        g, b = self.n_real, self.n_binary
        parts = [out[:, :g], LOSSES["bernoulli"].link(out[:, 2 * g : 2 * g + b])]
        for start, stop in zip(self._starts[:-1], self._starts[1:]):
            parts.append(np.argmax(out[:, start:stop], axis=1)[:, None])
        return np.hstack(parts).astype(out.dtype)

    def draw(self, out, rng):
        """Rows drawn from the distribution of each column given the outputs."""
        g, b = self.n_real, self.n_binary
        parts = [
            LOSSES["gaussian"].draw(np.ascontiguousarray(out[:, : 2 * g]), rng),
            LOSSES["bernoulli"].draw(out[:, 2 * g : 2 * g + b], rng),
        ]
        for start, stop in zip(self._starts[:-1], self._starts[1:]):
            proba = LOSSES["softmax"].link(out[:, start:stop].astype(np.float64))
            code = categorical_draw(proba, rng.uniform(size=out.shape[0]))
            parts.append(code[:, None])
        return np.hstack(parts).astype(out.dtype)
