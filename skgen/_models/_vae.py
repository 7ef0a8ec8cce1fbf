"""The VAE objective, its conditioning a strategy object.

``VariationalModel`` joins an encoder ``Stack`` (the last layer gives the posterior
means and log-variances), a decoder ``Stack`` (the last layer gives the output that a
loss links), an output loss, and a conditioning:

* ``Unconditioned``: the prior ``N(0, I)`` (a VAE);
* ``ClassPriorMeans``: one learned prior mean per class, ``N(mu_y, I)``, so that
  ``KL = 1/2 sum[(mu - mu_y)^2 + sigma^2 - log sigma^2 - 1]`` (the CVAE's default);
* ``ConcatOneHot``: the one-hot class joined to the encoder's and decoder's inputs,
  with the prior ``N(0, I)`` (Sohn et al., 2015).

A new conditioning is one more subclass of ``Unconditioned``.

With a ``ClassPosterior`` (the classifier network ``q(y | x)``) and
``ClassPriorMeans``, rows whose class index is -1 are unlabelled: their term is the
ELBO with ``y`` summed out under ``q(y | x)`` (Kingma, Rezende, Mohamed & Welling,
2014, model M2); as only the prior depends on ``y``, the sum is one reconstruction
and a closed-form KL per class.
"""

import numpy as np
from scipy.special import logsumexp

from .._kernels import _dense as k
from ._losses import (
    categorical_draw,
    gaussian_interval_log_proba,
    standardised_residuals,
)


class Unconditioned:
    """No class: inputs as they are, the standard normal prior, no parameters."""

    n_inputs = 0

    @property
    def params(self):
        return []

    @property
    def grads(self):
        return []

    def encoder_input(self, X, yi):
        return X

    def decoder_input(self, Z, yi):
        return Z

    def prior_mean(self, yi, n, n_latent, dtype):
        return np.zeros((n, n_latent), dtype=dtype)

    def backward(self, mu, prior, yi, kl_weight):
        """Write the gradient of the conditioning's parameters into ``grads``."""

    def astype(self, dtype):
        return self


class ClassPriorMeans(Unconditioned):
    """Prior ``N(means[y], I)``: ``means`` (n_classes, n_latent) is learned."""

    def __init__(self, means):
        self.means = means
        self._grad = np.empty_like(means)

    @property
    def params(self):
        return [self.means]

    @property
    def grads(self):
        return [self._grad]

    def prior_mean(self, yi, n, n_latent, dtype):
        return np.ascontiguousarray(self.means[yi], dtype=dtype)

    def astype(self, dtype):
        return ClassPriorMeans(self.means.astype(dtype, copy=False))

    def backward(self, mu, prior, yi, kl_weight):
        # d KL / d mu_y = -(mu - mu_y), summed over the rows of class y.
        self._grad[...] = 0.0
        np.add.at(self._grad, yi, -kl_weight * (mu - prior))

    def half_distances(self, mu):
        """``||mu_i - means_c||^2 / 2`` (n, n_classes, float64): the part of each
        class's KL term that depends on the class."""
        mu, means = mu.astype(np.float64), self.means.astype(np.float64)
        return 0.5 * (
            np.square(mu).sum(axis=1)[:, None]
            - 2.0 * mu @ means.T
            + np.square(means).sum(axis=1)[None, :]
        ).clip(min=0.0)

    def backward_weighted(self, mu, weights, kl_weight):
        """The gradient of ``kl_weight * sum_i sum_c w_ic KL_c(i)``: ``-kl_weight
        (W^T mu - (W^T 1) * means)``, with the class weights ``W`` (n, n_classes)
        of the rows (one-hot for labelled rows, ``q(y | x)`` for the others)."""
        weights = weights.astype(self.means.dtype)
        self._grad[...] = -kl_weight * (
            weights.T @ mu - weights.sum(axis=0)[:, None] * self.means
        )


class ConcatOneHot(Unconditioned):
    """The one-hot class appended to the encoder's and the decoder's inputs."""

    def __init__(self, n_classes):
        self.n_inputs = n_classes

    def _joined(self, X, yi):
        one_hot = np.zeros((len(yi), self.n_inputs), dtype=X.dtype)
        one_hot[np.arange(len(yi)), yi] = 1.0
        return np.hstack([X, one_hot])

    encoder_input = _joined
    decoder_input = _joined


class ClassPosterior:
    """``q(y | x)``: a ``Stack`` whose last layer gives class logits, through a
    softmax; a class whose prior probability is 0 (never seen labelled) gets
    probability 0.

    Parameters
    ----------
    stack : Stack
        The classifier network, X to one logit per class.
    log_prior : ndarray of shape (n_classes,)
        ``log p(y)`` (float64; -inf for a class never seen).
    """

    def __init__(self, stack, log_prior):
        self.stack, self.log_prior = stack, np.asarray(log_prior, dtype=np.float64)

    @property
    def params(self):
        return self.stack.params

    @property
    def grads(self):
        return self.stack.grads

    def astype(self, dtype):
        return ClassPosterior(self.stack.astype(dtype), self.log_prior)

    def log_proba(self, X):
        """``log q(y | x)`` (n, n_classes, float64), and the stack's outputs."""
        outs = self.stack.forward(X)
        logits = outs[-1].astype(np.float64)
        logits[:, ~np.isfinite(self.log_prior)] = -np.inf
        return logits - logsumexp(logits, axis=1, keepdims=True), outs

    def backward(self, outs, grad_logits):
        """Backpropagate d loss / d logits (n, n_classes) into ``grads``."""
        grad = np.ascontiguousarray(grad_logits, dtype=outs[-1].dtype)
        self.stack.backward(outs, grad)


class VariationalModel:
    """Encoder, decoder, output loss and conditioning of a (conditional) VAE, and
    for the semi-supervised CVAE the classifier ``q(y | x)`` (``classifier``, a
    ``ClassPosterior``; its parameters come last).

    Noise comes in as one stream key per row (``keys``): training draws them from
    the estimator's counter state, scores from each row's own content, so the same
    sample always gets the same noise.
    """

    def __init__(self, encoder, decoder, loss, n_latent, conditioning, classifier=None):
        self.encoder, self.decoder, self.loss = encoder, decoder, loss
        self.n_latent, self.conditioning = n_latent, conditioning
        self.classifier = classifier

    @property
    def _parts(self):
        parts = [self.encoder, self.decoder, self.conditioning]
        return parts if self.classifier is None else parts + [self.classifier]

    @property
    def params(self):
        return [p for part in self._parts for p in part.params]

    def astype(self, dtype):
        """This model with parameters of ``dtype`` (copies only where needed)."""
        return VariationalModel(
            self.encoder.astype(dtype),
            self.decoder.astype(dtype),
            self.loss,
            self.n_latent,
            self.conditioning.astype(dtype),
            None if self.classifier is None else self.classifier.astype(dtype),
        )

    @property
    def grads(self):
        return [g for part in self._parts for g in part.grads]

    def posterior(self, X, yi=None):
        """The encoder's ``[means, log-variances]`` (n, 2 n_latent), and its outputs."""
        outs = self.encoder.forward(self.conditioning.encoder_input(X, yi))
        return outs[-1], outs

    def decode(self, Z, yi=None, draw=None):
        """The decoder's means ``E[x | z]`` (through the loss's link), or with a
        generator ``draw``, samples ``x ~ p(x | z)``."""
        out = self.decoder.predict(self.conditioning.decoder_input(Z, yi))
        return self.loss.link(out) if draw is None else self.loss.draw(out, draw)

    def _draw(self, stats, yi, keys, dtype, prior=None):
        n = stats.shape[0]
        z = np.empty((n, self.n_latent), dtype=dtype)
        eps, kl = np.empty_like(z), np.empty(n)
        if prior is None:
            prior = self.conditioning.prior_mean(yi, n, self.n_latent, dtype)
        k.reparameterize(stats, prior, True, keys, z, eps, kl)
        return z, eps, kl, prior

    def _labels(self, X, yi):
        """For a model with a classifier: ``log q(y | x)``, the classifier's
        outputs, the mask of unlabelled rows (class -1, or every row when ``yi``
        is None) and the class indices with 0 in their place."""
        log_q, outs = self.classifier.log_proba(X)
        missing = np.ones(X.shape[0], bool) if yi is None else yi < 0
        return log_q, outs, missing, np.where(missing, 0, 0 if yi is None else yi)

    def _mixture_prior(self, known, missing, log_q, n, dtype):
        """The prior means of the rows: their class's for labelled rows, the
        ``q(y | x)``-weighted mean of the class means for unlabelled ones (whose
        KL gradient with respect to the posterior it gives)."""
        prior = self.conditioning.prior_mean(known, n, self.n_latent, dtype)
        means = self.conditioning.means.astype(np.float64)
        prior[missing] = np.exp(log_q[missing]) @ means
        return prior

    def _summed_out(self, stats, log_q, beta):
        """The class part of the unlabelled rows' negative ELBO, ``sum_y q(y | x)
        [beta KL(q(z | x) || N(mu_y, I)) - log p(y) + log q(y | x)]`` (float64,
        per row), and the gradient of its rows with respect to the logits of
        ``q(y | x)``: ``q_y (g_y - sum_c q_c g_c)`` with ``g_y`` the bracket."""
        mu = stats[:, : self.n_latent]
        logvar = stats[:, self.n_latent :].astype(np.float64)
        spread = 0.5 * (np.exp(logvar) - logvar - 1.0).sum(axis=1)
        kl = spread[:, None] + self.conditioning.half_distances(mu)
        q = np.exp(log_q)
        with np.errstate(invalid="ignore"):  # classes of prior 0: q = 0 there
            g = np.where(q > 0, beta * kl + log_q - self.classifier.log_prior, 0.0)
        value = (q * g).sum(axis=1)
        return value, q * (g - value[:, None])

    def conditional_codes(self, columns, codes, intervals, n_samples, rng, k=64):
        """One code per row drawn from ``p(z | x_c = codes)`` for the decoder
        outputs' ``columns`` (a ``TableLoss``'s, unconditioned models): ``k`` prior
        draws per row, weighted by the likelihood of the given codes under each
        (a column with an interval ``(low, high)`` in ``intervals`` by the
        probability of its codes lying in it, the others by the loss), and one of
        them drawn by its weight (sampling-importance-resampling). As the columns
        are independent given z, the draws follow ``p(z | x_c)`` as ``k`` grows."""
        dtype, loss = codes.dtype, self.loss
        points = [c for c, i in zip(columns, intervals) if i is None]
        Z = np.empty((n_samples, self.n_latent), dtype=dtype)
        block = max(1, 4096 // k)  # rows per pass: k * block candidates in memory
        for start in range(0, n_samples, block):
            m = min(block, n_samples - start)
            candidates = rng.standard_normal((m * k, self.n_latent)).astype(dtype)
            out = self.decoder.predict(candidates)
            target = np.zeros((m * k, loss.n_columns), dtype=dtype)
            target[:, columns] = codes
            log_w = -loss.values(out, target, points) if points else np.zeros(m * k)
            for c, interval in zip(columns, intervals):
                if interval is not None:
                    both = np.ascontiguousarray(out[:, [c, loss.n_real + c]])
                    log_w += gaussian_interval_log_proba(both, *interval)
            log_w = log_w.reshape(m, k)
            w = np.exp(log_w - logsumexp(log_w, axis=1, keepdims=True))
            pick = categorical_draw(w, rng.uniform(size=m))
            Z[start : start + m] = candidates.reshape(m, k, -1)[np.arange(m), pick]
        return Z

    def loss_and_grads(self, xb, yb, keys, beta, alpha=0.0):
        """Sum over the rows of the negative ELBO with KL weight ``beta``; ``grads``
        receive the gradient of its mean.

        With a classifier, rows of class -1 are unlabelled: their term is the
        negative ELBO with ``y`` summed out under ``q(y | x)`` (``_summed_out``),
        and labelled rows add ``alpha`` times ``-log q(y | x)``. Without
        unlabelled rows the encoder, decoder and class means get the gradients
        they get without a classifier.
        """
        n = xb.shape[0]
        stats, enc = self.posterior(xb, yb)
        known, missing, prior = yb, None, None
        if self.classifier is not None:
            log_q, cls_outs, missing, known = self._labels(xb, yb)
            if missing.any():
                prior = self._mixture_prior(known, missing, log_q, n, xb.dtype)
        z, eps, kl, prior = self._draw(stats, known, keys, xb.dtype, prior)
        dec = self.decoder.forward(self.conditioning.decoder_input(z, known))
        grad_out, nll = np.empty_like(dec[-1]), np.empty(n)
        self.loss(dec[-1], xb, 1.0 / n, grad_out, nll)
        grad_in = self.decoder.backward(dec, grad_out, need_input_grad=True)
        grad_z = np.ascontiguousarray(grad_in[:, : self.n_latent])
        grad_stats = np.empty_like(stats)
        k.reparameterize_backward(stats, prior, eps, grad_z, beta / n, grad_stats)
        self.encoder.backward(enc, grad_stats)
        mu = stats[:, : self.n_latent]
        if self.classifier is None:
            self.conditioning.backward(mu, prior, known, beta / n)
            return float(nll.sum() + beta * kl.sum())
        labelled = ~missing
        grad_logits = np.zeros_like(log_q)
        weights = np.zeros_like(log_q)  # of the rows' KL terms, by class
        weights[labelled, known[labelled]] = 1.0
        q = np.exp(log_q[labelled])
        q[np.arange(len(q)), known[labelled]] -= 1.0
        grad_logits[labelled] = (alpha / n) * q  # of -alpha log q(y | x)
        total = nll.sum() + beta * kl[labelled].sum()
        total -= alpha * log_q[labelled, known[labelled]].sum()
        if missing.any():
            value, grad = self._summed_out(stats[missing], log_q[missing], beta)
            grad_logits[missing] = grad / n
            weights[missing] = np.exp(log_q[missing])
            total += value.sum()
            self.conditioning.backward_weighted(mu, weights, beta / n)
        else:
            self.conditioning.backward(mu, prior, known, beta / n)
        self.classifier.backward(cls_outs, grad_logits)
        return float(total)

    def elbo(self, X, yi, keys, kl_weight=1.0):
        """Each row's evidence lower bound (one draw of z; the KL term exact): of
        ``log p(x | y)``, and with a classifier, of ``log p(x)`` with ``y`` summed
        out for the rows of class -1 (or every row, when ``yi`` is None)."""
        stats, _ = self.posterior(X, yi)
        if self.classifier is None:
            z, _, kl, _ = self._draw(stats, yi, keys, X.dtype)
            out = self.decoder.predict(self.conditioning.decoder_input(z, yi))
            return -(self.loss.values(out, X) + kl_weight * kl)
        log_q, _, missing, known = self._labels(X, yi)
        z, _, kl, _ = self._draw(stats, known, keys, X.dtype)
        out = self.decoder.predict(self.conditioning.decoder_input(z, known))
        bound = -(self.loss.values(out, X) + kl_weight * kl)
        if missing.any():
            class_part, _ = self._summed_out(stats[missing], log_q[missing], kl_weight)
            bound[missing] += kl_weight * kl[missing] - class_part
        return bound

    def residual_moments(self, X, key_draws, yi=None):
        """``sum e e^T`` (float64) of the standardised residuals ``e = (x - m) /
        sqrt(v)`` of a learned-variance Gaussian decoder, over the rows and one
        posterior draw ``z ~ q(z | x)`` per entry of ``key_draws``: the moments
        that ``CorrelatedGaussian``'s correlation is fitted to."""
        stats, _ = self.posterior(X, yi)
        total = np.zeros((X.shape[1], X.shape[1]))
        for keys in key_draws:
            z = self._draw(stats, yi, keys, X.dtype)[0]
            out = self.decoder.predict(self.conditioning.decoder_input(z, yi))
            e = standardised_residuals(out, X)
            total += e.T @ e
        return total

    def importance_weighted(self, X, key_draws, yi=None):
        """Burda et al.'s bound ``log mean_i p(x, z_i | y) / q(z_i | x, y)``, one
        ``z_i`` per entry of ``key_draws`` (one key per row each); ``yi`` the class
        index of each row (conditioned models), whose prior and inputs enter."""
        stats, _ = self.posterior(X, yi)
        logvar = stats[:, self.n_latent :].astype(np.float64)
        log_w = np.empty((len(key_draws), X.shape[0]))
        for i, keys in enumerate(key_draws):
            z, eps, _, prior = self._draw(stats, yi, keys, X.dtype)
            out = self.decoder.predict(self.conditioning.decoder_input(z, yi))
            nll = self.loss.values(out, X)
            z64, eps64 = z.astype(np.float64), eps.astype(np.float64)
            log_prior = -0.5 * np.square(z64 - prior).sum(axis=1)
            log_q = -0.5 * (np.square(eps64) + logvar).sum(axis=1)
            log_w[i] = -nll + log_prior - log_q  # the 2 pi terms of p(z), q cancel
        return logsumexp(log_w, axis=0) - np.log(len(key_draws))


def row_keys(state, n):
    """One training noise key per row, from the counter ``state`` (advanced)."""
    keys = np.empty(n, dtype=np.uint64)
    k.row_keys_from_state(state, keys)
    return keys


def content_uniforms(X, seed):
    """Uniform draws in [0, 1) shaped like X, each row's from its own content and
    ``seed``: the same row draws the same numbers in any call."""
    out = np.empty(X.shape)
    k.row_uniforms(content_keys(np.ascontiguousarray(X), seed), out)
    return out


def content_keys(X, seed):
    """One noise key per row from the row's bit pattern and ``seed``: a sample's score
    does not depend on the rest of the batch."""
    bits = X.view(np.uint64 if X.itemsize == 8 else np.uint32)
    keys = np.empty(X.shape[0], dtype=np.uint64)
    k.row_keys_from_data(bits, np.uint64(seed), keys)
    return keys
