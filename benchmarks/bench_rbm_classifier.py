"""skgen.RBMClassifier on MNIST-5k against what a user would otherwise pick.

4,000 train / 1,000 test digits (grey levels in [0, 1]), every model at its defaults:
``RBMClassifier()`` (the hybrid objective) and its discriminative and generative
variants, ``MLPClassifier(hidden_layer_sizes=(500,))``, ``DBNClassifier()``, and
``LogisticRegression`` on ``BernoulliRBM(n_components=500)`` features. Test accuracy
and fit time, seeds alternating between the models in one process; medians printed.

    python benchmarks/bench_rbm_classifier.py [--seeds 3]
"""

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from skgen import BernoulliRBM, DBNClassifier, RBMClassifier

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402


def models(seed):
    return {
        "RBMClassifier() (hybrid)": RBMClassifier(random_state=seed),
        "RBMClassifier(objective='discriminative')": RBMClassifier(
            objective="discriminative", random_state=seed
        ),
        "RBMClassifier(objective='generative')": RBMClassifier(
            objective="generative", random_state=seed
        ),
        "MLPClassifier((500,))": MLPClassifier((500,), random_state=seed),
        "DBNClassifier()": DBNClassifier(random_state=seed),
        "BernoulliRBM(500) + LogisticRegression": make_pipeline(
            BernoulliRBM(n_components=500, random_state=seed),
            LogisticRegression(max_iter=1000),
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    X_train, X_test, y_train, y_test = mnist5k(np.float64)
    RBMClassifier(max_iter=1).fit(X_train[:200], y_train[:200])  # compile first
    accuracy, seconds = {}, {}
    warnings.simplefilter("ignore", ConvergenceWarning)
    for seed in range(args.seeds):
        for name, model in models(seed).items():
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds.setdefault(name, []).append(time.perf_counter() - start)
            accuracy.setdefault(name, []).append(model.score(X_test, y_test))
    print(f"MNIST-5k, 4000 train / 1000 test; medians of {args.seeds} seeds")
    print(f"  {'model':42s} {'accuracy':>8s} {'(range)':>13s} {'fit s':>6s}")
    for name in accuracy:
        acc = accuracy[name]
        print(
            f"  {name:42s} {statistics.median(acc):8.3f} "
            f"({min(acc):.3f}-{max(acc):.3f}) {statistics.median(seconds[name]):6.2f}"
        )
    ours, mlp = seconds["RBMClassifier() (hybrid)"], seconds["MLPClassifier((500,))"]
    ratios = ", ".join(f"{m / o:.2f}" for o, m in zip(ours, mlp))
    print(f"MLPClassifier's fit time over RBMClassifier's, seed by seed: {ratios}")


if __name__ == "__main__":
    main()
