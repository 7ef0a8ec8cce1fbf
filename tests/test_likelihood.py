"""Free energy, pseudo-likelihood, exact log partition function, AIS and sampling,
checked against brute force on models small enough to enumerate."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import logsumexp

from skgen import BernoulliRBM, GaussianRBM
from skgen._models import _likelihood as lik
from skgen._models._rbm import RBMLayer
from skgen._models._units import UNITS


def bars_and_stripes(side=4):
    """All 4x4 bars-and-stripes images: 2 * 2**side - 2 = 30 distinct patterns."""
    rows = []
    for bits in itertools.product([0.0, 1.0], repeat=side):
        img = np.repeat(np.array(bits)[:, None], side, axis=1)
        rows += [img.ravel(), img.T.ravel()]
    return np.unique(np.array(rows), axis=0)


def random_model(n_visible, n_hidden, seed, scale=1.0):
    rng = np.random.RandomState(seed)
    return (
        rng.normal(scale=scale, size=(n_hidden, n_visible)),
        rng.normal(scale=scale, size=n_visible),
        rng.normal(scale=scale, size=n_hidden),
    )


def brute_force_log_z(W, b, c):
    """Sum exp(-E(v, h)) over every joint binary state."""
    n_hidden, n_visible = W.shape
    v = np.array(list(itertools.product([0.0, 1.0], repeat=n_visible)))
    h = np.array(list(itertools.product([0.0, 1.0], repeat=n_hidden)))
    neg_energy = (v @ b)[:, None] + (h @ c)[None, :] + v @ W.T @ h.T
    return logsumexp(neg_energy)


def layer(W, b, c, visible="bernoulli", hidden="bernoulli"):
    return RBMLayer(W, b, c, UNITS[visible], UNITS[hidden])


def with_params(estimator, W, b, c, log_var=None, offset=None):
    """A fitted estimator carrying the given parameters (and, for a GaussianRBM that
    learns its variances, the log variances ``log_var`` and centres ``offset``)."""
    estimator.fit(np.zeros((2, W.shape[1])))
    estimator.components_ = W.copy()
    estimator.intercept_visible_ = b.copy()
    estimator.intercept_hidden_ = c.copy()
    if log_var is not None:
        estimator.log_variance_visible_ = log_var.copy()
        estimator.offset_visible_ = offset.copy()
    return estimator


@pytest.mark.parametrize("n_visible, n_hidden", [(6, 4), (4, 6), (5, 5)])
def test_exact_log_partition_matches_joint_enumeration(n_visible, n_hidden):
    W, b, c = random_model(n_visible, n_hidden, seed=n_visible)
    assert_allclose(
        lik.exact_log_partition(layer(W, b, c), chunk=7),
        brute_force_log_z(W, b, c),
        rtol=1e-12,
    )


def test_free_energy_marginalises_the_hidden_layer():
    W, b, c = random_model(5, 3, seed=1)
    v = np.array(list(itertools.product([0.0, 1.0], repeat=5)))
    h = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    expected = -logsumexp((v @ b)[:, None] + (h @ c)[None, :] + v @ W.T @ h.T, axis=1)
    assert_allclose(layer(W, b, c).free_energy(v), expected, rtol=1e-12)


def test_gaussian_log_partition_matches_numerical_integration():
    W, b, c = random_model(1, 3, seed=2)
    grid = np.linspace(-30, 30, 200001)[:, None]
    model = layer(W, b, c, visible="gaussian")
    density = np.exp(-model.free_energy(grid))
    numeric = np.log(np.trapezoid(density, grid[:, 0]))
    assert_allclose(lik.exact_log_partition(model), numeric, rtol=1e-8)


def learned_variance_model(n_visible, n_hidden, seed, scale=1.0):
    """A random RBM with Gaussian visible units of learned variances and centres."""
    W, b, c = random_model(n_visible, n_hidden, seed, scale)
    rng = np.random.RandomState(seed + 100)
    log_var, offset = rng.normal(0, 1, n_visible), rng.normal(0, 1, n_visible)
    return RBMLayer(W, b, c, UNITS["gaussian"], UNITS["bernoulli"], log_var, offset)


def learned_free_energy(W, b, c, log_var, offset, v):
    """Krizhevsky's energy, centred, summed over h by brute force:
    ``E(v, h) = ||(v - b) / s||^2 / 2 - ((v - m) / s) . W.T h - c . h``."""
    s = np.exp(0.5 * log_var)
    h = np.array(list(itertools.product([0.0, 1.0], repeat=W.shape[0])))
    quadratic = 0.5 * np.square((v - b) / s).sum(axis=1)
    return quadratic - logsumexp(((v - offset) / s) @ W.T @ h.T + h @ c, axis=1)


def test_learned_variance_free_energy_is_krizhevskys():
    model = learned_variance_model(3, 4, seed=8)
    v = np.random.RandomState(0).normal(0, 2, (20, 3))
    expected = learned_free_energy(
        model.W, model.b, model.c, model.log_var, model.offset, v
    )
    assert_allclose(model.free_energy(v), expected, rtol=1e-12)


def test_learned_variance_log_partition_matches_numerical_integration():
    model = learned_variance_model(1, 3, seed=2)
    model.log_var[:] = np.log(0.3**2)
    grid = np.linspace(-15, 15, 200001)[:, None]
    density = np.exp(-model.free_energy(grid))
    numeric = np.log(np.trapezoid(density, grid[:, 0]))
    assert_allclose(lik.exact_log_partition(model.in_units()) + model.log_jacobian(),
                    numeric, rtol=1e-8)
    assert_allclose(lik.log_partition(model, "exact", 2, 2, None)[0], numeric,
                    rtol=1e-8)


def test_learned_variance_log_likelihood_is_normalised_in_two_dimensions():
    W, b, c = random_model(2, 3, seed=9, scale=0.7)
    log_var, offset = np.log([0.2, 3.0]), np.array([0.5, -1.0])
    model = with_params(GaussianRBM(n_components=3, n_iter=0), W, b, c, log_var, offset)
    x = np.linspace(-14, 14, 1401)
    grid = np.stack(np.meshgrid(x, x, indexing="ij"), axis=-1).reshape(-1, 2)
    density = np.exp(model.log_likelihood(grid)).reshape(len(x), len(x))
    total = np.trapezoid(np.trapezoid(density, x, axis=1), x)
    assert_allclose(total, 1.0, atol=1e-6)


def test_learned_variance_gradient_is_that_of_the_free_energy():
    """The statistic whose data-minus-model average the kernel follows for ``log
    s^2``, ``((u - (b - m) / s)^2 - u * (W.T E[h | u])) / 2`` with ``u = (v - m) /
    s``, is ``-dF/d log s^2``."""
    model = learned_variance_model(4, 3, seed=10)
    v = np.random.RandomState(1).normal(0, 1.5, (6, 4))
    s, m = model.scale, model.offset
    u = (v - m) / s
    bias = (model.b - m) / s
    statistic = 0.5 * ((u - bias) ** 2 - u * (model.mean_hidden(v) @ model.W))
    eps = 1e-6
    for j in range(4):
        up, down = (
            RBMLayer(model.W, model.b, model.c, model.visible, model.hidden,
                     model.log_var + eps * np.eye(4)[j] * sign, m)
            for sign in (1, -1)
        )
        numeric = -(up.free_energy(v) - down.free_energy(v)) / (2 * eps)
        assert_allclose(statistic[:, j], numeric, rtol=1e-6, atol=1e-8)


def test_pseudo_likelihood_matches_scikit_learn():
    from sklearn.neural_network import BernoulliRBM as SkRBM

    X = (np.random.RandomState(0).uniform(size=(50, 12)) > 0.5).astype(float)
    ours = BernoulliRBM(n_components=7, n_iter=3, random_state=5).fit(X)
    theirs = SkRBM(n_components=7, random_state=5)
    theirs.components_ = ours.components_
    theirs.intercept_hidden_ = ours.intercept_hidden_
    theirs.intercept_visible_ = ours.intercept_visible_
    theirs.n_features_in_ = 12
    assert_allclose(ours.score_samples(X), theirs.score_samples(X), rtol=1e-10)


def test_exact_log_likelihood_rises_during_training_on_bars_and_stripes():
    X = np.tile(bars_and_stripes(), (10, 1))
    X = X[np.random.RandomState(0).permutation(len(X))]
    rbm = BernoulliRBM(
        n_components=16,
        learning_rate=0.1,
        batch_size=10,
        persistent=False,
        random_state=0,
    )
    history = [rbm.set_params(n_iter=0).fit(X).log_likelihood(X, method="exact").mean()]
    for _ in range(10):
        for _ in range(10):
            rbm.partial_fit(X)
        history.append(rbm.log_likelihood(X, method="exact").mean())
    # Uniform over 2**16 images is -11.09 nats; the 30 patterns alone would be -3.40.
    assert history[0] == pytest.approx(-11.09, abs=0.1)
    assert history[-1] > -6.0
    assert np.all(np.diff(history[2:]) > -0.3)  # rises, give or take SGD noise
    assert history[-1] < np.log(1 / 30)


@pytest.mark.parametrize(
    "Estimator, learned",
    [(BernoulliRBM, False), (GaussianRBM, False), (GaussianRBM, True)],
)
def test_ais_agrees_with_exact_log_partition(Estimator, learned):
    rng = np.random.RandomState(0)
    W, b, c = random_model(10, 12, seed=3, scale=0.7)
    params = {}
    if Estimator is GaussianRBM:
        params["visible_variance"] = "learned" if learned else "unit"
    model = with_params(
        Estimator(n_components=12, n_iter=0, random_state=1, **params),
        W,
        b,
        c,
        *((rng.normal(0, 0.5, 10), rng.normal(0, 2, 10)) if learned else ()),
    )
    exact, zero = model.log_partition_function(method="exact")
    assert zero == 0.0
    ais, std_err = model.log_partition_function(method="ais", n_runs=200, n_betas=2000)
    assert 0 < std_err < 0.1
    assert abs(ais - exact) < max(4 * std_err, 0.05)
    X = rng.uniform(size=(5, 10)) > 0.5
    ll_exact = model.log_likelihood(X, method="exact")
    ll_ais, se = model.log_likelihood(
        X, method="ais", n_runs=200, n_betas=2000, return_std=True
    )
    assert se == std_err
    assert_allclose(ll_ais, ll_exact, atol=max(4 * std_err, 0.05))


def test_log_likelihood_is_a_normalised_distribution():
    W, b, c = random_model(6, 4, seed=4)
    model = with_params(BernoulliRBM(n_components=4, n_iter=0), W, b, c)
    v = np.array(list(itertools.product([0.0, 1.0], repeat=6)))
    assert_allclose(logsumexp(model.log_likelihood(v)), 0.0, atol=1e-12)


def test_auto_method_is_exact_for_small_layers_and_ais_otherwise():
    W, b, c = random_model(30, 22, seed=5, scale=0.05)
    model = with_params(
        BernoulliRBM(n_components=22, n_iter=0, random_state=0), W, b, c
    )
    log_z, std_err = model.log_partition_function(n_runs=20, n_betas=100)
    assert std_err > 0  # 22 and 30 units: too many to enumerate
    with pytest.raises(ValueError, match="method='ais'"):
        model.log_partition_function(method="exact")
    with pytest.raises(ValueError, match="method must be"):
        model.log_partition_function(method="bogus")
    with pytest.raises(ValueError, match="n_betas must be"):
        model.log_partition_function(method="ais", n_betas=1)


def test_sampler_draws_the_model_distribution():
    """Gibbs samples' frequencies over all 2**5 visible states match exact p(v)."""
    W, b, c = random_model(5, 3, seed=6)
    model = with_params(BernoulliRBM(n_components=3, n_iter=0, random_state=0), W, b, c)
    states = np.array(list(itertools.product([0.0, 1.0], repeat=5)))
    p_exact = np.exp(model.log_likelihood(states))
    samples = model.sample(20000, n_steps=50)
    codes = samples @ (2 ** np.arange(4, -1, -1))
    p_sampled = np.bincount(codes.astype(int), minlength=32) / len(samples)
    total_variation = 0.5 * np.abs(p_sampled - p_exact).sum()
    assert total_variation < 0.03


@pytest.mark.parametrize("learned", [False, True])
def test_gaussian_sampler_has_the_model_mean_and_variance(learned):
    W, b, c = random_model(3, 2, seed=7, scale=0.8)
    log_var = np.log([0.25, 1.0, 4.0]) if learned else np.zeros(3)
    offset = np.array([1.0, -2.0, 0.5]) if learned else np.zeros(3)
    model = with_params(
        GaussianRBM(
            n_components=2,
            n_iter=0,
            random_state=0,
            visible_variance="learned" if learned else "unit",
        ),
        W,
        b,
        c,
        *((log_var, offset) if learned else ()),
    )
    # Exact moments: a mixture over h of N(b + s W^T h, diag(s^2)) with weights
    # p(h) proportional to exp(c.h + (||beta + W^T h||^2 - ||beta||^2) / 2),
    # beta = (b - m) / s.
    s = np.exp(0.5 * log_var)
    beta = (b - offset) / s
    h = np.array(list(itertools.product([0.0, 1.0], repeat=2)))
    scaled = h @ W + beta
    log_w = h @ c + 0.5 * (np.square(scaled).sum(axis=1) - np.square(beta).sum())
    weights = np.exp(log_w - logsumexp(log_w))
    means = offset + scaled * s
    mean = weights @ means
    cov = np.diag(s**2) + (weights[:, None] * (means - mean)).T @ (means - mean)
    samples = model.sample(20000, n_steps=30)
    assert_allclose(samples.mean(axis=0), mean, atol=0.05)
    assert_allclose(np.cov(samples.T), cov, atol=0.08)


@pytest.mark.parametrize("n_betas", [2, 5, 29, 30, 1000, 14500])
def test_ais_betas_rise_from_zero_to_one_in_n_steps(n_betas):
    betas = lik.ais_betas(n_betas)
    assert betas.shape == (n_betas,)
    assert betas[0] == 0.0 and betas[-1] == 1.0
    assert np.all(np.diff(betas) > 0)


def test_ais_on_a_float32_model_matches_the_exact_value():
    W, b, c = random_model(10, 24, seed=8, scale=0.5)  # 24 hidden: AIS by default
    model = with_params(
        BernoulliRBM(n_components=24, n_iter=0, random_state=0),
        W.astype(np.float32),
        b.astype(np.float32),
        c.astype(np.float32),
    )
    exact, _ = model.log_partition_function(method="exact")  # enumerates the 10 visible
    ais, std_err = model.log_partition_function(method="ais", n_runs=200, n_betas=2000)
    assert abs(ais - exact) < max(4 * std_err, 0.05)


# ---------------------------------------------------------------------------------
# Linear (Gaussian) hidden units: the code layer of the deep autoencoder
# ---------------------------------------------------------------------------------


def test_linear_hidden_free_energy_integrates_the_hidden_layer_numerically():
    W, b, c = random_model(4, 1, seed=8, scale=0.7)
    v = np.array(list(itertools.product([0.0, 1.0], repeat=4)))
    h = np.linspace(-40, 40, 400001)
    # E(v, h) = -b.v + (h - c)^2 / 2 - h W v: Gaussian units' energy on either side
    neg_energy = (v @ b)[:, None] + (v @ W.T) * h[None, :] - 0.5 * (h[None, :] - c) ** 2
    numeric = -np.log(np.trapezoid(np.exp(neg_energy), h, axis=1))
    got = layer(W, b, c, hidden="linear").free_energy(v)
    assert_allclose(got, numeric, rtol=1e-9)


def test_linear_hidden_log_likelihood_is_normalised_and_sampler_matches_it():
    from skgen._rbm import _LinearHiddenRBM

    W, b, c = random_model(5, 2, seed=9, scale=0.6)
    model = with_params(
        _LinearHiddenRBM(n_components=2, n_iter=0, random_state=0), W, b, c
    )
    states = np.array(list(itertools.product([0.0, 1.0], repeat=5)))
    log_p = model.log_likelihood(states)
    assert_allclose(logsumexp(log_p), 0.0, atol=1e-12)
    samples = model.sample(20000, n_steps=50)
    codes = samples @ (2 ** np.arange(4, -1, -1))
    p_sampled = np.bincount(codes.astype(int), minlength=32) / len(samples)
    assert 0.5 * np.abs(p_sampled - np.exp(log_p)).sum() < 0.03


def test_linear_hidden_rbm_learns_two_noisy_prototypes():
    """Data: a prototype or its complement, 10% of the bits flipped; about 3.3 nats
    of entropy per sample. One linear hidden unit captures it: the weights take
    opposite signs on the two halves and the exact log-likelihood nears -3.3."""
    from skgen._rbm import _LinearHiddenRBM

    rng = np.random.RandomState(0)
    proto = np.array([1, 1, 1, 1, 0, 0, 0, 0.0])
    X = np.where((rng.uniform(size=400) < 0.5)[:, None], proto, 1 - proto)
    X = np.abs(X - (rng.uniform(size=X.shape) < 0.1))
    model = _LinearHiddenRBM(
        n_components=1, learning_rate=0.01, n_iter=60, batch_size=10, random_state=0
    ).fit(X)
    untrained = _LinearHiddenRBM(n_components=1, n_iter=0, random_state=0).fit(X)
    assert untrained.log_likelihood(X).mean() < -5.4
    assert model.log_likelihood(X).mean() > -3.6
    w = model.components_[0] * np.sign(model.components_[0, 0])
    assert np.all(w[:4] > 0.3) and np.all(w[4:] < -0.3)
    W, c = model.components_, model.intercept_hidden_
    assert_allclose(model.transform(X), X @ W.T + c, rtol=1e-12)  # unbounded means
    with pytest.raises(NotImplementedError, match="linear hidden units"):
        model.log_partition_function(method="ais")


# ---------------------------------------------------------------------------------
# Rectified hidden units: stepped sigmoid units (Nair & Hinton, 2010)
# ---------------------------------------------------------------------------------

# Binary copies that stand in for one stepped sigmoid unit when enumerating: with
# inputs below 2.5 the copies beyond these add less than 1e-6 nats.
N_COPIES = 16


def test_rectified_log_marginal_sums_the_binary_copies():
    """A rectified unit is a stack of binary copies with biases x - 0.5, x - 1.5,
    ...; summing them out one by one must give the unit's log-marginal."""
    x = np.linspace(-6.0, 2.5, 18)[:, None]
    offsets = np.arange(1, N_COPIES + 1) - 0.5
    per_copy = np.logaddexp(0.0, x - offsets[None, :]).sum(axis=1)
    got = UNITS["relu"].log_marginal(x, np.zeros(1))
    assert_allclose(got, per_copy, atol=1e-6)
    # The tail is summed too: a large input needs more copies than 16.
    big = UNITS["relu"].log_marginal(np.array([[40.0]]), np.zeros(1))
    i = np.arange(1, 200)
    assert_allclose(big, np.logaddexp(0.0, 40.0 - (i - 0.5)).sum(), rtol=1e-12)


def test_rectified_hidden_log_partition_matches_joint_enumeration():
    """Exact log Z of binary visible and rectified hidden units (the visible layer
    enumerated, the hidden one summed out) against the sum over every joint
    state of the visible units and each hidden unit's binary copies."""
    W, b, c = random_model(3, 1, seed=12, scale=0.5)
    v = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    copies = np.array(list(itertools.product([0.0, 1.0], repeat=N_COPIES)))
    offsets = np.arange(1, N_COPIES + 1) - 0.5
    x = v @ W.T + c  # (8, 1)
    # -E(v, copies) = b.v + sum_i s_i (x - offset_i)
    neg_energy = (v @ b)[:, None] + x * copies.sum(axis=1)[None, :] - (
        copies @ offsets
    )[None, :]
    assert x.max() < 2.5
    model = layer(W, b, c, hidden="relu")
    assert_allclose(lik.exact_log_partition(model), logsumexp(neg_energy), atol=1e-6)
    assert_allclose(
        model.free_energy(v), -logsumexp(neg_energy, axis=1), atol=1e-6
    )


def test_rectified_hidden_log_likelihood_is_normalised_and_ais_refused():
    W, b, c = random_model(4, 3, seed=13, scale=0.5)
    model = with_params(
        BernoulliRBM(n_components=3, n_iter=0, hidden_units="relu", random_state=0),
        W,
        b,
        c,
    )
    states = np.array(list(itertools.product([0.0, 1.0], repeat=4)))
    assert_allclose(logsumexp(model.log_likelihood(states)), 0.0, atol=1e-12)
    with pytest.raises(NotImplementedError, match="AIS is not implemented for relu"):
        model.log_likelihood(states, method="ais")


def test_rectified_units_mean_and_draws():
    """The mean is max(0, x); draws of a unit with positive mean m are
    max(0, m + N(0, sigmoid(m))), and a unit with a negative input stays off."""
    from scipy.special import expit
    from scipy.stats import norm

    from skgen._kernels._random import new_state
    from skgen._kernels._units import RELU, sample_hidden

    x = np.array([[-1.0, 0.0, 0.3, 2.0]])
    mean = UNITS["relu"].mean(x.copy(), np.zeros(4))
    assert_allclose(mean, [[0.0, 0.0, 0.3, 2.0]])
    means = np.repeat(mean, 40000, axis=0)
    draws = np.empty_like(means)
    sample_hidden(means, draws, RELU, new_state(np.random.RandomState(0)))
    assert np.all(draws[:, :2] == 0.0) and np.all(draws >= 0.0)
    for j, m in ((2, 0.3), (3, 2.0)):
        s = np.sqrt(expit(m))
        # E[max(0, m + s Z)] = m Phi(m / s) + s phi(m / s)
        expected = m * norm.cdf(m / s) + s * norm.pdf(m / s)
        assert abs(draws[:, j].mean() - expected) < 4 * draws[:, j].std() / 200
