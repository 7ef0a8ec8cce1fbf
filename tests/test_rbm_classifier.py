"""RBMClassifier: exact probabilities and features against enumeration of a model
small enough to enumerate, gradients against finite differences, kernels against
numpy. The lifecycle (partial_fit, warm starts, divergence, dtypes, pickling, sparse
input) is tested over every estimator in test_lifecycle.py and test_common.py."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, log_softmax, logsumexp
from sklearn.datasets import load_digits

from skgen import RBMClassifier
from skgen._kernels._class_rbm import (
    FACTOR_LIMIT,
    class_hidden_sample,
    class_scores,
    class_weighted_hidden,
)
from skgen._kernels._random import new_state, uniform
from skgen._models._class_rbm import ClassRBM
from skgen._models._units import BERNOULLI, GAUSSIAN
from skgen._models._training import split_validation

N_FEATURES, N_HIDDEN, N_CLASSES = 5, 4, 3


def tiny_model(seed=0, dtype=np.float64, visible=BERNOULLI):
    rng = np.random.RandomState(seed)
    W = rng.normal(0, 1.0, (N_HIDDEN, N_FEATURES)).astype(dtype)
    V = rng.normal(0, 1.0, (N_CLASSES, N_HIDDEN)).astype(dtype)
    b, c, d = (rng.normal(0, 0.5, n).astype(dtype) for n in (5, 4, 3))
    return ClassRBM(W, V, b, c, d, visible=visible)


def tiny_data(seed=1, n=7):
    rng = np.random.RandomState(seed)
    return rng.uniform(size=(n, N_FEATURES)), rng.randint(0, N_CLASSES, n)


def enumerated(model, X):
    """log p(y | x) and E[h | x] by summing exp(-E(x, y, h)) over every y and h."""
    hs = np.array(list(itertools.product([0.0, 1.0], repeat=N_HIDDEN)))
    log_joint = np.empty((len(X), N_CLASSES, len(hs)))
    for y in range(N_CLASSES):
        # -E(x, y, h) without b'x, which cancels given x
        log_joint[:, y, :] = (
            (X @ model.W.T) @ hs.T + hs @ model.c + model.d[y] + hs @ model.V[y]
        )
    log_norm = logsumexp(log_joint, axis=(1, 2), keepdims=True)
    joint = np.exp(log_joint - log_norm)  # p(y, h | x)
    log_proba = np.log(joint.sum(axis=2))
    hidden_mean = np.einsum("nyk,kj->nj", joint, hs)
    return log_proba, hidden_mean


def test_class_probabilities_and_features_are_exact():
    model = tiny_model()
    X, _ = tiny_data()
    log_proba, hidden_mean = enumerated(model, X)
    assert_allclose(log_softmax(model.class_scores(X), axis=1), log_proba, atol=1e-12)
    assert_allclose(model.hidden_mean(X), hidden_mean, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("large", ["none", "one row", "class weights"])
def test_kernels_match_numpy(dtype, large):
    # Rows of A beyond FACTOR_LIMIT take the direct formulas, the others the
    # factored ones (in one call); class weights beyond it send every row there.
    # 1,200 hidden units make the factored sum take two chunks of products.
    rng = np.random.RandomState(2)
    A = rng.normal(0, 3, (6, 1200)).astype(dtype)
    V = rng.normal(0, 1, (4, 1200)).astype(dtype)
    if large == "one row":
        A[2, 5] = 2 * FACTOR_LIMIT
    elif large == "class weights":
        V[1, 7] = -2 * FACTOR_LIMIT
    d = rng.normal(0, 1, 4).astype(dtype)
    G = rng.normal(0, 1, (6, 4)).astype(dtype)
    assert (np.abs(A).max(axis=1) > FACTOR_LIMIT).sum() == (large == "one row")
    inputs = A[:, None, :] + V[None, :, :]  # (n, classes, hidden)
    scores = np.empty((6, 4))
    class_scores(A, V, d, scores)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert_allclose(
        scores, d + np.logaddexp(0, inputs.astype(np.float64)).sum(2), rtol=rtol
    )
    H, grad_V = np.empty_like(A), np.empty_like(V)
    class_weighted_hidden(A, V, G, H, grad_V)
    weighted = G[:, :, None] * expit(inputs.astype(np.float64))
    assert_allclose(H, weighted.sum(1), rtol=rtol, atol=rtol)
    assert_allclose(grad_V, weighted.sum(0), rtol=rtol, atol=rtol)


def test_scores_are_nan_when_an_input_is_nan():
    A, V = np.zeros((2, 3)), np.zeros((2, 3))
    A[1, 2] = np.nan
    scores = np.empty((2, 2))
    class_scores(A, V, np.zeros(2), scores)
    assert np.isfinite(scores[0]).all() and np.isnan(scores[1]).all()


def uniform_draws(state, shape):
    state = state.copy()
    return np.array([uniform(state) for _ in range(np.prod(shape))]).reshape(shape)


def test_hidden_sample_draws_from_the_stream():
    rng = np.random.RandomState(3)
    A, V = rng.normal(0, 2, (5, 6)), rng.normal(0, 1, (3, 6))
    y = rng.randint(0, 3, 5)
    state = new_state(rng)
    advanced = state.copy()
    prob, sample = np.empty_like(A), np.empty_like(A)
    class_hidden_sample(A, V, y, prob, sample, advanced)
    assert_allclose(prob, expit(A + V[y]), rtol=1e-14)
    assert_allclose(sample, uniform_draws(state, A.shape) < prob)
    assert advanced[1] == state[1] + A.size


def test_discriminative_gradient_matches_finite_differences():
    model = tiny_model()
    X, y = tiny_data()
    loss = model.loss_and_grads(X, y, "discriminative", 0.0, None) / len(X)
    grads = [g.copy() for g in model.grads]
    assert np.abs(grads[2]).max() == 0.0  # p(y | x) does not depend on b
    eps = 1e-6
    for param, grad in zip(model.params, grads):
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            up = model.loss_and_grads(X, y, "discriminative", 0.0, None) / len(X)
            param[index] = saved - eps
            down = model.loss_and_grads(X, y, "discriminative", 0.0, None) / len(X)
            param[index] = saved
            assert abs((up - down) / (2 * eps) - grad[index]) < 1e-6
    assert loss > 0


@pytest.mark.parametrize(
    "visible, mean", [(BERNOULLI, expit), (GAUSSIAN, lambda a: a)], ids=repr
)
def test_the_generative_term_is_cd1_of_the_joint_model(visible, mean):
    # Given the hidden draws (replayed from the seeded stream), the CD-1 estimate is a
    # closed form: check it. Gaussian visible units change the reconstruction only.
    model = tiny_model(visible=visible)
    X, y = tiny_data()
    if visible is GAUSSIAN:
        X = X * 4 - 2  # real values
    # p(y | x) and E[h | x] do not depend on the visible units' own energy.
    bernoulli = tiny_model()
    assert_allclose(model.class_scores(X), bernoulli.class_scores(X))
    assert_allclose(model.hidden_mean(X), bernoulli.hidden_mean(X))
    n = len(X)
    onehot = np.eye(N_CLASSES)[y]
    model.loss_and_grads(X, y, "generative", 1.0, np.random.RandomState(4))
    h0 = expit(X @ model.W.T + model.c + onehot @ model.V)
    hs = (uniform_draws(new_state(np.random.RandomState(4)), h0.shape) < h0) * 1.0
    assert 0 < hs.mean() < 1
    x1 = mean(hs @ model.W + model.b)
    y1 = np.exp(log_softmax(hs @ model.V.T + model.d, axis=1))
    h1 = expit(x1 @ model.W.T + y1 @ model.V + model.c)
    expected = [
        -(h0.T @ X - h1.T @ x1) / n,
        -(onehot.T @ h0 - y1.T @ h1) / n,
        -(X - x1).mean(0),
        -(h0 - h1).mean(0),
        -(onehot - y1).mean(0),
    ]
    for grad, want in zip(model.grads, expected):
        assert_allclose(grad, want, atol=1e-12)


def test_hybrid_is_discriminative_plus_weighted_generative():
    X, y = tiny_data()
    parts = {}
    for objective, weight in (
        ("discriminative", 0),
        ("generative", 1),
        ("hybrid", 0.3),
    ):
        model = tiny_model()
        model.loss_and_grads(X, y, objective, weight, np.random.RandomState(4))
        parts[objective] = [g.copy() for g in model.grads]
    for d, g, h in zip(*parts.values()):
        assert_allclose(h, d + 0.3 * g, atol=1e-12)


def test_it_classifies_digits_and_its_features_are_probabilities():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    clf = RBMClassifier(n_components=100, random_state=0).fit(X[:1200], y[:1200])
    assert clf.score(X[1200:], y[1200:]) > 0.9
    proba = clf.predict_proba(X[1200:1210])
    assert_allclose(proba.sum(axis=1), 1.0)
    H = clf.transform(X[1200:1210])
    assert H.shape == (10, 100) and H.min() >= 0 and H.max() <= 1
    # Early stopping (the default) kept the model of the best held-out log p(y | x):
    # replay the held-out split and score the kept model on it.
    rng = np.random.RandomState()
    rng.set_state(clf._split_state_)
    _, _, X_val, y_val = split_validation(
        X[:1200], y[:1200], clf.validation_fraction, rng
    )
    assert clf._validation_score(X_val, y_val) == pytest.approx(
        clf.best_validation_score_, abs=1e-12
    )
    assert clf.best_validation_score_ < 0  # a mean log-probability, in nats


def test_auto_early_stopping_needs_100_held_out_rows():
    """A tenth of 994 rows is 99 rows, too few to stop on: every row trains; a
    tenth of 1,000 is held out."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    small = RBMClassifier(n_components=4, max_iter=2, random_state=0)
    small.fit(X[:994], y[:994])
    assert small.early_stopping_ is False and small.validation_scores_ is None
    assert small.t_ == 2 * 994
    big = RBMClassifier(n_components=4, max_iter=2, random_state=0)
    big.fit(X[:1000], y[:1000])
    assert big.early_stopping_ is True and len(big.validation_scores_) == 2
    assert big.t_ == 2 * 900
    forced = RBMClassifier(n_components=4, max_iter=2, early_stopping=True)
    assert forced.fit(X[:100], y[:100]).early_stopping_ is True


def test_a_single_class_is_refused_with_a_clear_message():
    X, _ = tiny_data()
    with pytest.raises(ValueError, match="only one class .* at least 2 classes"):
        RBMClassifier(n_components=4).fit(X, np.zeros(len(X)))


# ------------------------------------------------------- unlabelled rows (y = -1)
def test_unlabelled_rows_add_the_generative_term_from_a_class_drawn_given_x():
    """Labelled rows: label_weight times their discriminative term (a mean over the
    labelled rows); every row: the generative term, the unlabelled ones' CD-1
    started from a class drawn from p(y | x) with the first uniforms of rng."""
    from skgen._models._losses import categorical_draw

    X, y = tiny_data(n=9)
    semi = y.copy()
    semi[[1, 4, 5, 8]] = -1
    labelled = semi >= 0
    n = len(X)
    weight = n / labelled.sum()
    model = tiny_model()
    loss = model.loss_and_grads(
        X, semi, "hybrid", 0.3, np.random.RandomState(4), weight, 0.3
    )
    got = [g.copy() for g in model.grads]

    rng = np.random.RandomState(4)
    proba = np.exp(log_softmax(model.class_scores(X), axis=1))
    filled = np.where(labelled, semi, categorical_draw(proba, rng.uniform(size=n)))
    generative = tiny_model()
    generative.loss_and_grads(X, filled, "generative", 1.0, rng)
    discriminative = tiny_model()
    expected_loss = discriminative.loss_and_grads(
        X[labelled], semi[labelled], "discriminative", 0.0, None
    )
    share = labelled.sum() / n
    for g, d, gen in zip(got, discriminative.grads, generative.grads):
        assert_allclose(g, weight * share * d + 0.3 * gen, atol=1e-12)
    assert_allclose(loss, weight * expected_loss, rtol=1e-12)


def test_unlabelled_rows_are_learned_from_and_checked():
    X, y = load_digits(return_X_y=True)
    X, y = X / 16.0, y
    rng = np.random.RandomState(0)
    keep = np.concatenate([rng.choice(np.flatnonzero(y[:1200] == c), 5, False)
                           for c in range(10)])
    semi = np.full(1200, -1)
    semi[keep] = y[keep]
    params = dict(n_components=100, random_state=0)
    alone = RBMClassifier(**params).fit(X[keep], y[keep])
    both = RBMClassifier(**params).fit(X[:1200], semi)
    assert both.early_stopping_ is False  # 50 labelled rows: too few to hold out
    assert both.score(X[1200:], y[1200:]) > alone.score(X[1200:], y[1200:]) + 0.02
    with pytest.raises(ValueError, match="objective='discriminative' learns nothing"):
        RBMClassifier(objective="discriminative").fit(X[:1200], semi)
    with pytest.raises(ValueError, match="none of them is labelled"):
        RBMClassifier(early_stopping=True, n_components=4, random_state=0).fit(
            X[:200], np.r_[0, 1, np.full(198, -1)]
        )
