"""``Stack``: dense layers with their gradient buffers, and the one unrolling of RBMs.

Layers are ``(coef, intercept, activation)`` with ``coef`` of shape (n_in, n_out), as
``MLPClassifier.coefs_``. The products go to BLAS through numpy; everything element-wise
is one fused kernel per layer (``skgen._kernels._dense``). A ``Stack`` holds the
estimator's own arrays, so an optimizer step on ``params`` updates the fitted model.
"""

import numpy as np

from .._kernels import _dense as k

ACTIVATION_CODES = {
    "identity": k.IDENTITY,
    "relu": k.RELU,
    "logistic": k.LOGISTIC,
    "tanh": k.TANH,
}


def init_layer(n_in, n_out, activation, dtype, rng, scheme):
    """One layer's initial ``(coef, intercept)``.

    ``scheme="glorot"``: Glorot-uniform weights and zero intercepts, as scikit-learn's
    MLP (a factor 2 in the bound for logistic units). ``scheme="fan_in"``: weights
    and intercepts uniform in +-1/sqrt(fan_in), PyTorch's ``nn.Linear`` default.
    """
    if scheme == "fan_in":
        bound = 1.0 / np.sqrt(n_in)
        coef = rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype)
        return coef, rng.uniform(-bound, bound, n_out).astype(dtype)
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (n_in + n_out))
    coef = rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype)
    return coef, np.zeros(n_out, dtype=dtype)


def stack_activations(n_layers, hidden="logistic"):
    """``hidden`` layers and a linear last one: the activations of an unrolled stack
    of RBMs (logistic for binary hidden units, "relu" for rectified ones), and of a
    network initialised to stand in for one."""
    return [hidden] * (n_layers - 1) + ["identity"]


class Stack:
    """Dense layers, applied in order, with gradient buffers shaped like them.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        The layers' weights (n_in, n_out) and biases, used as they are (not copied).
    activations : list of str
        Each layer's activation, a key of ``ACTIVATION_CODES``.
    """

    def __init__(self, coefs, intercepts, activations):
        self.coefs, self.intercepts = list(coefs), list(intercepts)
        self.activations = list(activations)
        self._grads = None

    @classmethod
    def initialized(cls, sizes, activations, dtype, rng, scheme="glorot"):
        """A new stack of layers ``sizes[0] -> sizes[1] -> ...``."""
        layers = [
            init_layer(n_in, n_out, act, dtype, rng, scheme)
            for n_in, n_out, act in zip(sizes[:-1], sizes[1:], activations)
        ]
        return cls([w for w, _ in layers], [b for _, b in layers], activations)

    @classmethod
    def from_rbms(cls, layers, dtype, mirror=False):
        """Unroll RBMs (``RBMLayer``, bottom first) into a network, as copies.

        Each RBM gives the layer ``x -> E[h | x]``: weights ``W.T``, the hidden biases,
        the activation of its hidden units. With ``mirror`` the stack goes on down
        again: ``h -> E[v | h]`` with ``W`` and the visible biases, top RBM first
        (Hinton & Salakhutdinov's unrolled autoencoder, untied), each with the
        activation of the units it reconstructs, the hidden units of the RBM below
        (whose visible units model them: Gaussian ones above rectified units). The
        mirror's last layer is left linear: its output is the pre-activation that
        an output loss links (a sigmoid for Bernoulli data, nothing for Gaussian).
        An RBM with learned visible variances gives its folded weights
        (``RBMLayer.unrolled``).
        """
        unrolled = [r.unrolled() for r in layers]
        coefs = [np.array(up.T, dtype, order="C") for up, _, _ in unrolled]
        intercepts = [c.astype(dtype) for _, c, _ in unrolled]
        acts = [r.hidden.activation for r in layers]
        if mirror:
            down = layers[::-1]
            # copies: the decoder is untied from the RBMs (and the encoder)
            coefs += [np.array(w, dtype, order="C") for _, _, w in unrolled[::-1]]
            intercepts += [r.b.astype(dtype) for r in down]
            acts += [below.hidden.activation for below in down[1:]] + ["identity"]
        return cls(coefs, intercepts, acts)

    def __add__(self, other):
        """The layers of ``self`` followed by those of ``other`` (arrays shared)."""
        return Stack(
            self.coefs + other.coefs,
            self.intercepts + other.intercepts,
            self.activations + other.activations,
        )

    def astype(self, dtype):
        """This stack with parameters of ``dtype`` (itself if they are already)."""
        if all(c.dtype == dtype for c in self.coefs + self.intercepts):
            return self
        return Stack(
            [c.astype(dtype) for c in self.coefs],
            [b.astype(dtype) for b in self.intercepts],
            self.activations,
        )

    @property
    def params(self):
        """The parameter arrays: every coef, then every intercept."""
        return self.coefs + self.intercepts

    @property
    def grads(self):
        """Gradient buffers in the order of ``params``, written by ``backward``."""
        if self._grads is None:
            self._grads = [np.empty_like(p) for p in self.params]
        return self._grads

    def forward(self, X):
        """Run the layers on X; returns ``[X, out_1, ..., out_L]`` for ``backward``."""
        outs = [X]
        for coef, intercept, act in zip(self.coefs, self.intercepts, self.activations):
            z = outs[-1] @ coef
            k.bias_activation(z, intercept, ACTIVATION_CODES[act])
            outs.append(z)
        return outs

    def predict(self, X):
        """The last layer's output for X."""
        return self.forward(X)[-1]

    def backward(self, outs, grad_out, need_input_grad=False):
        """Backpropagate ``grad_out`` (d loss / d output of the last layer, after its
        activation) through the layers whose outputs ``outs`` ``forward`` returned.

        Writes the parameter gradients into ``grads`` and returns d loss / d input when
        asked. ``grad_out`` is overwritten.
        """
        n_layers = len(self.coefs)
        g_w, g_b = self.grads[:n_layers], self.grads[n_layers:]
        grad = grad_out
        for layer in range(n_layers - 1, -1, -1):
            k.activation_backward(
                grad, outs[layer + 1], ACTIVATION_CODES[self.activations[layer]]
            )
            np.matmul(outs[layer].T, grad, out=g_w[layer])
            np.sum(grad, axis=0, out=g_b[layer])
            if layer > 0 or need_input_grad:
                grad = grad @ self.coefs[layer].T
        return grad if need_input_grad else None

    def loss_and_grads(self, X, target, loss, alpha=0.0):
        """Summed ``loss`` (a ``Loss``) of the outputs for X against ``target``, with
        the gradient of its mean plus MLP's L2 term ``alpha`` written into ``grads``."""
        n = X.shape[0]
        outs = self.forward(X)
        grad_out, values = np.empty_like(outs[-1]), np.empty(n)
        loss(outs[-1], target, 1.0 / n, grad_out, values)
        self.backward(outs, grad_out)
        self.add_l2_gradient(alpha, n)
        return float(values.sum())

    def add_l2_gradient(self, alpha, n_samples):
        """Add the gradient of MLP's L2 term ``alpha / 2 ||W||^2 / n_samples``."""
        if alpha > 0:
            for g, w in zip(self.grads, self.coefs):
                g += (alpha / n_samples) * w
