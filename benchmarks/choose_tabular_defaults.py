"""How TabularVAE's defaults were chosen: on validation splits of training rows only.

    python benchmarks/choose_tabular_defaults.py [--seeds 3] [--tables cars weather]
        [CONFIG ...]

Each seed splits a table 75/25 into training and test rows exactly as
bench_tables.py does; the test rows are never read here. The training rows are split
again 75/25 into fitting and validation rows. Every CONFIG (keyword arguments of
``TabularVAE``, e.g. ``"n_components=8"``; "" is the defaults) is fitted on the
fitting rows and draws as many rows; they are scored against the validation rows
by SDMetrics' quality report (higher is better) and by the accuracy of a classifier
telling them from the validation rows (lower is better), as in bench_tables.py.
Medians over the seeds. The defaults were chosen on cars and weather; airports,
cancer and wine were left to check them on (bench_tables.py).
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.model_selection import train_test_split

from skgen import TabularVAE

sys.path.insert(0, os.path.dirname(__file__))
from _data import table  # noqa: E402
from bench_tables import detection, metadata, quality  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("configs", nargs="*", default=[""])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--tables", nargs="+", default=["cars", "weather"])
    args = parser.parse_args()
    configs = [eval(f"dict({c})") for c in args.configs]  # noqa: S307 (our own CLI)
    for name in args.tables:
        frame, _ = table(name)
        meta = metadata(frame)
        results = {i: [] for i in range(len(configs))}
        for seed in range(args.seeds):
            train, _ = train_test_split(frame, test_size=0.25, random_state=seed)
            fit, val = train_test_split(train, test_size=0.25, random_state=100 + seed)
            fit, val = fit.reset_index(drop=True), val.reset_index(drop=True)
            for i, config in enumerate(configs):
                start = time.perf_counter()
                model = TabularVAE(**{"random_state": seed, **config}).fit(fit)
                rows = model.sample(len(fit), random_state=seed)
                seconds = time.perf_counter() - start
                overall, shapes, pairs, _ = quality(val, rows, meta)
                detect = detection(val, rows, seed)
                results[i].append((overall, shapes, pairs, detect, seconds))
        print(f"{name}: {len(frame)} rows; validation medians over {args.seeds} seeds")
        print(f"  {'config':34} quality shapes  pairs detect  fit s")
        for i in range(len(configs)):
            med = np.median(np.array(results[i]), axis=0)
            print(
                f"  {args.configs[i] or 'defaults':34} {med[0]:7.3f} {med[1]:6.3f} "
                f"{med[2]:6.3f} {med[3]:6.3f} {med[4]:6.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
