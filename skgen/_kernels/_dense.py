"""Fused element-wise kernels of the network engine (forward, backward, losses, Adam).

Each runs right after a BLAS product, in place, in one pass: the bias and activation of
a layer, the activation's derivative in terms of the layer's output, an output loss
with its gradient, the VAE's reparameterized draw with the closed-form KL term and their
gradients, and Adam's update. Activation codes: see ``ACTIVATION_CODES`` in
``skgen._models._stack``. Per-sample sums (losses, KL) accumulate in float64.
"""

import numpy as np

from ._activations import sigmoid, softplus
from ._fastexp import fast_exp, one_like
from ._jit import inline_kernel, kernel
from ._random import random_bits, random_uniform

IDENTITY, RELU, LOGISTIC, TANH = 0, 1, 2, 3
_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


@kernel
def bias_activation(z, bias, code):
    """``z <- f(z + bias)`` in place, ``f`` given by its activation ``code``."""
    n, m = z.shape
    for i in range(n):
        for j in range(m):
            a = z[i, j] + bias[j]
            if code == RELU:
                a = max(a, 0.0)
            elif code == LOGISTIC:
                a = sigmoid(a)
            elif code == TANH:
                one = one_like(a)
                e = fast_exp(-2.0 * abs(a))
                t = (one - e) / (one + e)
                a = t if a >= 0 else -t
            z[i, j] = a


@kernel
def activation_backward(grad, out, code):
    """``grad <- grad * f'(.)`` in place, with ``f'`` written in terms of the
    layer's output ``out`` (relu: out > 0; logistic: out (1 - out);
    tanh: 1 - out**2)."""
    n, m = grad.shape
    if code == IDENTITY:
        return
    for i in range(n):
        for j in range(m):
            o = out[i, j]
            if code == RELU:
                grad[i, j] = grad[i, j] if o > 0 else 0.0
            elif code == LOGISTIC:
                grad[i, j] *= o * (1.0 - o)
            else:
                grad[i, j] *= 1.0 - o * o


@kernel
def bernoulli_nll(logits, x, scale, grad, loss):
    """Bernoulli negative log-likelihood from ``logits``, with its gradient.

    ``loss[i] = sum_j softplus(l_ij) - x_ij l_ij`` (nats, float64) and
    ``grad = scale * (sigmoid(l) - x)``; ``x`` may be any value in [0, 1].
    """
    n, m = logits.shape
    terms = np.empty(m)  # per-element losses: the loop vectorizes, the sum follows
    for i in range(n):
        for j in range(m):
            lo = logits[i, j]
            terms[j] = softplus(lo) - x[i, j] * lo
            grad[i, j] = scale * (sigmoid(lo) - x[i, j])
        loss[i] = terms.sum()


@kernel
def gaussian_nll(mean, x, scale, grad, loss):
    """Unit-variance Gaussian negative log-likelihood, with its gradient.

    ``loss[i] = sum_j (m_ij - x_ij)**2 / 2 + log(2 pi) / 2`` and
    ``grad = scale * (m - x)``.
    """
    n, m = mean.shape
    terms = np.empty(m)
    for i in range(n):
        for j in range(m):
            d = mean[i, j] - x[i, j]
            terms[j] = 0.5 * d * d + _HALF_LOG_2PI
            grad[i, j] = scale * d
        loss[i] = terms.sum()


# The smallest variance a learned-variance Gaussian output takes, as
# GaussianMixture's ``reg_covar``: a column with few distinct values (a 0/1 column
# among real ones) cannot drive the density to infinity.
MIN_VARIANCE = 1e-6
_MAX_LOG_VARIANCE = 30.0


@kernel
def gaussian_learned_nll(out, x, scale, grad, loss):
    """Gaussian negative log-likelihood with a learned variance, with its gradient.

    ``out`` is (n, 2 m): means, then raw log-variances ``r``; the variance is
    ``v = MIN_VARIANCE + exp(r)`` (``r`` clipped at 30). ``loss[i] = sum_j
    [(m_ij - x_ij)**2 / v_ij + log v_ij + log(2 pi)] / 2`` (nats, float64),
    ``grad[:, j] = scale * (m - x) / v`` and
    ``grad[:, m + j] = scale * (1 - (m - x)**2 / v) exp(r) / (2 v)``.
    """
    n, m = x.shape
    terms = np.empty(m)
    for i in range(n):
        for j in range(m):
            r = min(np.float64(out[i, m + j]), _MAX_LOG_VARIANCE)
            e = np.exp(r)
            v = MIN_VARIANCE + e
            d = np.float64(out[i, j]) - np.float64(x[i, j])
            q = d * d / v
            terms[j] = 0.5 * (q + np.log(v)) + _HALF_LOG_2PI
            grad[i, j] = scale * d / v
            grad[i, m + j] = scale * 0.5 * (1.0 - q) * e / v
        loss[i] = terms.sum()


@kernel
def squared_error(out, x, scale, grad, loss):
    """Sum of squared errors, with its gradient.

    ``loss[i] = sum_j (o_ij - x_ij)**2`` and ``grad = scale * 2 (o - x)``.
    """
    n, m = out.shape
    terms = np.empty(m)
    for i in range(n):
        for j in range(m):
            d = out[i, j] - x[i, j]
            terms[j] = d * d
            grad[i, j] = 2.0 * scale * d
        loss[i] = terms.sum()


@kernel
def row_keys_from_state(state, keys):
    """One random stream key per row for training draws; advances ``state``."""
    base = state[1]
    for i in range(keys.shape[0]):
        keys[i] = random_bits(state[0], base + np.uint64(i))
    state[1] = base + np.uint64(keys.shape[0])


@kernel
def row_keys_from_data(bits, seed, keys):
    """One stream key per row from the row's own bit pattern and ``seed``.

    ``bits`` is the data viewed as unsigned integers of its width. Scores drawn with
    these keys depend on the sample alone, not on its position in the batch, so a
    sample scores the same in any subset, order or chunking of the data.
    """
    for i in range(bits.shape[0]):
        h = seed
        for j in range(bits.shape[1]):
            h = random_bits(h, np.uint64(bits[i, j]))
        keys[i] = h


@kernel
def row_uniforms(keys, out):
    """``out[i, j]``: uniform draw ``j`` of row ``i``'s stream ``keys[i]``."""
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = random_uniform(keys[i], np.uint64(j))


@kernel
def reparameterize(stats, prior_mean, sample, keys, z, eps, kl):
    """The reparameterized draw and the closed-form KL term, fused.

    ``stats`` is (n, 2L): posterior means, then log-variances. Writes
    ``z = mu + exp(logvar / 2) * eps`` with ``eps ~ N(0, I)`` drawn from row ``i``'s
    stream ``keys[i]`` (or ``z = mu`` when not ``sample``; ``eps`` is then 0), and
    ``kl[i] = KL(N(mu, sigma^2) || N(m, I))``
    ``= 1/2 sum_l [(mu - m)^2 + sigma^2 - log sigma^2 - 1]`` computed exactly, with
    ``m = prior_mean`` (zeros for a VAE, the class means for the CVAE).
    """
    n, latent = z.shape
    for i in range(n):
        acc = 0.0
        for j in range(latent):
            mu = stats[i, j]
            logvar = stats[i, latent + j]
            var = np.exp(logvar)
            e = 0.0
            if sample:  # Box-Muller on draws 2j and 2j + 1 of the row's stream
                u1 = 1.0 - random_uniform(keys[i], np.uint64(2 * j))
                u2 = random_uniform(keys[i], np.uint64(2 * j + 1))
                e = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
            eps[i, j] = e
            z[i, j] = mu + np.sqrt(var) * e
            d = mu - prior_mean[i, j]
            acc += 0.5 * (d * d + var - logvar - 1.0)
        kl[i] = acc


@kernel
def reparameterize_backward(stats, prior_mean, eps, grad_z, kl_weight, grad_stats):
    """Gradient of ``sum(loss(z)) + kl_weight * sum(KL)`` with respect to ``stats``.

    ``grad_z`` is d loss / d z (already scaled by the caller's ``1 / n``), and
    ``kl_weight`` the KL weight times the same scale:
    ``d/d mu = grad_z + w (mu - m)``,
    ``d/d logvar = grad_z * eps * sigma / 2 + w (sigma^2 - 1) / 2``.
    """
    n, latent = grad_z.shape
    for i in range(n):
        for j in range(latent):
            mu = stats[i, j]
            logvar = stats[i, latent + j]
            sigma = np.exp(0.5 * logvar)
            g = grad_z[i, j]
            grad_stats[i, j] = g + kl_weight * (mu - prior_mean[i, j])
            grad_stats[i, latent + j] = 0.5 * (
                g * eps[i, j] * sigma + kl_weight * (sigma * sigma - 1.0)
            )


@inline_kernel
def moving_average(old, new, decay):
    """One step of an exponential moving average: ``decay * old + (1 - decay) *
    new`` (Adam's moments, the averaged weights)."""
    return decay * old + (1.0 - decay) * new


@kernel
def adam_update(param, grad, m, v, step_size, beta_1, beta_2, epsilon):
    """One Adam step on flat arrays, in place (``step_size`` already bias-corrected)."""
    for i in range(param.shape[0]):
        g = grad[i]
        m[i] = moving_average(m[i], g, beta_1)
        # ((1 - beta_2) g) g in float64, as before 0.7 (g * g first would square a
        # float32 gradient in float32)
        v[i] = beta_2 * v[i] + (1.0 - beta_2) * g * g
        param[i] -= step_size * m[i] / (np.sqrt(v[i]) + epsilon)


@kernel
def moving_average_update(average, param, decay):
    """``average <- decay * average + (1 - decay) * param`` on flat arrays, in
    place."""
    for i in range(param.shape[0]):
        average[i] = moving_average(average[i], param[i], decay)


@kernel
def softmax_cross_entropy(logits, target, scale, grad, loss):
    """Softmax cross-entropy from ``logits`` and integer class ``target``, fused.

    ``loss[i] = logsumexp(l_i) - l_i[target_i]`` (nats, float64) and
    ``grad = scale * (softmax(l) - onehot(target))``.
    """
    n, m = logits.shape
    for i in range(n):
        top = logits[i, 0]
        for j in range(1, m):
            top = max(top, logits[i, j])
        total = 0.0
        for j in range(m):
            e = np.exp(np.float64(logits[i, j] - top))
            grad[i, j] = e
            total += e
        for j in range(m):
            grad[i, j] = scale * (grad[i, j] / total - (1.0 if j == target[i] else 0.0))
        loss[i] = np.log(total) + top - logits[i, target[i]]
