"""The model layer: the mathematics of every skgen model, without scikit-learn.

The only importer of ``skgen._kernels``. Plain classes and functions over arrays that
the estimators own (the estimators keep their fitted state as plain arrays and build
these objects around them when they compute):

* ``_units``: unit types of an RBM (Bernoulli, Gaussian), one small object each.
* ``_rbm``: ``RBMLayer``, an RBM's parameters with its conditionals, sampling, free
  energy and contrastive-divergence epoch; ``_likelihood``: pseudo-likelihood and the
  log partition function (exact or by AIS) on top of it.
* ``_stack``: ``Stack``, dense layers with their gradient buffers, and
  ``Stack.from_rbms``, the one unrolling of an RBM stack into a network.
* ``_losses``: the output losses by name (``LOSSES``), as scikit-learn's
  ``LOSS_FUNCTIONS``.
* ``_vae``: the VAE objective, its conditioning as a strategy object.
* ``_training``: Adam, one minibatch epoch, the epoch loop with MLP-style stopping, the
  validation split.

``new_stream_state`` seeds a kernel random stream (``[key, counter]``) from a
``RandomState``: estimators keep one per model, as fitted state.
"""

from .._kernels._random import new_state as new_stream_state

__all__ = ["new_stream_state"]
