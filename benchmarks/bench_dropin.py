"""skgen.BernoulliRBM as a drop-in for scikit-learn's, at scikit-learn's settings.

A user who swaps the import keeps every argument. Three checks, skgen and
scikit-learn alternating seed by seed in one process; skgen at its default schedule
("auto": "annealed" for an explicit ``n_iter``) and, for comparison, with the linear
decay from ``learning_rate`` (its schedule before 0.3) and a constant rate:

* 4x4 bars and stripes (the 30 patterns, each 10 times), ``n_components=16,
  learning_rate=0.05, batch_size=10, n_iter=100``: exact log-likelihood of the
  patterns, by enumerating the 2**16 visible states; mean over 10 seeds.
* MNIST-5k (4,000 training rows), scikit-learn's defaults with their ``n_iter=10``
  given: test log-likelihood of 1,000 held-out digits, every model scored by skgen's
  AIS (``log_likelihood(method="ais")``, 100 runs of 10,000 temperatures), so the
  estimate favours neither library; median over ``--seeds``.
* Digits (/16, 75% split, seed 0), the settings of scikit-learn's RBM example
  (``n_components=100, learning_rate=0.06, n_iter=10``): features +
  ``LogisticRegression(C=100, max_iter=1000)`` test accuracy; median over ``--seeds``.

    python benchmarks/bench_dropin.py [--seeds 3] [--skip-mnist]
"""

import argparse
import itertools
import os
import statistics
import sys
import warnings

import numpy as np
from scipy.special import logsumexp
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM as SkRBM
from sklearn.pipeline import make_pipeline

from skgen import BernoulliRBM

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402

SCHEDULES = {
    "skgen (auto)": "auto",
    "skgen linear": "linear",
    "skgen constant": "constant",
}


def bars_and_stripes(side=4):
    rows = []
    for bits in itertools.product([0.0, 1.0], repeat=side):
        image = np.repeat(np.array(bits)[:, None], side, axis=1)
        rows += [image.ravel(), image.T.ravel()]
    return np.unique(np.array(rows), axis=0)


def exact_log_likelihood(model, X):
    """Mean ``log p(x)`` of a binary RBM's rows X, log Z by enumerating the visible
    states (any object with scikit-learn's fitted attributes)."""
    W, b, c = model.components_, model.intercept_visible_, model.intercept_hidden_
    states = np.array(list(itertools.product([0.0, 1.0], repeat=W.shape[1])))

    def minus_free_energy(v):
        return v @ b + np.logaddexp(0.0, v @ W.T + c).sum(axis=1)

    return float((minus_free_energy(X) - logsumexp(minus_free_energy(states))).mean())


def models(settings, seed):
    """scikit-learn's RBM and skgen's under every schedule, unfitted."""
    out = {"sklearn": SkRBM(random_state=seed, **settings)}
    for name, schedule in SCHEDULES.items():
        out[name] = BernoulliRBM(
            random_state=seed, learning_rate_schedule=schedule, **settings
        )
    return out


def report(title, scores, fmt, summary=statistics.median):
    print(title)
    base = summary(scores["sklearn"])
    for name, values in scores.items():
        middle = summary(values)
        gap = "" if name == "sklearn" else f"  vs sklearn {middle - base:+{fmt}}"
        print(f"  {name:<16} {middle:{fmt}}{gap}", flush=True)


def bars(seeds=10):
    X = np.tile(bars_and_stripes(), (10, 1))
    settings = dict(n_components=16, learning_rate=0.05, batch_size=10, n_iter=100)
    scores = {}
    for seed in range(seeds):
        for name, model in models(settings, seed).items():
            model.fit(X)
            scores.setdefault(name, []).append(exact_log_likelihood(model, X[:30]))
    title = "bars and stripes, exact log-likelihood (nats, mean of 10 seeds)"
    report(title, scores, ".3f", summary=statistics.mean)


def ais(model, X_fit, X_test):
    shell = BernoulliRBM(n_components=model.components_.shape[0], n_iter=0)
    shell.fit(X_fit[:20])
    shell.components_ = model.components_
    shell.intercept_visible_ = model.intercept_visible_
    shell.intercept_hidden_ = model.intercept_hidden_
    return float(shell.log_likelihood(X_test, method="ais", n_betas=10000).mean())


def mnist(seeds):
    X_train, X_test, _, _ = mnist5k()
    settings = dict(n_components=256, learning_rate=0.1, batch_size=10, n_iter=10)
    scores = {}
    for seed in range(seeds):
        for name, model in models(settings, seed).items():
            model.fit(X_train)
            scores.setdefault(name, []).append(ais(model, X_train, X_test))
            print(f"    seed {seed} {name:<16} {scores[name][-1]:.1f}", flush=True)
    report("MNIST-5k, test log-likelihood by AIS (nats, median)", scores, ".1f")


def digits(seeds):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, random_state=0)
    settings = dict(n_components=100, learning_rate=0.06, n_iter=10)
    scores = {}
    for seed in range(seeds):
        for name, model in models(settings, seed).items():
            pipe = make_pipeline(model, LogisticRegression(C=100, max_iter=1000))
            pipe.fit(X_train, y_train)
            scores.setdefault(name, []).append(pipe.score(X_test, y_test))
    report("digits, RBM features + LogisticRegression accuracy (median)", scores, ".3f")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--skip-mnist", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    bars()
    digits(args.seeds)
    if not args.skip_mnist:
        mnist(args.seeds)


if __name__ == "__main__":
    main()
