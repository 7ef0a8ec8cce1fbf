"""Output losses by name, as scikit-learn's ``LOSS_FUNCTIONS``.

Each takes the last layer's output (pre-activation) and the target, and writes each
row's loss (float64, nats or squared units) and ``scale`` times its gradient in one
fused kernel. ``link`` turns the output into the model's mean (a probability for
Bernoulli data, class probabilities for softmax), and ``draw`` samples data around it.
A new loss is one kernel in ``skgen._kernels._dense`` and one entry here.
"""

import numpy as np
from scipy.special import expit, softmax

from .._kernels import _dense as k


class Loss:
    """A per-row loss: ``kernel(out, target, scale, grad, loss)`` fills ``loss`` and
    ``scale * d loss / d out``; ``link`` maps outputs to means."""

    def __init__(self, name, kernel, link, draw=None):
        self.name, self.kernel, self.link, self._draw = name, kernel, link, draw

    def __call__(self, out, target, scale, grad, loss):
        self.kernel(out, target, scale, grad, loss)

    def values(self, out, target):
        """Each row's loss (float64), without the gradient."""
        loss = np.empty(out.shape[0])
        self.kernel(out, target, 1.0, np.empty_like(out), loss)
        return loss

    def draw(self, mean, rng):
        """Data drawn around the means ``mean`` (in their dtype)."""
        if self._draw is None:
            raise ValueError(f"The {self.name} loss has no distribution to draw from.")
        return self._draw(mean, rng).astype(mean.dtype)


LOSSES = {
    "bernoulli": Loss(
        "bernoulli",
        k.bernoulli_nll,
        expit,
        lambda mean, rng: rng.uniform(size=mean.shape) < mean,
    ),
    "gaussian": Loss(
        "gaussian",
        k.gaussian_nll,
        lambda out: out,
        lambda mean, rng: mean + rng.standard_normal(mean.shape),
    ),
    "squared_error": Loss("squared_error", k.squared_error, lambda out: out),
    "softmax": Loss(
        "softmax", k.softmax_cross_entropy, lambda out: softmax(out, axis=1)
    ),
}
