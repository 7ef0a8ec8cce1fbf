"""Adam, one minibatch epoch, the epoch loop with MLP-style stopping, and the
validation split: the training machinery every network estimator runs on."""

import time

import numpy as np

from .._errors import DivergenceError
from .._kernels import _dense as k


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


class WeightAverage:
    """An exponential moving average of parameter arrays over optimiser steps that
    starts at their initial values: after step ``t`` it is ``decay^t p_0 + sum_s
    (1 - decay) decay^(t - s) p_s``. Like Polyak averaging it evaluates a network
    where the last steps' noise cancels out; the start (for DBNRegressor the
    pretrained weights) is forgotten at ``decay`` per step, so the average keeps
    improving, and early stopping keeps training, while it moves away from the
    start. For early stopping it is not bias-corrected: the bias-corrected average,
    which weighs the steps alone, stopped more fits of Friedman #1 at 450 rows in
    their linear phase (5-fold R^2 0.847 against 0.737, seeds 0-2; no averaging
    0.809; see ``DBNRegressor``'s notes). A fit without a validation loss ends on
    the steps alone (:meth:`write_steps`), so a short one does not end near its
    start.

    Parameters
    ----------
    params : list of ndarray
        The arrays the optimiser changes in place (C-contiguous); their values
        now are the start.
    decay : float
        Weight of the running average per step, in (0, 1): the start weighs
        ``decay^t`` after ``t`` steps, and the horizon of the steps is about
        ``1 / (1 - decay)``.
    """

    def __init__(self, params, decay):
        self.decay = float(decay)
        self.t = 0
        self.start = [p.copy() for p in params]
        # sum_s (1 - decay) decay^(t - s) p_s: the steps' part, kept apart from the
        # start's so that neither form of the average subtracts (float32)
        self.steps = [np.zeros_like(p) for p in params]
        self._held = [np.empty_like(p) for p in params]  # the steps' values

    def update(self, params):
        """Fold the current ``params`` into the average (after a step)."""
        self.t += 1
        for a, p in zip(self.steps, params):
            k.moving_average_update(a.reshape(-1), p.reshape(-1), self.decay)

    def write(self, params):
        """Write the average (from the start) into ``params``."""
        kept = self.decay**self.t
        for a, s, p in zip(self.steps, self.start, params):
            np.add(a, kept * s, out=p)

    def write_steps(self, params):
        """Write the average of the steps alone into ``params``: scaled to a weight
        of 1 as Adam's bias correction does; the start itself before a step."""
        if self.t == 0:
            return self.write(params)
        scale = 1.0 / (1.0 - self.decay**self.t)
        for a, p in zip(self.steps, params):
            np.multiply(a, scale, out=p)

    def averages(self):
        """Copies of the average (from the start)."""
        copies = [np.empty_like(s) for s in self.start]
        self.write(copies)
        return copies

    def swap_in(self, params):
        """Put the average into ``params``, holding their values for
        :meth:`swap_out`."""
        for held, p in zip(self._held, params):
            held[...] = p
        self.write(params)

    def swap_out(self, params):
        """Give ``params`` back the values :meth:`swap_in` held."""
        for held, p in zip(self._held, params):
            p[...] = held


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


def n_validation(n_rows, fraction):
    """The rows early stopping holds out of ``n_rows``: ``round(fraction * n)``,
    at least one."""
    return max(1, int(round(fraction * n_rows)))


def split_validation(X, y, fraction, rng):
    """Hold out :func:`n_validation` random rows of X (and y, when not None):
    returns ``(X_train, y_train, X_val, y_val)``."""
    n = X.shape[0]
    n_val = n_validation(n, fraction)
    if n - n_val < 1:
        raise ValueError(
            f"early_stopping with validation_fraction={fraction} holds out {n_val} of "
            f"the {n} samples and leaves none to train on; lower validation_fraction, "
            "pass more samples, or set early_stopping=False."
        )
    order = rng.permutation(n)
    val, train = order[:n_val], order[n_val:]
    if y is None:
        return X[train], None, X[val], None
    return X[train], y[train], X[val], y[val]


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
    name="Training",
    average=None,
):
    """The epoch loop of every network estimator, with MLP-style stopping.

    ``run_epoch(epoch)`` trains epoch ``epoch`` (from 0) and returns its mean
    training loss. The value
    watched is that loss, or ``validation_loss()`` (lower is better) when given.
    Training stops after ``max_iter`` epochs, or once ``n_iter_no_change`` epochs in a
    row have not beaten the best value by ``tol`` (times ``|best|`` with
    ``relative_tol``). With a validation loss, ``params`` (arrays, changed in place)
    are set back to those of the best epoch at the end; ``validation_loss`` may
    return ``(loss, slack)`` instead, and then they are set to those of the latest
    epoch whose loss was within its ``slack`` of the best loss up to it.
    ``report(epoch, loss, val_loss, seconds)`` is called after every epoch (for
    ``verbose``); ``name`` names the estimator in a divergence message.

    ``average`` (a :class:`WeightAverage` of ``params`` that ``run_epoch`` updates
    after every step): ``validation_loss`` is called with the average swapped into
    ``params``, and ``params`` end as the average of the best epoch (with a
    validation loss) or the average of the steps alone at the last one
    (``WeightAverage.write_steps``); the training losses stay those of the steps.

    Returns ``(losses, validation_losses or None)``.
    """
    losses = []
    val_losses = [] if validation_loss is not None else None

    def evaluate():
        if average is None:
            return validation_loss()
        average.swap_in(params)
        try:
            return validation_loss()
        finally:
            average.swap_out(params)

    best, best_params, no_change = np.inf, None, 0
    for epoch in range(max_iter):
        begin = time.time()
        loss = run_epoch(epoch)
        losses.append(loss)
        current = loss
        slack = 0.0
        if validation_loss is not None:
            current = evaluate()
            if isinstance(current, tuple):
                current, slack = current
            if not np.isfinite(current):
                raise DivergenceError(
                    f"{name} diverged: the validation loss is {current} after "
                    f"epoch {epoch + 1}. Lower learning_rate."
                )
            val_losses.append(current)
        if report is not None:
            seconds = time.time() - begin
            report(epoch, loss, None if val_losses is None else current, seconds)
        margin = tol * (abs(best) if relative_tol else 1.0)
        improved = not np.isfinite(best) or current < best - margin
        no_change = 0 if improved else no_change + 1
        keep = current < best or (slack > 0 and current <= best + slack)
        best = min(best, current)
        if keep and validation_loss is not None:
            if average is None:
                best_params = [p.copy() for p in params]
            else:
                best_params = average.averages()
        if no_change >= n_iter_no_change:
            break
    if best_params is None and average is not None:
        average.write_steps(params)
    if best_params is not None:
        for p, saved in zip(params, best_params):
            p[...] = saved
    return losses, val_losses
