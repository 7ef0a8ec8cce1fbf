"""skgen.BernoulliRBM against learnergy's RBM (PyTorch), test log-likelihood at
equal settings.

Both train on MNIST-5k (4000 train / 1000 test, grey levels in [0, 1]) with 256
hidden units, CD-1, learning rate 0.05, batch 128, 5 epochs, no momentum and no
weight decay, the settings of learnergy's examples. Both sets of trained weights
are then scored by the same estimator: skgen's AIS (``log_likelihood(method="ais")``)
on the test rows, so the estimate cannot favour either library. Variants of skgen
show what each of its training choices is worth: visible biases started at the
data's log-odds against zero (as learnergy and scikit-learn start them), a new row
order every epoch against one fixed order (as scikit-learn's RBM walks them), and
persistent CD (skgen's default) against CD. Seeds alternate between the libraries in
one process; medians are printed.

    python benchmarks/bench_rbm_loglik.py [--seeds 3] [--n-iter 5]

Needs ``learnergy`` (``pip install --no-deps learnergy==2.0.2``, with torch).
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

from skgen import BernoulliRBM

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402

# learnergy trains at a constant rate; skgen's default decays it (its docstring).
SETTINGS = dict(
    n_components=256,
    learning_rate=0.05,
    batch_size=128,
    learning_rate_schedule="constant",
)

# name: (BernoulliRBM parameters, visible biases started at zero)
VARIANTS = {
    "skgen BernoulliRBM, CD-1": (dict(persistent=False), False),
    "  with visible biases from 0": (dict(persistent=False), True),
    "  and rows in a fixed order": (dict(persistent=False, shuffle=False), True),
    "skgen, PCD-1 (its default algorithm)": (dict(persistent=True), False),
}


def fit_learnergy(X, n_iter, seed):
    """learnergy's RBM at the shared settings; its weights as a fitted skgen RBM."""
    import torch
    from learnergy.models.bernoulli import RBM

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    model = RBM(
        n_visible=X.shape[1],
        n_hidden=SETTINGS["n_components"],
        steps=1,
        learning_rate=SETTINGS["learning_rate"],
        momentum=0.0,
        decay=0.0,
    )
    data = torch.utils.data.TensorDataset(
        torch.from_numpy(X.astype(np.float32)), torch.zeros(len(X))
    )
    start = time.perf_counter()
    model.fit(data, batch_size=SETTINGS["batch_size"], epochs=n_iter)
    seconds = time.perf_counter() - start
    rbm = BernoulliRBM(n_components=SETTINGS["n_components"]).fit(X[:2])
    rbm.components_ = model.W.detach().numpy().T.astype(np.float64).copy()
    rbm.intercept_visible_ = model.a.detach().numpy().astype(np.float64)
    rbm.intercept_hidden_ = model.b.detach().numpy().astype(np.float64)
    return rbm, seconds


def fit_skgen(X, n_iter, seed, options, zero_biases=False):
    """skgen's RBM; with ``zero_biases``, started as learnergy starts (an RBM made
    by a fit of no epochs, its visible biases zeroed, then one partial_fit per
    epoch)."""
    rbm = BernoulliRBM(**SETTINGS, n_iter=n_iter, random_state=seed, **options)
    start = time.perf_counter()
    if zero_biases:
        rbm.set_params(n_iter=0).fit(X).intercept_visible_[:] = 0.0
        for _ in range(n_iter):
            rbm.partial_fit(X)
    else:
        rbm.fit(X)
    return rbm, time.perf_counter() - start


def test_loglik(rbm, X_test, seed):
    rbm.random_state = seed  # the AIS runs' draws
    return float(np.mean(rbm.log_likelihood(X_test, method="ais", n_betas=10000)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-iter", type=int, default=5)
    args = parser.parse_args()
    try:
        import learnergy  # noqa: F401
    except ImportError:
        raise SystemExit("pip install --no-deps learnergy==2.0.2 (needs torch)")
    X, X_test, _, _ = mnist5k()
    results = {name: [] for name in ["learnergy RBM (PyTorch)", *VARIANTS]}
    times = {name: [] for name in results}
    for seed in range(args.seeds):
        rbm, seconds = fit_learnergy(X, args.n_iter, seed)
        results["learnergy RBM (PyTorch)"].append(test_loglik(rbm, X_test, seed))
        times["learnergy RBM (PyTorch)"].append(seconds)
        for name, (options, zero_biases) in VARIANTS.items():
            rbm, seconds = fit_skgen(X, args.n_iter, seed, options, zero_biases)
            results[name].append(test_loglik(rbm, X_test, seed))
            times[name].append(seconds)
        print(f"seed {seed}: " + ", ".join(f"{v[-1]:.1f}" for v in results.values()))
    peer = statistics.median(results["learnergy RBM (PyTorch)"])
    print(
        f"\nMNIST-5k, 784 -> 256, CD-1, rate 0.05, batch 128, {args.n_iter} epochs; "
        f"medians of {args.seeds} seeds"
    )
    print(f"{'model':34s} {'test log-lik.':>13s} {'vs peer':>8s} {'fit s':>6s}")
    for name, values in results.items():
        value = statistics.median(values)
        print(
            f"{name:34s} {value:13.2f} {value - peer:+8.2f} "
            f"{statistics.median(times[name]):6.2f}"
        )


if __name__ == "__main__":
    main()
