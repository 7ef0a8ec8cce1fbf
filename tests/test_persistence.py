"""Persistence: pickle and joblib round trips give identical outputs, also when the
model is loaded and run by another process."""

import os
import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

import skgen
from skgen import (
    CVAE,
    DBN,
    VAE,
    BernoulliRBM,
    DBNClassifier,
    DBNRegressor,
    DeepAutoencoder,
    GaussianRBM,
    RatingRBM,
    RBMClassifier,
    ReplicatedSoftmax,
    TabularVAE,
)

X, Y = load_digits(return_X_y=True)
X, Y = X[:200] / 16.0, Y[:200]

# (estimator, the outputs compared): each public estimator, small and quick.
MODELS = [
    (BernoulliRBM(n_components=8, n_iter=2, random_state=0), ["transform", "gibbs"]),
    (GaussianRBM(n_components=8, n_iter=2, random_state=0), ["transform"]),
    (DBN(hidden_layer_sizes=(8, 4), n_iter=2, random_state=0), ["transform"]),
    (
        DBNClassifier(
            hidden_layer_sizes=(8,), rbm_n_iter=1, max_iter=3, random_state=0
        ),
        ["predict_proba"],
    ),
    (
        DBNRegressor(hidden_layer_sizes=(8,), rbm_n_iter=1, max_iter=3, random_state=0),
        ["predict"],
    ),
    (RBMClassifier(n_components=8, max_iter=3, random_state=0), ["predict_proba"]),
    (ReplicatedSoftmax(n_components=8, n_iter=2, random_state=0), ["transform"]),
    (RatingRBM(n_components=8, max_iter=2, random_state=0), ["transform"]),
    (
        VAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
        ["transform", "score_samples"],
    ),
    (
        CVAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
        ["predict_proba", "score_samples"],
    ),
    (
        TabularVAE(n_components=2, hidden_layer_sizes=(8,), max_iter=2, random_state=0),
        ["transform", "score_samples"],
    ),
    (
        DeepAutoencoder(
            hidden_layer_sizes=(8,),
            n_components=2,
            rbm_n_iter=1,
            max_iter=2,
            random_state=0,
        ),
        ["transform", "score_samples"],
    ),
]
IDS = [type(m).__name__ for m, _ in MODELS]


def data_for(model):
    """X; as word counts for the topic model; with its zeros as missing ratings
    (NaN) for the ratings model."""
    if isinstance(model, ReplicatedSoftmax):
        return X * 16  # grey levels 0..16 as word counts
    if isinstance(model, RatingRBM):
        return np.where(X > 0, X, np.nan)
    return X


def outputs(model, methods):
    results = {}
    for name in methods:
        if name == "gibbs":
            results[name] = model.gibbs(X)  # draws from random_state_, which travels
        else:
            results[name] = getattr(model, name)(data_for(model))
    return results


def fitted(model):
    if hasattr(model, "predict"):
        return model.fit(X, Y)
    return model.fit(data_for(model))


@pytest.mark.parametrize("model, methods", MODELS, ids=IDS)
def test_pickle_and_joblib_round_trips_are_exact(model, methods, tmp_path):
    model = fitted(model)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    for loaded in (pickle.loads(pickle.dumps(model)), joblib.load(path)):
        # Compared with a copy, because gibbs advances the model's generator.
        expected = outputs(pickle.loads(pickle.dumps(model)), methods)
        got = outputs(loaded, methods)
        for name in methods:
            assert_array_equal(got[name], expected[name], err_msg=name)


@pytest.mark.parametrize("model, methods", MODELS, ids=IDS)
def test_a_model_saved_by_one_process_runs_in_another(model, methods, tmp_path):
    model = fitted(model)
    joblib.dump(model, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    expected = outputs(pickle.loads(pickle.dumps(model)), methods)
    script = textwrap.dedent(
        f"""
        import sys
        import joblib
        import numpy as np
        sys.path.insert(0, {str(__file__.rsplit("/", 1)[0])!r})
        import test_persistence as t
        t.X = np.load({str(tmp_path / "X.npy")!r})
        t.Y = np.load({str(tmp_path / "Y.npy")!r})
        model = joblib.load({str(tmp_path / "model.joblib")!r})
        np.savez({str(tmp_path / "out.npz")!r}, **t.outputs(model, {methods!r}))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    got = np.load(tmp_path / "out.npz")
    for name in methods:
        assert_array_equal(got[name], expected[name], err_msg=name)


@pytest.mark.parametrize("model, methods", MODELS, ids=IDS)
def test_a_skops_round_trip_trusts_only_the_listed_types_and_is_exact(
    model, methods, tmp_path
):
    sio = pytest.importorskip("skops.io")
    model = fitted(model)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    asked = set(sio.get_untrusted_types(file=path))
    assert asked, "skops trusts nothing of skgen's by default"
    assert asked <= set(skgen.trusted_types()), sorted(asked)
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        sio.load(path)  # nothing is trusted unless the caller says so
    loaded = sio.load(path, trusted=skgen.trusted_types())
    assert type(loaded) is type(model)
    expected = outputs(pickle.loads(pickle.dumps(model)), methods)
    got = outputs(loaded, methods)
    for name in methods:
        assert_array_equal(got[name], expected[name], err_msg=name)
    if hasattr(model, "partial_fit") and not hasattr(model, "predict"):
        # the optimizer state travels: training continues as it would have
        copy = pickle.loads(pickle.dumps(model)).partial_fit(data_for(model))
        loaded.partial_fit(data_for(model))
        assert_array_equal(
            loaded.transform(data_for(model)), copy.transform(data_for(model))
        )


def test_every_listed_type_is_a_real_skgen_class():
    for name in skgen.trusted_types():
        module, _, qualname = name.rpartition(".")
        assert module.startswith("skgen.")
        cls = getattr(sys.modules[module], qualname)
        assert f"{cls.__module__}.{cls.__qualname__}" == name


def test_a_pickle_loads_runs_and_trains_after_the_kernel_cache_is_wiped(tmp_path):
    """A model saved in one environment and loaded where Numba's cache is empty (a
    new machine, a cleared cache): the kernels compile again, outputs are the same."""
    model = BernoulliRBM(n_components=8, n_iter=2, random_state=0).fit(X)
    joblib.dump(model, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", X)
    copy = pickle.loads(pickle.dumps(model))
    expected = {"gibbs": copy.gibbs(X), "partial_fit": copy.partial_fit(X).components_}
    script = textwrap.dedent(
        f"""
        import joblib
        import numpy as np
        X = np.load({str(tmp_path / "X.npy")!r})
        model = joblib.load({str(tmp_path / "model.joblib")!r})
        gibbs = model.gibbs(X)
        np.savez({str(tmp_path / "out.npz")!r}, gibbs=gibbs,
                 partial_fit=model.partial_fit(X).components_)
        """
    )
    cache = tmp_path / "empty-numba-cache"
    cache.mkdir()
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300, env=env)
    assert any(cache.rglob("*.nbi")), "the subprocess did not use the empty cache"
    got = np.load(tmp_path / "out.npz")
    for name, value in expected.items():
        assert_array_equal(got[name], value, err_msg=name)


# What skgen 0.3 added to each estimator: parameters (with their 0.2 value) and
# fitted attributes. A 0.2 model is this one without them.
ADDED_IN_0_3 = {
    "VAE": ({"likelihood": "bernoulli"}, ["likelihood_"]),
    "RBMClassifier": ({}, ["gaussian_visible", "gaussian_visible_", "early_stopping_"]),
    "DBNClassifier": ({}, ["gaussian_visible", "gaussian_visible_"]),
    "BernoulliRBM": ({}, ["learning_rate_schedule_"]),
}


@pytest.mark.parametrize("name", sorted(ADDED_IN_0_3))
def test_a_model_pickled_before_0_3_predicts_clones_and_trains_on(name):
    import skgen
    from sklearn.base import clone

    params, added = ADDED_IN_0_3[name]
    small = dict(random_state=0, **params)
    if name in ("RBMClassifier", "DBNClassifier"):
        small.update(max_iter=2)
    if name == "DBNClassifier":
        small.update(hidden_layer_sizes=(8,), rbm_n_iter=1)
    if name == "VAE":
        small.update(max_iter=2, hidden_layer_sizes=(8,), n_components=2)
    if name in ("RBMClassifier", "BernoulliRBM"):
        small.update(n_components=8)
    model = getattr(skgen, name)(**small).fit(X, Y)
    predicted = model.predict(X) if hasattr(model, "predict") else None
    for attribute in added:
        del model.__dict__[attribute]
    old = pickle.loads(pickle.dumps(model))
    repr(old), clone(old)  # get_params has every parameter again
    if predicted is not None:
        assert_array_equal(old.predict(X), predicted)
    old.partial_fit(X, Y) if hasattr(old, "classes_") else old.partial_fit(X)


# What skgen 0.4 added: the hidden unit type (binary before) and DBN's features
# (the top layer's before), as parameters with their 0.3 behaviour; what 0.5 added:
# GaussianRBM's learned variances (unit variances before); what 0.6 added: the
# standardised inputs and the exact rating rule; what 0.7 added: the averaged weights;
# what 0.8 added: the VAE's correlated Gaussian noise.
ADDED = [
    ("0.4", "BernoulliRBM", {"hidden_units": "bernoulli"}),
    ("0.4", "GaussianRBM", {"hidden_units": "bernoulli"}),
    ("0.4", "DBN", {"hidden_units": "bernoulli", "features": "top"}),
    ("0.4", "DBNClassifier", {"hidden_units": "bernoulli"}),
    ("0.4", "DBNRegressor", {"hidden_units": "bernoulli"}),
    ("0.4", "DeepAutoencoder", {"hidden_units": "bernoulli"}),
    ("0.5", "GaussianRBM", {"visible_variance": "unit"}),
    ("0.6", "RBMClassifier", {"standardize": False}),
    ("0.6", "DBNClassifier", {"standardize": False}),
    ("0.6", "DBNRegressor", {"standardize": False}),
    ("0.6", "RatingRBM", {"prediction": "mean_field"}),
    ("0.7", "DBNRegressor", {"average": 0.0}),
    ("0.8", "VAE", {"covariance_type": "diag"}),
]


@pytest.mark.parametrize(
    "name, before", [added[1:] for added in ADDED], ids=[" ".join(a[:2]) for a in ADDED]
)
def test_a_model_pickled_before_a_parameter_was_added_keeps_its_old_behaviour(
    name, before
):
    import skgen

    small = dict(random_state=0, **before)
    if name.startswith("DBN"):
        small.update(hidden_layer_sizes=(8, 4))
    if name in ("DBNClassifier", "DBNRegressor"):
        small.update(max_iter=2, rbm_n_iter=1)
    if (name.endswith("RBM") and name != "RatingRBM") or name == "DBN":
        small.update(n_iter=2)
    if name == "RatingRBM":
        small.update(max_iter=2)
    if name.endswith("RBM"):
        small.update(n_components=8)
    if name == "DeepAutoencoder":
        small.update(hidden_layer_sizes=(8,), n_components=2, max_iter=2, rbm_n_iter=1)
    model = getattr(skgen, name)(**small)
    y = Y.astype(float) if name == "DBNRegressor" else Y
    data = data_for(model)
    model.fit(data, y)
    method = "transform" if hasattr(model, "transform") else "predict"
    expected = getattr(model, method)(data)
    # An older model: without the parameters, its structure without them, and a
    # DBN's _n_features_out stored as an attribute (a property since).
    for parameter in before:
        del model.__dict__[parameter]
        model._fitted_structure_.pop(parameter, None)
        if parameter + "_" in type(model)._added_attributes:  # its resolved "auto"
            del model.__dict__[parameter + "_"]
    if name == "DBN":
        model.__dict__["_n_features_out"] = 4
    old = pickle.loads(pickle.dumps(model))
    assert {k: old.get_params()[k] for k in before} == before
    assert_array_equal(getattr(old, method)(data), expected)
    old.partial_fit(data, y, classes=np.unique(Y)) if name == "DBNClassifier" else (
        old.partial_fit(data, y)
    )
    old.fit(data, y)  # a new fit forgets the old state, properties included
