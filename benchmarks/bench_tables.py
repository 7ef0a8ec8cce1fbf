"""Synthetic tables of mixed column types: skgen's TabularVAE against ctgan's TVAE and
a Gaussian mixture, each at its defaults, scored on held-out real rows.

    python benchmarks/bench_tables.py [--seeds 3] [--tables cars weather airports
        cancer wine] [--quick]

Tables (``_data.table``; nothing is downloaded): vega_datasets' cars (392 rows:
numbers, integers, the model year as a datetime, ``Origin``), seattle-weather
(1461 days: a datetime, four numbers, ``weather``) and airports (3364 US airports:
``state`` with 56 values, ``country`` (one value once the rows without a state are
dropped), latitude, longitude), scikit-learn's breast-cancer (569 rows, 30 numbers,
``diagnosis``) and wine (178 rows, 13 numbers, ``cultivar``) tables.

Each seed draws a 75/25 split of the rows (stratified by a categorical target) and
seeds the generators, which see the training rows only and draw as many rows:

* ``TabularVAE()``: skgen, at its defaults;
* ``TVAE()``: ctgan 0.12, at its defaults (300 epochs), datetimes given to it as
  int64 seconds and turned back, seeded with its ``set_random_state``;
* ``GMM(BIC)``: scikit-learn's full-covariance ``GaussianMixture`` of the one-hot
  categorical and standardised numeric columns (datetimes as seconds), its number
  of components chosen by BIC on the training rows among 1, 2, 5, 10, 20 (at most a
  tenth of the rows); its samples mapped back by the argmax of each one-hot block,
  numbers clipped to the training range, integers rounded.

Every score compares with the held-out test rows, never the training rows; the row
"real" scores the training rows themselves as if synthetic (the ceiling):

* quality, shapes, pairs: SDMetrics' single-table ``QualityReport`` (its overall
  score, "Column Shapes" and "Column Pair Trends"). In SDMetrics 0.32 the pair
  trends average only the pairs whose real (test) association is strong: a
  correlation above 0.5 between two numeric columns, a Cramer's V above 0.3 for the
  others;
* detect: 5-fold cross-validated accuracy of a ``HistGradientBoostingClassifier``
  telling the first n synthetic rows from the n test rows: 0.5 is
  indistinguishable, lower is better;
* TSTR: train on synthetic, test on real: a ``HistGradientBoosting`` classifier
  (accuracy) or regressor (R^2) fitted to the synthetic rows to predict the target
  (cars ``Origin``, weather ``weather``, airports ``latitude``, cancer
  ``diagnosis``, wine ``cultivar``) and scored on the test rows;
* seconds: wall time of fit + sample. Both neural generators run in this process
  on the same cores (2 on the reference machine), neither limited here: TVAE with
  torch's default number of threads, TabularVAE at ``n_jobs=None`` (its BLAS threads
  follow the cores other processes leave free). Another process on the machine
  slows torch's fixed threads far more (TVAE on weather: 14 s idle, 122 s beside
  one busy process), so the load average after each table is printed too.

Medians over the seeds are printed, then the median over seeds of TVAE's seconds
over TabularVAE's, and for each generator its worst column (median Column Shapes
score). ``--quick``: one seed, cars and weather.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier as HGBClassifier
from sklearn.ensemble import HistGradientBoostingRegressor as HGBRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split

from skgen import TabularVAE
from skgen._demo import one_hot_mixture_rows

with warnings.catch_warnings():  # the single-table report is deprecated in 0.32
    warnings.simplefilter("ignore", FutureWarning)
    from sdmetrics.reports.single_table import QualityReport

sys.path.insert(0, os.path.dirname(__file__))
from _data import table  # noqa: E402

TABLES = ["cars", "weather", "airports", "cancer", "wine"]
METRICS = ["quality", "shapes", "pairs", "detect", "TSTR", "seconds"]


# ------------------------------------------------------------------ columns
def sdtype(column):
    """The column's SDMetrics sdtype."""
    if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
        return "categorical"
    if pd.api.types.is_bool_dtype(column.dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return "datetime"
    return "numerical"


def metadata(frame):
    columns = {}
    for name in frame:
        columns[name] = {"sdtype": sdtype(frame[name])}
        if columns[name]["sdtype"] == "datetime":
            columns[name]["datetime_format"] = "%Y-%m-%d"
    return {"columns": columns}


def seconds(column):
    """A datetime column as int64 seconds since the epoch."""
    return column.to_numpy().astype("datetime64[s]").astype(np.int64)


def like(values, column):
    """``values`` (numbers, seconds for a datetime column, labels) as a column of
    the dtype (and categories) of the real ``column``."""
    if sdtype(column) == "datetime":
        stamps = np.rint(np.asarray(values, dtype=np.float64)).astype(np.int64)
        return pd.Series(stamps.astype("datetime64[s]")).astype(column.dtype)
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels = np.asarray(values, dtype=object)
        return pd.Series(pd.Categorical(labels, dtype=column.dtype))
    if column.dtype.kind in "iu":
        values = np.rint(np.asarray(values, dtype=np.float64))
    return pd.Series(np.asarray(values)).astype(column.dtype)


def features(frame):
    """The frame as HistGradientBoosting reads it: categoricals as pandas
    categoricals (``categorical_features="from_dtype"``), datetimes as seconds."""
    out = {}
    for name in frame:
        kind = sdtype(frame[name])
        if kind == "datetime":
            out[name] = seconds(frame[name])
        elif kind == "categorical":
            out[name] = frame[name].astype("category")
        else:
            out[name] = frame[name].astype(np.float64)
    return pd.DataFrame(out, index=frame.index)


# --------------------------------------------------------------- generators
def tabular_vae(train, seed):
    model = TabularVAE(random_state=seed).fit(train)
    return model.sample(len(train), random_state=seed)


def tvae(train, seed):
    from ctgan import TVAE

    data = train.copy()
    dates = [name for name in data if sdtype(data[name]) == "datetime"]
    for name in dates:
        data[name] = seconds(data[name])
    discrete = [n for n in data if sdtype(data[n]) in ("categorical", "boolean")]
    model = TVAE()
    model.set_random_state(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        model.fit(data, discrete_columns=discrete)
        rows = model.sample(len(train))
    return pd.DataFrame({name: like(rows[name], train[name]) for name in train})


def gmm(train, seed):
    """A full-covariance Gaussian mixture of the one-hot and standardised columns
    (the demo's baseline, components by BIC), mapped back to the table's dtypes."""
    columns, levels = [], {}
    for j, name in enumerate(train):
        column = train[name]
        if sdtype(column) in ("categorical", "boolean"):
            values = column.to_numpy(dtype=object)
            levels[j], codes = np.unique(values, return_inverse=True)
            columns.append(codes.astype(np.float64))
        elif sdtype(column) == "datetime":
            columns.append(seconds(column).astype(np.float64))
        else:
            columns.append(column.to_numpy(dtype=np.float64))
    X = np.column_stack(columns)
    Z = one_hot_mixture_rows(X, sorted(levels), len(train), seed)
    out = {}
    for j, name in enumerate(train):
        values = levels[j][Z[:, j].astype(int)] if j in levels else Z[:, j]
        out[name] = like(values, train[name])
    return pd.DataFrame(out)


GENERATORS = {"TabularVAE": tabular_vae, "TVAE": tvae, "GMM(BIC)": gmm}


# ------------------------------------------------------------------ metrics
def quality(test, synthetic, meta):
    """Overall score, Column Shapes, Column Pair Trends and the column shapes."""
    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        report.generate(test, synthetic, meta, verbose=False)
    scores = report.get_properties().set_index("Property")["Score"]
    shapes = report.get_details("Column Shapes").set_index("Column")["Score"]
    overall = report.get_score()
    return overall, scores["Column Shapes"], scores["Column Pair Trends"], shapes


def detection(test, synthetic, seed):
    """Cross-validated accuracy telling n synthetic rows from the n test rows."""
    n = len(test)
    X = pd.concat([features(synthetic.iloc[:n]), features(test)], ignore_index=True)
    y = np.r_[np.ones(n), np.zeros(n)]
    judge = HGBClassifier(categorical_features="from_dtype", random_state=seed)
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    return float(cross_val_score(judge, X, y, cv=cv, scoring="accuracy").mean())


def tstr(test, synthetic, target, seed):
    """Train on the synthetic rows, score on the test rows (accuracy or R^2)."""
    X = features(synthetic.drop(columns=target))
    X_test = features(test.drop(columns=target))
    if sdtype(test[target]) == "numerical":
        model = HGBRegressor(categorical_features="from_dtype", random_state=seed)
        model.fit(X, synthetic[target].to_numpy(dtype=np.float64))
        return float(r2_score(test[target], model.predict(X_test)))
    y, y_test = synthetic[target].astype(str), test[target].astype(str)
    if y.nunique() < 2:  # one class drawn: it is the prediction
        return float(np.mean(y_test == y.iloc[0]))
    model = HGBClassifier(categorical_features="from_dtype", random_state=seed)
    return float(model.fit(X, y).score(X_test, y_test))


def scores(test, synthetic, target, meta, seed):
    overall, shapes, pairs, columns = quality(test, synthetic, meta)
    values = [overall, shapes, pairs, detection(test, synthetic, seed)]
    return values + [tstr(test, synthetic, target, seed)], columns


# ------------------------------------------------------------------- driver
def run(name, seeds):
    """``{model: [per-seed list of METRICS]}`` and ``{model: [per-seed shapes]}``."""
    frame, target = table(name)
    meta = metadata(frame)
    stratify = frame[target] if sdtype(frame[target]) == "categorical" else None
    results = {label: [] for label in [*GENERATORS, "real"]}
    shapes = {label: [] for label in results}
    for seed in range(seeds):
        train, test = train_test_split(
            frame, test_size=0.25, stratify=stratify, random_state=seed
        )
        train, test = train.reset_index(drop=True), test.reset_index(drop=True)
        for label, generate in GENERATORS.items():
            print(f"{name}, seed {seed}: {label} ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            try:
                synthetic = generate(train, seed)
            except Exception as error:
                error.add_note(f"({label} on table {name!r}, seed {seed})")
                raise
            elapsed = time.perf_counter() - start
            if not synthetic.dtypes.equals(train.dtypes):
                raise TypeError(
                    f"{label} on {name!r}, seed {seed}: columns or dtypes differ: "
                    f"{dict(synthetic.dtypes)} vs {dict(train.dtypes)}"
                )
            values, columns = scores(test, synthetic, target, meta, seed)
            results[label].append(values + [elapsed])
            shapes[label].append(columns)
            print(f"  {elapsed:.1f} s", file=sys.stderr, flush=True)
        values, columns = scores(test, train, target, meta, seed)
        results["real"].append(values + [np.nan])
        shapes["real"].append(columns)
    return frame, target, train, test, results, shapes


def print_table(name, seeds, frame, target, train, test, results, shapes):
    task = "R^2" if sdtype(frame[target]) == "numerical" else "acc."
    print(
        f"\n{name}: {len(train)} train / {len(test)} test rows, {frame.shape[1]} "
        f"columns, target {target} ({task})\nmedians over {seeds} seed(s)"
    )
    head = "".join(f"{m:>9}" for m in METRICS)
    print(f"{'model':<12}{head}")
    print("-" * (12 + 9 * len(METRICS)))
    for label, rows in results.items():
        medians = np.median(np.array(rows, dtype=np.float64), axis=0)
        cells = "".join(
            " " * 9 if np.isnan(v) else f"{v:9.1f}" if m == "seconds" else f"{v:9.3f}"
            for m, v in zip(METRICS, medians)
        )
        print(f"{label:<12}{cells}")
    ratios = [
        tvae_row[-1] / vae_row[-1]
        for tvae_row, vae_row in zip(results["TVAE"], results["TabularVAE"])
    ]
    print(f"time ratio TVAE / TabularVAE: {np.median(ratios):.1f}x")
    print("worst column (median Column Shapes score):")
    for label, per_seed in shapes.items():
        column = pd.concat(per_seed, axis=1).median(axis=1)
        print(f"  {label:<12}{column.idxmin()[:48]:<50}{column.min():.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--tables", nargs="+", default=TABLES, choices=TABLES)
    parser.add_argument(
        "--quick", action="store_true", help="one seed, cars and weather (smoke run)"
    )
    args = parser.parse_args()
    seeds, tables = args.seeds, args.tables
    if args.quick:
        seeds, tables = 1, ["cars", "weather"]
    for name in tables:
        begin = time.perf_counter()
        frame, target, train, test, results, shapes = run(name, seeds)
        print_table(name, seeds, frame, target, train, test, results, shapes)
        load = os.getloadavg()[0]  # seconds are wall times on a shared machine
        print(f"({time.perf_counter() - begin:.0f} s; load average {load:.1f})")


if __name__ == "__main__":
    main()
