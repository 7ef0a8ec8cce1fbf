"""Deep models on MNIST-5k (4000 train / 1000 test): DBNClassifier against
scikit-learn's MLPClassifier, and DBN features against raw pixels and a single RBM.

    python benchmarks/bench_deep.py [--repeats 3]

(The DeepAutoencoder part of issue 4 is not written yet.)
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from skgen import DBN, BernoulliRBM, DBNClassifier

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402


def timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X_train, X_test, y_train, y_test = mnist5k(np.float32)
    DBNClassifier(hidden_layer_sizes=(8,), rbm_n_iter=1, max_iter=1).fit(
        X_train[:100], y_train[:100]
    )  # compile (or load) the kernels outside the timings

    models = {
        "MLPClassifier(500, 500)": lambda s: MLPClassifier(
            hidden_layer_sizes=(500, 500), random_state=s
        ),
        "DBNClassifier(500, 500)": lambda s: DBNClassifier(random_state=s),
        "DBNClassifier(500, 500), pretrain=False": lambda s: DBNClassifier(
            pretrain=False, random_state=s
        ),
    }
    results = {name: ([], []) for name in models}
    for seed in range(args.repeats):
        for name, make in models.items():
            model = make(seed)
            results[name][0].append(timed_fit(model, X_train, y_train))
            results[name][1].append(model.score(X_test, y_test))
    print(f"MNIST-5k, {args.repeats} alternating repeats (seeds 0..), float32")
    for name, (times, accs) in results.items():
        print(
            f"  {name:42s} fit median {statistics.median(times):6.2f}s  test accuracy "
            f"median {statistics.median(accs):.3f} ({min(accs):.3f}-{max(accs):.3f})"
        )

    print("\nLogistic regression (C=1) on features, seed 0:")
    features = {
        "raw pixels": None,
        "BernoulliRBM(256), 10 epochs": BernoulliRBM(
            n_components=256,
            learning_rate=0.05,
            batch_size=32,
            n_iter=10,
            random_state=0,
        ),
        "DBN(256, 256), 10 epochs per layer": DBN(
            hidden_layer_sizes=(256, 256),
            learning_rate=0.05,
            batch_size=32,
            n_iter=10,
            random_state=0,
        ),
    }
    for name, transformer in features.items():
        clf = LogisticRegression(C=1.0, max_iter=2000)
        model = clf if transformer is None else make_pipeline(transformer, clf)
        seconds = timed_fit(model, X_train, y_train)
        print(
            f"  {name:42s} test accuracy {model.score(X_test, y_test):.3f} "
            f"({seconds:.1f}s)"
        )


if __name__ == "__main__":
    main()
