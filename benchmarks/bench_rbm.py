"""skgen.BernoulliRBM against sklearn.neural_network.BernoulliRBM, side by side.

Both fit MNIST-5k (4000 train / 1000 test) with n_components=256, learning_rate=0.05,
alternating in one process; the script prints median fit times, their ratio, the
effective GFLOP/s of each fit as a fraction of this machine's GEMM rate (measured in
the same run, before every pair), the fraction that PCD's three products alone reach at
the same shapes (the ceiling of any fit), and test pseudo-likelihoods (and AIS
log-likelihoods). It also times the first call (Numba compilation) in fresh
processes, with a cold and a warm cache.

    python benchmarks/bench_rbm.py [--repeats 5] [--n-iter 5]

``--batch-sweep`` instead times both libraries per training sample at batch sizes
from 1 to 512 (float64 and float32, ``--n-iter`` epochs on 2,000 rows, medians of
``--repeats`` alternating pairs) with each fit's share of the GEMM rate, and with
``--figure PATH`` draws time per sample against batch size (matplotlib).

    python benchmarks/bench_rbm.py --batch-sweep [--repeats 3] [--n-iter 2]
        [--figure rbm_batch_sweep.png]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM as SkRBM

from skgen import BernoulliRBM

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402

CONFIGS = [(10, np.float64), (128, np.float32)]


def gemm_rate(dtype, n=2048, repeats=3):
    """Large square GEMM through numpy's BLAS, in GFLOP/s (median of ``repeats``)."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n)).astype(dtype)
    b = rng.random((n, n)).astype(dtype)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2.0 * n**3 / statistics.median(times) / 1e9


def products_rate(batch_size, dtype, n_features=784, n_components=256, repeats=7):
    """GFLOP/s of PCD-1's three products alone at one minibatch's shapes, through
    numpy with preallocated outputs: the most a fit can reach at this batch size, since
    small products run below the large-GEMM rate whatever surrounds them."""
    rng = np.random.default_rng(0)
    W = (0.01 * rng.standard_normal((n_components, n_features))).astype(dtype)
    vv = rng.random((2 * batch_size, n_features)).astype(dtype)
    chains = rng.random((batch_size, n_components)).astype(dtype)
    hh = np.empty((2 * batch_size, n_components), dtype)
    v_neg = np.empty((batch_size, n_features), dtype)
    grad = np.empty_like(W)

    def step():
        np.matmul(chains, W, out=v_neg)  # negative visible
        np.matmul(vv, W.T, out=hh)  # both phases' hidden
        np.matmul(hh.T, vv, out=grad)  # the weight update

    n_steps = max(10, 2000 // batch_size)
    for _ in range(n_steps):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n_steps):
            step()
        times.append((time.perf_counter() - start) / n_steps)
    return fit_flops(batch_size, n_features, n_components, 1) / min(times) / 1e9


def fit_flops(n_samples, n_features, n_components, n_iter):
    """PCD-1 multiply-adds per sample: the positive hidden, negative visible and
    negative hidden products and the two halves of the update, 2 * V * H flops each."""
    return 10.0 * n_features * n_components * n_samples * n_iter


def time_fit(model, X):
    start = time.perf_counter()
    model.fit(X)
    return time.perf_counter() - start


FIRST_CALL = """
import time
start = time.perf_counter()
import numpy as np
from skgen import BernoulliRBM
imported = time.perf_counter()
X = np.random.RandomState(0).uniform(size=(40, 20))
for dtype in (np.float64, np.float32):
    BernoulliRBM(n_components=8, n_iter=1).fit(X.astype(dtype)).transform(X)
print(imported - start, time.perf_counter() - imported)
"""


def first_call_times():
    """(import, first fit) seconds in fresh processes: cold Numba cache, then warm."""
    results = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for _ in ("cold", "warm"):
            out = subprocess.run(
                [sys.executable, "-c", FIRST_CALL],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            results.append(tuple(float(x) for x in out))
    return results


SWEEP_BATCHES = (1, 4, 10, 32, 128, 512)


def batch_sweep(repeats, n_iter, figure=None, n_rows=2000):
    """Microseconds per training sample and share of the GEMM rate by batch size."""
    params = dict(n_components=256, learning_rate=0.05, n_iter=n_iter, random_state=0)
    per_sample = {}
    print(
        f"{n_rows} MNIST-5k rows, 256 hidden units, {n_iter} epochs, median of "
        f"{repeats} alternating pairs; us per sample (share of the GEMM rate)"
    )
    print(f"  {'dtype':8s} {'batch':>5s} {'sklearn':>16s} {'skgen':>16s} {'ratio':>6s}")
    for dtype in (np.float64, np.float32):
        X = np.ascontiguousarray(mnist5k(dtype)[0][:n_rows])
        BernoulliRBM(**{**params, "n_iter": 1}).fit(X[:100])  # compile outside timing
        rate = gemm_rate(dtype)
        for batch_size in SWEEP_BATCHES:
            times = {"sklearn": [], "skgen": []}
            for _ in range(repeats):
                for name, cls in (("sklearn", SkRBM), ("skgen", BernoulliRBM)):
                    model = cls(batch_size=batch_size, **params)
                    times[name].append(time_fit(model, X))
            cells = []
            for name in ("sklearn", "skgen"):
                med = statistics.median(times[name])
                per_sample[name, np.dtype(dtype).name, batch_size] = (
                    med / (n_rows * n_iter) * 1e6
                )
                share = fit_flops(n_rows, X.shape[1], 256, n_iter) / med / 1e9 / rate
                cells.append(f"{med / (n_rows * n_iter) * 1e6:7.1f} ({share:5.1%})")
            ratios = [a / b for a, b in zip(times["sklearn"], times["skgen"])]
            print(
                f"  {np.dtype(dtype).name:8s} {batch_size:5d} {cells[0]:>16s} "
                f"{cells[1]:>16s} {statistics.median(ratios):5.2f}x"
            )
    if figure:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for name, style in (("sklearn", "--"), ("skgen", "-")):
            for dtype, marker in (("float64", "o"), ("float32", "s")):
                ys = [per_sample[name, dtype, b] for b in SWEEP_BATCHES]
                label = f"{name} {dtype}"
                ax.loglog(SWEEP_BATCHES, ys, style, marker=marker, label=label)
        ax.set_xlabel("batch size")
        ax.set_ylabel("us per training sample")
        ax.set_title("BernoulliRBM 784-256, MNIST-5k rows")
        ax.legend()
        fig.tight_layout()
        fig.savefig(figure, dpi=100)
        print(f"figure written to {figure}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-iter", type=int, default=5)
    parser.add_argument(
        "--ais-betas",
        type=int,
        default=1000,
        help="AIS intermediate distributions for the log-likelihood (0: skip)",
    )
    parser.add_argument("--batch-sweep", action="store_true")
    parser.add_argument("--figure", help="with --batch-sweep: write a PNG here")
    args = parser.parse_args()
    if args.batch_sweep:
        return batch_sweep(args.repeats, args.n_iter, args.figure)

    (cold_import, cold_fit), (warm_import, warm_fit) = first_call_times()
    print(
        f"first call, cold cache: import {cold_import:.2f}s, first fits {cold_fit:.2f}s"
    )
    print(
        f"first call, warm cache: import {warm_import:.2f}s, first fits {warm_fit:.2f}s"
    )

    import threadpoolctl

    from skgen._kernels._blas import BLAS_SOURCE

    print(f"skgen's kernels call {BLAS_SOURCE}; scikit-learn calls numpy's BLAS")
    for info in threadpoolctl.threadpool_info():
        if info["user_api"] == "blas":
            print(
                f"  loaded: {info['internal_api']} {info['version']} "
                f"({info['num_threads']} threads) {os.path.basename(info['filepath'])}"
            )

    params = dict(
        n_components=256, learning_rate=0.05, n_iter=args.n_iter, random_state=0
    )
    for batch_size, dtype in CONFIGS:
        X_train, X_test, _, _ = mnist5k(dtype)
        flops = fit_flops(*X_train.shape, 256, args.n_iter)
        BernoulliRBM(**{**params, "n_iter": 1}).fit(
            X_train[:100]
        )  # compile outside timing
        times = {"skgen": [], "sklearn": []}
        rates = []  # the GEMM rate, measured again before each pair: the machine drifts
        ceilings = []  # the same for the PCD products alone at this batch size
        models = {}
        for _ in range(args.repeats):
            rates.append(gemm_rate(dtype))
            ceilings.append(products_rate(batch_size, dtype) / rates[-1])
            for name, cls in (("sklearn", SkRBM), ("skgen", BernoulliRBM)):
                models[name] = cls(batch_size=batch_size, **params)
                times[name].append(time_fit(models[name], X_train))
        ratios = [s / k for s, k in zip(times["sklearn"], times["skgen"])]
        rate = statistics.median(rates)
        print(
            f"\nbatch_size={batch_size}, {np.dtype(dtype).name}, {args.n_iter} epochs, "
            f"{args.repeats} alternating repeats; GEMM rate median {rate:.1f} GFLOP/s "
            f"({min(rates):.0f}-{max(rates):.0f}); PCD's products alone at this "
            f"batch: {statistics.median(ceilings):.1%} of it (the ceiling)"
        )
        for name in ("sklearn", "skgen"):
            med = statistics.median(times[name])
            fractions = [flops / t / 1e9 / r for t, r in zip(times[name], rates)]
            pl = models[name].score_samples(X_test).mean()
            print(
                f"  {name:8s} median {med:6.3f}s  (min {min(times[name]):.3f}, max "
                f"{max(times[name]):.3f})  {flops / med / 1e9:6.1f} GFLOP/s = "
                f"{statistics.median(fractions):5.1%} of the GEMM rate (median over "
                f"repeats)  test pseudo-LL {pl:8.2f}"
            )
        print(
            f"  speed-up skgen vs sklearn: median {statistics.median(ratios):.2f}x "
            f"(per-pair {', '.join(f'{r:.2f}' for r in ratios)})"
        )
        if args.ais_betas:
            for name, model in models.items():
                ours = BernoulliRBM(n_components=256, random_state=0).fit(X_test[:2])
                ours.components_ = np.ascontiguousarray(model.components_)
                ours.intercept_visible_ = model.intercept_visible_
                ours.intercept_hidden_ = model.intercept_hidden_
                ll, se = ours.log_likelihood(
                    X_test, method="ais", n_betas=args.ais_betas, return_std=True
                )
                print(
                    f"  {name:8s} test log-likelihood (AIS, {args.ais_betas} betas, "
                    f"100 runs) {ll.mean():8.2f} +- {se:.2f}"
                )


if __name__ == "__main__":
    main()
