"""DeepAutoencoder: unrolling the pretrained stack, fine-tuning, the API around it."""

import pickle
import re
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler
from test_network import numerical_grad

from skgen import DeepAutoencoder, DivergenceError
from skgen import GaussianRBM
from skgen._rbm import _LinearHiddenRBM

X_DIGITS = load_digits().data / 16.0
X_TRAIN, X_TEST = X_DIGITS[:1200], X_DIGITS[1200:]

# Hinton & Salakhutdinov's binary recipe; the rectified units have tests of their own.
SMALL = dict(
    hidden_units="bernoulli",
    hidden_layer_sizes=(32,),
    n_components=4,
    rbm_n_iter=3,
    max_iter=5,
    random_state=0,
)


def pretrained_only(X, **params):
    """An autoencoder whose fine-tuning moved nothing: the unrolled stack itself."""
    settings = {**SMALL, **params, "learning_rate": 1e-300, "max_iter": 1}
    settings["early_stopping"] = False
    return DeepAutoencoder(**settings).fit(X)


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_unrolled_network_is_the_pretrained_stack(loss):
    X = X_DIGITS[:300]
    if loss == "squared_error":
        X = StandardScaler().fit_transform(X)
    ae = pretrained_only(
        X,
        hidden_layer_sizes=(16, 8),
        loss=loss,
        rbm_learning_rate=[0.01 if loss == "squared_error" else 0.05, 0.05],
    )
    rbms = ae.dbn_.rbms_
    assert isinstance(rbms[-1], _LinearHiddenRBM)  # the code layer is linear
    assert [r.n_components for r in rbms] == [16, 8, 4]
    for coef, intercept, rbm in zip(ae.encoder_coefs_, ae.encoder_intercepts_, rbms):
        assert_array_equal(coef, rbm.components_.T)
        assert_array_equal(intercept, rbm.intercept_hidden_)
    for coef, intercept, rbm in zip(
        ae.decoder_coefs_, ae.decoder_intercepts_, rbms[::-1]
    ):
        assert_array_equal(coef, rbm.components_)
        assert_array_equal(intercept, rbm.intercept_visible_)
        assert not np.shares_memory(coef, rbm.components_)  # untied copies
    # The encoder is the DBN's up pass (linear code), the decoder its down pass.
    assert_allclose(ae.transform(X), ae.dbn_.transform(X), rtol=1e-10, atol=1e-12)
    Z = ae.transform(X)
    assert_allclose(ae.inverse_transform(Z), ae.dbn_.inverse_transform(Z), atol=1e-10)


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_rectified_units_unroll_into_a_relu_network_with_a_linear_code(loss):
    """hidden_units="relu": every RBM rectified (the code's too), the encoder ReLU
    layers then the code RBM's input before rectification, the decoder ReLU layers
    mirroring them; before fine-tuning it is the stack's up and down passes."""
    X = X_DIGITS[:300]
    if loss == "squared_error":
        X = StandardScaler().fit_transform(X)
    ae = pretrained_only(X, hidden_layer_sizes=(16, 8), loss=loss, hidden_units="relu")
    rbms = ae.dbn_.rbms_
    assert [r.hidden_units for r in rbms] == ["relu"] * 3
    assert [type(r) for r in rbms[1:]] == [GaussianRBM, GaussianRBM]
    first, second, code = (r._layer() for r in rbms)
    h1 = first.mean_hidden(X)
    h2 = second.mean_hidden(h1)
    Z = h2 @ code.W.T + code.c  # linear: not rectified
    assert (Z < 0).any()
    assert_allclose(ae.transform(X), Z, rtol=1e-10, atol=1e-10)
    down = np.maximum(Z @ code.W + code.b, 0)  # reconstructs h2: ReLU
    down = np.maximum(down @ second.W + second.b, 0)  # reconstructs h1: ReLU
    out = down @ first.W + first.b
    if loss == "cross_entropy":
        out = 1 / (1 + np.exp(-out))
    assert_allclose(ae.inverse_transform(Z), out, rtol=1e-8, atol=1e-10)


def test_binary_settings_given_to_rectified_units_are_named():
    settings = {**SMALL, "hidden_units": "relu"}
    with pytest.warns(UserWarning, match="rbm_momentum applies to hidden_units="):
        DeepAutoencoder(**settings, rbm_momentum=0.9).fit(X_DIGITS[:50])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DeepAutoencoder(**settings).fit(X_DIGITS[:50])  # the defaults: no warning


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_gradients_match_finite_differences(loss, alpha):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(5, 6))
    ae = DeepAutoencoder(
        hidden_layer_sizes=(4, 3),
        n_components=2,
        pretrain=False,
        loss=loss,
        alpha=alpha,
        max_iter=1,
        early_stopping=False,
        random_state=0,
    ).fit(X)
    model = ae._model()
    for p in model.params:
        p += rng.normal(scale=0.5, size=p.shape)  # move off the initial zeros

    def objective():
        coefs = ae.encoder_coefs_ + ae.decoder_coefs_
        penalty = 0.5 * alpha * sum(np.square(w).sum() for w in coefs)
        return (ae._loss_and_grads(model, X, None) + penalty) / len(X)

    objective()
    grads = [g.copy() for g in model.grads]
    for got, expected in zip(grads, numerical_grad(objective, model.params)):
        assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_squared_error_loss_is_the_sum_of_squares_that_score_reports():
    X = StandardScaler().fit_transform(X_DIGITS[:200])
    ae = DeepAutoencoder(
        **{**SMALL, "loss": "squared_error", "rbm_learning_rate": 0.005}
    ).fit(X)
    total = ae._loss_and_grads(ae._model(), X, None)
    assert_allclose(total / len(X), -ae.score(X), rtol=1e-10)


def test_fine_tuning_improves_on_pretraining_and_beats_pca():
    # Measured: unrolled stack 4.87, fine-tuned 1.96, PCA with 4 components 2.46.
    params = dict(
        hidden_layer_sizes=(64, 32),
        n_components=4,
        rbm_n_iter=10,
        rbm_batch_size=10,
        code_learning_rate=0.01,
        hidden_units="bernoulli",
    )
    before = pretrained_only(X_TRAIN, **params)
    ae = DeepAutoencoder(
        **{**SMALL, **params, "max_iter": 60, "learning_rate": 1e-2}
    ).fit(X_TRAIN)
    pca = PCA(n_components=4).fit(X_TRAIN)
    pca_error = np.square(pca.inverse_transform(pca.transform(X_TEST)) - X_TEST)
    errors = (-before.score(X_TEST), -ae.score(X_TEST), pca_error.sum(1).mean())
    assert errors[1] < 0.5 * errors[0], errors
    assert errors[1] < 0.9 * errors[2], errors


def test_early_stopping_keeps_the_best_validation_model():
    # Large, noisy steps: the held-out error peaks at epoch 33 of 36 (measured).
    ae = DeepAutoencoder(
        **{
            **SMALL,
            "max_iter": 40,
            "n_iter_no_change": 3,
            "learning_rate": 3e-2,
            "batch_size": 20,
        }
    ).fit(X_TRAIN)
    scores = ae.validation_scores_
    assert len(scores) == len(ae.loss_curve_) == ae.n_iter_
    assert int(np.argmax(scores)) < ae.n_iter_ - 1  # the last epoch was not the best
    assert ae.best_validation_score_ == max(scores)
    assert ae.best_loss_ == min(ae.loss_curve_)
    # The model kept is the best epoch's: the held-out rows (drawn first from the
    # random_state) score as that epoch did, not as the last one.
    rng = np.random.RandomState(0)
    held_out = rng.permutation(len(X_TRAIN))[: round(0.1 * len(X_TRAIN))]
    assert_allclose(ae.score(X_TRAIN[held_out]), max(scores))
    assert ae.score(X_TRAIN[held_out]) > scores[-1]


def test_without_early_stopping_the_loss_falls():
    ae = DeepAutoencoder(**{**SMALL, "early_stopping": False, "max_iter": 8}).fit(
        X_TRAIN
    )
    assert ae.validation_scores_ is None
    assert ae.loss_curve_[-1] < ae.loss_curve_[0]
    assert ae.best_loss_ == min(ae.loss_curve_)


def test_pretrain_false_starts_from_glorot_weights():
    ae = DeepAutoencoder(**{**SMALL, "pretrain": False}).fit(X_TRAIN)
    assert ae.dbn_ is None
    assert [c.shape for c in ae.encoder_coefs_] == [(64, 32), (32, 4)]
    assert [c.shape for c in ae.decoder_coefs_] == [(4, 32), (32, 64)]


@pytest.mark.parametrize(
    "n_features, sizes, code",
    [(784, (1000, 500, 250), 30), (250, (1000, 500, 250), 30), (64, (256,), 8)]
    + [(30, (120,), 3), (5, (20,), 2)],
)
def test_auto_sizes_follow_the_number_of_features(n_features, sizes, code):
    """The "auto" rules, resolved into fitted attributes; the parameters stay
    "auto" (get_params, clone) and explicit values are used as given."""
    from skgen import _defaults

    assert tuple(_defaults.encoder_sizes(n_features)) == sizes
    assert _defaults.code_size(n_features) == code
    X = np.random.RandomState(0).uniform(size=(20, n_features))
    fast = dict(rbm_n_iter=0, max_iter=1, random_state=0)
    ae = DeepAutoencoder(**fast).fit(X)
    assert ae.get_params()["hidden_layer_sizes"] == "auto"
    assert ae.get_params()["n_components"] == "auto"
    assert ae.hidden_layer_sizes_ == sizes and ae.n_components_ == code
    assert [c.shape[1] for c in ae.encoder_coefs_] == [*sizes, code]
    assert ae.transform(X).shape == (20, code)
    given = DeepAutoencoder(hidden_layer_sizes=[7], n_components=2, **fast).fit(X)
    assert given.hidden_layer_sizes_ == (7,) and given.n_components_ == 2


def test_auto_rates_keep_a_gaussian_bottom_layer_from_diverging():
    """At the defaults, a standardised table trains: an RBM with Gaussian units on
    either side (the bottom one, the linear code) gets GaussianRBM's 0.01 (0.05
    diverged on the bottom layer), a binary-binary one 0.05."""
    from sklearn.datasets import load_breast_cancer

    from skgen import DBN

    X = StandardScaler().fit_transform(load_breast_cancer().data)
    ae = DeepAutoencoder(
        rbm_n_iter=3, max_iter=3, hidden_units="bernoulli", random_state=0
    ).fit(X)
    assert [r.learning_rate for r in ae.dbn_.rbms_] == [0.01, 0.01]  # 30 -> 120 -> 3
    binary_units = dict(hidden_units="bernoulli", n_iter=3, random_state=0)
    dbn = DBN(gaussian_visible=True, **binary_units).fit(X)
    assert [r.learning_rate for r in dbn.rbms_] == [0.01, 0.1]
    assert np.isfinite(dbn.transform(X)).all()
    binary = DBN(
        hidden_layer_sizes=(8, 4), linear_top=True, n_iter=0, hidden_units="bernoulli"
    ).fit(X_DIGITS)
    assert [r.learning_rate for r in binary.rbms_] == [0.1, 0.01]
    with pytest.raises(DivergenceError, match="Layer 1 of 2"):
        DBN(gaussian_visible=True, learning_rate=0.05, **binary_units).fit(X)
    # rectified units (DBN's default): rates from each layer's input, which train
    rectified = DBN(gaussian_visible=True, n_iter=3, random_state=0).fit(X)
    assert rectified.rbms_[0].learning_rate == pytest.approx(0.5 / 30)
    assert np.isfinite(rectified.transform(X)).all()


def test_loss_auto_picks_cross_entropy_for_unit_interval_data():
    assert DeepAutoencoder(**SMALL).fit(X_DIGITS[:100]).loss_ == "cross_entropy"
    X = StandardScaler().fit_transform(X_DIGITS[:100])
    ae = DeepAutoencoder(**{**SMALL, "rbm_learning_rate": 0.005}).fit(X)
    assert ae.loss_ == "squared_error"
    assert ae.dbn_.gaussian_visible
    assert ae.inverse_transform(ae.transform(X)).min() < 0  # a linear output


def test_cross_entropy_on_real_data_warns_with_the_fix():
    X = 3 * X_DIGITS[:100] - 1
    with pytest.warns(UserWarning, match="loss='squared_error'") as record:
        DeepAutoencoder(**{**SMALL, "loss": "cross_entropy"}).fit(X)
    assert len(record) == 1  # X is validated once: no second warning from the RBM


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    ae = DeepAutoencoder(**SMALL).fit(X_DIGITS[:200].astype(dtype))
    assert all(c.dtype == dtype for c in ae.encoder_coefs_ + ae.decoder_coefs_)
    Z = ae.transform(X_DIGITS[:10].astype(dtype))
    assert Z.dtype == dtype
    assert ae.inverse_transform(Z).dtype == dtype
    assert ae.score_samples(X_DIGITS[:10]).dtype == np.float64


def test_sparse_input_fits_the_same_model_as_dense():
    X = X_DIGITS[:200]
    dense = DeepAutoencoder(**SMALL).fit(X)
    sparse = DeepAutoencoder(**SMALL).fit(sp.csr_matrix(X))
    assert_allclose(sparse.transform(X), dense.transform(X), rtol=1e-6, atol=1e-8)
    assert_allclose(
        sparse.score_samples(sp.csr_matrix(X)), dense.score_samples(X), rtol=1e-10
    )


def test_same_random_state_same_model_also_in_threads():
    X = X_DIGITS[:300]
    reference = DeepAutoencoder(**SMALL).fit(X).transform(X)
    results = [None] * 3

    def fit(i):
        results[i] = DeepAutoencoder(**SMALL).fit(X).transform(X)

    threads = [threading.Thread(target=fit, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got in results:
        assert_array_equal(got, reference)


def test_pickle_round_trip_gives_identical_outputs():
    ae = DeepAutoencoder(**SMALL).fit(X_DIGITS[:200])
    again = pickle.loads(pickle.dumps(ae))
    assert_array_equal(again.transform(X_DIGITS), ae.transform(X_DIGITS))
    assert_array_equal(again.score_samples(X_DIGITS), ae.score_samples(X_DIGITS))


def test_partial_fit_trains_block_by_block():
    ae = DeepAutoencoder(**SMALL)
    for block in np.array_split(X_TRAIN, 4):
        ae.partial_fit(block)
    assert len(ae.loss_curve_) == ae.n_iter_ == 4
    assert ae.dbn_ is not None  # pretrained on the first block
    first = pretrained_only(np.array_split(X_TRAIN, 4)[0])
    assert ae.score(X_TEST) > first.score(X_TEST)
    with pytest.raises(ValueError, match="features"):
        ae.partial_fit(X_TRAIN[:, :10])


def test_verbose_reports_each_layer_and_epoch(capsys):
    DeepAutoencoder(**{**SMALL, "verbose": 1, "max_iter": 2}).fit(X_DIGITS[:200])
    out = capsys.readouterr().out
    assert re.search(r"\[DBN\] Layer 2/2: 32 -> 4 units", out)
    assert re.search(
        r"\[DeepAutoencoder\] Iteration 2, loss = [\d.]+, val. error "
        r"= [\d.]+, time = [\d.]+s",
        out,
    )


@pytest.mark.parametrize(
    "X, match",
    [
        (np.full((5, 4), np.nan), "NaN"),
        (np.full((5, 4), np.inf), "infinity"),
        (np.empty((0, 4)), "0 sample"),
    ],
)
def test_bad_input_is_refused(X, match):
    with pytest.raises(ValueError, match=match):
        DeepAutoencoder(**SMALL).fit(X)


def test_wrong_shapes_and_changed_sizes_are_refused():
    ae = DeepAutoencoder(**SMALL).fit(X_DIGITS[:100])
    with pytest.raises(ValueError, match="64 features"):
        ae.transform(X_DIGITS[:5, :10])
    with pytest.raises(ValueError, match="expects codes of 4"):
        ae.inverse_transform(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="NaN"):
        ae.inverse_transform(np.full((3, 4), np.nan))
    ae.set_params(n_components=6)
    with pytest.raises(ValueError, match="but the model was fitted with"):
        ae.transform(X_DIGITS[:5])


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        DeepAutoencoder(hidden_layer_sizes=(0,)).fit(X_DIGITS[:20])
    with pytest.raises(ValueError, match="rbm_learning_rate must be one value"):
        DeepAutoencoder(**{**SMALL, "rbm_learning_rate": [0.1, 0.1]}).fit(X_DIGITS[:20])
    with pytest.raises(ValueError, match="loss"):
        DeepAutoencoder(loss="hinge").fit(X_DIGITS[:20])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy, before the error
def test_diverging_fine_tuning_raises():
    with pytest.raises(DivergenceError, match="Lower learning_rate"):
        DeepAutoencoder(
            **{
                **SMALL,
                "learning_rate": 1e30,
                "pretrain": False,
                "loss": "squared_error",
            }
        ).fit((X_DIGITS[:100] * 1e20).astype(np.float32))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy, before the error
def test_a_diverged_fit_leaves_no_model_and_a_diverged_block_changes_nothing():
    from sklearn.exceptions import NotFittedError

    bad = (X_DIGITS[:100] * 1e20).astype(np.float32)
    settings = {**SMALL, "pretrain": False, "loss": "squared_error"}
    ae = DeepAutoencoder(**{**settings, "learning_rate": 1e30})
    with pytest.raises(DivergenceError):
        ae.fit(bad)
    with pytest.raises(NotFittedError):
        ae.transform(bad)
    ae = DeepAutoencoder(**settings).partial_fit(X_DIGITS[:100].astype(np.float32))
    before = [p.copy() for p in ae._model().params]
    ae.set_params(learning_rate=1e30, batch_size=10)  # ten steps in the block
    with pytest.raises(DivergenceError):
        ae.partial_fit(bad)
    for got, expected in zip(ae._model().params, before):
        assert_array_equal(got, expected)
    assert len(ae.loss_curve_) == 1


def test_settings_errors_name_the_autoencoders_own_parameters():
    with pytest.raises(ValueError, match="rbm_n_iter"):
        DeepAutoencoder(**{**SMALL, "rbm_n_iter": [2]}).fit(X_DIGITS[:50])
    X = StandardScaler().fit_transform(X_DIGITS[:50])
    with pytest.raises(ValueError, match="needs at least one hidden layer"):
        DeepAutoencoder(
            hidden_layer_sizes=(), n_components=2, hidden_units="bernoulli"
        ).fit(X)
    ae = DeepAutoencoder(**SMALL).fit(X_DIGITS[:50])
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        ae.inverse_transform(np.zeros(4))  # a 1-D code, not one row
