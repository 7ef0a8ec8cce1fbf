"""Start-up cost: the first fit of each estimator in a fresh process, with a cold and
then a warm Numba cache.

    python benchmarks/bench_startup.py [--repeats 3]

Each measurement runs in a new Python process whose ``NUMBA_CACHE_DIR`` is a fresh
temporary folder (cold: every kernel compiles) or the folder a previous process filled
(warm: kernels load from disk). Printed per estimator: the time of its first ``fit`` on
tiny data (almost all of it compiling or loading kernels) and, for comparison, a second
fit in the same process. Medians over the repeats. Then, from the first cold run,
the kernels whose compilation took the time (Numba's "numba:compile" events, the
outermost ones: a kernel's time includes the helpers it compiled), with the dtype of
their first array argument.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = """
import json, time
from numba.core import event
compiles, depth = [], []
class Recorder(event.Listener):
    def on_start(self, ev):
        depth.append(time.perf_counter())
    def on_end(self, ev):
        start = depth.pop()
        if not depth:
            f = ev.data["dispatcher"].py_func
            arrays = [a for a in ev.data["args"] if hasattr(a, "dtype")]
            dtype = str(arrays[0].dtype) if arrays else ""
            compiles.append([f.__module__ + "." + f.__name__, dtype,
                             time.perf_counter() - start])
event.register("numba:compile", Recorder())
t0 = time.perf_counter()
import numpy as np
import skgen
t_import = time.perf_counter() - t0
X = np.random.RandomState(0).uniform(size=(64, 16)); y = np.arange(64) % 2
makers = {
    "BernoulliRBM": lambda: skgen.BernoulliRBM(n_components=4, n_iter=2),
    "GaussianRBM": lambda: skgen.GaussianRBM(n_components=4, n_iter=2),
    "DBN": lambda: skgen.DBN(hidden_layer_sizes=(4, 2), n_iter=2),
    "DBNClassifier": lambda: skgen.DBNClassifier(hidden_layer_sizes=(4,), max_iter=2),
    "VAE": lambda: skgen.VAE(n_components=2, hidden_layer_sizes=(4,), max_iter=2),
    "CVAE": lambda: skgen.CVAE(n_components=2, hidden_layer_sizes=(4,), max_iter=2),
    "DeepAutoencoder": lambda: skgen.DeepAutoencoder(
        hidden_layer_sizes=(4,), n_components=2, rbm_n_iter=2, max_iter=2),
}
out = {"import skgen": [t_import, 0.0]}
for name, make in makers.items():
    times = []
    for _ in range(2):
        model = make()
        t = time.perf_counter()
        model.fit(X, y) if name in ("DBNClassifier", "CVAE") else model.fit(X)
        times.append(time.perf_counter() - t)
    out[name] = times
print(json.dumps({"fits": out, "compiles": compiles}))
"""


def run(cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cold, warm, compiles = [], [], None
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:
            first = run(cache)
            cold.append(first["fits"])
            warm.append(run(cache)["fits"])
            compiles = compiles or first["compiles"]
    print(f"First fit in a fresh process (median of {args.repeats}), seconds:")
    print(f"  {'':18s} {'cold cache':>11s} {'warm cache':>11s} {'2nd fit':>9s}")
    totals = [0.0, 0.0]
    for name in cold[0]:
        c = statistics.median(r[name][0] for r in cold)
        w = statistics.median(r[name][0] for r in warm)
        second = statistics.median(r[name][1] for r in warm)
        totals[0] += c
        totals[1] += w
        print(f"  {name:18s} {c:11.2f} {w:11.2f} {second:9.3f}")
    print(f"  {'all of the above':18s} {totals[0]:11.2f} {totals[1]:11.2f}")
    total = sum(seconds for _, _, seconds in compiles)
    print(
        f"\nCompilation in the first cold run: {len(compiles)} kernels, {total:.1f} s"
    )
    for name, dtype, seconds in sorted(compiles, key=lambda c: -c[2])[:15]:
        print(f"  {seconds:6.2f}  {name.replace('skgen._kernels.', '')} ({dtype})")


if __name__ == "__main__":
    main()
