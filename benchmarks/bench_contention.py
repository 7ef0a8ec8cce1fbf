"""Calls on a busy machine: skgen's default BLAS threads against one thread.

Every call runs on MNIST-5k (4000 train / 1000 test) first on the idle machine, then
while twice as many busy processes as cores (started and stopped by this script)
keep every core loaded. Each call is timed three ways, alternating within every
repeat:

- ``default``: skgen at ``n_jobs=None`` (the cores other processes leave free, looked
  at every epoch); scikit-learn as it comes (BLAS's own count, every core);
- ``all``: skgen at ``n_jobs=-1``, every core, which is what skgen's default did
  before it followed the load;
- ``one``: one BLAS thread (``n_jobs=1``; scikit-learn under threadpoolctl).

Printed: medians of the repeats, and the ratios the targets are about: on the loaded
machine ``default / one`` (at most 1.3), on the idle one ``default / all`` (at most
1.05: following the load must not cost idle speed). The settings are small (two
epochs, a few hundred AIS temperatures) so that the loaded run ends in minutes; the
ratios, not the absolute times, are the result.

    python benchmarks/bench_contention.py [--repeats 3] [--plot contention.png]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings
from contextlib import nullcontext

import numpy as np
from joblib import cpu_count
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402

import skgen  # noqa: E402

MODES = ("default", "all", "one")
N_JOBS = {"default": None, "all": -1, "one": 1}


def skgen_calls(X, Xt, y):
    """(name, fitted-model maker, call(model, n_jobs)) for every estimator's fit and
    the RBM's and VAE's other computing methods."""
    X32 = X.astype(np.float32)
    rbm = skgen.BernoulliRBM(n_iter=2, random_state=0).fit(X)
    vae = skgen.VAE(max_iter=2, random_state=0).fit(X)

    def fitting(make, data, labels=None):
        def call(n_jobs):
            model = make().set_params(n_jobs=n_jobs)
            model.fit(data) if labels is None else model.fit(data, labels)

        return call

    def method(model, name, *args, **kwargs):
        def call(n_jobs):
            getattr(model.set_params(n_jobs=n_jobs), name)(*args, **kwargs)

        return call

    return [
        (
            "RBM fit, batch 10",
            fitting(lambda: skgen.BernoulliRBM(n_iter=2, random_state=0), X),
        ),
        (
            "RBM fit, batch 128 float32",
            fitting(
                lambda: skgen.BernoulliRBM(
                    batch_size=128, learning_rate=0.05, n_iter=5, random_state=0
                ),
                X32,
            ),
        ),
        ("RBM transform", method(rbm, "transform", X)),
        ("RBM score", method(rbm, "score", Xt)),
        (
            "RBM log_likelihood",
            method(rbm, "log_likelihood", Xt[:200], method="ais", n_betas=300),
        ),
        (
            "DBN fit (256, 256)",
            fitting(lambda: skgen.DBN(n_iter=1, random_state=0), X),
        ),
        (
            "DBNClassifier fit",
            fitting(
                lambda: skgen.DBNClassifier(
                    hidden_layer_sizes=(256,), rbm_n_iter=1, max_iter=3, random_state=0
                ),
                X,
                y,
            ),
        ),
        (
            "DeepAutoencoder fit",
            fitting(
                lambda: skgen.DeepAutoencoder(
                    hidden_layer_sizes=(256,), rbm_n_iter=1, max_iter=3, random_state=0
                ),
                X,
            ),
        ),
        ("VAE fit", fitting(lambda: skgen.VAE(max_iter=3, random_state=0), X)),
        ("VAE transform", method(vae, "transform", X)),
        ("VAE score", method(vae, "score", Xt)),
        ("CVAE fit", fitting(lambda: skgen.CVAE(max_iter=3, random_state=0), X, y)),
    ]


def sklearn_calls(X, y):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import BernoulliRBM, MLPClassifier

    def rbm(n_jobs):
        BernoulliRBM(n_components=256, n_iter=2, random_state=0).fit(X)

    def mlp(n_jobs):
        with warnings.catch_warnings():  # three epochs do not converge, by design
            warnings.simplefilter("ignore", ConvergenceWarning)
            MLPClassifier(max_iter=3, random_state=0).fit(X, y)

    return [("sklearn RBM fit", rbm), ("sklearn MLP fit", mlp)]


def time_calls(calls, repeats, peer_names):
    """{name: {mode: median seconds}}; modes alternate within every repeat."""
    times = {name: {mode: [] for mode in MODES} for name, _ in calls}
    for name, call in calls:
        call(None)  # warm-up: kernels loaded, caches filled
        for _ in range(repeats):
            for mode in MODES:
                if name in peer_names and mode == "all":
                    continue  # scikit-learn's default is every core already
                limit = (
                    threadpool_limits(1, user_api="blas")
                    if name in peer_names and mode == "one"
                    else nullcontext()
                )
                with limit:
                    start = time.perf_counter()
                    call(N_JOBS[mode])
                    times[name][mode].append(time.perf_counter() - start)
        print(f"  {name}: done", file=sys.stderr, flush=True)  # a long run
    return {
        name: {m: statistics.median(t) if t else np.nan for m, t in modes.items()}
        for name, modes in times.items()
    }


class BusyMachine:
    """``n`` processes that spin on a core each until the block ends."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.loops = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(self.n)
        ]
        time.sleep(2.0)  # started and spinning
        return self

    def __exit__(self, *exc):
        for loop in self.loops:
            loop.kill()
            loop.wait()


def ratio(a, b):
    return f"{a / b:5.2f}" if np.isfinite(a / b) else "    -"


def print_table(idle, loaded):
    print(f"{'':27s} {'idle':-^22s} {'loaded':-^29s}")
    print(
        f"{'call':27s} {'one':>6s} {'default':>7s} {'d/all':>5s}"
        f" {'one':>6s} {'all':>6s} {'default':>7s} {'d/one':>5s}"
    )
    for name in idle:
        i, b = idle[name], loaded[name]
        print(
            f"{name:27s} {i['one']:6.2f} {i['default']:7.2f}"
            f" {ratio(i['default'], i['all'])}"
            f" {b['one']:6.2f} {b['all']:6.2f} {b['default']:7.2f}"
            f" {ratio(b['default'], b['one'])}"
        )
    print(
        "Seconds, medians. d/all: idle, default over every core (target <= 1.05).\n"
        "d/one: loaded, default over one thread (target <= 1.3). scikit-learn's\n"
        "default is every core, so it has no 'all' of its own."
    )


def plot(loaded, path):
    from skgen._plotting import pyplot

    plt = pyplot()

    names = list(loaded)
    y = np.arange(len(names))
    every = [
        loaded[n]["all"] if np.isfinite(loaded[n]["all"]) else loaded[n]["default"]
        for n in names
    ]
    every = np.array(every) / [loaded[n]["one"] for n in names]
    skgen_default = [
        loaded[n]["default"] / loaded[n]["one"] if np.isfinite(loaded[n]["all"]) else 0
        for n in names
    ]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.6))
    bars = ax.barh(
        y + 0.2,
        every,
        height=0.4,
        color="tab:red",
        label="every core: skgen n_jobs=-1 (its default before), scikit-learn",
    )
    ax.bar_label(bars, fmt="%.1f", padding=2, fontsize=7)
    bars = ax.barh(
        y - 0.2,
        skgen_default,
        height=0.4,
        color="tab:blue",
        label="skgen's default: the free cores",
    )
    ax.bar_label(
        bars,
        labels=[f"{r:.2f}" if r else "" for r in skgen_default],
        padding=2,
        fontsize=7,
    )
    ax.set_xscale("log")
    ax.set_xlim(0.5, 2 * max(every))
    ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 50, 100) if t < 2 * max(every)]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.axvline(1.3, color="gray", linestyle="--", linewidth=0.8, label="target 1.3")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("time on the loaded machine / time on one BLAS thread (log scale)")
    ax.set_title(
        f"{2 * cpu_count()} busy processes on {cpu_count()} cores; MNIST-5k, "
        "medians (benchmarks/bench_contention.py)",
        fontsize=9,
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncol=1)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"figure: {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--plot", help="write a bar chart of the loaded run here")
    parser.add_argument(
        "--calls", nargs="+", help="only the calls whose names contain one of these"
    )
    args = parser.parse_args()
    X, Xt, y, _ = mnist5k()
    calls = skgen_calls(X, Xt, y) + sklearn_calls(X, y)
    if args.calls:
        calls = [c for c in calls if any(word in c[0] for word in args.calls)]
    peers = {name for name, _ in sklearn_calls(X, y)}
    load = os.getloadavg()[0]
    print(f"idle run (load average {load:.2f}) ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    idle = time_calls(calls, args.repeats, peers)
    busy = 2 * cpu_count()
    print(f"loaded run ({busy} busy processes) ...", file=sys.stderr, flush=True)
    with BusyMachine(busy):
        loaded = time_calls(calls, args.repeats, peers)
    print(
        f"MNIST-5k, {args.repeats} repeats, {cpu_count()} cores; load average "
        f"{load:.2f} before the idle run; {time.perf_counter() - start:.0f} s\n"
    )
    print_table(idle, loaded)
    if args.plot:
        plot(loaded, args.plot)


if __name__ == "__main__":
    main()
