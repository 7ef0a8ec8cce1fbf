"""VAE: gradients, behaviour on digits, scikit-learn conventions, bad input."""

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from test_network import numerical_grad

from skgen import VAE, DivergenceError

X_DIGITS = load_digits().data / 16.0
SMALL = dict(n_components=3, hidden_layer_sizes=(16,), max_iter=3, random_state=0)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
def test_loss_gradient_matches_finite_differences(likelihood, activation):
    """The whole negative ELBO (encoder, reparameterization, KL, decoder, loss) with
    the noise held fixed, against central differences of every parameter."""
    X = X_DIGITS[:6, :10].copy()
    vae = VAE(
        n_components=2,
        hidden_layer_sizes=(5, 4),
        activation=activation,
        likelihood=likelihood,
        beta=0.7,
        max_iter=1,
        random_state=0,
    ).fit(X)
    model = vae._model()
    for p in model.params:  # move off the initial point (zero intercepts, relu kinks)
        p += 0.05 * np.random.RandomState(1).standard_normal(p.shape)
    state = vae._rng_state_.copy()

    def objective():
        vae._rng_state_[...] = state  # the same noise every time
        return vae._loss_and_grads(model, X, None) / len(X)

    assert np.isfinite(objective())
    grads = [g.copy() for g in model.grads]
    for got, want in zip(grads, numerical_grad(objective, model.params)):
        assert_allclose(got, want, rtol=1e-4, atol=1e-7)


def test_learns_digits_better_than_the_mean_image():
    vae = VAE(
        n_components=8,
        hidden_layer_sizes=(64,),
        batch_size=32,
        max_iter=30,
        random_state=0,
    )
    vae.fit(X_DIGITS[:1500])
    X_test = X_DIGITS[1500:]
    recon = vae.inverse_transform(vae.transform(X_test))
    mean_error = np.square(X_test - X_DIGITS[:1500].mean(axis=0)).sum(axis=1).mean()
    # About 0.48 here; a collapsed posterior (decoder ignoring z) gives about 0.95.
    assert np.square(X_test - recon).sum(axis=1).mean() < 0.6 * mean_error
    assert vae.n_iter_ == 30  # still improving: no early stop
    assert vae.loss_curve_[-1] < 0.8 * vae.loss_curve_[0]
    # The importance-weighted bound is above the ELBO and rises with k.
    elbo = vae.score_samples(X_test).mean()
    iw5 = vae.log_likelihood(X_test, n_importance=5).mean()
    iw50 = vae.log_likelihood(X_test, n_importance=50).mean()
    assert elbo < iw5 < iw50 < 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    X = X_DIGITS[:100].astype(dtype)
    vae = VAE(**SMALL).fit(X)
    assert vae.encoder_coefs_[0].dtype == dtype
    assert vae.transform(X).dtype == dtype
    assert vae.inverse_transform(vae.transform(X)).dtype == dtype
    assert vae.sample(3).dtype == dtype
    assert vae.score_samples(X).dtype == np.float64


def test_same_random_state_same_model_also_in_threads():
    X = X_DIGITS[:300]
    reference = VAE(**SMALL).fit(X).transform(X)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: VAE(**SMALL).fit(X).transform(X), range(4)))
    for result in results:
        assert_array_equal(result, reference)
    assert not np.array_equal(
        VAE(**{**SMALL, "random_state": 1}).fit(X).transform(X), reference
    )


def test_pickle_round_trip_is_exact_and_training_continues_identically():
    X = X_DIGITS[:200]
    vae = VAE(**SMALL).fit(X)
    clone = pickle.loads(pickle.dumps(vae))
    assert_array_equal(clone.transform(X), vae.transform(X))
    assert_array_equal(clone.score_samples(X), vae.score_samples(X))
    assert_array_equal(
        clone.partial_fit(X).transform(X), vae.partial_fit(X).transform(X)
    )


def test_sparse_input_trains_the_same_model_as_dense():
    X = X_DIGITS[:200]
    dense = VAE(**SMALL).fit(X)
    sparse = VAE(**SMALL).fit(sp.csr_matrix(X))
    assert_allclose(sparse.transform(sp.csr_matrix(X)), dense.transform(X), rtol=1e-10)


def test_scores_are_deterministic_and_sample_follows_random_state():
    vae = VAE(**SMALL).fit(X_DIGITS[:200])
    # Each sample's noise is keyed on the sample: chunks score like the whole.
    whole = vae.score_samples(X_DIGITS[:60])
    assert_array_equal(
        np.concatenate([vae.score_samples(c) for c in np.split(X_DIGITS[:60], 3)]),
        whole,
    )
    assert_array_equal(
        vae.score_samples(X_DIGITS[:50]), vae.score_samples(X_DIGITS[:50])
    )
    assert vae.score(X_DIGITS[:50]) == pytest.approx(
        vae.score_samples(X_DIGITS[:50]).mean()
    )
    assert_array_equal(vae.sample(4, random_state=3), vae.sample(4, random_state=3))
    assert not np.array_equal(
        vae.sample(4, random_state=3), vae.sample(4, random_state=4)
    )
    assert vae.sample(5).shape == (5, 64)
    drawn = vae.sample(2000, draw=True, random_state=0)
    assert set(np.unique(drawn)) <= {0.0, 1.0}
    means = vae.sample(2000, random_state=0)  # the same z: draws average to the means
    assert_allclose(drawn.mean(axis=0), means.mean(axis=0), atol=0.05)
    assert np.all((vae.sample(5) >= 0) & (vae.sample(5) <= 1))  # Bernoulli means


def test_early_stopping_keeps_the_best_validation_model():
    vae = VAE(**{**SMALL, "max_iter": 40, "n_iter_no_change": 3}, early_stopping=True)
    vae.fit(X_DIGITS[:400])
    assert len(vae.validation_scores_) == vae.n_iter_
    assert vae.best_validation_score_ == max(vae.validation_scores_)
    assert vae.n_iter_ <= 40


def test_warm_start_and_partial_fit_continue_training():
    X = X_DIGITS[:300]
    vae = VAE(**SMALL, warm_start=True).fit(X)
    first = vae.loss_curve_[-1]
    vae.fit(X)
    assert vae.loss_curve_[-1] < first
    assert vae.n_iter_ == len(vae.loss_curve_) == 2 * SMALL["max_iter"]
    streaming = VAE(**SMALL)
    for block in np.array_split(X, 3):
        assert streaming.partial_fit(block) is streaming
    assert len(streaming.loss_curve_) == 3


def test_feature_names_out():
    vae = VAE(**SMALL).fit(X_DIGITS[:50])
    assert_array_equal(vae.get_feature_names_out(), ["vae0", "vae1", "vae2"])


def test_bad_input_gets_clear_errors():
    vae = VAE(**SMALL).fit(X_DIGITS[:50])
    X = X_DIGITS[:5].copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        VAE(**SMALL).fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but VAE is expecting 64"):
        vae.transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="expects codes of 3"):
        vae.inverse_transform(np.zeros((2, 5)))
    with pytest.raises(
        ValueError, match="hidden_layer_sizes must be positive integers"
    ):
        VAE(hidden_layer_sizes=(8, 0)).fit(X_DIGITS[:5])
    assert VAE(**{**SMALL, "hidden_layer_sizes": 8}).fit(X_DIGITS[:20]).encoder_coefs_[
        0
    ].shape == (64, 8)
    with pytest.raises(ValueError, match="'likelihood' parameter"):
        VAE(likelihood="poisson").fit(X_DIGITS[:5])
    with pytest.raises(ValueError, match="n_importance must be"):
        vae.log_likelihood(X_DIGITS[:5], n_importance=0)
    with pytest.warns(UserWarning, match="MinMaxScaler"):  # an explicit choice
        VAE(**SMALL, likelihood="bernoulli").fit(X_DIGITS[:20] * 16)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow on the way to NaN
def test_diverging_fit_raises():
    X = np.random.RandomState(0).normal(scale=1e30, size=(50, 4))
    with pytest.raises(DivergenceError, match="learning_rate"):
        VAE(
            likelihood="gaussian",
            n_components=2,
            hidden_layer_sizes=(4,),
            max_iter=2,
            learning_rate=1.0,
        ).fit(X)


def test_early_stopping_restores_the_best_validation_parameters():
    X = X_DIGITS[:400]
    vae = VAE(
        **{**SMALL, "max_iter": 25, "n_iter_no_change": 25, "tol": 0.0},
        early_stopping=True,
        learning_rate=0.05,
    )  # noisy: the best is not the last
    vae.fit(sp.csr_matrix(X))  # sparse input, dense validation block
    best = int(np.argmax(vae.validation_scores_))
    assert vae.best_validation_score_ == vae.validation_scores_[best]
    # Refit the same split up to the best epoch: the restored model is that one.
    again = VAE(
        **{**SMALL, "max_iter": best + 1, "n_iter_no_change": 25, "tol": 0.0},
        early_stopping=True,
        learning_rate=0.05,
    ).fit(sp.csr_matrix(X))
    assert_allclose(vae.transform(X), again.transform(X), rtol=1e-6, atol=1e-8)


def test_changed_architecture_after_fit_is_refused():
    vae = VAE(**SMALL).fit(X_DIGITS[:50])
    vae.set_params(hidden_layer_sizes=(16, 8))
    for method, args in [
        ("transform", (X_DIGITS[:5],)),
        ("sample", (2,)),
        ("score_samples", (X_DIGITS[:5],)),
        ("partial_fit", (X_DIGITS[:5],)),
    ]:
        with pytest.raises(ValueError, match="but the model was fitted with"):
            getattr(vae, method)(*args)
    with pytest.raises(ValueError, match="but the model was fitted with"):
        vae.set_params(warm_start=True).fit(X_DIGITS[:50])
    vae.set_params(warm_start=False).fit(X_DIGITS[:50])  # a fresh fit is fine


def test_scores_do_not_touch_the_random_state():
    rng = np.random.RandomState(0)
    vae = VAE(**{**SMALL, "random_state": rng}).fit(X_DIGITS[:50])
    before = rng.get_state()[1].copy()
    first = vae.score_samples(X_DIGITS[:10])
    assert_array_equal(vae.score_samples(X_DIGITS[:10]), first)
    assert_array_equal(rng.get_state()[1], before)


def _linear_gaussian_data():
    rng = np.random.RandomState(0)
    return rng.standard_normal((300, 3)) @ np.array(
        [[2.0, 0.5, 0.0], [0.0, 1.0, 1.5], [0, 0, 0.3]]
    )


def _linear_vae(likelihood, max_iter, **params):
    """A VAE with a linear encoder and decoder fitted to ``_linear_gaussian_data``."""
    return VAE(
        n_components=2,
        hidden_layer_sizes=(),
        likelihood=likelihood,
        learning_rate=0.01,
        max_iter=max_iter,
        batch_size=32,
        random_state=0,
        **params,
    ).fit(_linear_gaussian_data())


def test_importance_weighted_bound_approaches_the_exact_likelihood():
    """A linear unit-variance VAE has log p(x) = log N(x; b, W^T W + I) in closed
    form: the ELBO and the importance-weighted bounds stay below it and close in as
    k grows."""
    from scipy.stats import multivariate_normal

    X = _linear_gaussian_data()
    vae = _linear_vae("unit_gaussian", 60)
    W, b = vae.decoder_coefs_[0], vae.decoder_intercepts_[0]
    exact = multivariate_normal(mean=b, cov=W.T @ W + np.eye(3)).logpdf(X)
    elbo = vae.score_samples(X).mean()
    iw1000 = vae.log_likelihood(X, n_importance=1000).mean()
    # The posterior of a linear model is nearly exact, so the bound is tight already:
    # measured here -5.140 (ELBO), -5.0923 (k=1000) against -5.0923 exact.
    assert elbo < exact.mean()
    assert abs(iw1000 - exact.mean()) < 0.01
    assert exact.mean() - elbo > 0.02  # the ELBO's gap, which importance weights close


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_learned_variances_give_the_exact_likelihood_of_probabilistic_pca(
    covariance_type,
):
    """With the log-variance outputs' weights at zero, the learned-variance VAE is
    probabilistic PCA with a diagonal noise (factor analysis): log p(x) =
    log N(x; b, W^T W + diag(psi)) with psi = 1e-6 + exp(log-variance bias); with
    correlated noise (covariance_type="full") the noise covariance is
    diag(psi)^1/2 R diag(psi)^1/2. The bounds, in true nats, stay below it and the
    importance-weighted one reaches it. Its fitted likelihood is near a
    full-covariance Gaussian's (the model family holds it) and beats the
    unit-variance model's on data whose noise is not 1."""
    from scipy.stats import multivariate_normal

    X = _linear_gaussian_data()
    vae = _linear_vae(
        "gaussian", 200, early_stopping=False, covariance_type=covariance_type
    )
    W, b = vae.decoder_coefs_[0], vae.decoder_intercepts_[0]
    W[:, 3:] = 0.0  # the variances no longer depend on z
    root = np.sqrt(1e-6 + np.exp(b[3:]))
    R = np.eye(3) if covariance_type == "diag" else vae.residual_correlation_
    assert abs(R[0, 1]) > 0.01 or covariance_type == "diag"  # a correlation to test
    cov = W[:, :3].T @ W[:, :3] + root[:, None] * R * root[None, :]
    exact = multivariate_normal(mean=b[:3], cov=cov).logpdf(X).mean()
    iw = vae.log_likelihood(X, n_importance=2000).mean()
    # measured: diag -3.70815 (k=2000), -3.70907 (k=10) against -3.70814 exact;
    # full -3.70460 (k=2000), -3.70194 (k=10: the encoder's posterior fits the
    # independent noise, so ten draws are noisier) against -3.70460 exact
    assert abs(iw - exact) < 0.005
    if covariance_type == "diag":
        assert vae.log_likelihood(X, n_importance=10).mean() < iw
    gaussian = multivariate_normal(X.mean(0), np.cov(X.T, bias=True)).logpdf(X)
    assert exact > gaussian.mean() - 0.05
    unit = VAE(**{**vae.get_params(), "likelihood": "unit_gaussian"}).fit(X)
    assert iw > unit.log_likelihood(X, n_importance=200).mean() + 0.3


def test_gaussian_samples_carry_the_learned_spread():
    """sample(draw=True) adds each feature's decoded noise, not unit noise: on data
    with one feature of spread 0.01, its draws keep a spread near 0.01."""
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.standard_normal(400), 0.01 * rng.standard_normal(400)])
    vae = VAE(
        n_components=1, hidden_layer_sizes=(16,), likelihood="gaussian",
        learning_rate=0.01, max_iter=150, random_state=0,
    ).fit(X)
    draws = vae.sample(4000, draw=True, random_state=0)
    assert 0.005 < draws[:, 1].std() < 0.03
    assert 0.7 < draws[:, 0].std() < 1.3
    unit = VAE(**{**vae.get_params(), "likelihood": "unit_gaussian"}).fit(X)
    assert unit.sample(4000, draw=True, random_state=0)[:, 1].std() > 0.9


def test_early_stopping_auto_holds_rows_out_for_learned_variances_only():
    X = _linear_gaussian_data()[:100]
    small = dict(n_components=2, hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    assert VAE(likelihood="gaussian", **small).fit(X).validation_scores_ is not None
    assert VAE(likelihood="unit_gaussian", **small).fit(X).validation_scores_ is None
    assert (
        VAE(likelihood="gaussian", early_stopping=False, **small)
        .fit(X)
        .validation_scores_
        is None
    )


def test_a_gaussian_vae_from_skgen_0_1_is_refused_with_what_to_do():
    """skgen 0.1's 'gaussian' decoder had one output per feature; the learned
    variance needs two. Such a model (as unpickled) says so instead of reading
    past its outputs."""
    X = _linear_gaussian_data()[:50]
    vae = VAE(n_components=2, hidden_layer_sizes=(4,), likelihood="gaussian",
              max_iter=2, random_state=0).fit(X)
    vae.decoder_coefs_[-1] = np.ascontiguousarray(vae.decoder_coefs_[-1][:, :3])
    vae.decoder_intercepts_[-1] = vae.decoder_intercepts_[-1][:3].copy()
    with pytest.raises(ValueError, match="fitted by skgen 0.1.*fit it again"):
        vae.transform(X)


def _correlated_noise_data(n, seed):
    """One latent factor in four features, and noise correlated 0.8 between
    features 0 and 1 (which one factor and independent noise cannot give)."""
    rng = np.random.RandomState(seed)
    z = rng.standard_normal((n, 1))
    cov = np.eye(4)
    cov[0, 1] = cov[1, 0] = 0.8
    return z @ np.ones((1, 4)) + 0.5 * rng.multivariate_normal(np.zeros(4), cov, n)


def test_correlated_gaussian_scores_and_draws_match_the_multivariate_normal():
    """The loss's log-density is scipy's multivariate normal with covariance
    S^1/2 R S^1/2, row by row; its draws have that covariance."""
    from scipy.stats import multivariate_normal

    from skgen._models._losses import CorrelatedGaussian, gaussian_variance

    rng = np.random.RandomState(0)
    R = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    loss = CorrelatedGaussian(np.linalg.cholesky(R))
    out = rng.standard_normal((5, 6))
    x = rng.standard_normal((5, 3))
    variances = gaussian_variance(out)
    for i in range(5):
        root = np.sqrt(variances[i])
        cov = root[:, None] * R * root[None, :]
        want = -multivariate_normal(out[i, :3], cov).logpdf(x[i])
        assert_allclose(loss.values(out[i : i + 1], x[i : i + 1])[0], want, rtol=1e-12)
    one = np.repeat(out[:1], 200_000, axis=0)
    draws = loss.draw(one, np.random.RandomState(1))
    root = np.sqrt(variances[0])
    assert_allclose(np.cov(draws.T), root[:, None] * R * root[None, :], rtol=0.01)


def test_full_covariance_learns_the_residual_correlation_from_the_same_networks():
    """The networks train as with independent noise (the same parameters whatever
    covariance_type), the residuals' correlation is found, and it raises the
    held-out likelihood on data whose noise is correlated."""
    X, X_test = _correlated_noise_data(600, 0), _correlated_noise_data(300, 1)
    params = dict(n_components=1, hidden_layer_sizes=(16,), likelihood="gaussian",
                  learning_rate=0.01, max_iter=60, random_state=0)
    full = VAE(**params).fit(X)
    diag = VAE(covariance_type="diag", **params).fit(X)
    for a, b in zip(full._model().params, diag._model().params):
        assert_array_equal(a, b)
    assert diag.residual_correlation_ is None
    # measured: 0.090 nats per held-out row (-3.704 against -3.794)
    gain = full.log_likelihood(X_test, n_importance=50).mean() - (
        diag.log_likelihood(X_test, n_importance=50).mean()
    )
    assert gain > 0.05

    def correlation_error(model):
        draws = model.sample(20_000, draw=True, random_state=0)
        return np.abs(np.corrcoef(draws.T) - np.corrcoef(X.T)).max()

    assert correlation_error(full) < 0.5 * correlation_error(diag)


def test_partial_fit_keeps_the_residual_moments_of_every_block():
    """partial_fit's correlation is that of the residuals of all the blocks seen (a
    fit's, warm or not, of its own rows only), and a bernoulli VAE has none."""
    X = _correlated_noise_data(400, 0)
    params = dict(n_components=1, hidden_layer_sizes=(8,), likelihood="gaussian",
                  random_state=0)
    vae = VAE(**params).partial_fit(X[:200])
    first = vae._residual_moments_.copy()
    vae.partial_fit(X[200:])
    assert not np.allclose(vae._residual_moments_, first)
    one_block = VAE(**params).fit(X[200:])._residual_moments_
    assert vae._residual_moments_.trace() > 1.5 * one_block.trace()
    vae.set_params(warm_start=True).fit(X[200:])
    assert vae._residual_moments_.trace() < 0.75 * (first + one_block).trace()
    bernoulli = VAE(**{**SMALL, "likelihood": "bernoulli"}).fit(X_DIGITS[:50])
    assert bernoulli.residual_correlation_ is None


def test_a_row_whose_code_overflows_scores_minus_infinity_with_correlated_noise():
    X = _correlated_noise_data(200, 0).astype(np.float32)
    vae = VAE(n_components=1, hidden_layer_sizes=(8,), likelihood="gaussian",
              max_iter=3, random_state=0).fit(X)
    assert vae.residual_correlation_ is not None
    bad = np.vstack([X[:2], np.full((1, 4), 1e38, dtype=np.float32)])
    with np.errstate(over="ignore", invalid="ignore"):
        scores = vae.score_samples(bad)
        bounds = vae.log_likelihood(bad, n_importance=3)
    assert np.all(np.isfinite(scores[:2])) and scores[2] == -np.inf
    assert np.all(np.isfinite(bounds[:2])) and bounds[2] == -np.inf
