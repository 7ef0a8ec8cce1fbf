"""The network engine: every layer type and loss against finite differences, the fused
kernels against numpy, Adam against its formula."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from scipy.stats import norm

from skgen._kernels import _dense as k
from skgen._kernels._random import new_state
from skgen._models._losses import LOSSES, TableLoss
from skgen._models._stack import ACTIVATION_CODES, Stack
from skgen._models._training import (
    Adam,
    WeightAverage,
    split_validation,
    train_epochs,
)

ACTIVATIONS = ["identity", "relu", "logistic", "tanh"]
NUMPY_ACTIVATIONS = {
    "identity": lambda a: a,
    "relu": lambda a: np.maximum(a, 0),
    "logistic": expit,
    "tanh": np.tanh,
}


def numerical_grad(f, params, eps=1e-6):
    """Central differences of scalar ``f()`` with respect to every entry of params."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        flat, gflat = p.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = f()
            flat[i] = old - eps
            down = f()
            flat[i] = old
            gflat[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias_activation_matches_numpy(act, dtype):
    rng = np.random.RandomState(0)
    z = (5 * rng.standard_normal((6, 7))).astype(dtype)
    bias = rng.standard_normal(7).astype(dtype)
    expected = NUMPY_ACTIVATIONS[act]((z + bias).astype(np.float64))
    k.bias_activation(z, bias, ACTIVATION_CODES[act])
    assert z.dtype == dtype
    tol = 1e-6 if dtype == np.float32 else 1e-13
    assert_allclose(z, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_dense_layers_backward_matches_finite_differences(act):
    """Two layers (the activation under test, then each output loss's link)."""
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(5, 4))
    stack = Stack.initialized([4, 6, 3], [act, "identity"], np.float64, rng)
    for b in stack.intercepts:
        b[:] = rng.standard_normal(b.shape) * 0.1
    target = rng.uniform(size=(5, 3))

    def loss():
        out = stack.predict(X)
        grad, nll = np.empty_like(out), np.empty(5)
        k.bernoulli_nll(out, target, 1.0, grad, nll)
        return nll.sum()

    outs = stack.forward(X)
    grad_out, nll = np.empty_like(outs[-1]), np.empty(5)
    k.bernoulli_nll(outs[-1], target, 1.0, grad_out, nll)
    g_x = stack.backward(outs, grad_out, need_input_grad=True)
    expected = numerical_grad(loss, stack.params + [X])
    for got, want in zip(stack.grads + [g_x], expected):
        assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def _numpy_loss(name, out, target):
    """Per-row reference values of each registered loss."""
    if name == "bernoulli":
        p = expit(out)
        return -(target * np.log(p) + (1 - target) * np.log1p(-p)).sum(axis=1)
    if name == "unit_gaussian":
        return (0.5 * (out - target) ** 2 + 0.5 * np.log(2 * np.pi)).sum(axis=1)
    if name == "gaussian":
        m = target.shape[1]
        mean, var = out[:, :m], 1e-6 + np.exp(out[:, m:])
        return -norm.logpdf(target, mean, np.sqrt(var)).sum(axis=1)
    if name == "squared_error":
        return ((out - target) ** 2).sum(axis=1)
    if name == "table":  # 2 real columns, 2 binary, categoricals of 3 and 2
        return (
            _numpy_loss("gaussian", out[:, :4], target[:, :2])
            + _numpy_loss("bernoulli", out[:, 4:6], target[:, 2:4])
            + _numpy_loss("softmax", out[:, 6:9], target[:, 4].astype(int))
            + _numpy_loss("softmax", out[:, 9:11], target[:, 5].astype(int))
        )
    log_p = out - np.log(np.exp(out).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(out)), target]


def _loss_case(name, rng):
    """``(loss, out, target)`` of a registered loss on 4 rows of 5 modelled columns
    (the table loss: 2 real, 2 binary, 2 categorical columns)."""
    if name == "table":
        loss = TableLoss(2, 2, [3, 2])
        target = np.column_stack(
            [
                rng.standard_normal((4, 2)),
                rng.uniform(size=(4, 2)) < 0.5,
                rng.randint(0, 3, 4),
                rng.randint(0, 2, 4),
            ]
        ).astype(float)
    else:
        loss = LOSSES[name]
        target = (
            rng.randint(0, 5, 4) if name == "softmax" else rng.uniform(size=(4, 5))
        )
    n_columns = 6 if name == "table" else 5
    out = 3 * rng.standard_normal((4, loss.n_outputs(n_columns)))
    if name == "softmax":
        out = out[:, :5]
    log_variances = {"gaussian": slice(5, 10), "table": slice(2, 4)}.get(name)
    if log_variances is not None:  # variances from 0.05 to 20: exact differences
        out[:, log_variances] /= 3
    return loss, out, target


@pytest.mark.parametrize("name", sorted(LOSSES) + ["table"])
def test_every_loss_matches_numpy_and_its_gradient(name):
    loss, out, target = _loss_case(name, np.random.RandomState(2))
    grad, values = np.empty_like(out), np.empty(4)
    loss(out, target, 0.5, grad, values)
    assert_allclose(values, _numpy_loss(name, out, target), rtol=1e-12)
    assert_allclose(loss.values(out, target), values)

    def total():
        return 0.5 * _numpy_loss(name, out, target).sum()

    assert_allclose(grad, numerical_grad(total, [out])[0], rtol=1e-6, atol=1e-8)


def test_learned_variance_floors_and_draws_with_the_decoded_spread():
    """The variance never falls below 1e-6 (a two-valued feature cannot make the
    density infinite), and draws have the means and variances the outputs give."""
    loss = LOSSES["gaussian"]
    out = np.array([[0.0, -1000.0]])
    values = loss.values(out, np.zeros((1, 1)))
    assert_allclose(values, -norm.logpdf(0.0, 0.0, 1e-3))
    out = np.tile([[1.0, -3.0, np.log(4.0), 0.0]], (200_000, 1))
    x = loss.draw(out, np.random.RandomState(0))
    assert_allclose(x.mean(axis=0), [1.0, -3.0], atol=0.02)
    assert_allclose(x.var(axis=0), [4.0 + 1e-6, 1.0 + 1e-6], rtol=0.02)


def test_table_loss_scores_a_subset_of_columns_and_draws_each_kind():
    rng = np.random.RandomState(3)
    loss, out, target = _loss_case("table", rng)
    full = loss.values(out, target)
    parts = [loss.values(out, target, [c]) for c in range(6)]
    assert_allclose(np.sum(parts, axis=0), full, rtol=1e-12)
    draws = loss.draw(np.tile(out[:1], (50_000, 1)), rng)
    p_binary = expit(out[0, 4:6])
    assert_allclose(draws[:, 2:4].mean(axis=0), p_binary, atol=0.01)
    p_cat = np.exp(out[0, 6:9]) / np.exp(out[0, 6:9]).sum()
    freq = np.bincount(draws[:, 4].astype(int), minlength=3) / len(draws)
    assert_allclose(freq, p_cat, atol=0.01)
    link = loss.link(out)
    assert_array_equal(link[:, 4], np.argmax(out[:, 6:9], axis=1))
    assert_allclose(link[:, :2], out[:, :2])


@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_stack_loss_and_grads_match_finite_differences_with_l2(alpha):
    rng = np.random.RandomState(8)
    X = rng.uniform(size=(6, 4))
    stack = Stack.initialized([4, 5, 4], ["tanh", "identity"], np.float64, rng)
    loss = LOSSES["squared_error"]

    def objective():
        out = stack.predict(X)
        penalty = 0.5 * alpha * sum((c**2).sum() for c in stack.coefs)
        return (loss.values(out, X).sum() + penalty) / len(X)

    total = stack.loss_and_grads(X, X, loss, alpha)
    assert_allclose(total, loss.values(stack.predict(X), X).sum())
    for got, want in zip(stack.grads, numerical_grad(objective, stack.params)):
        assert_allclose(got, want, rtol=1e-5, atol=1e-8)


def test_reparameterize_kl_is_closed_form_and_draws_are_standard_normal():
    rng = np.random.RandomState(3)
    n, latent = 20000, 3
    mu = rng.standard_normal(latent)
    logvar = rng.standard_normal(latent)
    stats = np.tile(np.concatenate([mu, logvar]), (n, 1))
    prior = np.tile(rng.standard_normal(latent), (n, 1))
    z, eps, kl = np.empty((n, latent)), np.empty((n, latent)), np.empty(n)
    keys = np.empty(n, dtype=np.uint64)
    k.row_keys_from_state(new_state(rng), keys)
    k.reparameterize(stats, prior, True, keys, z, eps, kl)
    m = prior[0]
    expected_kl = 0.5 * ((mu - m) ** 2 + np.exp(logvar) - logvar - 1).sum()
    assert_allclose(kl, expected_kl, rtol=1e-12)
    assert_allclose(z, mu + np.exp(0.5 * logvar) * eps, rtol=1e-12)
    assert_allclose(eps.mean(axis=0), 0, atol=5 / np.sqrt(n))
    assert_allclose(eps.std(axis=0), 1, atol=5 / np.sqrt(2 * n))
    z_mean = np.empty_like(z)
    k.reparameterize(stats, prior, False, keys, z_mean, eps, kl)
    assert_allclose(z_mean, np.tile(mu, (n, 1)))


def test_reparameterize_backward_matches_finite_differences():
    rng = np.random.RandomState(4)
    n, latent = 3, 2
    stats = rng.standard_normal((n, 2 * latent))
    prior = rng.standard_normal((n, latent))
    upstream = rng.standard_normal((n, latent))  # d loss / d z of a linear loss
    keys = np.empty(n, dtype=np.uint64)
    k.row_keys_from_state(new_state(rng), keys)

    def objective():
        z, eps, kl = np.empty((n, latent)), np.empty((n, latent)), np.empty(n)
        k.reparameterize(stats, prior, True, keys, z, eps, kl)
        return (upstream * z).sum() + 0.7 * kl.sum()

    z, eps, kl = np.empty((n, latent)), np.empty((n, latent)), np.empty(n)
    k.reparameterize(stats, prior, True, keys, z, eps, kl)
    grad = np.empty_like(stats)
    k.reparameterize_backward(stats, prior, eps, upstream, 0.7, grad)
    assert_allclose(grad, numerical_grad(objective, [stats])[0], rtol=1e-6, atol=1e-8)


def test_adam_matches_its_formula():
    rng = np.random.RandomState(5)
    p = rng.standard_normal((3, 2))
    opt = Adam([p], learning_rate=0.01)
    ref, m, v = p.copy(), np.zeros_like(p), np.zeros_like(p)
    for t in range(1, 4):
        g = rng.standard_normal(p.shape)
        opt.update([p], [g])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        # The bias-corrected form with epsilon scaled as in scikit-learn's Adam.
        ref -= 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8 / np.sqrt(1 - 0.999**t))
        assert_allclose(p, ref, rtol=1e-10)


@pytest.mark.parametrize("scheme", ["glorot", "fan_in"])
def test_init_layers_bounds(scheme):
    rng = np.random.RandomState(6)
    stack = Stack.initialized(
        [50, 30, 2], ["relu", "logistic"], np.float32, rng, scheme
    )
    coefs, intercepts = stack.coefs, stack.intercepts
    for (n_in, n_out), coef, b, act in zip(
        [(50, 30), (30, 2)], coefs, intercepts, ["relu", "logistic"]
    ):
        assert coef.shape == (n_in, n_out) and coef.dtype == np.float32
        if scheme == "fan_in":
            bound = 1 / np.sqrt(n_in)
            assert np.abs(b).max() <= bound and np.abs(b).max() > 0
        else:
            bound = np.sqrt((2.0 if act == "logistic" else 6.0) / (n_in + n_out))
            assert np.all(b == 0)
        assert np.abs(coef).max() <= bound
        assert np.abs(coef).max() > 0.8 * bound


def run_on(losses, **settings):
    """train_epochs over a scripted sequence of epoch losses; the parameter holds
    the epoch number, so restoring the best epoch shows in it."""
    param = np.zeros(1)
    script = iter(losses)

    def run_epoch(epoch):
        param[0] += 1
        return next(script)

    result = train_epochs(run_epoch, [param], **settings)
    return result, param[0]


def test_train_epochs_stops_after_patience_with_absolute_or_relative_tol():
    losses = [10.0, 9.0, 8.95, 8.9, 8.85, 8.8, 8.75]
    # Absolute tol 0.1: epochs 3-4 improve by less, so patience 2 stops at epoch 4.
    (curve, val), _ = run_on(losses, max_iter=7, tol=0.1, n_iter_no_change=2)
    assert len(curve) == 4 and val is None and min(curve) == 8.9
    # Relative tol 0.001 (0.009 at 9): every step of 0.05 counts, so all 7 run.
    (curve, _), _ = run_on(
        losses, max_iter=7, tol=1e-3, n_iter_no_change=2, relative_tol=True
    )
    assert len(curve) == 7 and min(curve) == 8.75


def test_train_epochs_restores_the_best_validation_epoch():
    val = iter([5.0, 3.0, 4.0, 4.5, 6.0])
    (curve, val_losses), param = run_on(
        [1.0] * 5,
        max_iter=5,
        tol=0.0,
        n_iter_no_change=3,
        validation_loss=lambda: next(val),
    )
    assert val_losses == [5.0, 3.0, 4.0, 4.5, 6.0][: len(curve)]
    assert min(val_losses) == 3.0 and param == 2.0  # back to epoch 2's parameters


def test_train_epochs_keeps_the_latest_epoch_within_the_slack_of_the_best():
    """With (loss, slack) from the validation: the latest epoch whose loss is within
    its slack of the best up to it, even after a new best; the losses recorded are
    the losses alone."""
    scripted = iter([(5.0, 0.5), (3.0, 0.5), (3.4, 0.5), (3.6, 0.5), (2.9, 0.2),
                     (3.05, 0.2), (3.5, 0.2), (3.2, 0.2)])
    (curve, val_losses), param = run_on(
        [1.0] * 8, max_iter=8, tol=0.0, n_iter_no_change=3,
        validation_loss=lambda: next(scripted),
    )
    assert val_losses == [5.0, 3.0, 3.4, 3.6, 2.9, 3.05, 3.5, 3.2]
    assert param == 6.0  # epoch 6 (3.05 within 0.2 of 2.9); 3.2 is not
    scripted = iter([(5.0, 0.0), (3.0, 0.0), (3.0, 0.0), (4.0, 0.0)])
    _, param = run_on(
        [1.0] * 4, max_iter=4, tol=0.0, n_iter_no_change=3,
        validation_loss=lambda: next(scripted),
    )
    assert param == 2.0  # no slack: the first of two equal bests, as without it


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weight_average_is_the_moving_average_from_the_start(dtype):
    """After t steps: d^t p_0 + sum_s (1 - d) d^(t - s) p_s; swap_in/swap_out put
    it in and give the steps' values back."""
    param = np.full((2, 3), 100.0, dtype=dtype)  # the start
    average = WeightAverage([param], 0.9)
    assert_allclose(average.averages()[0], 100.0)  # no step yet
    steps = np.arange(1.0, 6.0)
    for step in steps:
        param[...] = step
        average.update([param])
    weights = 0.1 * 0.9 ** (5 - np.arange(1, 6))
    expected = 0.9**5 * 100.0 + weights @ steps
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    assert_allclose(average.averages()[0], expected, rtol=rtol)
    average.swap_in([param])
    assert_allclose(param, expected, rtol=rtol)
    average.swap_out([param])
    assert_allclose(param, 5.0)
    assert param.dtype == average.steps[0].dtype == dtype
    average.write_steps([param])  # the steps alone: the start's share out
    assert_allclose(param, (weights @ steps) / (1 - 0.9**5), rtol=rtol)


def test_weight_average_of_float32_steps_keeps_their_precision_near_decay_one():
    """One step at decay 0.999: the start weighs 0.999 and the step 0.001. The
    steps-alone average is the step itself, and the average from the start is
    within float32's rounding of the float64 one (no cancellation)."""
    rng = np.random.RandomState(0)
    start, step = rng.normal(size=(2, 1000))
    reference = WeightAverage([start.copy()], 0.999)
    reference.update([step.copy()])
    param = start.astype(np.float32)
    average = WeightAverage([param], 0.999)
    param[...] = step
    average.update([param])
    average.write_steps([param])
    assert_allclose(param, step.astype(np.float32), rtol=1e-6, atol=1e-7)
    average.write([param])
    assert_allclose(param, reference.averages()[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_moving_average_kernel_matches_numpy(dtype):
    from skgen._kernels._dense import moving_average_update

    rng = np.random.RandomState(0)
    average, param = rng.normal(size=(2, 257)).astype(dtype)
    expected = 0.9 * average.astype(np.float64) + (1 - 0.9) * param.astype(np.float64)
    moving_average_update(average, param, 0.9)
    assert average.dtype == dtype
    assert_allclose(average, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)


@pytest.mark.parametrize("validate", [False, True])
def test_train_epochs_with_an_average_validates_it_and_ends_on_it(validate):
    """The validation loss is taken with the average swapped in (and the steps'
    values back afterwards); the parameters end as the average of the best
    validation epoch, or of the last epoch without one."""
    param = np.zeros(1)
    average = WeightAverage([param], 0.5)
    seen, averaged = [], []

    def run_epoch(epoch):
        param[0] = epoch + 1.0  # one "step" per epoch: the epoch number
        average.update([param])
        averaged.append(average.averages()[0][0])
        return 1.0

    def validation_loss():
        seen.append(param[0])
        return [5.0, 3.0, 4.0, 4.5, 6.0][len(seen) - 1]

    train_epochs(
        run_epoch,
        [param],
        max_iter=5,
        tol=0.0,
        n_iter_no_change=3,
        validation_loss=validation_loss if validate else None,
        average=average,
    )
    if validate:
        assert seen == averaged[: len(seen)]  # scored at the averages
        assert param[0] == averaged[1]  # the average of epoch 2, the best
    else:  # the steps alone (the start, 0, taken out), not the last step
        assert param[0] == pytest.approx(averaged[-1] / (1 - 0.5 ** len(averaged)))
        assert param[0] != len(averaged)


def test_train_epochs_gives_the_steps_values_back_when_validation_fails():
    param = np.zeros(1)
    average = WeightAverage([param], 0.5)

    def run_epoch(epoch):
        param[0] = 7.0
        average.update([param])
        return 1.0

    def validation_loss():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        train_epochs(
            run_epoch,
            [param],
            max_iter=2,
            tol=0.0,
            n_iter_no_change=2,
            validation_loss=validation_loss,
            average=average,
        )
    assert param[0] == 7.0


def test_train_epochs_refuses_a_non_finite_validation_loss():
    from skgen import DivergenceError

    val = iter([5.0, np.nan])
    with pytest.raises(DivergenceError, match="validation loss is nan"):
        run_on(
            [1.0, 1.0],
            max_iter=2,
            tol=0.0,
            n_iter_no_change=5,
            validation_loss=lambda: next(val),
        )


def test_split_validation_holds_out_a_fraction_and_refuses_one_sample():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    X_tr, y_tr, X_val, y_val = split_validation(X, y, 0.3, np.random.RandomState(0))
    assert len(X_val) == 3 and len(X_tr) == 7
    assert sorted(np.concatenate([y_tr, y_val])) == list(range(10))
    assert_array_equal(X_val[:, 0] / 2, y_val)  # rows stay with their labels
    with pytest.raises(ValueError, match="leaves none to train on"):
        split_validation(X[:1], None, 0.1, np.random.RandomState(0))


def test_content_uniforms_are_each_rows_own_stream_and_depend_on_it_alone():
    from skgen._kernels._random import random_uniform
    from skgen._models._vae import content_keys, content_uniforms

    X = np.random.RandomState(0).standard_normal((5, 3))
    u = content_uniforms(X, 7)
    keys = content_keys(X, 7)
    expected = [[random_uniform(key, np.uint64(j)) for j in range(3)] for key in keys]
    assert_array_equal(u, expected)
    assert ((u >= 0) & (u < 1)).all()
    assert_array_equal(content_uniforms(X[::-1], 7), u[::-1])  # not the position
    assert not np.array_equal(content_uniforms(X, 8), u)


@pytest.mark.parametrize("learned", [False, True])
def test_rbms_unroll_into_the_network_of_their_conditional_means(learned):
    """Stack.from_rbms gives E[h | v] going up and E[v | h] coming down, with a
    GaussianRBM's learned variances and centres folded into the weights."""
    from skgen._models._rbm import RBMLayer
    from skgen._models._units import UNITS

    rng = np.random.RandomState(0)
    bottom = RBMLayer(
        rng.normal(size=(4, 5)),
        rng.normal(size=5),
        rng.normal(size=4),
        UNITS["gaussian"],
        UNITS["bernoulli"],
        rng.normal(size=5) if learned else None,
        rng.normal(size=5) if learned else None,
    )
    top = RBMLayer(rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3))
    v = rng.normal(size=(6, 5))
    outs = Stack.from_rbms([bottom, top], np.float64, mirror=True).forward(v)
    h1 = bottom.mean_hidden(v)
    h2 = top.mean_hidden(h1)
    assert_allclose(outs[1], h1, rtol=1e-12)
    assert_allclose(outs[2], h2, rtol=1e-12)
    assert_allclose(outs[3], top.mean_visible(h2), rtol=1e-12)
    # the last layer is linear: for Gaussian visible units, their mean
    assert_allclose(outs[4], bottom.mean_visible(outs[3]), rtol=1e-12)
