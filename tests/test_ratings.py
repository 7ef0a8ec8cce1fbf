"""RatingRBM: the kernels against numpy, one CD-1 update against its closed form with
the draws replayed, and the estimator's handling of levels, missing entries and
predictions. The lifecycle is tested over every estimator in test_lifecycle.py and
test_common.py."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax

from skgen import RatingRBM
from skgen._kernels._random import new_state, uniform
from skgen._models._ratings import RatingLayer, Ratings

N_ITEMS, N_LEVELS, N_HIDDEN = 6, 3, 4


def tiny():
    rng = np.random.RandomState(0)
    layer = RatingLayer(
        rng.normal(0, 0.5, (N_ITEMS, N_LEVELS, N_HIDDEN)),
        rng.normal(0, 0.5, (N_LEVELS, N_HIDDEN)),
        rng.normal(0, 0.5, (N_ITEMS, N_LEVELS)),
        rng.normal(0, 0.5, N_HIDDEN),
    )
    # user 0 rated items 1 (level 2) and 4 (level 0); user 1 nothing; user 2 item 5
    ratings = Ratings(np.array([0, 2, 2, 3]), np.array([1, 4, 5]), np.array([2, 0, 1]))
    return layer, ratings


def effective(layer):
    return layer.W + layer.S[None]


def test_hidden_means_and_expected_ratings_match_numpy():
    layer, ratings = tiny()
    W = effective(layer)
    H = layer.hidden_mean(ratings)
    expected_H = expit(
        np.array([W[1, 2] + W[4, 0], np.zeros(N_HIDDEN), W[5, 1]]) + layer.c
    )
    assert_allclose(H, expected_H, rtol=1e-12)
    values = np.array([1.0, 2.5, 4.0])
    users, items = np.array([0, 1, 2, 0]), np.array([0, 3, 5, 1])
    got = layer.expected_ratings(ratings, users, items, values)
    probs = softmax(layer.b[items] + np.einsum("nkj,nj->nk", W[items], H[users]), 1)
    assert_allclose(got, probs @ values, rtol=1e-12)


def test_one_cd_update_is_the_closed_form_with_the_draws_replayed():
    layer, ratings = tiny()
    before = [p.copy() for p in layer.params]
    state = new_state(np.random.RandomState(1))
    draws = state.copy()
    lr = 0.1
    velocity = [np.zeros_like(p) for p in layer.params]
    grads = [np.zeros_like(p) for p in layer.params]
    # one user per minibatch, no momentum, no decay; shared rate 0.3 per rating
    layer.cd_epoch(ratings, [0], velocity, grads, (lr, 0.0, 0.0, 0.3, 1), state)
    W0, S0, b0, c0 = before
    W = W0 + S0[None]
    items, levels = np.array([1, 4]), np.array([2, 0])
    h_data = expit(W[1, 2] + W[4, 0] + c0)
    u = np.array([uniform(draws) for _ in range(N_HIDDEN)])
    h = (u < h_data) * 1.0
    recon = softmax(b0[items] + np.einsum("nkj,j->nk", W[items], h), axis=1)
    h_model = expit(np.einsum("nk,nkj->j", recon, W[items]) + c0)
    g_W = np.zeros_like(W0)
    g_b = np.zeros_like(b0)
    for n, (i, k) in enumerate(zip(items, levels)):
        g_W[i, k] += h_data
        g_b[i, k] += 1.0
        g_W[i] -= np.outer(recon[n], h_model)
        g_b[i] -= recon[n]
    g_S = g_W.sum(axis=0)
    assert_allclose(layer.W, W0 + lr * g_W, atol=1e-12)
    assert_allclose(layer.b, b0 + lr * g_b, atol=1e-12)
    assert_allclose(layer.c, c0 + lr * (h_data - h_model), atol=1e-12)
    assert_allclose(layer.S, S0 + 0.3 / 2 * g_S, atol=1e-12)


def synthetic(seed=0, n_users=120, n_items=40, density=0.4):
    """Two kinds of users with opposite tastes over two kinds of items."""
    rng = np.random.RandomState(seed)
    kind_u = rng.randint(0, 2, n_users)
    kind_i = rng.randint(0, 2, n_items)
    mean = np.where(kind_u[:, None] == kind_i[None, :], 4.5, 1.5)
    noisy = np.clip(np.round(mean + rng.normal(0, 0.7, mean.shape)), 1, 5)
    mask = rng.uniform(size=mean.shape) < density
    return sp.csr_matrix(np.where(mask, noisy, 0.0)), mask


def test_it_learns_tastes_that_item_means_miss():
    R, _ = synthetic()
    coo = R.tocoo()
    held = np.random.RandomState(1).uniform(size=R.nnz) < 0.2
    train = sp.csr_matrix((coo.data[~held], (coo.row[~held], coo.col[~held])), R.shape)
    model = RatingRBM(n_components=8, batch_size=10, random_state=0).fit(train)
    predicted = model.predict_ratings(train, coo.row[held], coo.col[held])
    rmse = np.sqrt(np.mean((predicted - coo.data[held]) ** 2))
    sums = np.bincount(coo.col[~held], coo.data[~held], R.shape[1])
    item_means = sums / np.maximum(np.bincount(coo.col[~held], minlength=R.shape[1]), 1)
    baseline = np.sqrt(np.mean((item_means[coo.col[held]] - coo.data[held]) ** 2))
    assert rmse < 0.6 * baseline
    y = sp.csr_matrix((coo.data[held], (coo.row[held], coo.col[held])), R.shape)
    assert_allclose(model.score(train, y), -rmse, rtol=1e-12)


def test_levels_are_the_values_seen_and_may_be_anything():
    R, mask = synthetic()
    halves = R.copy()
    halves.data = (halves.data - 1) * 2.5  # 0, 2.5, ..., 10
    model = RatingRBM(n_components=4, max_iter=3, random_state=0).fit(halves)
    assert_array_equal(model.levels_, [0.0, 2.5, 5.0, 7.5, 10.0])
    # a stored 0 is a rating of 0 (a level), not a missing entry: dropping it
    # changes what the model knows of that user
    coo = halves.tocoo()
    first_zero = np.flatnonzero(coo.data == 0.0)[0]
    user = coo.row[first_zero]
    keep = np.arange(coo.nnz) != first_zero
    dropped = sp.csr_matrix(
        (coo.data[keep], (coo.row[keep], coo.col[keep])), shape=halves.shape
    )
    H_zero, H_dropped = model.transform(halves), model.transform(dropped)
    assert np.abs(H_zero[user] - H_dropped[user]).max() > 1e-6
    assert_allclose(np.delete(H_zero, user, 0), np.delete(H_dropped, user, 0))


def test_dense_input_marks_missing_ratings_with_nan():
    R, mask = synthetic()
    dense = np.where(mask, R.toarray(), np.nan)
    sparse_model = RatingRBM(n_components=4, max_iter=3, random_state=0).fit(R)
    dense_model = RatingRBM(n_components=4, max_iter=3, random_state=0).fit(dense)
    assert_allclose(dense_model.components_, sparse_model.components_)
    assert_allclose(dense_model.transform(dense), sparse_model.transform(R))


def test_recommend_ranks_unrated_items_by_expected_rating():
    R, _ = synthetic()
    model = RatingRBM(n_components=4, max_iter=3, random_state=0).fit(R)
    top = model.recommend(R[:5], n_items=3)
    assert top.shape == (5, 3)
    everything = model.recommend(R[:2], n_items=R.shape[1] + 5)  # padded with -1
    assert everything.shape == (2, R.shape[1] + 5)
    assert (everything[0] == -1).sum() == R[0].nnz + 5
    for u in range(5):
        rated = set(R[u].indices)
        assert not rated & set(top[u])
        unrated = np.array(sorted(set(range(R.shape[1])) - rated))
        scores = model.predict_ratings(R[:5], np.full(len(unrated), u), unrated)
        assert_array_equal(top[u], unrated[np.argsort(-scores, kind="stable")[:3]])


def test_bad_ratings_get_clear_errors():
    R, _ = synthetic()
    model = RatingRBM(n_components=4, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="holds no ratings"):
        model.fit(sp.csr_matrix((3, 4)))
    # one level is a model too: every prediction is that rating
    ones = RatingRBM(n_components=2, max_iter=2).fit(sp.csr_matrix(np.ones((3, 4))))
    assert_allclose(ones.predict_ratings(np.ones((3, 4)), [0, 1], [2, 3]), 1.0)
    with pytest.raises(ValueError, match="distinct ratings.*Round"):
        model.fit(np.random.RandomState(0).uniform(size=(30, 10)))
    model.fit(R)
    odd = R.copy()
    odd.data[0] = 3.5
    with pytest.raises(ValueError, match="not among the levels seen in fit"):
        model.transform(odd)
    with pytest.raises(TypeError, match="'y'"):
        model.score(R)  # y is required, as the signature says
    with pytest.raises(ValueError, match="held-out ratings y"):
        model.score(R, None)
    with pytest.raises(ValueError, match="pair up"):
        model.predict_ratings(R, [0, 1], [0])
    with pytest.raises(ValueError, match=r"items must be indices of X's columns"):
        model.predict_ratings(R, [0], [R.shape[1]])
    with pytest.raises(ValueError, match="integer indices"):
        model.predict_ratings(R, [0.0], [1.5])
    with pytest.raises(ValueError, match="y holds no held-out ratings"):
        model.score(R, sp.csr_matrix(R.shape))
    with pytest.raises(ValueError, match="y has ratings that are not among"):
        model.score(R, R * 0.5)
    with pytest.raises(ValueError, match="n_items must be a positive integer"):
        model.recommend(R, n_items=0)
    twice = sp.coo_matrix(([4.0, 5.0], ([0, 0], [1, 1])), shape=R.shape).tocsr()
    twice.has_canonical_format = False
    twice.data, twice.indices, twice.indptr = (
        np.array([4.0, 5.0]),
        np.array([1, 1], dtype=np.int32),
        np.r_[0, 2, np.full(R.shape[0] - 1, 2)].astype(np.int32),
    )
    with pytest.raises(ValueError, match="two or more ratings for the same"):
        model.transform(twice)


def test_early_stopping_keeps_the_best_held_out_epoch():
    R, _ = synthetic()
    model = RatingRBM(
        n_components=8, batch_size=10, early_stopping=True, random_state=0
    ).fit(R)
    scores = model.validation_scores_
    assert len(scores) == model.n_iter_ and model.best_validation_score_ == min(scores)
    best = int(np.argmin(scores))
    assert model.n_iter_ == min(best + 1 + model.n_iter_no_change, model.max_iter)
    # the kept model is that epoch's: refit for exactly that many epochs
    again = RatingRBM(
        n_components=8,
        batch_size=10,
        early_stopping=True,
        n_iter_no_change=100,
        max_iter=best + 1,
        random_state=0,
    ).fit(R)
    assert_allclose(again.components_, model.components_)
    assert RatingRBM(n_components=8).fit(R).validation_scores_ is None


def test_float32_ratings_train_in_float32_close_to_float64():
    R, _ = synthetic()
    kw = dict(n_components=4, max_iter=5, batch_size=10, random_state=0)
    m64 = RatingRBM(**kw).fit(R)
    m32 = RatingRBM(**kw).fit(R.astype(np.float32))
    assert m32.components_.dtype == np.float32 and m32.levels_.dtype == np.float32
    assert m32.transform(R.astype(np.float32)).dtype == np.float32
    assert m32.transform(R).dtype == np.float64
    pairs = ([0, 1, 2], [3, 4, 5])
    assert_allclose(
        m32.predict_ratings(R, *pairs), m64.predict_ratings(R, *pairs), atol=1e-3
    )


def test_a_dense_matrix_mostly_of_zeros_gets_a_warning():
    R, mask = synthetic()
    with pytest.warns(UserWarning, match="mark missing ratings with NaN"):
        RatingRBM(n_components=2, max_iter=1).fit(R.toarray())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RatingRBM(n_components=2, max_iter=1).fit(np.where(mask, R.toarray(), np.nan))


def test_ratings_on_a_decimal_grid_match_their_levels_in_either_float_dtype():
    """0.3 in float32 is not 0.3 in float64; both are the level 0.3."""
    rng = np.random.RandomState(0)
    R = np.where(rng.rand(60, 20) < 0.5, rng.randint(1, 11, (60, 20)) / 10, np.nan)
    model = RatingRBM(n_components=4, max_iter=2, random_state=0).fit(R)
    assert_allclose(model.transform(R.astype(np.float32)), model.transform(R),
                    rtol=1e-5, atol=1e-6)
    single = RatingRBM(n_components=4, max_iter=2, random_state=0).fit(
        R.astype(np.float32)
    )
    assert np.isfinite(single.transform(R)).all()
    off = R.copy()
    off[0, np.isfinite(off[0])] = 0.35  # between levels: refused, named
    with pytest.raises(ValueError, match=r"not among the levels.*0\.35"):
        model.transform(off)


def test_score_checks_its_held_out_ratings_as_fit_checks_x():
    import inspect

    R, _ = synthetic()
    model = RatingRBM(n_components=4, max_iter=2, random_state=0).fit(R)
    assert inspect.signature(RatingRBM.score).parameters["y"].default is (
        inspect.Parameter.empty
    )
    user, item = 5, 7
    indptr = np.zeros(R.shape[0] + 1, dtype=np.int64)
    indptr[user + 1 :] = 2
    duplicated = sp.csr_matrix(  # two ratings of one item by one user
        (np.array([3.0, 4.0]), np.array([item, item]), indptr), shape=R.shape
    )
    with pytest.raises(ValueError, match="y stores two or more ratings"):
        model.score(R, duplicated)
    with pytest.raises(ValueError, match="y has ratings that are not among"):
        model.score(R, sp.csr_matrix(([2.5], ([user], [item])), shape=R.shape))


def test_level_probabilities_match_numpy_and_the_kernels_expectation():
    layer, ratings = tiny()
    users, items = np.array([0, 1, 2, 0, 2]), np.array([0, 3, 5, 1, 2])
    values = np.array([1.0, 2.5, 4.0])
    got = layer.level_probabilities(ratings, users, items, block=2)
    H = layer.hidden_mean(ratings)
    W = effective(layer)
    expected = softmax(layer.b[items] + np.einsum("nkj,nj->nk", W[items], H[users]), 1)
    assert_allclose(got, expected, rtol=1e-12)
    assert_allclose(
        got @ values, layer.expected_ratings(ratings, users, items, values), rtol=1e-12
    )


def brute_force_levels(layer, rated, users, items):
    """p(v_q = k | ratings) of each pair, from the joint over every hidden state
    with item q at each level: the paper's eq. 9 by enumeration. ``rated[u]``: the
    user's (item, level index) pairs."""
    W = effective(layer).astype(np.float64)
    n_hidden, n_levels = W.shape[2], W.shape[1]
    states = np.array(np.meshgrid(*[[0, 1]] * n_hidden)).reshape(n_hidden, -1).T
    expected = []
    for u, q in zip(users, items):
        given = sum((W[i, k] for i, k in rated[u]), np.zeros(n_hidden))
        energy = [
            layer.b[q, k] + states @ (given + W[q, k] + layer.c)
            for k in range(n_levels)
        ]
        joint = np.logaddexp.reduce(np.array(energy), axis=1)  # h summed out
        expected.append(softmax(joint))
    return np.array(expected)


def test_the_exact_rule_is_the_sum_over_every_hidden_state():
    layer, ratings = tiny()
    users, items = np.array([0, 1, 2, 2]), np.array([0, 3, 2, 0])
    rated = {0: [(1, 2), (4, 0)], 1: [], 2: [(5, 1)]}
    got = layer.level_probabilities(ratings, users, items, exact=True, block=3)
    assert_allclose(got, brute_force_levels(layer, rated, users, items), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("prediction", ["mean_field", "exact"])
def test_predictions_follow_the_chosen_rule_everywhere(prediction, dtype):
    rng = np.random.RandomState(0)
    cells = rng.choice(40 * 12, 200, replace=False)
    users, items = np.divmod(cells, 12)
    R = sp.csr_matrix(
        (rng.randint(1, 6, 200).astype(dtype), (users, items)), shape=(40, 12)
    )
    model = RatingRBM(
        n_components=5, max_iter=40, prediction=prediction, random_state=0
    ).fit(R)
    pu, pi = np.array([0, 3, 7, 39, 0]), np.array([2, 0, 11, 5, 7])
    proba = model.predict_ratings_proba(R, pu, pi)
    assert proba.shape == (5, len(model.levels_)) and proba.dtype == np.float64
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    layer, levels = model._layer(), model.levels_
    tol = 1e-10 if dtype == np.float64 else 1e-5
    if prediction == "exact":  # against enumeration of the 2^5 hidden states
        rows = [R[u].tocoo() for u in range(R.shape[0])]
        rated = {
            u: [(i, int(np.searchsorted(levels, r))) for i, r in zip(row.col, row.data)]
            for u, row in enumerate(rows)
        }
        assert_allclose(proba, brute_force_levels(layer, rated, pu, pi), rtol=tol)
    else:  # against the kernel's expectation, computed apart
        evidence = model._validate_ratings(R)[1]
        kernel = layer.expected_ratings(evidence, pu, pi, levels)
        assert_allclose(proba @ levels, kernel, rtol=tol)
    other = model.set_params(
        prediction="exact" if prediction == "mean_field" else "mean_field"
    ).predict_ratings_proba(R, pu, pi)
    assert np.abs(other - proba).max() > 1e-4  # the rules differ past the tolerance
    model.set_params(prediction=prediction)
    assert_allclose(model.predict_ratings(R, pu, pi), proba @ levels, rtol=tol)
    # score and recommend use the same rule
    held = sp.csr_matrix((np.full(5, 3.0), (pu, pi)), shape=R.shape)
    rmse = np.sqrt(np.mean((proba @ levels - 3.0) ** 2))
    assert model.score(R, held) == pytest.approx(-rmse, rel=tol)
    top = model.recommend(R, n_items=1)[0, 0]
    unrated = np.setdiff1d(np.arange(12), R[0].indices)
    scores = model.predict_ratings(R, np.zeros(len(unrated), int), unrated)
    assert top == unrated[np.argmax(scores)]


def test_ratings_matrix_builds_the_users_by_items_matrix_from_triples():
    from skgen import ratings_matrix

    users = np.array(["u3", "u1", "u3", "u2", "u1"])
    items = np.array([20, 10, 10, 30, 30])
    stars = np.array([5.0, 3.0, 4.0, 1.0, 2.0])
    R, user_ids, item_ids = ratings_matrix(users, items, stars)
    assert user_ids.tolist() == ["u1", "u2", "u3"] and item_ids.tolist() == [10, 20, 30]
    assert sp.isspmatrix_csr(R) and R.shape == (3, 3) and R.nnz == 5
    for u, i, r in zip(users, items, stars):
        assert R[np.searchsorted(user_ids, u), np.searchsorted(item_ids, i)] == r
    table = np.column_stack([users, items, stars]).astype(object)
    for same in (ratings_matrix(table)[0], ratings_matrix(table.tolist())[0]):
        assert_array_equal(same.toarray(), R.toarray())
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"who": users, "what": items, "stars": stars})
    assert_array_equal(ratings_matrix(frame)[0].toarray(), R.toarray())
    # the model trains on it and predicts by ids through the rows and columns
    model = RatingRBM(n_components=3, max_iter=2, random_state=0).fit(R)
    row, column = np.searchsorted(user_ids, ["u2"]), np.searchsorted(item_ids, [10])
    assert model.predict_ratings(R, row, column).shape == (1,)


def test_ratings_matrix_refuses_what_it_cannot_read():
    from skgen import ratings_matrix

    with pytest.raises(ValueError, match="more than once"):
        ratings_matrix([1, 1], [7, 7], [3, 4])
    with pytest.raises(ValueError, match="NaN"):
        ratings_matrix([1, 2], [7, 7], [3, np.nan])
    with pytest.raises(ValueError, match="one entry per rating"):
        ratings_matrix([1, 2], [7], [3, 4])
    with pytest.raises(ValueError, match="three columns"):
        ratings_matrix(np.ones((4, 2)))
    with pytest.raises(ValueError, match="three arrays"):
        ratings_matrix([1, 2], [7, 8])
    with pytest.raises(ValueError, match="must be numbers"):
        ratings_matrix([1, 2], [7, 8], ["good", "bad"])
