"""ReplicatedSoftmax: the normaliser against enumeration of every word sequence, AIS
against the exact value, the kernels against numpy, and what the estimator computes
against closed forms. The lifecycle (partial_fit, divergence, dtypes, pickling,
threads) is tested over every estimator in test_lifecycle.py and test_common.py."""

import itertools
import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from scipy.special import expit, logsumexp
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skgen import ReplicatedSoftmax
from skgen._kernels._random import new_state, uniform
from skgen._kernels._topics import add_scaled_bias_sigmoid, multinomial_counts
import skgen._parallel
from skgen._models._topics import ReplicatedSoftmaxLayer, _path_steps

N_WORDS, N_HIDDEN = 4, 3


def tiny_layer(seed=0, scale=0.8):
    rng = np.random.RandomState(seed)
    W = rng.normal(0, scale, (N_HIDDEN, N_WORDS))
    b = rng.normal(0, 0.5, N_WORDS)
    c = rng.normal(0, 0.3, N_HIDDEN)
    return ReplicatedSoftmaxLayer(W, b, c)


def count_vectors(length):
    """Every count vector of ``length`` words over the vocabulary, with the number
    of word sequences each stands for."""
    for words in itertools.combinations_with_replacement(range(N_WORDS), length):
        v = np.bincount(words, minlength=N_WORDS)
        sequences = math.factorial(length) / np.prod([math.factorial(k) for k in v])
        yield v.astype(float), sequences


@pytest.mark.parametrize("length", [0, 1, 3, 5])
def test_exact_normaliser_sums_every_sequence_of_words(length):
    layer = tiny_layer()
    V = np.array([v for v, _ in count_vectors(length)])
    n_sequences = np.array([n for _, n in count_vectors(length)])
    # Z_D = sum over sequences exp(-F(v)), F from the hidden units summed out
    brute = logsumexp(-layer.free_energy(V), b=n_sequences)
    _, log_z, std_err, _ = layer.log_partition([length], "exact", 2, 2, None)
    assert_allclose(log_z[0], brute, rtol=1e-12)
    assert std_err[0] == 0.0


def test_free_energy_sums_the_hidden_states():
    layer = tiny_layer()
    V = np.array([[2.0, 0, 1, 4], [0, 0, 0, 0], [1, 1, 1, 1]])
    D = V.sum(1)
    states = np.array(list(itertools.product([0, 1], repeat=N_HIDDEN)), float)
    # -E(v, h) = h' W v + b' v + D c' h
    neg_energy = (V @ layer.W.T) @ states.T + (V @ layer.b)[:, None]
    neg_energy += D[:, None] * (states @ layer.c)[None, :]
    assert_allclose(-layer.free_energy(V), logsumexp(neg_energy, axis=1), rtol=1e-12)


def test_ais_agrees_with_the_exact_normaliser():
    rng = np.random.RandomState(1)
    layer = ReplicatedSoftmaxLayer(
        rng.normal(0, 0.3, (6, 10)), rng.normal(0, 1, 10), rng.normal(0, 0.2, 6)
    )
    lengths = np.array([0.0, 5.0, 20.0])
    _, exact, _, _ = layer.log_partition(lengths, "exact", 2, 2, None)
    _, ais, std_err, _ = layer.log_partition(
        lengths, "ais", 64, 1000, np.random.RandomState(0)
    )
    assert_allclose(ais, exact, atol=0.05)
    assert np.all(np.abs(ais - exact) < 4 * std_err + 1e-3)
    assert np.all(std_err < 0.03)


def test_multinomial_draws_have_the_softmax_frequencies():
    rng = np.random.RandomState(2)
    logits = rng.normal(0, 1, (3, 7))
    b = rng.normal(0, 1, 7)
    lengths = np.array([0.0, 4.0, 200_000.0])
    state = new_state(rng)
    before = state.copy()
    out = np.empty_like(logits)
    probs = np.exp(logits + b - logsumexp(logits + b, axis=1, keepdims=True))
    multinomial_counts(logits.copy(), b, lengths, out, state)
    assert_allclose(out.sum(axis=1), lengths)
    assert np.all(out == np.round(out)) and out.min() >= 0
    expected = lengths[2] * probs[2]
    # each count is binomial: within 5 standard deviations
    assert np.all(np.abs(out[2] - expected) < 5 * np.sqrt(expected) + 1)
    # 4 words drawn one by one, then one key for the long document's binomials
    assert state[1] == before[1] + 5
    again = np.empty_like(out)
    multinomial_counts(logits.copy(), b, lengths, again, before)
    assert_allclose(again, out)


@pytest.mark.parametrize("length", [3, 30])  # word by word, conditional binomials
def test_both_multinomial_draws_pass_a_chi_square_test(length):
    """Over 3 words, the counts of every draw against the multinomial's exact
    probabilities: below and above ``BINOMIALS_PER_WORD`` times the vocabulary."""
    rng = np.random.RandomState(4)
    logits = np.tile(rng.normal(0, 1, 3), (20_000, 1))
    probs = np.exp(logits[0] - logsumexp(logits[0]))
    out = np.empty_like(logits)
    lengths = np.full(len(logits), float(length))
    multinomial_counts(logits.copy(), np.zeros(3), lengths, out, new_state(rng))
    assert_array_equal(out.sum(axis=1), length)
    cells = {}
    for row in out.astype(int):
        cells[tuple(row)] = cells.get(tuple(row), 0) + 1
    keys = [
        (a, b, length - a - b) for a in range(length + 1) for b in range(length + 1 - a)
    ]
    expected = np.array([stats.multinomial.pmf(k, length, probs) for k in keys])
    observed = np.array([cells.get(k, 0) for k in keys])
    # cells of fewer than 5 expected draws pooled into one (there are some at 30)
    rare = expected * len(out) < 5
    assert rare.any() == (length == 30)
    pooled_expected = np.append(expected[~rare], expected[rare].sum()) * len(out)
    pooled_observed = np.append(observed[~rare], observed[rare].sum())
    if not rare.any():
        pooled_expected, pooled_observed = pooled_expected[:-1], pooled_observed[:-1]
    assert stats.chisquare(pooled_observed, pooled_expected).pvalue > 1e-3


def test_a_word_of_probability_zero_is_never_drawn():
    logits = np.array([[0.0, -np.inf, 0.0, -np.inf]])
    out = np.empty_like(logits)
    multinomial_counts(
        logits,
        np.zeros(4),
        np.array([1000.0]),
        out,
        new_state(np.random.RandomState(0)),
    )
    assert out[0, 1] == out[0, 3] == 0 and out.sum() == 1000


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hidden_means_scale_the_bias_by_the_length(dtype):
    rng = np.random.RandomState(3)
    act = rng.normal(0, 1, (4, 5)).astype(dtype)
    lengths, c = np.array([0.0, 1.0, 10.0, 3.0]), rng.normal(0, 1, 5).astype(dtype)
    expected = expit(act.astype(float) + np.outer(lengths, c))
    add_scaled_bias_sigmoid(act, lengths, c)
    assert_allclose(act, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


def corpus(seed=0, n_docs=120):
    """Documents from two topics over 12 words, lengths 5 to 40."""
    rng = np.random.RandomState(seed)
    topics = np.array([[4.0] * 6 + [0.2] * 6, [0.2] * 6 + [4.0] * 6])
    topics /= topics.sum(axis=1, keepdims=True)
    X = np.array(
        [rng.multinomial(rng.randint(5, 41), topics[i % 2]) for i in range(n_docs)]
    )
    return X.astype(float)


def unigram_perplexity(X_train, X_test):
    p = X_train.sum(axis=0) + 1.0
    p /= p.sum()
    return np.exp(-(X_test @ np.log(p)).sum() / X_test.sum())


def test_with_no_weights_the_model_is_the_smoothed_unigram_model():
    X = corpus()
    model = ReplicatedSoftmax(n_components=3, n_iter=0, random_state=0).fit(X)
    model.components_[...] = 0.0
    assert_allclose(model.perplexity(X[:30]), unigram_perplexity(X, X[:30]), rtol=1e-10)
    assert_allclose(model.score(X[:30]), -np.log(model.perplexity(X[:30])), rtol=1e-12)


def test_it_learns_topics_that_beat_the_unigram_model():
    X = corpus()
    train, test = X[:90], X[90:]
    model = ReplicatedSoftmax(
        n_components=4, learning_rate=0.01, n_iter=30, random_state=0
    ).fit(sp.csr_matrix(train))
    exact = model.perplexity(test)  # 4 hidden units: Z_D enumerated
    assert exact < 0.9 * unigram_perplexity(train, test)
    ais = model.perplexity(test, method="ais", n_runs=16, n_betas=500)
    assert_allclose(ais, exact, rtol=0.02)
    # the features separate the two topics the documents came from
    H = model.transform(test)
    topic = np.arange(90, 120) % 2
    assert np.abs(np.corrcoef(H.T, topic)[-1, :-1]).max() > 0.9


def test_bad_counts_get_clear_errors():
    X = corpus()
    model = ReplicatedSoftmax(n_components=3, n_iter=1, random_state=0)
    with pytest.raises(ValueError, match="Negative values"):
        model.fit(-X)
    model.fit(X)
    with pytest.raises(ValueError, match="not whole numbers.*CountVectorizer"):
        model.perplexity(X * 0.5 + 0.25)
    with pytest.raises(ValueError, match="not whole numbers"):
        clone(model).fit(X / X.sum(axis=1, keepdims=True))
    model.transform(X * 0.5)  # features of weighted counts are defined
    for length in (2.5, np.inf, -1, "abc", None, [[1, 2]]):
        with pytest.raises(ValueError, match="length must be a whole number"):
            model.log_partition_function(length)
    with pytest.raises(ValueError, match="method must be"):
        model.perplexity(X, method="exactly")
    with pytest.raises(ValueError, match="at most 20 hidden units"):
        ReplicatedSoftmax(n_components=21, n_iter=1).fit(X).perplexity(
            X, method="exact"
        )


def test_log_partition_function_of_one_length_and_of_several():
    model = ReplicatedSoftmax(n_components=3, n_iter=2, random_state=0).fit(corpus())
    log_z, std_err = model.log_partition_function(7)
    assert isinstance(log_z, float) and std_err == 0.0
    many, errors = model.log_partition_function([7, 3, 7])
    assert many.shape == (3,) and many[0] == many[2] == log_z and not errors.any()


def test_scores_of_counts_do_not_depend_on_order_subsets_or_pipelines():
    # What scikit-learn's invariance checks ask, with counts (its checks give reals).
    X = corpus()
    model = ReplicatedSoftmax(n_components=3, n_iter=2, random_state=0).fit(X)
    scores = model.score_samples(X)  # exact: 3 hidden units
    order = np.random.RandomState(0).permutation(len(X))
    assert_allclose(model.score_samples(X[order]), scores[order], rtol=1e-12)
    assert_allclose(model.score_samples(X[:7]), scores[:7], rtol=1e-12)
    pipe = make_pipeline(FunctionTransformer(), clone(model)).fit(X)
    assert_allclose(pipe.score(X), model.score(X), rtol=1e-12)


def test_perplexity_reports_the_standard_error_of_ais():
    X = corpus()
    model = ReplicatedSoftmax(n_components=3, n_iter=2, random_state=0).fit(X)
    exact, zero = model.perplexity(X[:20], return_std=True)
    assert zero == 0.0
    ais, std_err = model.perplexity(
        X[:20], method="ais", n_runs=8, n_betas=100, return_std=True
    )
    assert 0 < std_err < 0.05 * exact and abs(ais - exact) < 5 * std_err + 1e-3


def test_cd_gradients_are_the_closed_form_with_the_draws_replayed():
    layer = tiny_layer()
    X = np.array([[2.0, 0, 1, 3], [0, 5, 0, 0], [1, 1, 1, 1]])
    state = new_state(np.random.RandomState(5))
    replay = state.copy()
    grads = layer.cd_gradients(X, 1, state)
    D = X.sum(axis=1)
    h_data = expit(X @ layer.W.T + np.outer(D, layer.c))
    u = np.array([uniform(replay) for _ in range(h_data.size)]).reshape(h_data.shape)
    h = (u < h_data) * 1.0
    # the words given h: the sampler (tested above) on the replayed stream
    v = np.empty_like(X)
    multinomial_counts(h @ layer.W, layer.b, D, v, replay)
    assert_allclose(v.sum(axis=1), D)
    h_model = expit(v @ layer.W.T + np.outer(D, layer.c))
    n = len(X)
    assert_allclose(grads[0], (h_data.T @ X - h_model.T @ v) / n, rtol=1e-12)
    assert_allclose(grads[1], (X - v).sum(axis=0) / n, rtol=1e-12, atol=1e-15)
    assert_allclose(grads[2], D @ (h_data - h_model) / n, rtol=1e-12)
    assert state[1] == replay[1]  # the same number of draws


def test_a_step_too_large_says_so_even_below_the_parameter_bound():
    """At learning_rate=1e6 the weights stay near 2e7, under the 1e8 bound of the
    parameters, but what the hidden units see (weights times a document's length)
    is far past it: the fit raises, naming learning_rate, and leaves no model."""
    from sklearn.exceptions import NotFittedError

    from skgen import DivergenceError

    X = corpus()
    model = ReplicatedSoftmax(learning_rate=1e6, n_iter=3, random_state=0)
    with pytest.raises(DivergenceError, match="hidden units' input.*learning_rate"):
        model.fit(X)
    with pytest.raises(NotFittedError):
        model.transform(X)


def test_score_is_the_log_probability_per_word_also_where_perplexity_overflows():
    X = corpus()
    model = ReplicatedSoftmax(n_components=3, n_iter=1, random_state=0).fit(X)
    model.intercept_visible_[:6] -= 3000.0  # half the words all but impossible
    score = model.score(X[:30])
    assert np.isfinite(score) and score < -709
    assert model.perplexity(X[:30]) == np.inf


def test_perplexity_pooled_over_words_and_averaged_over_documents():
    X = corpus()
    model = ReplicatedSoftmax(n_components=4, n_iter=5, random_state=0).fit(X)
    test = np.vstack([X[:20], np.zeros((1, X.shape[1]))])  # an empty document too
    log_p = model.score_samples(test)
    lengths = test.sum(axis=1)
    pooled = np.exp(-log_p.sum() / lengths.sum())
    kept = lengths > 0
    per_document = np.exp(-np.mean(log_p[kept] / lengths[kept]))
    assert_allclose(model.perplexity(test), pooled, rtol=1e-12)
    by_document = model.perplexity(test, average="documents")
    assert_allclose(by_document, per_document, rtol=1e-12)
    assert model.perplexity(test, average="documents") != pytest.approx(pooled)
    with pytest.raises(ValueError, match="average must be"):
        model.perplexity(test, average="document")


def test_the_per_document_standard_error_is_the_delta_methods_over_shared_runs():
    """The lengths share AIS's runs: the error of a perplexity is that of each
    run's normalised weights summed over lengths, each length weighed by its
    documents over their length."""
    X = corpus()
    model = ReplicatedSoftmax(n_components=4, n_iter=5, random_state=0).fit(X)
    test = X[:30]
    lengths = test.sum(axis=1)
    ais = dict(method="ais", n_runs=8, n_betas=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few steps: the ESS warning
        perplexity, got = model.perplexity(
            test, average="documents", return_std=True, **ais
        )
        unique, log_z, std_err, runs = model._layer(np.float64).log_partition(
            lengths, "ais", 8, 50, np.random.RandomState(0)
        )
        _, own_err = model.log_partition_function(unique, **ais)
    assert runs.shape == (len(unique), 8)
    assert_allclose(runs.mean(axis=1), 1.0)
    assert_allclose(runs.std(axis=1) / np.sqrt(8), std_err, rtol=1e-12)
    assert_allclose(own_err, std_err, rtol=1e-12)  # the model's random_state
    shares = np.array([np.sum(lengths == d) / d for d in unique])
    expected = perplexity * (shares @ runs).std() / np.sqrt(8) / len(test)
    assert_allclose(got, expected, rtol=1e-10)
    # correlated runs: not the sum in quadrature of independent errors
    independent = perplexity * np.sqrt(np.sum((shares * std_err) ** 2)) / len(test)
    assert not np.isclose(got, independent, rtol=1e-3)


def test_ais_on_long_documents_with_few_steps_warns_and_enough_steps_do_not():
    X = corpus()
    model = ReplicatedSoftmax(
        n_components=12, learning_rate=0.01, n_iter=30, random_state=0
    ).fit(X)
    with pytest.warns(UserWarning, match="effective runs of 16.*n_betas"):
        model.log_partition_function(2000, method="ais", n_runs=16, n_betas=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.log_partition_function(2000)  # exact: nothing to warn about
        model.log_partition_function(20, method="ais", n_runs=16, n_betas=1000)


def test_ais_reports_its_progress_when_verbose(capsys):
    X = corpus()
    model = ReplicatedSoftmax(n_components=4, n_iter=2, random_state=0).fit(X)
    model.set_params(verbose=1).perplexity(X[:10], method="ais", n_betas=20)
    out = capsys.readouterr().out
    assert "[ReplicatedSoftmax] AIS: " in out and " runs, " in out
    model.set_params(verbose=0).perplexity(X[:10], method="ais", n_betas=20)
    assert capsys.readouterr().out == ""


def test_top_words_are_each_units_largest_weights_named():
    X = corpus()
    model = ReplicatedSoftmax(n_components=3, n_iter=5, random_state=0).fit(X)
    words = np.array([f"w{i}" for i in range(X.shape[1])])
    top = model.top_words(words, n_words=4)
    assert top.shape == (3, 4)
    for unit in range(3):
        expected = words[np.argsort(-model.components_[unit], kind="stable")[:4]]
        assert_array_equal(top[unit], expected)
    assert_array_equal(model.top_words(n_words=2), np.argsort(
        -model.components_, axis=1, kind="stable")[:, :2])
    with pytest.raises(ValueError, match="one word per column"):
        model.top_words(words[:-1])
    pd = pytest.importorskip("pandas")
    named = ReplicatedSoftmax(n_components=3, n_iter=2, random_state=0).fit(
        pd.DataFrame(X, columns=words)
    )
    assert set(named.top_words(n_words=2).ravel()) <= set(words)


def test_the_effective_runs_follow_from_the_standard_error():
    from skgen._models._likelihood import ais_estimate, effective_runs

    for seed, spread in ((0, 0.1), (1, 3.0), (2, 30.0)):
        log_w = np.random.RandomState(seed).normal(0, spread, 32)
        w = np.exp(log_w - log_w.max())
        _, std_err = ais_estimate(0.0, log_w)
        assert_allclose(effective_runs(std_err, 32), w.sum() ** 2 / (w @ w))


def test_each_length_of_the_path_gets_temperatures_for_its_share_of_new_words():
    lengths = np.array([0.0, 10.0, 20.0, 21.0, 40.0])
    assert_array_equal(_path_steps(lengths, 100), [2, 100, 50, 5, 48])
    assert_array_equal(_path_steps(np.array([5.0, 6.0]), 10), [10, 2])


def test_ais_along_close_lengths_agrees_with_the_exact_normaliser():
    """A first stretch of several words, then lengths one word apart (two
    temperatures each), then a jump."""
    rng = np.random.RandomState(3)
    layer = ReplicatedSoftmaxLayer(
        rng.normal(0, 0.3, (6, 10)), rng.normal(0, 1, 10), rng.normal(0, 0.2, 6)
    )
    lengths = np.array([7.0, 8.0, 9.0, 30.0])
    _, exact, _, _ = layer.log_partition(lengths, "exact", 2, 2, None)
    _, ais, std_err, runs = layer.log_partition(
        lengths, "ais", 64, 1000, np.random.RandomState(1)
    )
    assert runs.shape == (4, 64)
    assert np.all(np.abs(ais - exact) < 4 * std_err + 1e-3)
    assert np.all(std_err < 0.1)


def test_ais_does_not_depend_on_the_thread_count(monkeypatch):
    """AIS's runs go in groups with streams of their own, spread over the threads
    that n_jobs grants."""
    workers = []
    pool = skgen._parallel.ThreadPoolExecutor

    def recording(max_workers):
        workers.append(max_workers)
        return pool(max_workers)

    monkeypatch.setattr(skgen._parallel, "ThreadPoolExecutor", recording)
    X = corpus()
    model = ReplicatedSoftmax(n_components=4, n_iter=2, random_state=0).fit(X)
    ais = dict(method="ais", n_runs=40, n_betas=30)  # three groups of runs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = model.set_params(n_jobs=1).perplexity(X[:10], return_std=True, **ais)
        two = model.set_params(n_jobs=2).perplexity(X[:10], return_std=True, **ais)
    assert one == two
    assert workers == [2]  # n_jobs=1 ran in the caller's thread
