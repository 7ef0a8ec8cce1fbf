"""The network engine shared by the VAE, CVAE, DBNClassifier and DeepAutoencoder.

Plain functions over lists of arrays, as in scikit-learn's ``neural_network._base``:
dense layers are ``(coef, intercept)`` pairs with ``coef`` of shape (n_in, n_out), as
``MLPClassifier.coefs_``; the products go to BLAS through numpy, and everything
element-wise is one fused kernel per layer (``_kernels._network``). Backward passes are
written by hand. Optimizers are small classes that are not estimators.
"""

import time

import numpy as np

from ._kernels import _network as k
from ._validation import DivergenceError

ACTIVATION_CODES = {
    "identity": k.IDENTITY,
    "relu": k.RELU,
    "logistic": k.LOGISTIC,
    "tanh": k.TANH,
}


def init_layers(layer_sizes, activations, dtype, rng, scheme="glorot"):
    """Initial weights and intercepts of a stack of dense layers.

    ``scheme="glorot"``: Glorot-uniform weights and zero intercepts, as scikit-learn's
    MLP (a factor 2 in the bound for logistic units). ``scheme="fan_in"``: weights
    and intercepts uniform in +-1/sqrt(fan_in), PyTorch's ``nn.Linear`` default.
    """
    coefs, intercepts = [], []
    for n_in, n_out, act in zip(layer_sizes[:-1], layer_sizes[1:], activations):
        if scheme == "fan_in":
            bound = 1.0 / np.sqrt(n_in)
            coefs.append(rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype))
            intercepts.append(rng.uniform(-bound, bound, n_out).astype(dtype))
            continue
        factor = 2.0 if act == "logistic" else 6.0
        bound = np.sqrt(factor / (n_in + n_out))
        coefs.append(rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype))
        intercepts.append(np.zeros(n_out, dtype=dtype))
    return coefs, intercepts


def forward(coefs, intercepts, activations, X):
    """Run the layers on X; returns the list ``[X, out_1, ..., out_L]``.

    The outputs are kept for :func:`backward`, which needs each layer's input and
    output.
    """
    outs = [X]
    for coef, intercept, act in zip(coefs, intercepts, activations):
        z = outs[-1] @ coef
        k.bias_activation(z, intercept, ACTIVATION_CODES[act])
        outs.append(z)
    return outs


def backward(
    coefs,
    activations,
    outs,
    grad_out,
    grad_coefs,
    grad_intercepts,
    need_input_grad=False,
):
    """Backpropagate ``grad_out`` (d loss / d output of the last layer, after its
    activation) through the layers whose outputs ``outs`` :func:`forward` returned.

    Writes the parameter gradients into ``grad_coefs`` / ``grad_intercepts`` (lists of
    arrays shaped like the parameters) and returns d loss / d input when asked.
    ``grad_out`` is overwritten.
    """
    grad = grad_out
    for layer in range(len(coefs) - 1, -1, -1):
        k.activation_backward(
            grad, outs[layer + 1], ACTIVATION_CODES[activations[layer]]
        )
        np.matmul(outs[layer].T, grad, out=grad_coefs[layer])
        np.sum(grad, axis=0, out=grad_intercepts[layer])
        if layer > 0 or need_input_grad:
            grad = grad @ coefs[layer].T
    return grad if need_input_grad else None


class Adam:
    """Adam (Kingma & Ba, 2015) over a list of parameter arrays, updated in place.

    Parameters
    ----------
    params : list of ndarray
        The arrays to optimise; their first and second moment buffers are created here.
    learning_rate : float
        Step size.
    beta_1, beta_2, epsilon : float
        Adam's decay rates and numerical guard, with the paper's defaults.
    """

    def __init__(
        self, params, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def state(self):
        """A copy of the step count and moments, for :meth:`set_state`."""
        return self.t, [m.copy() for m in self.ms], [v.copy() for v in self.vs]

    def set_state(self, state):
        """Return to a :meth:`state` taken earlier."""
        self.t, self.ms, self.vs = state

    def update(self, params, grads):
        """One step: ``params[i] -= step * m_i / (sqrt(v_i) + epsilon)``."""
        self.t += 1
        step = (
            self.learning_rate
            * np.sqrt(1.0 - self.beta_2**self.t)
            / (1.0 - self.beta_1**self.t)
        )
        for p, g, m, v in zip(params, grads, self.ms, self.vs):
            k.adam_update(
                p.reshape(-1),
                g.reshape(-1),
                m.reshape(-1),
                v.reshape(-1),
                step,
                self.beta_1,
                self.beta_2,
                self.epsilon,
            )


def minibatch_epoch(order, batch_size, step, name, hint):
    """One epoch: ``step(idx)`` on each minibatch of the row indices ``order``.

    ``step`` trains on the rows ``idx`` and returns their summed loss. Returns the
    mean loss per row; a loss that is not finite raises :class:`DivergenceError`
    naming the estimator ``name``, with ``hint`` saying what to change.
    """
    n = len(order)
    batch = min(batch_size, n)
    total = 0.0
    for start in range(0, n, batch):
        total += step(order[start : start + batch])
    loss = total / n
    if not np.isfinite(loss):
        raise DivergenceError(f"{name} diverged: the training loss is {loss}. {hint}")
    return loss


def add_l2_gradient(grad_coefs, coefs, alpha, n_samples):
    """Add the gradient of MLP's L2 term ``alpha / 2 ||W||^2 / n_samples``."""
    if alpha > 0:
        for g, w in zip(grad_coefs, coefs):
            g += (alpha / n_samples) * w


def split_validation(X, y, fraction, rng):
    """Hold out ``round(fraction * n)`` (at least one) random rows of X (and y, when
    not None): returns ``(X_train, y_train, X_val, y_val)``."""
    n = X.shape[0]
    n_val = max(1, int(round(fraction * n)))
    if n - n_val < 1:
        raise ValueError(
            f"early_stopping needs at least 2 samples; got n_samples = {n}. Pass "
            "more data or early_stopping=False."
        )
    order = rng.permutation(n)
    val, train = order[:n_val], order[n_val:]
    if y is None:
        return X[train], None, X[val], None
    return X[train], y[train], X[val], y[val]


def epoch_reporter(estimator, validation_name, sign=1.0, loss_digits=4):
    """The ``report`` for :func:`train_epochs` that prints scikit-learn's verbose
    line, ``[Name] Iteration 3, loss = ..., <validation_name> = ..., time = ...s``,
    when ``estimator.verbose`` is set; the validation value is printed times
    ``sign`` (-1 where the loss watched is minus a score)."""

    def report(epoch, loss, val_loss, seconds):
        if not estimator.verbose:
            return
        extra = (
            "" if val_loss is None else f", {validation_name} = {sign * val_loss:.4f}"
        )
        print(
            f"[{type(estimator).__name__}] Iteration {epoch + 1}, "
            f"loss = {loss:.{loss_digits}f}{extra}, time = {seconds:.2f}s"
        )

    return report


def train_epochs(
    run_epoch,
    params,
    *,
    max_iter,
    tol,
    n_iter_no_change,
    relative_tol=False,
    validation_loss=None,
    report=None,
):
    """The epoch loop of every network estimator, with MLP-style stopping.

    ``run_epoch()`` trains one epoch and returns its mean training loss. The value
    watched is that loss, or ``validation_loss()`` (lower is better) when given.
    Training stops after ``max_iter`` epochs, or once ``n_iter_no_change`` epochs in a
    row have not beaten the best value by ``tol`` (times ``|best|`` with
    ``relative_tol``). With a validation loss, ``params`` (arrays, changed in place)
    are set back to those of the best epoch at the end. ``report(epoch, loss,
    val_loss, seconds)`` is called after every epoch (for ``verbose``).

    Returns ``(losses, validation_losses or None, best)``, ``best`` the lowest value
    watched.
    """
    losses = []
    val_losses = [] if validation_loss is not None else None
    best, best_params, no_change = np.inf, None, 0
    for epoch in range(max_iter):
        begin = time.time()
        loss = run_epoch()
        losses.append(loss)
        current = loss
        if validation_loss is not None:
            current = validation_loss()
            if not np.isfinite(current):
                raise DivergenceError(
                    f"Training diverged: the validation loss is {current} after "
                    f"epoch {epoch + 1}. Lower learning_rate."
                )
            val_losses.append(current)
        if report is not None:
            report(
                epoch,
                loss,
                current if val_losses is not None else None,
                time.time() - begin,
            )
        margin = tol * (abs(best) if relative_tol else 1.0)
        improved = not np.isfinite(best) or current < best - margin
        no_change = 0 if improved else no_change + 1
        if current < best:
            best = current
            if validation_loss is not None:
                best_params = [p.copy() for p in params]
        if no_change >= n_iter_no_change:
            break
    if best_params is not None:
        for p, saved in zip(params, best_params):
            p[...] = saved
    return losses, val_losses, best
