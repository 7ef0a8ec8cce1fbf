"""Deep models on MNIST-5k (4000 train / 1000 test): DBNClassifier against
scikit-learn's MLPClassifier, DBN features against raw pixels and a single RBM, and
the DeepAutoencoder 784-1000-500-250-30 against PCA with 30 components and against
the same network without pretraining.

    python benchmarks/bench_deep.py [--repeats 3] [--part all|classifier|autoencoder]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from skgen import DBN, BernoulliRBM, DBNClassifier, DeepAutoencoder

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402


def timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--part", choices=["all", "classifier", "autoencoder"], default="all"
    )
    args = parser.parse_args()
    data = mnist5k(np.float32)
    if args.part in ("all", "classifier"):
        classifier(data, args.repeats)
    if args.part in ("all", "autoencoder"):
        autoencoder(data, args.repeats)


def squared_error(X, reconstruction):
    return float(np.square(reconstruction - X, dtype=np.float64).sum(axis=1).mean())


def autoencoder(data, repeats):
    X_train, X_test, _, _ = data
    begin = time.perf_counter()
    DeepAutoencoder(
        hidden_layer_sizes=(8,),
        n_components=2,
        rbm_n_iter=1,
        max_iter=1,
        early_stopping=False,
    ).fit(X_train[:100])
    print(f"compile or cache load (first fit): {time.perf_counter() - begin:.2f}s")
    models = {
        "PCA(30)": lambda s: PCA(n_components=30, random_state=s),
        "DeepAutoencoder 784-1000-500-250-30": lambda s: DeepAutoencoder(
            random_state=s
        ),
        "DeepAutoencoder, pretrain=False": lambda s: DeepAutoencoder(
            pretrain=False, random_state=s
        ),
    }
    results = {name: ([], [], []) for name in models}
    for seed in range(repeats):
        for name, make in models.items():
            model = make(seed)
            results[name][0].append(timed_fit(model, X_train, None))
            recon = model.inverse_transform(model.transform(X_test))
            results[name][1].append(squared_error(X_test, recon))
            results[name][2].append(getattr(model, "n_iter_", 0))
    print(
        f"MNIST-5k, {repeats} alternating repeats (seeds 0..), float32: test squared "
        "reconstruction error per image"
    )
    pca = statistics.median(results["PCA(30)"][1])
    for name, (times, errors, epochs) in results.items():
        error = statistics.median(errors)
        print(
            f"  {name:40s} fit median {statistics.median(times):6.2f}s  error median "
            f"{error:6.2f} ({min(errors):.2f}-{max(errors):.2f}), {error / pca:.3f}x "
            f"PCA's, fine-tuning epochs {epochs}"
        )


def classifier(data, repeats):
    X_train, X_test, y_train, y_test = data
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
    for seed in range(repeats):
        for name, make in models.items():
            model = make(seed)
            results[name][0].append(timed_fit(model, X_train, y_train))
            results[name][1].append(model.score(X_test, y_test))
    print(f"MNIST-5k, {repeats} alternating repeats (seeds 0..), float32")
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
        "DBN(256, 256) binary, 10 epochs per layer": DBN(
            hidden_layer_sizes=(256, 256),
            learning_rate=0.05,
            batch_size=32,
            n_iter=10,
            hidden_units="bernoulli",
            features="top",
            random_state=0,
        ),
        "DBN() (rectified units, every layer)": DBN(random_state=0),
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
