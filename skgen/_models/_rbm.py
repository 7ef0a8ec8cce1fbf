"""``RBMLayer``: one RBM's parameters and unit types, and what is computed from them.

Layout: ``W`` is (n_hidden, n_visible), C-contiguous, as ``components_``; ``b`` the
visible biases, ``c`` the hidden biases; ``log_var``, for Gaussian visible units that
learn their variances, the log of each one's variance ``s^2`` (None: unit variances),
``offset`` their fixed centres ``m`` and ``min_log_var`` the floors of ``log_var``.

Learned variances follow Krizhevsky's (2009) energy, centred (Melchior et al., 2016):
``E(v, h) = sum_i (v_i - b_i)^2 / (2 s_i^2) - ((v - m) / s) . W.T h - c . h``, so
``p(v | h) = N(b + s * (W.T h), s^2)`` and ``p(h | v)`` takes the input ``W (v - m) /
s``; the offset ``m`` only moves the hidden biases' meaning (``c - W m / s`` in the
uncentred form), not the family of models, but starting at the columns' means and
spreads it makes the fit blind to each column's units. In the coordinates ``u = (v -
m) / s`` the model is the unit-variance RBM with visible biases ``(b - m) / s``
(:meth:`RBMLayer.in_units`), whose free energy is the same and whose partition
function is smaller by the Jacobian ``prod_i s_i``: every conditional, draw and
likelihood below is that RBM's, mapped back. An ``RBMLayer`` holds the estimator's own
arrays (no copies unless a dtype or layout has to change), so training updates the
estimator's fitted attributes in place.
"""

import numpy as np

from .._kernels._cd import cd_epoch_csr, cd_epoch_dense
from .._kernels._random import new_state
from .._kernels._sampling import gibbs_chain
from ._units import BERNOULLI, spreads

# A learned variance stays above this share of its column's variance in the first
# training data: a variance that collapses onto a few training values makes the
# standardised inputs, and with them the CD steps, explode (four rows of digits
# diverged with a floor of 1e-6 of each column's own).
MIN_RELATIVE_VARIANCE = 1e-2

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

    def __init__(
        self,
        W,
        b,
        c,
        visible=BERNOULLI,
        hidden=BERNOULLI,
        log_var=None,
        offset=None,
        min_log_var=None,
    ):
        self.W, self.b, self.c = W, b, c
        self.visible, self.hidden = visible, hidden
        self.log_var = log_var
        if log_var is not None:
            if offset is None:
                offset = np.zeros_like(log_var)
            if min_log_var is None:
                min_log_var = np.full_like(log_var, np.log(MIN_RELATIVE_VARIANCE))
        self.offset, self.min_log_var = offset, min_log_var

    @classmethod
    def initialized(cls, X, n_hidden, rng, visible, hidden, learn_variance=False):
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

        With ``learn_variance`` (Gaussian visible units), the variances start at the
        columns' own (1 for a constant column) and the offsets are the columns'
        means, so that ``u = (v - m) / s`` starts standardised whatever the units of
        ``X``; the variances stay above ``MIN_RELATIVE_VARIANCE`` of where they
        started.
        """
        dtype = X.dtype
        W = rng.normal(0, 0.01, (n_hidden, X.shape[1])).astype(dtype)
        b = visible.bias_matching(X).astype(dtype)
        log_var = offset = floor = None
        if learn_variance:
            offset, variance = spreads(X)
            log_var = np.log(variance).astype(dtype)
            offset = offset.astype(dtype)
            floor = np.log(variance * MIN_RELATIVE_VARIANCE).astype(dtype)
        c = np.zeros(n_hidden, dtype=dtype)
        return cls(W, b, c, visible, hidden, log_var, offset, floor)

    @property
    def dtype(self):
        return self.W.dtype

    @property
    def n_hidden(self):
        return self.W.shape[0]

    def astype(self, dtype):
        """This layer with C-contiguous parameters of ``dtype`` (itself if they are)."""
        arrays = self.params
        if self.log_var is not None:
            arrays = arrays + [self.offset, self.min_log_var]
        params = [np.ascontiguousarray(p, dtype=dtype) for p in arrays]
        if all(p is q for p, q in zip(params, arrays)):
            return self
        return RBMLayer(*params[:3], self.visible, self.hidden, *params[3:])

    @property
    def params(self):
        """The trained arrays: ``W``, ``b``, ``c`` and, if learned, ``log_var``."""
        learned = [] if self.log_var is None else [self.log_var]
        return [self.W, self.b, self.c] + learned

    @property
    def scale(self):
        """The visible units' standard deviations ``s`` (float64), or None."""
        if self.log_var is None:
            return None
        return np.exp(0.5 * self.log_var.astype(np.float64))

    def in_units(self):
        """The unit-variance RBM of ``u = (v - m) / s``: itself without learned
        variances, else the layer with visible biases ``(b - m) / s`` (the same ``W``
        and ``c``)."""
        if self.log_var is None:
            return self
        b = ((self.b - self.offset) / self.scale).astype(self.dtype)
        return RBMLayer(self.W, b, self.c, self.visible, self.hidden)

    def log_jacobian(self):
        """``sum_i log s_i``: what ``log Z`` of the layer exceeds that of
        :meth:`in_units` (0.0 without learned variances)."""
        if self.log_var is None:
            return 0.0
        return 0.5 * float(self.log_var.sum(dtype=np.float64))

    def unrolled(self):
        """``(W_up, c_up, W_down)``: the weights and hidden biases of ``E[h | v]`` as
        a dense layer of ``v`` (``W_up v + c_up``), and the weights of ``E[v | h]``
        (``h W_down + b``). Without learned variances ``W``, ``c`` and ``W``; with
        them ``W / s``, ``c - W (m / s)`` and ``W * s``, the centring and scaling
        folded in."""
        if self.log_var is None:
            return self.W, self.c, self.W
        s = self.scale
        W = self.W.astype(np.float64)
        c = self.c - W @ (self.offset / s)
        return W / s, c, W * s

    def _to_units(self, v):
        """``(v - m) / s``, dense (``v`` itself without learned variances)."""
        if self.log_var is None:
            return v
        v = v.toarray() if hasattr(v, "toarray") else np.asarray(v)
        u = (v - self.offset) / self.scale
        return np.ascontiguousarray(u, dtype=np.result_type(v.dtype, self.dtype))

    def _from_units(self, u):
        """``m + s u`` in place on ``u`` (nothing without learned variances)."""
        if self.log_var is not None:
            u *= self.scale.astype(u.dtype)
            u += self.offset.astype(u.dtype)
        return u

    # ----------------------------------------------------------- conditionals
    def input_hidden(self, v):
        """``W (v - m) / s`` for the rows of ``v`` (dense or sparse, which stays
        sparse), C-contiguous in the layer's dtype."""
        if self.log_var is None:
            return np.ascontiguousarray(v @ self.W.T, dtype=self.dtype)
        up, c, _ = self.unrolled()  # W / s and c - W (m / s)
        a = np.asarray(v @ up.astype(self.dtype).T) + (c - self.c).astype(self.dtype)
        return np.ascontiguousarray(a, dtype=self.dtype)

    def mean_hidden(self, v):
        """``E[h | v]`` for the rows of ``v`` (dense or sparse)."""
        return self.hidden.mean(self.input_hidden(v), self.c)

    def mean_visible(self, h):
        """``E[v | h]`` for the rows of ``h``."""
        act = np.ascontiguousarray(h @ self.W, dtype=self.dtype)
        return self._from_units(self.visible.mean(act, self.in_units().b))

    def free_energy(self, v):
        """``F(v) = E_vis(v; b) - log sum_h exp(-E_hid(h; c) + h . W (v - m) / s)``,
        float64."""
        units, u = self.in_units(), self._to_units(v)
        a = u @ self.W.T
        return self.visible.energy(u, units.b) - self.hidden.log_marginal(a, self.c)

    # --------------------------------------------------------------- sampling
    def gibbs(self, v, n_steps, state):
        """``n_steps`` Gibbs steps v -> h -> v, in place on the rows of ``v`` (dense,
        C-contiguous, the layer's dtype); returns ``v``."""
        if self.log_var is not None:
            v[...] = self._to_units(v)
            self.in_units().gibbs(v, n_steps, state)
            return self._from_units(v)
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
        units = self.in_units()
        u = self.visible.sample_free(units.b, n_samples, rng).astype(self.dtype)
        units.gibbs(u, n_steps, new_state(rng))
        return self._from_units(u)

    # --------------------------------------------------------------- training
    def cd_epoch(self, X, batch_size, chains, velocity, settings, state, order=None):
        """One sweep of (persistent) CD-k over the rows of X in minibatches.

        ``chains``: the persistent chains' hidden states (read and written), or None
        for plain CD. ``velocity``: momentum buffers, one per array of ``params``
        (ignored without momentum). ``settings``: ``(learning_rate, momentum,
        weight_decay, k)``.
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
        # the kernel's params: (W, b, c, log_var, offset, min_log_var), velocity:
        # (W, b, c, log_var); the last three params empty without learned variances
        empty = np.empty(0, dtype=self.dtype)
        learned = self.log_var is not None
        variance = (
            (self.log_var, self.offset, self.min_log_var)
            if learned
            else (empty, empty, empty)
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
            (self.W, self.b, self.c) + variance,
            tuple(velocity[:3]) + (velocity[3] if learned else empty,),
            flags,
        )
        if hasattr(X, "indptr"):
            cd_epoch_csr(X.data, X.indices, X.indptr, *buffers, state)
        else:
            cd_epoch_dense(X, *buffers, state)
