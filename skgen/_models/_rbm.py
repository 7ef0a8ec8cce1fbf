"""``RBMLayer``: one RBM's parameters and unit types, and what is computed from them.

Layout: ``W`` is (n_hidden, n_visible), C-contiguous, as ``components_``; ``b`` the
visible biases, ``c`` the hidden biases. An ``RBMLayer`` holds the estimator's own
arrays (no copies unless a dtype or layout has to change), so training updates the
estimator's fitted attributes in place.
"""

import numpy as np

from .._kernels._cd import cd_epoch_csr, cd_epoch_dense
from .._kernels._random import new_state
from .._kernels._sampling import gibbs_chain
from ._units import BERNOULLI

# The dtypes the kernels are compiled for, which every estimator keeps; anything
# else is converted to float64.
FLOAT_DTYPES = (np.float64, np.float32)


def batch_bounds(n_samples, batch_size):
    """Minibatch boundaries as scikit-learn's RBM makes them (``gen_even_slices``)."""
    n_batches = int(np.ceil(n_samples / batch_size))
    return np.minimum(np.arange(n_batches + 1) * batch_size, n_samples).astype(np.int64)


class RBMLayer:
    """An RBM: weights ``W``, visible biases ``b``, hidden biases ``c`` and the unit
    types of its two layers (``skgen._models._units``)."""

    def __init__(self, W, b, c, visible=BERNOULLI, hidden=BERNOULLI):
        self.W, self.b, self.c = W, b, c
        self.visible, self.hidden = visible, hidden

    @classmethod
    def initialized(cls, X, n_hidden, rng, visible, hidden):
        """A new RBM for the data ``X`` (dense or sparse; its dtype is the layer's):
        weights drawn from N(0, 0.01^2) (Hinton's guide, scikit-learn's RBM), zero
        hidden biases and the visible biases that give each visible unit the mean
        of its column of ``X`` (Hinton's guide, section 8.1).

        Starting the visible biases there rather than at zero (as scikit-learn's
        RBM and learnergy do) is worth 140 nats of test log-likelihood on MNIST-5k
        after 5 epochs of CD-1 at batch 128, and 20 after PCD-1 (benchmarks/
        RESULTS.md). At a constant rate of 0.1, PCD-1's last epochs swing the
        log-likelihood by +-40 nats whichever start it had, which once looked like a
        cost of this start; the estimators' linear rate decay removes the swing.
        """
        dtype = X.dtype
        W = rng.normal(0, 0.01, (n_hidden, X.shape[1])).astype(dtype)
        b = visible.bias_matching(X).astype(dtype)
        return cls(W, b, np.zeros(n_hidden, dtype=dtype), visible, hidden)

    @property
    def dtype(self):
        return self.W.dtype

    @property
    def n_hidden(self):
        return self.W.shape[0]

    def astype(self, dtype):
        """This layer with C-contiguous parameters of ``dtype`` (itself if they are)."""
        params = [
            np.ascontiguousarray(p, dtype=dtype) for p in (self.W, self.b, self.c)
        ]
        if all(p is q for p, q in zip(params, (self.W, self.b, self.c))):
            return self
        return RBMLayer(*params, self.visible, self.hidden)

    @property
    def params(self):
        return [self.W, self.b, self.c]

    # ----------------------------------------------------------- conditionals
    def input_hidden(self, v):
        """``v @ W.T`` (v dense or sparse), C-contiguous in the layer's dtype."""
        return np.ascontiguousarray(v @ self.W.T, dtype=self.dtype)

    def mean_hidden(self, v):
        """``E[h | v]`` for the rows of ``v`` (dense or sparse)."""
        return self.hidden.mean(self.input_hidden(v), self.c)

    def mean_visible(self, h):
        """``E[v | h]`` for the rows of ``h``."""
        act = np.ascontiguousarray(h @ self.W, dtype=self.dtype)
        return self.visible.mean(act, self.b)

    def free_energy(self, v):
        """``F(v) = E_vis(v; b) - log sum_h exp(-E_hid(h; c) + h . W v)``, float64."""
        a = v @ self.W.T
        return self.visible.energy(v, self.b) - self.hidden.log_marginal(a, self.c)

    # --------------------------------------------------------------- sampling
    def gibbs(self, v, n_steps, state):
        """``n_steps`` Gibbs steps v -> h -> v, in place on the rows of ``v`` (dense,
        C-contiguous, the layer's dtype); returns ``v``."""
        h = np.empty((v.shape[0], self.n_hidden), dtype=self.dtype)
        gibbs_chain(
            v,
            self.W,
            self.b,
            self.c,
            n_steps,
            self.visible.code,
            state,
            h,
            self.hidden.code,
        )
        return v

    def sample(self, n_samples, n_steps, rng):
        """Chains started from the model with its weights removed, after ``n_steps``
        Gibbs steps."""
        v = self.visible.sample_free(self.b, n_samples, rng).astype(self.dtype)
        return self.gibbs(v, n_steps, new_state(rng))

    # --------------------------------------------------------------- training
    def cd_epoch(self, X, batch_size, chains, velocity, settings, state, order=None):
        """One sweep of (persistent) CD-k over the rows of X in minibatches.

        ``chains``: the persistent chains' hidden states (read and written), or None
        for plain CD. ``velocity``: momentum buffers shaped like ``params`` (ignored
        without momentum). ``settings``: ``(learning_rate, momentum, weight_decay, k)``.
        The parameters are updated in place; X is dense or CSR of the layer's dtype.
        ``order``: the rows in the order to visit them (None: as they are).
        """
        learning_rate, momentum, weight_decay, k = settings
        persistent = chains is not None
        if not persistent:
            chains = np.empty((batch_size, self.n_hidden), dtype=self.dtype)
        n_rows = batch_size + chains.shape[0]
        vv = np.empty((n_rows, self.W.shape[1]), dtype=self.dtype)
        hh = np.empty((n_rows, self.n_hidden), dtype=self.dtype)
        flags = (
            float(learning_rate),
            float(momentum),
            float(weight_decay),
            int(k),
            persistent,
            self.visible.code,
            self.hidden.code,
            self.hidden.mean_field_reconstruction,
        )
        bounds = batch_bounds(X.shape[0], batch_size)
        if order is None:
            order = np.arange(X.shape[0], dtype=np.int64)
        buffers = (
            np.asarray(order, dtype=np.int64),
            bounds,
            vv,
            hh,
            chains,
            tuple(self.params),
            velocity,
            flags,
        )
        if hasattr(X, "indptr"):
            cd_epoch_csr(X.data, X.indices, X.indptr, *buffers, state)
        else:
            cd_epoch_dense(X, *buffers, state)
