"""A table's columns as a model sees them, and back: ``ColumnCoder``.

``ColumnCoder.fit`` reads a pandas DataFrame (or a 2-D array with the categorical
columns named) and gives every column a kind:

* ``"real"``: numbers (and datetimes, as seconds), coded by their normal scores
  ``ndtri(F(x))``, ``F`` the training rows' distribution function (each distinct
  value at the middle of its share of the rows, linear in between); restored by
  the inverse, which gives a value repeated in training its whole share (a spike
  at 0, the few values of an integer column) and interpolates between values seen
  once, so within the training range; rounded for integer columns, in the
  column's dtype;
* ``"binary"``: exactly two distinct values (bool, a two-valued number, a category
  with two levels), coded 0/1;
* ``"categorical"``: strings, pandas categoricals and the columns the user names,
  coded 0..k-1 in the order of their sorted values (a categorical's own order).

``encode`` gives the float matrix the network reads, its columns ordered real, then
binary, then categorical; ``decode`` turns such a matrix back into a table with the
input's columns, dtypes and categories. pandas is imported only when a DataFrame is
given or asked for.
"""

import sys

import numpy as np
from scipy.special import ndtr, ndtri

REAL, BINARY, CATEGORICAL = "real", "binary", "categorical"


def _is_dataframe(X):
    return type(X).__module__.split(".")[0] == "pandas" and hasattr(X, "columns")


def _missing(values):
    """Where a column's values are missing (NaN, None, NaT, pandas' NA) or
    infinite."""
    if values.dtype.kind in "fc":
        return ~np.isfinite(values)
    if values.dtype.kind == "M":
        return np.isnat(values)
    if values.dtype.kind == "O":
        pd = sys.modules.get("pandas")  # loaded if the user has a DataFrame
        if pd is not None:
            return np.asarray(pd.isna(values), dtype=bool)
        return np.array([v is None or v != v for v in values], dtype=bool)
    return np.zeros(values.shape, dtype=bool)


def _dtype_spec(dtype):
    """A dtype as plain data (pickles, copies and compares as it is): numpy's
    ``("numpy", dtype.str)``, pandas' ``("category", categories, ordered)``, or the
    name of another pandas dtype."""
    if hasattr(dtype, "categories") and hasattr(dtype, "ordered"):
        return ("category", list(dtype.categories), bool(dtype.ordered))
    return ("numpy", dtype.str) if isinstance(dtype, np.dtype) else str(dtype)


def _pandas_dtype(spec):
    import pandas as pd

    if isinstance(spec, str):
        return spec
    if spec[0] == "numpy":
        return np.dtype(spec[1])
    return pd.CategoricalDtype(spec[1], ordered=spec[2])


class Column:
    """One column's kind and what it takes to code it and restore it."""

    def __init__(self, name, kind, dtype, categories=None, stats=None):
        self.name, self.kind, self.dtype = name, kind, _dtype_spec(dtype)
        self.categories = categories  # binary and categorical: the sorted values
        self.stats = stats  # real: scale, integer, datetime, the normal scores' knots
        # real: ``(normal scores, model codes)``, the knots of the monotone map
        # between them (``calibrate``); None: the model reads the normal scores
        self.calibration = None

    def calibrate(self, model_codes, n_knots=256):
        """Fit the map from normal scores to the model's codes: the model's codes of
        this column (draws of its marginal) at the levels ``(k + 1/2) / K`` meet the
        normal scores there, so that the model's draws, mapped back, have the
        standard normal marginal that the normal scores of the training rows have
        (linear between the knots, slope 1 beyond them)."""
        levels = (np.arange(n_knots) + 0.5) / n_knots
        codes = np.quantile(np.asarray(model_codes, dtype=np.float64), levels)
        keep = np.r_[True, np.diff(codes) > 1e-12]  # strictly increasing knots
        knots = (ndtri(levels[keep]), codes[keep])
        self.calibration = knots if keep.sum() > 1 else None

    def _calibrated(self, scores, inverse=False):
        """Normal scores to the model's codes (codes to normal scores with
        ``inverse``)."""
        knots = getattr(self, "calibration", None)  # None: pickled before skgen 0.8
        if knots is None:
            return scores
        return _through_knots(scores, *(knots[::-1] if inverse else knots))[0]

    def _log_calibration_slope(self, scores):
        """``log d model code / d normal score`` at normal scores ``scores``."""
        knots = getattr(self, "calibration", None)
        if knots is None:
            return np.zeros(np.shape(scores))
        return np.log(_through_knots(scores, *knots)[1])

    def encode(self, values, spread=None, calibrated=True):
        """The column's values as the model reads them (float64).

        A real column's value codes at the middle of its share of the training rows;
        with uniform draws ``spread`` (one per value), a value seen in training codes
        at that point of its share instead (the model then trains on a continuous
        variable, whose codes over a 60% share of zeros decode to the spike).
        ``calibrated=False``: the normal scores themselves, which the networks
        train on."""
        if self.kind == REAL:
            s = self.stats
            x = _numbers(values, s["datetime"])
            scores = _normal_scores(x, s)
            if spread is not None:
                v = s["mid_v"]
                k = np.clip(np.searchsorted(v, x), 0, len(v) - 1)
                seen = np.isclose(v[k], x, rtol=1e-6, atol=0.0) | (v[k] == x)
                jitter = (spread - 0.5) * s["share"][k]
                u = np.interp(x, v, s["mid_u"]) + np.where(seen, jitter, 0.0)
                scores = np.where(seen, ndtri(u), scores)
            return self._calibrated(scores) if calibrated else scores
        cats = self.categories
        codes = np.clip(np.searchsorted(cats, values), 0, len(cats) - 1)
        if cats.dtype.kind in "iuf" and values.dtype.kind in "iuf":
            # The nearer neighbour, equal up to float32 rounding: a model fitted
            # in one float dtype reads the other.
            below = np.maximum(codes - 1, 0)
            nearer = np.abs(cats[below] - values) < np.abs(cats[codes] - values)
            codes = np.where(nearer, below, codes)
            unseen = (
                cats[codes] != values
                if cats.dtype == values.dtype or cats.dtype.kind in "iu"
                else ~np.isclose(cats[codes], values, rtol=1e-6, atol=0.0)
            )
        else:
            unseen = cats[codes] != values
        if np.any(unseen):
            raise ValueError(
                f"Column {self.name!r} holds values never seen in the first fit: "
                f"{list(np.unique(values[unseen].astype(str))[:5])}. Known values: "
                f"{list(self.categories[:10])}; fit a new model on data with every "
                "value."
            )
        return codes.astype(np.float64)

    def code_interval(self, value):
        """For a real column's value that repeats in training: the interval of
        codes its share spans, which all decode to it; else None."""
        s = self.stats
        x = float(_numbers(np.asarray([value]), s["datetime"])[0])
        k = int(np.clip(np.searchsorted(s["mid_v"], x), 0, len(s["mid_v"]) - 1))
        share = s["share"][k]
        if s["mid_v"][k] != x or share * s["n_rows"] < 2:
            return None
        mid = s["mid_u"][k]
        ends = ndtri(np.array([mid - share / 2, mid + share / 2]))
        return tuple(self._calibrated(ends))

    def decode(self, coded):
        """Model values (normal scores, 0/1, codes) back to the column's values."""
        if self.kind != REAL:
            codes = np.clip(np.rint(coded), 0, len(self.categories) - 1)
            return self.categories[codes.astype(np.intp)]
        s = self.stats
        scores = self._calibrated(coded.astype(np.float64), inverse=True)
        values = np.interp(ndtr(scores), s["inv_u"], s["inv_v"])
        if s["datetime"]:
            return np.rint(values * 1e9).astype(np.int64).astype("datetime64[ns]")
        return np.rint(values) if s["integer"] else values

    @classmethod
    def fit(cls, name, values, categorical, dtype):
        """The column ``name`` of training ``values`` (missing values refused by the
        caller) and input ``dtype``; ``categorical`` says the user named it
        categorical."""
        if categorical or not (
            values.dtype.kind in "iuf" or values.dtype.kind == "M"
        ):
            try:
                categories = np.unique(values)
            except TypeError:
                kinds = sorted({type(v).__name__ for v in values})
                raise ValueError(
                    f"Column {name!r} mixes values of types {kinds}, which cannot be "
                    "ordered; convert it to one type (e.g. .astype(str)) first."
                ) from None
            kind = BINARY if len(categories) == 2 else CATEGORICAL
            return cls(name, kind, dtype, categories=categories)
        if values.dtype.kind != "M" and len(np.unique(values[:1000])) <= 2:
            categories = np.unique(values)
            if len(categories) == 2:
                return cls(name, BINARY, dtype, categories=categories)
        seconds = _numbers(values, values.dtype.kind == "M")
        scale = float(seconds.std())
        stats = {
            "scale": scale if scale > 0 else 1.0,
            "integer": getattr(dtype, "kind", values.dtype.kind) in "biu",
            "datetime": values.dtype.kind == "M",
        }
        stats.update(_quantile_anchors(seconds))
        return cls(name, REAL, dtype, stats=stats)

    def log_jacobian(self, values):
        """``log |d code / d x|`` of each value of a real column: added to a density
        of the codes, it gives the density in the column's own units."""
        s = self.stats
        x = _numbers(values, s["datetime"])
        v, u = s["mid_v"], s["mid_u"]
        out = np.full(x.shape, -np.log(s["scale"]))  # the tails, and a constant
        to_model = self._log_calibration_slope(_normal_scores(x, s))
        if len(v) < 2:
            return out + to_model
        inside = (x >= v[0]) & (x <= v[-1])
        slopes = np.diff(u) / np.diff(v)
        k = np.clip(np.searchsorted(v, x[inside], side="right") - 1, 0, len(v) - 2)
        slope = slopes[k]
        # At a knot (a training value) the coding has two slopes: take their mean.
        knot = (v[k] == x[inside]) & (k > 0)
        slope = np.where(knot, 0.5 * (slopes[k - 1] + slopes[k]), slope)
        at_top = x[inside] == v[-1]
        slope = np.where(at_top, slopes[-1], slope)
        z = _normal_scores(x[inside], s)
        out[inside] = np.log(slope) + 0.5 * z * z + 0.5 * np.log(2.0 * np.pi)
        return out + to_model


def _through_knots(x, source, target):
    """The piecewise linear map through the knots ``source -> target`` (slope 1
    beyond them): its values and slopes at ``x``."""
    k = np.clip(np.searchsorted(source, x, side="right") - 1, 0, len(source) - 2)
    slope = np.diff(target)[k] / np.diff(source)[k]
    slope = np.where((x < source[0]) | (x > source[-1]), 1.0, slope)
    # below the knots from the first one, above them from the last
    start = np.where(x < source[0], 0, np.where(x > source[-1], len(source) - 1, k))
    return target[start] + slope * (x - source[start]), slope


def _numbers(values, datetime):
    """A real column's values as float64: datetimes as seconds since 1970."""
    if datetime:
        return values.astype("datetime64[ns]").astype(np.int64) / 1e9
    return values.astype(np.float64)


def _normal_scores(x, s):
    """The normal-scores code of a real column's values: ``ndtri(F(x))`` with ``F``
    the training rows' CDF through each distinct value's middle share, linear in
    between; beyond the training range a straight line of slope 1 / scale."""
    v, u = s["mid_v"], s["mid_u"]
    z = ndtri(np.interp(x, v, u))
    z = np.where(x < v[0], ndtri(u[0]) + (x - v[0]) / s["scale"], z)
    return np.where(x > v[-1], ndtri(u[-1]) + (x - v[-1]) / s["scale"], z)


def _quantile_anchors(x):
    """Where the normal-scores coding puts each distinct value: forward at the middle
    of its share of the rows, backward over its whole share when it repeats."""
    v, counts = np.unique(x, return_counts=True)
    n = counts.sum()
    hi = np.cumsum(counts) / n
    lo = hi - counts / n
    mid = (lo + hi) / 2
    # A repeated value holds its whole share [lo, hi]; a value seen once its middle.
    repeated = counts > 1
    width = np.where(repeated, 2, 1)
    first = np.cumsum(width) - width  # where each value's anchors start
    inv_u = np.empty(width.sum())
    inv_u[first] = np.where(repeated, lo, mid)
    inv_u[first[repeated] + 1] = hi[repeated]
    inv_v = np.repeat(v, width)
    return {
        "mid_v": v,
        "mid_u": mid,
        "share": counts / n,
        "n_rows": int(n),
        "inv_u": inv_u,
        "inv_v": inv_v,
    }


class ColumnCoder:
    """The columns of a table in model order (real, binary, categorical), with how
    the input looked: a DataFrame's column names and order, or an array's dtype."""

    def __init__(self, columns, names, frame, array_dtype):
        self.columns, self.names = columns, names
        self.frame, self.array_dtype = frame, array_dtype
        order = {REAL: 0, BINARY: 1, CATEGORICAL: 2}
        self.model_order = sorted(
            range(len(columns)), key=lambda j: order[columns[j].kind]
        )

    @property
    def kinds(self):
        return {c.name: c.kind for c in self.columns}

    @property
    def n_real(self):
        return sum(c.kind == REAL for c in self.columns)

    @property
    def n_binary(self):
        return sum(c.kind == BINARY for c in self.columns)

    @property
    def category_sizes(self):
        return [
            len(self.columns[j].categories)
            for j in self.model_order
            if self.columns[j].kind == CATEGORICAL
        ]

    def log_jacobian(self, X):
        """``log |d code / d x|`` of each row of X summed over the real columns:
        added to a density of the codes, it gives the density in the data's own
        units."""
        names, values = _columns_of(X)
        total = np.zeros(len(values[0]) if values else 0)
        for column, v in zip(self.columns, values):
            if column.kind == REAL:
                total += column.log_jacobian(v)
        return total

    @classmethod
    def fit(cls, X, categorical_features, estimator_name):
        frame = _is_dataframe(X)
        names, values = _columns_of(X)
        dtypes = list(X.dtypes) if frame else [v.dtype for v in values]
        chosen = _categorical_mask(categorical_features, names, frame)
        _refuse_missing(names, values, estimator_name)
        columns = [
            Column.fit(*column)
            for column in zip(names, values, chosen, dtypes)
        ]
        array_dtype = None if frame else _dtype_spec(np.asarray(X).dtype)
        return cls(columns, names, frame, array_dtype)

    def encode(self, X, dtype, estimator_name, spread=None, calibrated=True):
        """X's columns as the model's float matrix (in ``dtype``), model order.
        ``spread``: uniform draws shaped like that matrix that spread the real
        columns' training values over their shares (see ``Column.encode``), for the
        rows a model trains on; ``calibrated=False``: the real columns' normal
        scores, not mapped to the model's codes."""
        names, values = _columns_of(X)
        _refuse_missing(names, values, estimator_name)
        coded = np.empty((len(values[0]) if values else 0, len(self.columns)), dtype)
        for position, j in enumerate(self.model_order):
            draws = None if spread is None else spread[:, position]
            column = self.columns[j]
            coded[:, position] = column.encode(values[j], draws, calibrated)
        return coded

    def calibrate(self, model_codes):
        """Fit each real column's map to the model's codes (``Column.calibrate``)
        from the model's draws of the real columns (model order, first)."""
        real = [j for j in self.model_order if self.columns[j].kind == REAL]
        for position, j in enumerate(real):
            self.columns[j].calibrate(model_codes[:, position])

    def model_position(self, name):
        """The position in model order of the column called ``name``."""
        for position, j in enumerate(self.model_order):
            if self.columns[j].name == name:
                return position
        raise KeyError(name)

    def decode(self, coded):
        """A model matrix back to a table like the training input: a DataFrame with
        its columns, dtypes and categories, or an array of its dtype."""
        values = [None] * len(self.columns)
        for position, j in enumerate(self.model_order):
            values[j] = self.columns[j].decode(coded[:, position])
        if self.frame:
            import pandas as pd

            data = {}
            for column, v in zip(self.columns, values):
                dtype = _pandas_dtype(column.dtype)
                if isinstance(dtype, pd.CategoricalDtype):
                    data[column.name] = pd.Categorical(v, dtype=dtype)
                else:
                    data[column.name] = pd.Series(v).astype(dtype)
            return pd.DataFrame(data, columns=list(self.names))
        dtype = np.dtype(self.array_dtype[1])
        if dtype.kind in "biufc":
            return np.column_stack(values).astype(dtype)
        out = np.empty((coded.shape[0], len(values)), dtype=object)
        for j, v in enumerate(values):
            out[:, j] = v
        return out


def _columns_of(X):
    """``(names, values)``: the column names (positions for an array) and each
    column's values as a 1-D numpy array of a dtype numpy can sort."""
    if _is_dataframe(X):
        import pandas as pd

        values = []
        for name in X.columns:
            col = X[name]
            if isinstance(col.dtype, pd.CategoricalDtype):
                v = np.asarray(col.astype(object))
            elif isinstance(col.dtype, pd.DatetimeTZDtype) or col.dtype.kind == "m":
                raise ValueError(
                    f"Column {name!r} holds {col.dtype} values; convert time-zone-"
                    "aware datetimes to naive ones (.dt.tz_convert(None)) and "
                    "durations to numbers (.dt.total_seconds()) first."
                )
            elif col.dtype.kind in "biufcM":
                v = col.to_numpy()
            elif pd.api.types.is_bool_dtype(col.dtype):  # nullable: NA as None
                v = col.to_numpy(dtype=object if col.isna().any() else bool)
            elif pd.api.types.is_numeric_dtype(col.dtype):  # Int64, Float64
                v = col.to_numpy(dtype=np.float64, na_value=np.nan)
            else:  # strings, objects
                v = np.asarray(col.astype(object))
            values.append(v)
        return list(X.columns), values
    X = np.asarray(X)  # 2-D, dense: TabularVAE's input check has seen to that
    return list(range(X.shape[1])), [X[:, j] for j in range(X.shape[1])]


def _refuse_complex(names, values):
    complex_columns = [n for n, v in zip(names, values) if v.dtype.kind == "c"]
    if complex_columns:
        raise ValueError(
            f"Complex data not supported (columns {complex_columns[:10]}); pass its "
            "real and imaginary parts as two columns."
        )


def _categorical_mask(categorical_features, names, frame):
    """Which columns the user named categorical (a mask over ``names``)."""
    n = len(names)
    if categorical_features is None or (
        isinstance(categorical_features, str) and categorical_features == "auto"
    ):
        return np.zeros(n, dtype=bool)
    if isinstance(categorical_features, str):  # one column's name
        categorical_features = [categorical_features]
    chosen = np.asarray(categorical_features)
    if chosen.dtype == bool:
        if chosen.shape != (n,):
            raise ValueError(
                f"categorical_features as a mask needs one entry per column ({n}), "
                f"got {chosen.shape[0]}."
            )
        return chosen
    mask = np.zeros(n, dtype=bool)
    for item in chosen.tolist():
        if item in names:
            mask[names.index(item)] = True
        elif isinstance(item, int) and -n <= item < n:
            mask[item] = True
        else:
            raise ValueError(
                f"categorical_features names {item!r}, which is not a column of X "
                f"(columns: {names[:10]}{' ...' if n > 10 else ''})."
            )
    return mask


def _refuse_missing(names, values, estimator_name):
    _refuse_complex(names, values)
    missing = [name for name, v in zip(names, values) if np.any(_missing(v))]
    if missing:
        raise ValueError(
            f"Input X contains NaN, infinity or other missing values, in the columns "
            f"{missing[:10]}; {estimator_name} does not model missing values: impute "
            "them (e.g. sklearn.impute.SimpleImputer) or drop those rows first."
        )
