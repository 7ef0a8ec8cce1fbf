"""DBN: greedy layer-wise pretraining, the up and down passes, sampling."""

import pickle
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import logsumexp
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import DBN, BernoulliRBM, DivergenceError, GaussianRBM
from skgen._demo import nudged_digits

X_DIGITS = load_digits().data / 16.0


def test_each_layer_is_an_rbm_trained_on_the_layer_below():
    X = X_DIGITS[:300]
    dbn = DBN(
        hidden_layer_sizes=(32, 16),
        n_iter=[3, 4],
        learning_rate=[0.05, 0.02],
        hidden_units="bernoulli",
        features="top",
        random_state=0,
    ).fit(X)
    first, second = dbn.rbms_
    assert (first.n_iter, second.n_iter) == (3, 4)
    assert (first.learning_rate, second.learning_rate) == (0.05, 0.02)
    again = BernoulliRBM(
        n_components=16,
        n_iter=4,
        learning_rate=0.02,
        learning_rate_schedule="linear",  # DBN's default, passed to every layer
        batch_size=10,
        random_state=second.random_state,
    ).fit(first.transform(X))
    assert_array_equal(second.components_, again.components_)
    assert_allclose(dbn.transform(X), second.transform(first.transform(X)))


def test_rectified_layers_learn_at_a_rate_set_by_their_input():
    """The default: rectified hidden units, each RBM above the first a GaussianRBM
    on the rectified features below, trained by CD-1 (not persistent) at
    0.5 / mean ||input||^2 (at most 0.1); transform gives every layer's
    features."""
    X = X_DIGITS[:300]
    dbn = DBN(hidden_layer_sizes=(32, 16), n_iter=3, random_state=0).fit(X)
    first, second = dbn.rbms_
    assert type(first) is BernoulliRBM and type(second) is GaussianRBM
    assert first.hidden_units == second.hidden_units == "relu"
    assert not first.persistent and not second.persistent
    H = first.transform(X)
    assert H.min() == 0.0 and (H == 0).mean() > 0.2  # rectified: many exactly 0
    rate = 0.5 / np.square(X).sum(axis=1).mean()
    assert first.learning_rate == pytest.approx(rate)
    assert second.learning_rate == pytest.approx(
        min(0.5 / np.square(H).sum(axis=1).mean(), 0.1)
    )
    again = GaussianRBM(
        n_components=16,
        n_iter=3,
        learning_rate=second.learning_rate,
        learning_rate_schedule="linear",
        hidden_units="relu",
        visible_variance="unit",  # as the DBN's layers
        persistent=False,
        random_state=second.random_state,
    ).fit(H)
    assert_array_equal(second.components_, again.components_)
    features = dbn.transform(X)
    assert_allclose(features, np.hstack([H, second.transform(H)]))
    assert_array_equal(
        dbn.get_feature_names_out(), [f"dbn{i}" for i in range(48)]
    )
    # inverse_transform reads the top layer's block of transform's output
    assert_allclose(
        dbn.inverse_transform(features),
        dbn.set_params(features="top").inverse_transform(features[:, 32:]),
    )
    assert dbn.transform(X).shape == (300, 16)
    # a rate of the user's own is kept; "auto" is set from each call's input
    given = DBN(hidden_layer_sizes=(8, 4), learning_rate=[0.01, 0.002], n_iter=1)
    assert [r.learning_rate for r in given.fit(X).rbms_] == [0.01, 0.002]
    given.set_params(learning_rate="auto").partial_fit(X[:50])
    assert given.rbms_[0].learning_rate == pytest.approx(
        0.5 / np.square(X[:50]).sum(axis=1).mean()
    )
    dbn.set_params(features="all").partial_fit(X[:50] * 0.5)
    assert first.learning_rate == pytest.approx(
        min(0.5 / np.square(X[:50] * 0.5).sum(axis=1).mean(), 0.1)  # at most 0.1
    )


def test_rectified_down_pass_and_samples():
    """The down pass rectifies the features it reconstructs, as the unrolled
    decoder does; samples are visible means in [0, 1]."""
    X = X_DIGITS[:300]
    dbn = DBN(hidden_layer_sizes=(32, 16), features="top", random_state=0).fit(X)
    first, second = (r._layer() for r in dbn.rbms_)
    H = dbn.transform(X)
    middle = np.maximum(H @ second.W + second.b, 0)
    expected = 1 / (1 + np.exp(-(middle @ first.W + first.b)))
    assert_allclose(dbn.inverse_transform(H), expected, rtol=1e-10)
    samples = dbn.sample(20, n_steps=50, random_state=0)
    assert samples.shape == (20, 64) and samples.min() >= 0 and samples.max() <= 1
    assert np.isfinite(dbn.score(X))


def test_rectified_units_errors_say_what_to_do():
    X = StandardScaler().fit_transform(X_DIGITS[:100])
    model = GaussianRBM(n_components=4, n_iter=1, hidden_units="relu", random_state=0)
    with pytest.raises(NotImplementedError, match="neither layer is binary"):
        model.fit(X).score(X)
    bound = 2 / np.square(X_DIGITS[:100]).sum(axis=1).mean()
    with pytest.raises(DivergenceError, match=f"below 2 / mean .*{bound:.3g} for"):
        BernoulliRBM(hidden_units="relu", learning_rate=1e9, random_state=0).fit(
            X_DIGITS[:100]
        )


def test_dbn_features_beat_raw_pixels_on_nudged_digits():
    X, y = nudged_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    # Measured at the defaults: 0.835 against 0.783. Without fine-tuning the second
    # layer's features are weaker than one RBM's (0.935 with 256 units): the
    # DBNClassifier's backprop is what makes depth pay.
    dbn = DBN(hidden_layer_sizes=(256, 256), random_state=0)
    with_dbn = make_pipeline(dbn, LogisticRegression(C=100.0, max_iter=2000))
    raw = LogisticRegression(C=1.0, max_iter=1000)
    acc_dbn = with_dbn.fit(X_train, y_train).score(X_test, y_test)
    acc_raw = raw.fit(X_train, y_train).score(X_test, y_test)
    assert acc_dbn > acc_raw + 0.02, (acc_dbn, acc_raw)


def test_down_pass_reconstructs_and_samples_look_like_data():
    X = X_DIGITS[:1000]
    dbn = DBN(
        hidden_layer_sizes=(64, 32),
        n_iter=15,
        learning_rate=0.1,
        hidden_units="bernoulli",
        random_state=0,
    ).fit(X)
    recon = dbn.inverse_transform(dbn.transform(X))
    mean_error = np.square(X - X.mean(axis=0)).sum(axis=1).mean()
    assert np.square(X - recon).sum(axis=1).mean() < 0.8 * mean_error  # measured 0.73
    assert dbn.score(X) == pytest.approx(-np.square(X - recon).sum(axis=1).mean())
    samples = dbn.sample(200, n_steps=200, random_state=0)
    assert samples.shape == (200, 64)
    assert samples.min() >= 0 and samples.max() <= 1
    assert np.corrcoef(samples.mean(axis=0), X.mean(axis=0))[0, 1] > 0.8
    assert_array_equal(
        dbn.sample(3, n_steps=5, random_state=1),
        dbn.sample(3, n_steps=5, random_state=1),
    )


def test_gaussian_first_layer_for_real_valued_data():
    X = StandardScaler().fit_transform(np.random.RandomState(0).normal(size=(200, 6)))
    dbn = DBN(
        hidden_layer_sizes=(8, 4),
        gaussian_visible=True,
        learning_rate=0.01,
        n_iter=3,
        hidden_units="bernoulli",
        random_state=0,
    ).fit(X)
    assert isinstance(dbn.rbms_[0], GaussianRBM)
    assert isinstance(dbn.rbms_[1], BernoulliRBM)
    recon = dbn.inverse_transform(dbn.transform(X))
    assert recon.min() < 0  # linear Gaussian means, not sigmoids


def test_partial_fit_trains_every_layer_block_by_block():
    dbn = DBN(hidden_layer_sizes=(16, 8), random_state=0)
    for block in np.array_split(X_DIGITS[:300], 3):
        assert dbn.partial_fit(block) is dbn
    assert all(hasattr(rbm, "components_") for rbm in dbn.rbms_)
    assert dbn.transform(X_DIGITS[:5]).shape == (5, 24)


def test_pickle_and_determinism_and_feature_names():
    X = X_DIGITS[:200]
    a = DBN(hidden_layer_sizes=(8, 3), n_iter=2, random_state=0).fit(X)
    b = DBN(hidden_layer_sizes=(8, 3), n_iter=2, random_state=0).fit(X)
    assert_array_equal(a.transform(X), b.transform(X))
    clone = pickle.loads(pickle.dumps(a))
    assert_array_equal(clone.transform(X), a.transform(X))
    assert_array_equal(
        a.get_feature_names_out(), [f"dbn{i}" for i in range(11)]
    )
    assert a.transform(X.astype(np.float32)).dtype == np.float32


def test_verbose_reports_each_layer_and_epoch(capsys):
    DBN(
        hidden_layer_sizes=(8, 4),
        n_iter=2,
        verbose=2,
        hidden_units="bernoulli",
        random_state=0,
    ).fit(X_DIGITS[:100])
    out = capsys.readouterr().out
    assert re.search(r"\[DBN\] Layer 1/2: 64 -> 8 units, 2 epochs", out)
    assert re.search(r"\[DBN\] Layer 2/2: 8 -> 4 units", out)
    assert len(re.findall(r"\[BernoulliRBM\] Iteration \d", out)) == 4


def test_bad_settings_get_clear_errors():
    with pytest.raises(ValueError, match="one value or one per hidden layer \\(2\\)"):
        DBN(hidden_layer_sizes=(8, 4), n_iter=[1, 2, 3]).fit(X_DIGITS[:20])
    with pytest.raises(ValueError, match="positive integers"):
        DBN(hidden_layer_sizes=(8, 0)).fit(X_DIGITS[:20])
    dbn = DBN(hidden_layer_sizes=(8, 4), n_iter=1, random_state=0).fit(X_DIGITS[:20])
    with pytest.raises(ValueError, match="expects codes of 12"):
        dbn.inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="X has 3 features, but DBN is expecting 64"):
        dbn.transform(np.zeros((2, 3)))


def test_classifier_unrolls_the_pretrained_stack():
    from skgen import DBNClassifier

    X, y = X_DIGITS[:300], load_digits().target[:300]
    for units in ("bernoulli", "relu"):
        clf = DBNClassifier(
            hidden_layer_sizes=(32, 16),
            hidden_units=units,
            rbm_n_iter=2,
            max_iter=1,
            learning_rate=1e-12,
            random_state=0,
        ).fit(X, y)
        assert clf.dbn_.hidden_units == units
        for coef, intercept, rbm in zip(clf.coefs_, clf.intercepts_, clf.dbn_.rbms_):
            assert_allclose(coef, rbm.components_.T, atol=1e-9)
            assert_allclose(intercept, rbm.intercept_hidden_, atol=1e-9)
        assert clf.coefs_[-1].shape == (16, 10)
        # Before fine-tuning, the hidden layers compute the DBN's up pass (logistic
        # or ReLU units, as the RBMs' means), and the output layer reads the top.
        top = clf.dbn_.set_params(features="top").transform(X)
        logits = top @ clf.coefs_[-1] + clf.intercepts_[-1]
        assert_allclose(
            clf.predict_log_proba(X), logits - logsumexp(logits, axis=1)[:, None],
            atol=1e-6,
        )
    scratch = DBNClassifier(
        hidden_layer_sizes=(32, 16), pretrain=False, max_iter=1, random_state=0
    ).fit(X, y)
    assert scratch.dbn_ is None


def test_classifier_learns_digits_with_any_labels():
    from skgen import DBNClassifier

    X, y = load_digits(return_X_y=True)
    labels = np.array(list("abcdefghij"))[y]
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, labels, random_state=0, stratify=labels
    )
    clf = DBNClassifier(
        hidden_layer_sizes=(100, 100),
        rbm_n_iter=10,
        batch_size=32,
        max_iter=100,
        random_state=0,
    ).fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.95  # measured 0.964
    proba = clf.predict_proba(X_test)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.predict(X_test), clf.classes_[proba.argmax(axis=1)])
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[0]


def test_classifier_early_stopping_keeps_the_best_validation_model():
    from skgen import DBNClassifier

    X, y = X_DIGITS[:600], load_digits().target[:600]
    clf = DBNClassifier(
        hidden_layer_sizes=(32,),
        rbm_n_iter=2,
        batch_size=32,
        early_stopping=True,
        n_iter_no_change=3,
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ < 100
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_auto_epochs_give_each_rbm_the_same_number_of_updates():
    """n_iter="auto": the epochs of 5,000 minibatches, at least 10."""
    from skgen._defaults import rbm_epochs

    assert rbm_epochs(4000, 10) == 13  # MNIST-5k
    assert rbm_epochs(1347, 10) == 38  # digits' training rows
    assert rbm_epochs(60000, 100) == 10  # at least 10
    assert rbm_epochs(5, 10) == 5000  # one minibatch an epoch
    dbn = DBN(hidden_layer_sizes=(4, 3), random_state=0).fit(X_DIGITS[:1000])
    assert dbn.get_params()["n_iter"] == "auto"
    assert [rbm.n_iter for rbm in dbn.rbms_] == [50, 50]
    given = DBN(hidden_layer_sizes=(4, 3), n_iter=[2, 3]).fit(X_DIGITS[:100])
    assert [rbm.n_iter for rbm in given.rbms_] == [2, 3]


def test_linear_top_gives_unbounded_codes_and_refuses_a_gaussian_gaussian_layer():
    dbn = DBN(
        hidden_layer_sizes=(16, 3),
        linear_top=True,
        learning_rate=[0.05, 0.01],
        n_iter=5,
        hidden_units="bernoulli",
        features="top",
        random_state=0,
    ).fit(X_DIGITS[:300])
    top = dbn.rbms_[-1]
    H = dbn.rbms_[0].transform(X_DIGITS[:300])
    assert_allclose(
        dbn.transform(X_DIGITS[:300]),
        H @ top.components_.T + top.intercept_hidden_,
        rtol=1e-10,
    )
    assert (dbn.transform(X_DIGITS[:300]) < 0).any()  # not probabilities
    with pytest.raises(ValueError, match="Gaussian-Gaussian"):
        DBN(hidden_layer_sizes=(3,), gaussian_visible=True, linear_top=True).fit(
            X_DIGITS[:20]
        )
    with pytest.raises(ValueError, match="above rectified units"):
        DBN(hidden_layer_sizes=(8, 3), linear_top=True).fit(X_DIGITS[:20])
    with pytest.raises(ValueError, match="leaves no rectified layer"):
        DBN(hidden_layer_sizes=(3,), linear_top=True).fit(X_DIGITS[:20])


@pytest.mark.parametrize("schedule", ["linear", "constant"])
def test_every_rbm_trains_on_the_dbns_schedule(schedule):
    dbn = DBN(
        hidden_layer_sizes=(8, 4),
        n_iter=2,
        learning_rate_schedule=schedule,
        random_state=0,
    ).fit(X_DIGITS[:100])
    assert [rbm.learning_rate_schedule for rbm in dbn.rbms_] == [schedule] * 2
    assert [rbm.n_iter_ for rbm in dbn.rbms_] == [2, 2]
