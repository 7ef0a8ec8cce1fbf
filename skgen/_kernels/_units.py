"""The conditionals of an RBM's units, one module for every unit type.

Each unit type is an integer code, the ``kind`` argument of these kernels:

* ``BINARY``: a Bernoulli unit whose mean is ``sigmoid(input)``;
* ``LINEAR``: a linear unit with unit-variance Gaussian noise, whose mean is its input
  (Gaussian visible units, or the linear hidden units of a deep autoencoder's code
  layer);
* ``RELU``: a noisy rectified linear unit (Nair & Hinton, 2010), mean
  ``m = max(0, input)``, drawn as ``max(0, m + N(0, sigmoid(m)))`` where ``m > 0``
  and 0 where the input is negative.

The model layer (``skgen._models._units``) maps its unit types onto these codes; a new
unit type adds a code and its branches here and an entry there.
"""

from ._activations import (
    add_bias_normal_sample,
    add_bias_relu,
    add_bias_sigmoid,
    add_bias_sigmoid_sample,
    add_normal_noise,
    bernoulli_sample,
    noisy_relu_sample,
)
from ._blas import gemm
from ._jit import inline_kernel, kernel

BINARY, LINEAR, RELU = 0, 1, 2


@kernel
def sample_visible(h, W, b, out, kind, state):
    """``out <- sample of p(v | h)`` for visible units of type ``kind``."""
    gemm(False, False, 1.0, h, W, 0.0, out)
    sample_given_input(out, b, kind, state)


@kernel
def visible_mean(h, W, b, out, kind):
    """``out <- E[v | h]`` for visible units of type ``kind``."""
    gemm(False, False, 1.0, h, W, 0.0, out)
    add_bias_mean(out, b, kind)


@kernel
def sample_given_input(act, b, kind, state):
    """``act <- a sample of the units`` of type ``kind`` given their input ``act``
    (without the bias ``b``), on either side of the RBM."""
    if kind == LINEAR:
        add_bias_normal_sample(act, b, state)
    elif kind == RELU:
        add_bias_relu(act, b)
        noisy_relu_sample(act, act, state)
    else:
        add_bias_sigmoid_sample(act, b, state)


@inline_kernel  # inlined into hidden_mean: no kernel of its own to compile for a fit
def add_bias_mean(act, bias, kind):
    """``act <- E[units | input act]`` in place: ``sigmoid(act + bias)`` for binary
    units, ``act + bias`` for linear (Gaussian) ones, ``max(0, act + bias)`` for
    rectified ones. Either side of the RBM."""
    if kind == LINEAR:
        for i in range(act.shape[0]):
            for j in range(act.shape[1]):
                act[i, j] += bias[j]
    elif kind == RELU:
        add_bias_relu(act, bias)
    else:
        add_bias_sigmoid(act, bias)


@kernel
def hidden_mean(v, W, c, out, kind):
    """``out <- E[h | v]`` for hidden units of type ``kind``: ``sigmoid(v @ W.T + c)``
    for binary units, ``v @ W.T + c`` for linear ones, ``max(0, v @ W.T + c)`` for
    rectified ones."""
    gemm(False, True, 1.0, v, W, 0.0, out)
    add_bias_mean(out, c, kind)


@kernel
def sample_hidden(mean, out, kind, state):
    """``out <- a sample of h`` given its mean (``out`` may be ``mean``): Bernoulli
    for binary units, ``mean + N(0, 1)`` for linear ones, the noisy rectified draw
    for rectified ones."""
    if kind == LINEAR:
        add_normal_noise(mean, out, state)
    elif kind == RELU:
        noisy_relu_sample(mean, out, state)
    else:
        bernoulli_sample(mean, out, state)
