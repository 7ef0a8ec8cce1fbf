"""One lifecycle for every estimator: the same behaviour from each, stated once.

Parametrized over every public estimator, the CVAE's two conditionings and the
Gaussian variants: fitting, partial_fit, warm starts and divergence; the fitted
attributes each path leaves; codes given to inverse_transform; sampling seeds;
float32 models given float64 data; warnings pointing at the caller.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from skgen import (
    CVAE,
    DBN,
    VAE,
    BernoulliRBM,
    DBNClassifier,
    DBNRegressor,
    DeepAutoencoder,
    DivergenceError,
    GaussianRBM,
    RatingRBM,
    RBMClassifier,
    ReplicatedSoftmax,
    TabularVAE,
)
from skgen._network_base import BaseNetwork

_digits = load_digits()
X_UNIT = _digits.data[:60] / 16.0
X_REAL = StandardScaler().fit_transform(_digits.data[:60])
X_COUNTS = _digits.data[:60]  # grey levels 0..16, as word counts
X_RATINGS = np.where(X_COUNTS > 0, X_COUNTS, np.nan)  # 1..16, the zeros missing
Y = _digits.target[:60]
# A real-valued target for the regressor: a smooth function of the pixels.
Y_REAL = X_REAL[:, 20] - 0.5 * X_REAL[:, 43] + 0.1 * _digits.target[:60]

NET = dict(max_iter=3, batch_size=10, random_state=0)
SMALL_VAE = dict(n_components=2, hidden_layer_sizes=(8,), **NET)
ESTIMATORS = {
    "BernoulliRBM": BernoulliRBM(n_components=8, n_iter=3, random_state=0),
    "GaussianRBM": GaussianRBM(n_components=8, n_iter=3, random_state=0),
    "BernoulliRBM-relu": BernoulliRBM(
        n_components=8, n_iter=3, hidden_units="relu", random_state=0
    ),
    "VAE": VAE(**SMALL_VAE),
    "VAE-gaussian": VAE(likelihood="gaussian", **SMALL_VAE),
    "TabularVAE": TabularVAE(**SMALL_VAE),
    "CVAE-prior": CVAE(**SMALL_VAE),
    "CVAE-concat": CVAE(conditioning="concat", **SMALL_VAE),
    "DBN": DBN(hidden_layer_sizes=(8, 4), n_iter=2, random_state=0),
    "DBN-gaussian": DBN(
        hidden_layer_sizes=(8, 4),
        n_iter=2,
        learning_rate=0.01,
        gaussian_visible=True,
        random_state=0,
    ),
    "DBN-binary": DBN(
        hidden_layer_sizes=(8, 4), n_iter=2, hidden_units="bernoulli", random_state=0
    ),
    "DBNClassifier": DBNClassifier(hidden_layer_sizes=(8,), rbm_n_iter=2, **NET),
    "DBNClassifier-binary": DBNClassifier(
        hidden_layer_sizes=(8,), rbm_n_iter=2, hidden_units="bernoulli", **NET
    ),
    "RBMClassifier": RBMClassifier(n_components=8, **NET),
    "ReplicatedSoftmax": ReplicatedSoftmax(n_components=4, n_iter=3, random_state=0),
    "RatingRBM": RatingRBM(n_components=4, max_iter=3, batch_size=10, random_state=0),
    # The other networks' validation defaults, which the tests' row counts assume.
    "DBNRegressor": DBNRegressor(
        hidden_layer_sizes=(8,),
        rbm_n_iter=2,
        early_stopping=False,
        validation_fraction=0.1,
        **NET,
    ),
    "DeepAutoencoder": DeepAutoencoder(
        hidden_layer_sizes=(8,), n_components=2, rbm_n_iter=2, **NET
    ),
    "DeepAutoencoder-squared": DeepAutoencoder(
        hidden_layer_sizes=(8,),
        n_components=2,
        rbm_n_iter=2,
        loss="squared_error",
        rbm_learning_rate=0.005,
        hidden_units="bernoulli",
        **NET,
    ),
}
NETWORKS = [n for n, est in ESTIMATORS.items() if isinstance(est, BaseNetwork)]
DECODERS = [n for n, e in ESTIMATORS.items() if hasattr(e, "inverse_transform")]
SAMPLERS = [name for name, est in ESTIMATORS.items() if hasattr(est, "sample")]
BERNOULLI_DATA = [
    "BernoulliRBM",
    "VAE",
    "CVAE-prior",
    "CVAE-concat",
    "DBN",
    "DBNClassifier",
    "DeepAutoencoder",
    "RBMClassifier",
]
# Its inputs are rating levels: it refuses a value it has not seen as a level
# (1e39 below).
LEVELS = ["RatingRBM"]
# A step size that makes any fit explode.
DIVERGING = {"learning_rate": 1e30}


def make(name, **params):
    return clone(ESTIMATORS[name]).set_params(**params)


def data(name):
    if name == "ReplicatedSoftmax":
        return X_COUNTS
    if name == "RatingRBM":
        return X_RATINGS
    real = any(
        w in name for w in ("Gaussian", "gaussian", "squared", "Regressor", "Tabular")
    )
    return X_REAL if real else X_UNIT


def target(est, n):
    """The y an estimator's fit takes (None for an unsupervised one)."""
    if is_regressor(est):
        return Y_REAL[:n]
    return Y[:n] if is_classifier(est) else None


def fit(est, X, **kwargs):
    y = target(est, X.shape[0])
    return est.fit(X) if y is None else est.fit(X, y)


def partial_fit(est, X):
    if is_classifier(est):
        return est.partial_fit(X, Y[: len(X)], classes=np.arange(10))
    if is_regressor(est):
        return est.partial_fit(X, Y_REAL[: len(X)])
    return est.partial_fit(X)


def fitted_state(est):
    """Every fitted attribute, pickled: equal bytes mean an unchanged model."""
    names = sorted(n for n in vars(est) if n.endswith("_") and not n.startswith("__"))
    return {n: pickle.dumps(getattr(est, n)) for n in names}


# ----------------------------------------------------------------- divergence
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_diverged_fit_leaves_an_unfitted_estimator(name):
    est = make(name, **DIVERGING)
    with pytest.raises(DivergenceError, match="diverged"):
        fit(est, data(name))
    assert not [n for n in vars(est) if n.endswith("_") and not n.startswith("__")]
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_diverged_partial_fit_leaves_the_model_as_it_was(name):
    est = fit(make(name), data(name))
    before = fitted_state(est)
    held = {n: v for n, v in vars(est).items() if isinstance(v, np.ndarray)}
    est.set_params(**DIVERGING)
    with pytest.raises(DivergenceError):
        partial_fit(est, data(name))
    assert fitted_state(est) == before
    for n, array in held.items():  # restored in place: references stay valid
        assert getattr(est, n) is array
    if name in NETWORKS:  # and a diverged warm start too
        with pytest.raises(DivergenceError):
            fit(est.set_params(warm_start=True), data(name))
        assert fitted_state(est) == before


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ESTIMATORS)
def test_a_diverged_first_partial_fit_leaves_an_unfitted_estimator(name):
    est = make(name, **DIVERGING)
    with pytest.raises(DivergenceError):
        partial_fit(est, data(name))
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


# --------------------------------------------------------- fitted attributes
def check_training_attributes(est, n_epochs, n_rows):
    assert len(est.loss_curve_) == est.n_iter_ == n_epochs
    assert est.best_loss_ == min(est.loss_curve_)
    assert est.t_ == n_rows
    if est.validation_scores_ is not None:
        assert len(est.validation_scores_) == n_epochs
        finite = [s for s in est.validation_scores_ if np.isfinite(s)]
        assert est.best_validation_score_ == (max(finite) if finite else None)
    else:
        assert est.best_validation_score_ is None


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("name", NETWORKS)
def test_every_training_path_fills_the_same_attributes(name, early_stopping):
    X = data(name)
    n_train = 54 if early_stopping else 60  # validation_fraction=0.1 of 60 rows
    est = fit(make(name, early_stopping=early_stopping, n_iter_no_change=50), X)
    check_training_attributes(est, 3, 3 * n_train)
    # fit, then partial_fit: one more epoch on all the rows, nothing held out
    partial_fit(est, X)
    check_training_attributes(est, 4, 3 * n_train + 60)
    if early_stopping:
        assert np.isnan(est.validation_scores_[-1])
        assert np.isfinite(est.validation_scores_[:3]).all()
    # a warm start appends its epochs
    fit(est.set_params(warm_start=True), X)
    check_training_attributes(est, 7, 6 * n_train + 60)
    # partial_fit alone
    only = partial_fit(make(name, early_stopping=early_stopping), X)
    check_training_attributes(only, 1, 60)
    assert (only.validation_scores_ is None) != early_stopping


AUTO_EPOCHS = [n for n in NETWORKS if type(ESTIMATORS[n])().max_iter == "auto"]


@pytest.mark.parametrize("name", AUTO_EPOCHS)
def test_auto_epoch_limits_count_adam_steps_and_are_kept(name):
    """60 rows at batch 10 are 6 steps an epoch: 20,000 steps are 3,334 epochs
    (DBNClassifier's 2,000 fine-tuning steps 334) and a patience of 500 steps 84;
    the fit stops on that patience (tol is unreachable)."""
    X = data(name)
    est = fit(make(name, max_iter="auto", n_iter_no_change="auto", tol=1e9), X)
    max_iter = 334 if name.startswith("DBNClassifier") else 3334
    assert (est.max_iter_, est.n_iter_no_change_) == (max_iter, 84)
    assert est.n_iter_ == 85
    est = fit(make(name, max_iter=7, n_iter_no_change=3), X)
    assert (est.max_iter_, est.n_iter_no_change_) == (7, 3)
    assert est.n_iter_ <= 7
    partial_fit(est, X)  # one epoch, whatever max_iter says
    assert (est.max_iter_, est.n_iter_no_change_) == (1, 3)


@pytest.mark.parametrize("name", NETWORKS)
def test_warm_start_continues_from_the_fitted_network(name):
    X = data(name)
    cold = fit(make(name, max_iter=1), X)
    warm = fit(make(name, max_iter=1), X)
    fit(warm.set_params(warm_start=True, max_iter=3), X)
    fit(cold, X)  # warm_start=False: the same first epoch again
    assert warm.n_iter_ == 4 and cold.n_iter_ == 1
    assert warm.loss_curve_[0] == cold.loss_curve_[0]
    # On from the first epoch's model: lower losses (one noisy epoch may not be).
    assert min(warm.loss_curve_[1:]) < warm.loss_curve_[0]


@pytest.mark.parametrize("name", NETWORKS)
def test_early_stopping_with_too_large_a_validation_fraction_says_so(name):
    est = make(name, early_stopping=True, validation_fraction=0.99)
    with pytest.raises(ValueError, match="0.99 holds out 40 of the 40 samples"):
        fit(est, data(name)[:40])


@pytest.mark.parametrize("name", NETWORKS)
def test_a_warm_start_holds_out_the_rows_the_first_fit_held_out(name, monkeypatch):
    import skgen._network_base as network_base

    held_out = []

    def spy(X, y, fraction, rng):
        parts = network_base.split_validation.__wrapped__(X, y, fraction, rng)
        held_out.append(parts[2])
        return parts

    spy.__wrapped__ = network_base.split_validation
    monkeypatch.setattr(network_base, "split_validation", spy)
    est = fit(make(name, early_stopping=True), data(name))
    fit(est.set_params(warm_start=True), data(name))
    assert len(held_out) == 2
    assert_array_equal(held_out[0], held_out[1])


@pytest.mark.parametrize("name", NETWORKS)
def test_a_warm_start_after_partial_fit_holds_rows_out(name):
    """partial_fit holds nothing out; a warm fit with early stopping after it
    draws its own split (it used to look for the first fit's)."""
    est = partial_fit(make(name, early_stopping=True), data(name))
    fit(est.set_params(warm_start=True), data(name))
    assert np.isfinite(est.validation_scores_[-1])


@pytest.mark.parametrize("name", [n for n in NETWORKS if n in SAMPLERS])
def test_sampling_between_partial_fits_does_not_change_training(name):
    plain, sampled = fit(make(name), data(name)), fit(make(name), data(name))
    draw(sampled)
    partial_fit(plain, data(name))
    partial_fit(sampled, data(name))
    assert plain.loss_curve_ == sampled.loss_curve_


# ----------------------------------------------------------- inverse_transform
def decode(est, Z):
    if isinstance(est, CVAE) and est.conditioning == "concat":
        return est.inverse_transform(Z, y=Y[0])
    return est.inverse_transform(Z)


@pytest.mark.parametrize("name", DECODERS)
def test_inverse_transform_of_an_unfitted_estimator_says_so(name):
    with pytest.raises(NotFittedError):
        decode(make(name), np.zeros((2, 2)))


@pytest.mark.parametrize("name", DECODERS)
def test_inverse_transform_refuses_bad_codes_with_a_clear_message(name):
    est = fit(make(name), data(name))
    Z = est.transform(data(name)[:4])
    assert decode(est, Z).shape == (4, 64)
    width = Z.shape[1]
    bad = {
        "NaN": (np.where(np.arange(width) == 0, np.nan, Z), ValueError, "NaN"),
        "inf": (Z + np.inf, ValueError, "infinity"),
        "complex": (Z + 1j, ValueError, "Complex data not supported"),
        "sparse": (sp.csr_matrix(Z), TypeError, "dense data is required"),
        "3-D": (Z[None], ValueError, "Found array with dim 3"),
        "1-D": (Z[0], ValueError, "Expected 2D array, got 1D array"),
        "width": (np.hstack([Z, Z]), ValueError, f"expects codes of {width}"),
    }
    for codes, error, message in bad.values():
        with pytest.raises(error, match=message):
            decode(est, codes)


# ----------------------------------------------------------------- sampling
def draw(est, random_state=None):
    out = est.sample(5, random_state=random_state)
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("name", SAMPLERS)
def test_sample_seeds_an_int_repeats_none_draws_anew(name):
    est = fit(make(name), data(name))
    assert_array_equal(draw(est, 7), draw(est, 7))
    first, second = draw(est), draw(est)
    assert not np.array_equal(first, second)
    again = fit(make(name), data(name))  # same random_state: the same sequence
    assert_array_equal(draw(again), first)
    assert_array_equal(draw(again), second)
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        est.sample(0)


def test_deep_autoencoder_samples_decode_draws_from_the_code_density():
    X = _digits.data[:500] / 16.0
    ae = DeepAutoencoder(
        hidden_layer_sizes=(32,),
        n_components=4,
        rbm_n_iter=5,
        max_iter=30,
        random_state=0,
    ).fit(X)
    assert ae.code_density_.means_.shape == (10, 4)
    samples = ae.sample(3000, random_state=0)
    assert samples.shape == (3000, 64) and 0 <= samples.min() <= samples.max() <= 1
    recon = ae.inverse_transform(ae.transform(X))
    # Decoded draws from the codes' density look like the decoded training codes.
    assert np.abs(samples.mean(axis=0) - recon.mean(axis=0)).max() < 0.05
    assert 0.5 < samples.std(axis=0).mean() / recon.std(axis=0).mean() < 1.5
    # partial_fit refits the density on its block; one row keeps the old density
    density = ae.partial_fit(X[:1]).code_density_
    assert density is not None and ae.partial_fit(X[:1]).code_density_ is density
    assert ae.partial_fit(X[:50]).code_density_ is not density


# ----------------------------------------- feature names, pandas output, composition
TRANSFORMERS = [n for n, e in ESTIMATORS.items() if hasattr(e, "transform")]


@pytest.mark.parametrize("name", TRANSFORMERS)
def test_every_transformer_names_its_features_and_composes_under_pandas_output(name):
    """get_feature_names_out, set_output(transform="pandas") alone and in a
    Pipeline, a ColumnTransformer and a FeatureUnion: what scikit-learn's own
    transformers do."""
    pd = pytest.importorskip("pandas")
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import FeatureUnion, make_pipeline

    X = data(name)
    est = make(name)
    y = target(est, len(X))
    prefix = type(est).__name__.lower()
    with pytest.raises(NotFittedError):
        est.get_feature_names_out()
    fitted = fit(est, X)
    names = fitted.get_feature_names_out()
    width = fitted.transform(X).shape[1]
    assert list(names) == [f"{prefix}{i}" for i in range(width)]

    out = clone(est).set_output(transform="pandas")
    frame = fit(out, X).transform(X)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(names)

    identity = FunctionTransformer(feature_names_out="one-to-one")
    pipe = make_pipeline(identity, clone(est))  # fitted on a named DataFrame
    pipe.set_output(transform="pandas")
    frame = pipe.fit(X, y).transform(X)
    assert list(frame.columns) == list(names)

    columns = ColumnTransformer([("model", clone(est), list(range(X.shape[1])))])
    frame = columns.set_output(transform="pandas").fit(X, y).transform(X)
    assert list(frame.columns) == [f"model__{n}" for n in names]

    union = FeatureUnion([("model", clone(est)), ("raw", clone(identity))])
    frame = union.set_output(transform="pandas").fit(X, y).transform(X)
    assert frame.shape == (len(X), width + X.shape[1])
    assert list(frame.columns[:width]) == [f"model__{n}" for n in names]


# ----------------------------------------------------- dtypes and large values
@pytest.mark.filterwarnings("ignore:.* models data in \\[0, 1\\]:UserWarning")
@pytest.mark.parametrize("name", [n for n in ESTIMATORS if n not in LEVELS])
def test_a_float32_model_given_float64_data_beyond_its_range_stays_finite(name):
    est = fit(make(name), data(name).astype(np.float32))
    X = data(name)[:5].copy()
    X[:, 10] = 1e39  # beyond float32's range
    for method in ("transform", "predict_proba"):
        if hasattr(est, method):
            out = getattr(est, method)(X)
            assert np.isfinite(out).all(), method
            assert out.dtype == np.float64
    if is_regressor(est):
        out = est.predict(X)
        assert np.isfinite(out).all() and out.dtype == np.float64
    elif hasattr(est, "predict"):
        assert np.isin(est.predict(X), est.classes_).all()
    # Scores: a number for every row, never NaN (-inf where a VAE's code overflows).
    for method in ("score_samples", "log_likelihood", "predict_log_proba"):
        if hasattr(est, method):
            try:
                out = np.asarray(getattr(est, method)(X))
            except NotImplementedError:  # a likelihood the model cannot give
                assert name == "BernoulliRBM-relu" and method == "log_likelihood"
                continue
            assert not np.isnan(out).any(), method
    if hasattr(est, "score") and name != "RatingRBM":
        y = target(est, len(X))
        assert not np.isnan(est.score(X) if y is None else est.score(X, y))


@pytest.mark.parametrize("name", ESTIMATORS)
def test_outputs_are_in_the_dtype_of_the_input(name):
    est = fit(make(name), data(name))  # a float64 model
    for dtype in (np.float32, np.float64):
        X = data(name)[:5].astype(dtype)
        if hasattr(est, "transform"):
            assert est.transform(X).dtype == dtype


# ------------------------------------------------------------ classifiers
@pytest.mark.parametrize(
    "name", ["CVAE-prior", "CVAE-concat", "DBNClassifier", "RBMClassifier"]
)
def test_classifiers_partial_fit_needs_classes_first_and_give_log_proba(name):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        make(name).partial_fit(X_UNIT, Y)
    est = make(name).partial_fit(X_UNIT[:30], Y[:30], classes=np.arange(10))
    est.partial_fit(X_UNIT[30:], Y[30:])
    assert_array_equal(est.classes_, np.arange(10))
    log_proba = est.predict_log_proba(X_UNIT)
    np.testing.assert_allclose(np.exp(log_proba), est.predict_proba(X_UNIT))
    np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0)
    assert_array_equal(est.predict(X_UNIT), est.classes_[log_proba.argmax(axis=1)])


def test_dbn_classifier_partial_fit_pretrains_on_the_first_block_then_fine_tunes():
    X, y = _digits.data[:600] / 16.0, _digits.target[:600]
    clf = DBNClassifier(
        hidden_layer_sizes=(32,), rbm_n_iter=3, batch_size=20, random_state=0
    )
    clf.partial_fit(X[:300], y[:300], classes=np.arange(10))
    assert clf.dbn_.rbms_[0].n_features_in_ == 64
    for _ in range(20):
        clf.partial_fit(X[300:], y[300:])
    assert clf.n_iter_ == 21
    assert clf.score(X, y) > 0.85


# ------------------------------------------------------------- warnings
# The explicit setting of Bernoulli units in each estimator that can choose.
BERNOULLI_SETTING = {
    "VAE": {"likelihood": "bernoulli"},
    "CVAE-prior": {"likelihood": "bernoulli"},
    "CVAE-concat": {"likelihood": "bernoulli"},
    "DBN": {"gaussian_visible": False},
    "DBNClassifier": {"gaussian_visible": False},
    "DBNRegressor": {"gaussian_visible": False},
    "DeepAutoencoder": {"loss": "cross_entropy"},
    "RBMClassifier": {"gaussian_visible": False},
}
# The fitted attribute of the choice, and its value for Bernoulli units.
CHOICE = {
    "VAE": ("likelihood_", "bernoulli"),
    "CVAE-prior": ("likelihood_", "bernoulli"),
    "CVAE-concat": ("likelihood_", "bernoulli"),
    "DBN": ("gaussian_visible_", False),
    "DBNClassifier": ("gaussian_visible_", False),
    "DBNRegressor": ("gaussian_visible_", False),
    "DeepAutoencoder": ("loss_", "cross_entropy"),
    "RBMClassifier": ("gaussian_visible_", False),
}


@pytest.mark.parametrize("name", sorted(CHOICE))
@pytest.mark.parametrize("sparse", [False, True])
def test_auto_units_follow_the_data(name, sparse):
    """At the defaults, intensities in [0, 1] get Bernoulli units and data outside
    [0, 1] Gaussian ones (StandardScaler's output too), silently; the choice is a fitted
    attribute, and the network is built for it."""
    attribute, bernoulli = CHOICE[name]
    rounded = X_UNIT.copy()  # MinMaxScaler's output can hold 1.0000000000000002
    rounded[0, 0], rounded[1, 1] = np.nextafter(1.0, 2.0), np.nextafter(0.0, -1.0)
    cases = (X_UNIT, True), (rounded, True), (X_UNIT * 3 - 1, False)
    for X, expected in (*cases, (X_UNIT + 0.5, False)):
        X = sp.csr_matrix(X) if sparse else X
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            # (unit-variance units on unstandardised columns: test_standardize.py)
            warnings.filterwarnings("ignore", "[^$]*assume standardised features")
            est = fit(make(name), X)
        assert (getattr(est, attribute) == bernoulli) is expected
        if name.startswith("DBN") and name != "DBN":
            layers = est.dbn_.rbms_
        elif name == "DBN":
            layers = est.rbms_
        else:
            continue
        assert isinstance(layers[0], GaussianRBM) is not expected


@pytest.mark.parametrize("name", sorted(CHOICE))
@pytest.mark.parametrize("sparse", [False, True])
def test_a_min_max_scaled_table_gets_a_learned_variance_likelihood(name, sparse):
    """Measured values after MinMaxScaler lie in [0, 1] but are not intensities
    (one row at each bound): the VAEs' "auto" gives them the Gaussian with learned
    variances, on which their codes do not collapse, and the supervised RBM-based
    models Gaussian visibles on the standardised values (``standardize``); DBN
    and DeepAutoencoder, which feed X as it is, keep Bernoulli units (unit-variance
    Gaussians suit only standardised data). A binary matrix, sparse or not, stays
    Bernoulli everywhere."""
    attribute, bernoulli = CHOICE[name]
    rng = np.random.default_rng(0)
    table = rng.normal(size=(60, 8))
    table = (table - table.min(axis=0)) / np.ptp(table, axis=0)
    binary = (rng.random((60, 8)) < 0.2).astype(float)
    as_it_is = name in ("DBN", "DeepAutoencoder")
    for X, expected in ((table, as_it_is), (binary, True)):
        X = sp.csr_matrix(X) if sparse else X
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            # (unit-variance units on unstandardised columns: test_standardize.py)
            warnings.filterwarnings("ignore", "[^$]*assume standardised features")
            est = fit(make(name), X)
        assert (getattr(est, attribute) == bernoulli) is expected


@pytest.mark.parametrize("name", BERNOULLI_DATA)
def test_data_warnings_point_at_the_callers_line(name):
    X = X_UNIT * 3 - 1
    params = BERNOULLI_SETTING.get(name, {})
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fit(make(name, **params), X)
        make_pipeline(make(name, **params)).fit(X, Y)
        if hasattr(make(name), "transform"):  # fitted through joblib.Memory
            make_pipeline(make(name, **params), FunctionTransformer()).fit(X, Y)
    ours = [w for w in record if "models data in [0, 1]" in str(w.message)]
    assert len(ours) == 2 + hasattr(make(name), "transform")  # one per fit
    assert all(w.filename == __file__ for w in ours)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    "name, params, advice",
    [
        ("DBN", {"learning_rate": [1e30, 0.05]}, "one value per layer .*: 1e\\+30"),
        ("DBNClassifier", {"rbm_learning_rate": 1e30}, "rbm_learning_rate"),
        ("DBNRegressor", {"rbm_learning_rate": 1e30}, "rbm_learning_rate"),
        (
            "DeepAutoencoder",
            {"rbm_learning_rate": 1e30, "hidden_units": "bernoulli"},
            "code_learning_rate",
        ),
    ],
)
def test_a_layer_diverging_in_pretraining_names_the_callers_parameters(
    name, params, advice
):
    with pytest.raises(DivergenceError, match=f"Layer 1 of .*{advice}"):
        fit(make(name, **params), data(name))
