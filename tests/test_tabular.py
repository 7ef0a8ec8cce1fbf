"""TabularVAE: a table's columns in, synthetic rows of the same table out."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV

from skgen import TabularVAE

SMALL = dict(n_components=2, hidden_layer_sizes=(16,), max_iter=40, random_state=0)


def make_table(n=400, seed=0):
    """Sizes decide the weights: the model has to learn how columns depend on each
    other, not only their marginals."""
    rng = np.random.RandomState(seed)
    size = rng.choice(["S", "M", "L"], n, p=[0.5, 0.3, 0.2])
    weight = np.select([size == "S", size == "M"], [50.0, 65.0], 80.0)
    return pd.DataFrame(
        {
            "size": size,
            "weight": weight + rng.normal(0, 2, n),
            "items": rng.poisson(3, n),
            "flag": rng.uniform(size=n) < 0.3,
            "grade": pd.Categorical(rng.choice(["lo", "hi"], n), ["lo", "hi"]),
            "day": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.randint(0, 300, n), unit="D"),
        }
    )


@pytest.fixture(scope="module")
def table():
    return make_table()


@pytest.fixture(scope="module")
def model(table):
    return TabularVAE(random_state=0).fit(table)


def test_column_kinds_come_from_dtypes_and_two_valued_numbers_are_binary(model):
    assert model.column_kinds_ == {
        "size": "categorical",
        "weight": "real",
        "items": "real",
        "flag": "binary",
        "grade": "binary",
        "day": "real",
    }
    X = np.column_stack([np.arange(20.0), np.tile([3.0, 7.0], 10)])
    assert TabularVAE(**SMALL).fit(X).column_kinds_ == {0: "real", 1: "binary"}


@pytest.mark.parametrize("chosen", [["items"], [2], [False, False, True] + [False] * 3])
def test_categorical_features_by_name_position_or_mask(table, chosen):
    model = TabularVAE(categorical_features=chosen, **SMALL).fit(table)
    assert model.column_kinds_["items"] == "categorical"
    rows = model.sample(200, random_state=0)
    assert set(rows["items"]) <= set(table["items"])


def test_categorical_features_naming_no_column_says_so(table):
    with pytest.raises(ValueError, match="'colour', which is not a column"):
        TabularVAE(categorical_features=["colour"], **SMALL).fit(table)


def test_samples_are_a_table_like_the_input(model, table):
    rows = model.sample(500, random_state=0)
    assert list(rows.columns) == list(table.columns)
    assert_array_equal(rows.dtypes.values, table.dtypes.values)
    assert list(rows["grade"].cat.categories) == ["lo", "hi"]
    assert set(rows["size"]) <= {"S", "M", "L"}
    for column in ["weight", "items", "day"]:  # within the training range
        assert rows[column].min() >= table[column].min()
        assert rows[column].max() <= table[column].max()
    assert (rows["day"] == rows["day"].dt.normalize()).mean() > 0.0
    # The marginals and the dependence of weight on size are learned.
    shares = rows["size"].value_counts(normalize=True)
    assert_allclose(shares[["S", "M", "L"]], [0.5, 0.3, 0.2], atol=0.1)
    means = rows.groupby("size")["weight"].mean()
    assert_allclose(means[["S", "M", "L"]], [50.0, 65.0, 80.0], atol=4.0)
    assert abs(rows["flag"].mean() - table["flag"].mean()) < 0.1


def test_an_array_gives_an_array_of_its_dtype():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.normal(size=200), rng.randint(0, 5, 200)])
    model = TabularVAE(**SMALL).fit(X)
    rows = model.sample(50, random_state=0)
    assert rows.dtype == X.dtype and rows.shape == (50, 2)
    assert model.transform(X).dtype == np.float64  # a float64 array: float64
    frame = pd.DataFrame(X, columns=["a", "b"])  # a DataFrame computes in float32
    assert TabularVAE(**SMALL).fit(frame).transform(frame).dtype == np.float32
    X32 = X.astype(np.float32)
    model32 = TabularVAE(**SMALL).fit(X32)
    assert model32.sample(5).dtype == np.float32
    assert model32.transform(X32).dtype == np.float32
    words = np.array([["a", 1.5], ["b", 2.5], ["c", 0.5]] * 20, dtype=object)
    model = TabularVAE(categorical_features=[0], **SMALL).fit(words)
    rows = model.sample(30, random_state=0)
    assert rows.dtype == object and set(rows[:, 0]) <= {"a", "b", "c"}


def test_conditions_hold_their_values_and_follow_the_models_conditional(model):
    """Importance resampling draws from p(x | size = "L") of the model itself: its
    weights agree with rejection sampling from the same model (the rows of an
    unconditional sample whose size is "L"), and differ from the other sizes'."""
    given = model.sample(1500, conditions={"size": "L"}, random_state=1)
    assert (given["size"] == "L").all()
    free = model.sample(6000, random_state=2)
    rejected = free[free["size"] == "L"]
    assert len(rejected) > 300
    assert abs(given["weight"].mean() - rejected["weight"].mean()) < 1.0
    assert abs(given["weight"].mean() - 80.0) < 4.0
    both = model.sample(200, conditions={"size": "S", "flag": True}, random_state=0)
    assert (both["size"] == "S").all() and both["flag"].all()
    assert abs(both["weight"].mean() - 50.0) < 4.0


def test_conditions_that_name_no_column_or_no_value_say_so(model):
    with pytest.raises(ValueError, match="'colour', which is not a column"):
        model.sample(3, conditions={"colour": "red"})
    with pytest.raises(ValueError, match="never seen in the first fit"):
        model.sample(3, conditions={"size": "XL"})
    with pytest.raises(TypeError, match="conditions must be a dict"):
        model.sample(3, conditions=[("size", "L")])


def test_scores_are_densities_in_the_columns_own_units(table):
    """Scaling a real column by 4 divides its density by 4: the same model (scaling
    by a power of two leaves the standardised data the same to the bit) scores
    every row log(4) lower."""
    scaled = table.assign(weight=table["weight"] * 4)
    params = dict(SMALL, max_iter=5)
    a = TabularVAE(**params).fit(table)
    b = TabularVAE(**params).fit(scaled)
    assert_allclose(b.score_samples(scaled), a.score_samples(table) - np.log(4))
    assert_allclose(
        b.log_likelihood(scaled[:20], n_importance=10),
        a.log_likelihood(table[:20], n_importance=10) - np.log(4),
    )
    assert b.score(scaled) == pytest.approx(a.score(table) - np.log(4))


def test_missing_values_and_unseen_categories_are_refused_with_the_fix(table, model):
    holed = table.copy()
    holed.loc[3, "weight"] = np.nan
    holed.loc[4, "size"] = None
    with pytest.raises(ValueError, match=r"\['size', 'weight'\].*SimpleImputer"):
        TabularVAE(**SMALL).fit(holed)
    new = table[:5].assign(size=["S", "M", "XL", "S", "S"])
    with pytest.raises(ValueError, match="Column 'size' holds values never seen"):
        model.transform(new)
    with pytest.raises(ValueError, match="feature names"):
        model.transform(table[["weight", "size", "items", "flag", "grade", "day"]])


def test_partial_fit_keeps_the_first_blocks_columns(table):
    model = TabularVAE(**SMALL)
    for start in range(0, 400, 100):
        model.partial_fit(table[start : start + 100])
    assert model.n_iter_ == 4
    assert model.column_kinds_["size"] == "categorical"
    with pytest.raises(ValueError, match="never seen"):
        model.partial_fit(table[:10].assign(size="XL"))
    assert model.n_iter_ == 4  # the failed call changed nothing


def test_transform_and_inverse_transform_go_through_the_latent_space(model, table):
    Z = model.transform(table[:10])
    assert Z.shape == (10, model.n_components)
    rows = model.inverse_transform(Z)
    assert list(rows.columns) == list(table.columns)
    assert (rows["size"] == table["size"][:10].values).mean() >= 0.8


def test_grid_search_over_a_table_selects_by_the_elbo(table):
    search = GridSearchCV(
        TabularVAE(**dict(SMALL, max_iter=10)), {"n_components": [1, 2]}, cv=2
    ).fit(table)
    assert np.isfinite(search.best_score_)
    assert search.best_estimator_.sample(3).shape == (3, 6)


def test_real_columns_keep_a_spike_and_the_few_values_of_an_integer_column():
    """Normal-scores coding gives a value repeated in training its whole share back:
    60% dry days stay about 60% zeros, three cylinder counts stay (nearly) those
    three, and values seen once are interpolated, within the training range."""
    rng = np.random.RandomState(0)
    n = 600
    rain = np.where(rng.uniform(size=n) < 0.6, 0.0, rng.exponential(5.0, n))
    table = pd.DataFrame(
        {"rain": rain, "cylinders": rng.choice([4, 6, 8], n, p=[0.5, 0.3, 0.2])}
    )
    rows = TabularVAE(random_state=0).fit(table).sample(3000, random_state=0)
    assert abs((rows["rain"] == 0).mean() - 0.6) < 0.08
    positive = rows["rain"][rows["rain"] > 0]
    assert len(np.unique(positive)) > 500  # new values, not copies
    assert positive.max() <= rain.max()
    assert rows["cylinders"].isin([4, 6, 8]).mean() > 0.9


@pytest.mark.parametrize("calibrated", [False, True])
def test_the_normal_scores_jacobian_is_the_derivative_of_the_coding(calibrated):
    """Also through a calibration's map to the model's codes (inside its knots and
    beyond them), which decoding undoes."""
    from skgen._columns import Column

    rng = np.random.RandomState(1)
    values = np.r_[rng.gamma(2.0, 3.0, 200), np.zeros(50)]
    column = Column.fit("x", values, False, values.dtype)
    if calibrated:  # a model whose draws of the column are too narrow and shifted
        column.calibrate(0.2 + 0.8 * rng.standard_normal(5000))
        assert column.calibration is not None
    x = np.r_[rng.uniform(0.5, 15, 20), [-3.0, 80.0]]  # inside, and both tails
    h = 1e-6
    slope = (column.encode(x + h) - column.encode(x - h)) / (2 * h)
    assert_allclose(column.log_jacobian(x), np.log(slope), rtol=1e-5)
    assert_allclose(column.decode(column.encode(values)), values, atol=1e-9)


def test_calibration_gives_the_draws_the_training_marginal():
    """The real columns' codes are mapped to the model's draws of them: new draws
    of the model, mapped back to normal scores, are standard normal (the training
    rows' normal scores are), which the model's own codes are not."""
    from scipy.stats import kstest

    rng = np.random.RandomState(0)
    n = 600
    table = pd.DataFrame({"a": rng.gamma(2.0, 1.0, n), "b": rng.normal(size=n)})
    table["c"] = table["a"] + 0.3 * rng.normal(size=n)
    model = TabularVAE(**SMALL).fit(table)
    draws = np.random.RandomState(1)  # not the calibration's draws
    Z = draws.standard_normal((20_000, model.n_components))
    codes = model._model().decode(Z.astype(model._dtype()), draw=draws)
    for position, column in enumerate(model._coder_.columns):
        raw = codes[:, position].astype(np.float64)
        scores = column._calibrated(raw, inverse=True)
        # measured: 0.006-0.008 calibrated (the noise of 20,000 draws) against
        # 0.019-0.021 raw
        assert kstest(scores, "norm").statistic < 0.012
        assert kstest(raw, "norm").statistic > 0.015


def test_a_real_condition_holds_its_value_and_weighs_a_repeated_values_share():
    """A real column given a value keeps it exactly; a value that repeats in
    training (the spike at 0) weighs each code by the probability of the interval
    of codes that decode to it, so the rows agree with rejection sampling from the
    same model."""
    rng = np.random.RandomState(0)
    n = 800
    dry = rng.uniform(size=n) < 0.5
    table = pd.DataFrame(
        {
            "rain": np.where(dry, 0.0, rng.exponential(5.0, n)),
            "cloud": np.where(dry, rng.normal(20, 5, n), rng.normal(80, 5, n)),
        }
    )
    model = TabularVAE(random_state=0).fit(table)
    given = model.sample(1000, conditions={"rain": 0.0}, random_state=1)
    assert (given["rain"] == 0.0).all()
    free = model.sample(4000, random_state=2)
    rejected = free[free["rain"] == 0.0]
    assert abs(given["cloud"].mean() - rejected["cloud"].mean()) < 5.0
    assert given["cloud"].mean() < 40.0
    between = model.sample(50, conditions={"rain": 2.345}, random_state=0)
    assert (between["rain"] == 2.345).all()


def test_column_kinds_of_pandas_dtypes_and_the_errors_that_say_what_to_do():
    n = 60
    rng = np.random.RandomState(0)
    table = pd.DataFrame(
        {
            "count": pd.array(rng.randint(0, 9, n), dtype="Int64"),
            "same": np.ones(n, dtype=bool),
            "word": pd.array(rng.choice(["a", "b", "c"], n), dtype="string"),
        }
    )
    model = TabularVAE(**SMALL).fit(table)
    assert model.column_kinds_ == {
        "count": "real", "same": "categorical", "word": "categorical"
    }
    rows = model.sample(20, random_state=0)
    assert_array_equal(rows.dtypes.values, table.dtypes.values)
    assert rows["same"].all()
    one = TabularVAE(categorical_features="count", **SMALL).fit(table)
    assert one.column_kinds_["count"] == "categorical"
    aware = table.assign(when=pd.date_range("2024-01-01", periods=n, tz="UTC"))
    with pytest.raises(ValueError, match=r"tz_convert\(None\)"):
        TabularVAE(**SMALL).fit(aware)
    mixed = table.assign(word=["a", 1] * (n // 2))
    with pytest.raises(ValueError, match="mixes values of types"):
        TabularVAE(**SMALL).fit(mixed)
    with pytest.raises(ValueError, match="cannot take"):
        model.sample(2, conditions={"word": 3})
