"""The conditionals of an RBM's units, one module for every unit type.

Each unit type is a flag: ``gaussian`` False is a binary (Bernoulli) unit whose mean is
``sigmoid(input)``; True is a linear unit with unit-variance Gaussian noise, whose mean
is its input (Gaussian visible units, or the linear hidden units of a deep
autoencoder's code layer). The model layer (``skgen._models._units``) maps its unit
types onto these flags; a new unit type adds a branch here and an entry there.
"""

from ._activations import (
    add_bias_normal_sample,
    add_bias_sigmoid,
    add_bias_sigmoid_sample,
    add_normal_noise,
    bernoulli_sample,
)
from ._blas import gemm
from ._jit import inline_kernel, kernel


@kernel
def sample_visible(h, W, b, out, gaussian, state):
    """``out <- sample of p(v | h)``: Bernoulli or unit-variance Gaussian units."""
    gemm(False, False, 1.0, h, W, 0.0, out)
    sample_given_input(out, b, gaussian, state)


@kernel
def sample_given_input(act, b, gaussian, state):
    """``act <- a sample of the units`` given their input ``act`` (without the bias
    ``b``), on either side of the RBM."""
    if gaussian:
        add_bias_normal_sample(act, b, state)
    else:
        add_bias_sigmoid_sample(act, b, state)


@inline_kernel  # inlined into hidden_mean: no kernel of its own to compile for a fit
def add_bias_mean(act, bias, gaussian):
    """``act <- E[units | input act]`` in place: ``sigmoid(act + bias)`` for binary
    units, ``act + bias`` for linear (Gaussian) ones. Either side of the RBM."""
    if gaussian:
        for i in range(act.shape[0]):
            for j in range(act.shape[1]):
                act[i, j] += bias[j]
    else:
        add_bias_sigmoid(act, bias)


@kernel
def hidden_mean(v, W, c, out, gaussian):
    """``out <- E[h | v]``: ``sigmoid(v @ W.T + c)`` for binary hidden units, or
    ``v @ W.T + c`` for linear units with unit-variance Gaussian noise."""
    gemm(False, True, 1.0, v, W, 0.0, out)
    add_bias_mean(out, c, gaussian)


@kernel
def sample_hidden(mean, out, gaussian, state):
    """``out <- a sample of h`` given its mean (``out`` may be ``mean``): Bernoulli
    for binary units, ``mean + N(0, 1)`` for Gaussian ones."""
    if gaussian:
        add_normal_noise(mean, out, state)
    else:
        bernoulli_sample(mean, out, state)
