"""``standardize``: the supervised models with unit-variance Gaussian visible units
standardise X inside, so that their units of measurement do not matter."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import StandardScaler

from skgen import DBNClassifier, DBNRegressor, RBMClassifier

QUICK = {
    "RBMClassifier": dict(n_components=8, max_iter=5, random_state=0),
    "DBNClassifier": dict(hidden_layer_sizes=(8,), rbm_n_iter=2, max_iter=5),
    "DBNRegressor": dict(hidden_layer_sizes=(8,), rbm_n_iter=2, max_iter=5),
}
ESTIMATORS = [RBMClassifier, DBNClassifier, DBNRegressor]
IDS = [cls.__name__ for cls in ESTIMATORS]


def make(cls, **params):
    return cls(**{"random_state": 0, **QUICK[cls.__name__], **params})


def data(cls, rng=None):
    rng = np.random.RandomState(0) if rng is None else rng
    X = rng.normal(size=(90, 5))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
    return X, (X[:, 0] + X[:, 1] ** 2 if cls is DBNRegressor else y)


def outputs(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.predict(X)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_the_model_is_the_same_in_any_units_of_each_column(cls):
    X, y = data(cls)
    scales = np.array([1e-3, 1.0, 20.0, 1e3, 5.0])
    shifts = np.array([0.0, 1e4, 10.0, -3.0, 0.5])
    plain = make(cls).fit(X, y)
    moved = make(cls).fit(X * scales + shifts, y)
    assert plain.standardize_ and moved.standardize_
    assert_allclose(moved.input_scale_, plain.input_scale_ * scales, rtol=1e-9)
    assert_allclose(
        outputs(moved, X * scales + shifts), outputs(plain, X), rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_after_a_standardscaler_it_changes_nothing(cls):
    X, y = data(cls)
    Z = StandardScaler().fit_transform(X)
    on = make(cls).fit(Z, y)
    off = make(cls, standardize=False).fit(Z, y)
    assert_allclose(on.input_mean_, 0, atol=1e-12)
    assert_allclose(on.input_scale_, 1, rtol=1e-12)
    assert_allclose(outputs(on, Z), outputs(off, Z), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_auto_follows_the_visible_units_and_an_explicit_setting_wins(cls):
    X, y = data(cls)
    U = np.clip(X, 0, 1)  # intensities (most at 0 or 1): Bernoulli visible units
    auto = make(cls).fit(U, y)
    assert not auto.gaussian_visible_ and not auto.standardize_
    assert not hasattr(auto, "input_mean_")
    with pytest.raises(ValueError, match="standardize=True gives Bernoulli"):
        make(cls, standardize=True).fit(U, y)
    # where X does not go into visible units, standardising [0, 1] data is allowed
    network_only = (
        {"objective": "discriminative"} if cls is RBMClassifier else {"pretrain": False}
    )
    forced = make(cls, standardize=True, **network_only).fit(U, y)
    assert forced.standardize_ and hasattr(forced, "input_scale_")
    both = make(cls, standardize=True, gaussian_visible=True).fit(U, y)
    assert both.standardize_ and both.gaussian_visible_
    off = make(cls, standardize=False).fit(X, y)
    assert off.gaussian_visible_ and not off.standardize_


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_sparse_data_are_scaled_not_centred(cls):
    X, y = data(cls)
    X[np.abs(X) < 0.8] = 0
    model = make(cls).fit(sp.csr_matrix(X), y)
    assert_array_equal(model.input_mean_, 0)
    assert_allclose(model.input_scale_, X.std(axis=0), rtol=1e-12)
    assert_allclose(outputs(model, sp.csr_matrix(X)), outputs(model, X), rtol=1e-12)
    assert_allclose(
        outputs(model, X),
        outputs(make(cls, standardize=False).fit(X / X.std(axis=0), y), X / X.std(0)),
        rtol=1e-6,
        atol=1e-9,
    )


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_a_constant_column_keeps_scale_one_and_float32_stays_float32(cls):
    X, y = data(cls)
    X[:, 2] = 7.0
    model = make(cls).fit(X.astype(np.float32), y)
    assert model.input_scale_[2] == 1.0
    assert model._prepare_input(X.astype(np.float32)).dtype == np.float32
    assert np.all(np.isfinite(outputs(model, X.astype(np.float32))))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_partial_fit_takes_the_spreads_of_its_first_block(cls):
    X, y = data(cls)
    model = make(cls)
    extra = {"classes": np.unique(y)} if cls is not DBNRegressor else {}
    model.partial_fit(X[:45] * 10, y[:45], **extra)
    first = model.input_scale_.copy()
    assert_allclose(first, (X[:45] * 10).std(axis=0), rtol=1e-12)
    model.partial_fit(X[45:], y[45:])
    assert_array_equal(model.input_scale_, first)


def _unit_variance_models():
    from skgen import DBN, DeepAutoencoder, GaussianRBM

    return [
        GaussianRBM(n_components=4, n_iter=1, visible_variance="unit"),
        DBN(hidden_layer_sizes=(4,), n_iter=1),
        DeepAutoencoder(hidden_layer_sizes=(4,), n_components=2, rbm_n_iter=1,
                        max_iter=1),
        *(make(cls, standardize=False) for cls in ESTIMATORS),
    ]


@pytest.mark.parametrize(
    "model", _unit_variance_models(), ids=lambda m: type(m).__name__
)
def test_unit_variance_units_warn_about_unstandardised_columns_only(model):
    X, y = data(type(model) if type(model) in ESTIMATORS else RBMClassifier)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # standardised columns: no warning
        model.fit(StandardScaler().fit_transform(X), y)
    X[:, 3] *= 50
    with pytest.warns(UserWarning, match=r"deviations from .* to .*StandardScaler"):
        model.fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_standardising_models_and_learned_variances_do_not_warn(cls):
    from skgen import GaussianRBM

    X, y = data(cls)
    X[:, 3] *= 50
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(cls).fit(X, y)
        GaussianRBM(n_components=4, n_iter=1).fit(X)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_a_warm_start_keeps_the_first_fits_spreads_and_refuses_a_new_setting(cls):
    X, y = data(cls)
    model = make(cls, warm_start=True).fit(X, y)
    first = model.input_scale_.copy()
    model.fit(X * 3, y)
    assert_array_equal(model.input_scale_, first)
    with pytest.raises(ValueError, match="standardize is False"):
        model.set_params(standardize=False).fit(X, y)
