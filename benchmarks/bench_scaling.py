"""How fit time and memory grow: with the rows, the hidden units and the features.

One epoch of ``BernoulliRBM`` (batch 10, float32) and of ``VAE`` (784-400-20, batch
128, float32), each in a fresh process, on MNIST-5k's 5,000 digits made into more
rows by random shifts of up to two pixels (1k to 64k rows); then the RBM on 4,000
rows with 64 to 4,096 hidden units, and on the digits shrunk to 14 x 14 (196
features) or blown up to 56 x 56 (3,136). Printed per point (median fit seconds of
three fresh processes, the largest memory figure of the three): fit seconds, the time
per sample, and the peak memory the fit adds beyond the data. On Linux the peak
resident size is reset just before the fit (``/proc/self/clear_refs``) and read after
it, less the resident size before it; elsewhere only the times are measured. The
process has just fitted the same model on 200 rows, so the model's own arrays are
resident already: what this counts is what grows with the data, such as a copy of it.

Targets: time per sample flat in the rows; memory beyond the data independent of
them.

    python benchmarks/bench_scaling.py [--repeats 3] [--max-rows 65536]
        [--plot scaling.png]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, {bench!r})
from _data import mnist5k
import skgen

kind, n_rows, n_hidden, side = {args!r}
X5, Xt, _, _ = mnist5k(np.float32)
base = np.concatenate([X5, Xt]).reshape(-1, 28, 28)
X = np.empty((n_rows, side * side), np.float32)  # built in place, in blocks
rng = np.random.RandomState(0)
for start in range(0, n_rows, 1000):
    idx = rng.randint(0, len(base), min(1000, n_rows - start))
    block = base[idx]
    if start >= len(base):  # the rows beyond the real digits: shifted copies
        dy, dx = rng.randint(-2, 3, size=2)
        block = np.roll(block, (dy, dx), axis=(1, 2))
    if side == 14:
        block = block.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))
    elif side == 56:
        block = block.repeat(2, axis=1).repeat(2, axis=2)
    X[start:start + len(block)] = block.reshape(len(block), -1)
if kind == "rbm":
    make = lambda: skgen.BernoulliRBM(n_components=n_hidden, n_iter=1, random_state=0)
else:
    make = lambda: skgen.VAE(max_iter=1, random_state=0)
make().fit(X[:200])  # kernels loaded: the timing is the fit
def status_mb(field):
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak resident size starts again from the current one
    before = status_mb("VmRSS")
except OSError:  # not Linux: times only
    before = None
start = time.perf_counter()
make().fit(X)
seconds = time.perf_counter() - start
extra = float("nan") if before is None else max(0.0, status_mb("VmHWM") - before)
print(json.dumps([seconds, extra, X.nbytes / 2**20]))
"""


def measure(kind, n_rows, n_hidden=256, side=28, repeats=3):
    """Median fit seconds and largest extra memory of ``repeats`` fresh processes."""
    code = CHILD.format(
        bench=os.path.dirname(os.path.abspath(__file__)),
        args=(kind, n_rows, n_hidden, side),
    )
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    seconds = statistics.median(run[0] for run in runs)
    extra = max(run[1] for run in runs)
    data = runs[0][2]
    row = dict(
        kind=kind,
        rows=n_rows,
        hidden=n_hidden,
        features=side * side,
        seconds=seconds,
        us_per_sample=1e6 * seconds / n_rows,
        extra_mb=extra,
        data_mb=data,
    )
    print(
        f"{kind:4s} {n_rows:6d} {n_hidden:5d} {side * side:5d} {seconds:8.2f}"
        f" {row['us_per_sample']:9.1f} {data:8.1f} {extra:9.1f}",
        flush=True,
    )
    return row


def plot(rows, path):
    from skgen._plotting import pyplot

    plt = pyplot()

    panels = [
        (
            "rows",
            "training rows",
            lambda r: r["rows"] != 4000,
        ),
        (
            "hidden",
            "RBM hidden units (4,000 rows)",
            lambda r: r["kind"] == "rbm" and r["rows"] == 4000 and r["features"] == 784,
        ),
        (
            "features",
            "features (RBM, 4,000 rows)",
            lambda r: r["kind"] == "rbm" and r["rows"] == 4000 and r["hidden"] == 256,
        ),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(11, 6))
    for col, (key, label, keep) in enumerate(panels):
        for kind, colour in (("rbm", "tab:blue"), ("vae", "tab:orange")):
            points = sorted(
                (r[key], r["us_per_sample"], r["extra_mb"], r["data_mb"])
                for r in rows
                if r["kind"] == kind and keep(r)
            )
            if not points:
                continue
            x, t, m, d = zip(*points)
            name = "BernoulliRBM" if kind == "rbm" else "VAE"
            axes[0, col].plot(x, t, "o-", color=colour, label=name)
            axes[1, col].plot(x, m, "o-", color=colour, label=f"{name}: fit's extra")
            if col == 0 and kind == "rbm":
                axes[1, col].plot(x, d, "k:", label="the data itself")
        ticks = sorted({r[key] for r in rows if keep(r)})
        for row in (0, 1):
            axes[row, col].set_xscale("log", base=2)
            axes[row, col].set_xticks(ticks, [f"{t:,}" for t in ticks], fontsize=8)
            axes[row, col].minorticks_off()
            axes[row, col].set_ylim(bottom=0)
            axes[row, col].grid(alpha=0.3)
        top = max(max(line.get_ydata()) for line in axes[1, col].get_lines())
        axes[1, col].set_ylim(0, max(10.0, 1.1 * top))  # MB: a fraction is noise
        axes[1, col].set_xlabel(label)
    axes[0, 0].set_ylabel("fit time per sample, one epoch (us)")
    axes[1, 0].set_ylabel("peak memory beyond the data (MB)")
    axes[0, 0].legend(fontsize=8)
    axes[1, 0].legend(fontsize=8)
    fig.suptitle(
        "One epoch of BernoulliRBM (256 units, batch 10) and VAE (784-400-20, batch "
        "128), float32,\nMNIST-5k and shifted copies (benchmarks/bench_scaling.py)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"figure: {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-rows", type=int, default=65536)
    parser.add_argument("--plot", help="write the figure here (needs matplotlib)")
    args = parser.parse_args()
    print(
        f"{'':4s} {'rows':>6s} {'units':>5s} {'feat.':>5s} {'fit s':>8s}"
        f" {'us/sample':>9s} {'data MB':>8s} {'extra MB':>9s}"
    )
    rows = []
    n = 1024
    while n <= args.max_rows:
        rows += [measure(kind, n, repeats=args.repeats) for kind in ("rbm", "vae")]
        n *= 4
    for h in (64, 256, 1024, 4096):
        rows.append(measure("rbm", 4000, n_hidden=h, repeats=args.repeats))
    for side in (14, 56):
        rows.append(measure("rbm", 4000, side=side, repeats=args.repeats))
    if args.plot:
        plot(rows, args.plot)


if __name__ == "__main__":
    main()
