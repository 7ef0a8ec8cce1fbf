"""DBNRegressor: what it adds to the shared lifecycle (tested over every estimator in
test_lifecycle.py and test_common.py): targets in their own units, several targets,
MLPRegressor's attributes, and a fit that finds a nonlinear function."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from skgen import DBN, DBNRegressor
from skgen._models._training import split_validation

X_ALL, Y_ALL = make_friedman1(n_samples=1200, noise=0.5, random_state=0)
X_ALL = StandardScaler().fit_transform(X_ALL)
X, Y, X_TEST, Y_TEST = X_ALL[:1000], Y_ALL[:1000], X_ALL[1000:], Y_ALL[1000:]
QUICK = dict(hidden_layer_sizes=(16,), rbm_n_iter=2, max_iter=20, random_state=0)


def test_predictions_follow_the_targets_units():
    # The model trains on standardised targets: rescaled and shifted targets give
    # the same network and the same predictions, rescaled and shifted.
    plain = DBNRegressor(**QUICK).fit(X, Y)
    scaled = DBNRegressor(**QUICK).fit(X, 1000.0 * Y - 7.0)
    assert_allclose(scaled.predict(X_TEST), 1000.0 * plain.predict(X_TEST) - 7.0)
    for a, b in zip(plain.coefs_, scaled.coefs_):
        assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_a_constant_target_is_predicted_without_nan():
    reg = DBNRegressor(**QUICK).fit(X, np.full(len(X), 3.5))
    # The standardised target is 0 everywhere: the network learns to output ~0.
    assert_allclose(reg.predict(X_TEST), 3.5, atol=0.05)


def test_several_targets_and_the_shape_of_predictions():
    Y2 = np.column_stack([Y, -2.0 * Y + X[:, 0]])
    reg = DBNRegressor(**QUICK).fit(X, Y2)
    assert reg.n_outputs_ == 2 and reg.coefs_[-1].shape == (16, 2)
    assert reg.predict(X_TEST).shape == (len(X_TEST), 2)
    one = DBNRegressor(**QUICK).fit(X, Y[:, None])  # a column: MLPRegressor ravels
    assert one.n_outputs_ == 1 and one.predict(X_TEST).shape == (len(X_TEST),)
    with pytest.raises(ValueError, match="y has 2 targets, but the model was fitted"):
        one.partial_fit(X, Y2)


def test_it_has_mlpregressors_fitted_attributes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPRegressor(max_iter=3, random_state=0).fit(X, Y)
    reg = DBNRegressor(**QUICK).fit(X, Y)
    public = {n for n in vars(mlp) if n.endswith("_") and not n.startswith("_")}
    missing = [n for n in public if not hasattr(reg, n)]
    assert not missing
    assert reg.n_layers_ == mlp.n_layers_ == 3
    assert reg.out_activation_ == mlp.out_activation_ == "identity"
    assert reg.loss_ == reg.loss_curve_[-1]
    assert isinstance(reg.dbn_, DBN) and reg.dbn_.rbms_[0].__class__.__name__ == (
        "GaussianRBM"
    )


def test_early_stopping_keeps_the_model_of_the_best_validation_r2():
    reg = DBNRegressor(**{**QUICK, "max_iter": 40}).fit(X, Y)
    assert reg.early_stopping  # the default
    # Replay the held-out split: the kept network scores the best R^2 seen on it.
    rng = np.random.RandomState()
    rng.set_state(reg._split_state_)
    z = ((Y - Y.mean()) / Y.std())[:, None]
    # (the model standardises X inside before it splits)
    _, _, X_val, z_val = split_validation(
        reg._prepare_input(X), z, reg.validation_fraction, rng
    )
    assert reg._validation_score(X_val, z_val) == pytest.approx(
        reg.best_validation_score_, abs=1e-12
    )
    assert reg.best_validation_score_ == max(reg.validation_scores_) > 0.5


def test_average_changes_the_fitted_weights_not_the_steps():
    """``average`` takes the same Adam steps and ends on their moving average: with
    a decay near 0 the average is the last step, as ``average=0``; with 0.9 it is
    another network. Warm starts and partial_fit step without averaging."""
    params = {**QUICK, "early_stopping": False, "max_iter": 3}
    last = DBNRegressor(**params, average=0).fit(X, Y)
    nearly_last = DBNRegressor(**params, average=1e-12).fit(X, Y)
    averaged = DBNRegressor(**params, average=0.9).fit(X, Y)
    assert last.loss_curve_ == averaged.loss_curve_  # the same steps
    assert_allclose(nearly_last.coefs_[0], last.coefs_[0], rtol=1e-9, atol=1e-12)
    assert not np.allclose(averaged.coefs_[0], last.coefs_[0])
    for attribute in ("coefs_", "intercepts_"):
        for a, b in zip(getattr(averaged, attribute), getattr(last, attribute)):
            assert a.shape == b.shape and np.all(np.isfinite(a))
    # a short fit without early stopping ends on its steps, not near its start
    short = {**QUICK, "early_stopping": False, "max_iter": 1, "batch_size": 100}
    steps = DBNRegressor(**short, average=0).fit(X, Y).score(X, Y)
    assert DBNRegressor(**short, average=0.99).fit(X, Y).score(X, Y) > steps - 0.2
    stream = {**QUICK, "random_state": 0}
    plain = DBNRegressor(**stream, average=0).partial_fit(X, Y).partial_fit(X, Y)
    other = DBNRegressor(**stream, average=0.9).partial_fit(X, Y).partial_fit(X, Y)
    assert_allclose(other.coefs_[0], plain.coefs_[0])
    warm = {**params, "warm_start": True}
    plain = DBNRegressor(**warm, average=0).fit(X, Y)
    other = DBNRegressor(**warm, average=0).fit(X, Y)
    other.set_params(average=0.9)  # a warm start continues without averaging
    assert_allclose(plain.fit(X, Y).coefs_[0], other.fit(X, Y).coefs_[0])


def test_float32_models_keep_the_targets_precision():
    # Targets far from zero: their mean and spread are taken in float64.
    reg = DBNRegressor(**QUICK).fit(X.astype(np.float32), Y + 1e8)
    assert_allclose(reg._y_mean_, [Y.mean() + 1e8], rtol=1e-15)
    assert_allclose(reg._y_scale_, [Y.std()], rtol=1e-9)
    assert reg.coefs_[0].dtype == np.float32


def test_it_learns_a_nonlinear_function_that_a_linear_model_misses():
    # Friedman #1 has a sine of a product and a square: Ridge reaches about 0.7.
    reg = DBNRegressor(random_state=0).fit(X, Y)
    ridge = Ridge().fit(X, Y)
    assert reg.score(X_TEST, Y_TEST) > ridge.score(X_TEST, Y_TEST) + 0.1


def test_without_pretraining_there_is_no_dbn_and_no_unit_interval_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # real-valued X: no [0, 1] warning either way
        reg = DBNRegressor(**{**QUICK, "pretrain": False}).fit(X, Y)
        DBNRegressor(**QUICK).fit(X, Y)
    assert reg.dbn_ is None


def test_binary_bottom_units_warn_about_real_valued_x():
    with pytest.warns(UserWarning, match=r"models data in \[0, 1\]"):
        DBNRegressor(**{**QUICK, "gaussian_visible": False}).fit(X, Y)
