"""ColumnCoder: a table's columns as TabularVAE's network reads them, and back."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import ndtr, ndtri

from skgen._columns import BINARY, CATEGORICAL, REAL, Column, ColumnCoder


def test_every_kind_codes_and_decodes_its_training_values_exactly():
    rng = np.random.RandomState(0)
    n = 50
    table = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "k": rng.randint(0, 4, n),
            "when": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.randint(0, 9, n), "D"),
            "flag": rng.uniform(size=n) < 0.5,
            "word": pd.Categorical(
                rng.choice(["lo", "mid", "hi"], n), ["lo", "mid", "hi"]
            ),
        }
    )
    coder = ColumnCoder.fit(table, "auto", "TabularVAE")
    assert coder.kinds == {
        "x": REAL, "k": REAL, "when": REAL, "flag": BINARY, "word": CATEGORICAL
    }
    coded = coder.encode(table, np.float64, "TabularVAE")
    # model order: real, binary, categorical
    assert coded.shape == (n, 5) and set(np.unique(coded[:, 3])) <= {0.0, 1.0}
    back = coder.decode(coded)
    pd.testing.assert_frame_equal(back, table, check_exact=False, rtol=1e-9)


def test_normal_scores_put_each_value_at_the_middle_of_its_share():
    values = np.array([0.0] * 6 + [1.0, 2.0])
    column = Column.fit("x", values, False, values.dtype)
    # shares: 0 -> [0, 0.75), 1 -> [0.75, 0.875), 2 -> [0.875, 1)
    middles = ndtr(column.encode(np.array([0.0, 1.0, 2.0])))
    assert_allclose(middles, [0.375, 0.8125, 0.9375])
    low, high = column.code_interval(0.0)
    assert_allclose(ndtr([low, high]), [0.0, 0.75], atol=1e-12)
    assert column.code_interval(1.0) is None  # seen once: a point, not an interval
    # the inverse gives the repeated value back over its whole share
    assert_array_equal(column.decode(ndtri(np.array([0.01, 0.4, 0.74]))), 0.0)
    spread = column.encode(values, spread=np.linspace(0.01, 0.99, 8))
    assert len(np.unique(spread[:6])) == 6  # the spike is spread over its share...
    assert_array_equal(column.decode(spread[:6]), 0.0)  # ...and all of it decodes to 0
    assert 0.0 < column.decode(spread[6:7])[0] < 2.0  # a value seen once: in between


def test_an_array_comes_back_in_its_dtype_and_strings_as_objects():
    X = np.array([[1.5, 2], [2.5, 3], [0.5, 4]], dtype=np.float32)
    coder = ColumnCoder.fit(X, [1], "TabularVAE")
    assert coder.kinds == {0: REAL, 1: CATEGORICAL}
    back = coder.decode(coder.encode(X, np.float32, "TabularVAE"))
    assert back.dtype == np.float32
    assert_allclose(back, X)
    words = np.array([["a", 1.0], ["b", 2.0]], dtype=object)
    coder = ColumnCoder.fit(words, [0], "TabularVAE")
    assert coder.decode(coder.encode(words, np.float64, "TabularVAE")).dtype == object


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([[1.0, np.nan]]), "missing values, in the columns \\[1\\]"),
        (np.array([[1.0, np.inf]]), "infinity"),
        (np.array([[1 + 2j, 0]]), "Complex data not supported"),
    ],
)
def test_bad_values_are_refused_with_the_columns_named(bad, message):
    with pytest.raises(ValueError, match=message):
        ColumnCoder.fit(bad, "auto", "TabularVAE")
