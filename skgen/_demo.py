"""The main job: train skgen's models on data that ships with scikit-learn.

For now: a BernoulliRBM on scikit-learn's digits, shifted by one pixel in each direction
as in scikit-learn's RBM example (so that raw pixels are a weak representation), then
logistic regression on the RBM's features against logistic regression on raw pixels.
"""

import time

import numpy as np
from scipy.ndimage import shift as nd_shift
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from ._rbm import BernoulliRBM


def nudged_digits(n_samples=None, random_state=0):
    """scikit-learn's digits in [0, 1], each also shifted by one pixel up, down, left
    and right (five times as many images, as in scikit-learn's RBM example).

    Returns ``X`` of shape (5 * n, 64) and ``y``; ``n_samples`` keeps only the first
    images (before nudging), for quick runs.
    """
    X, y = load_digits(return_X_y=True)
    if n_samples is not None:
        X, y = X[:n_samples], y[:n_samples]
    images = X.reshape(-1, 8, 8) / 16.0
    shifted = [images] + [
        np.stack([nd_shift(img, offset, order=0, mode="constant") for img in images])
        for offset in ((-1, 0), (1, 0), (0, -1), (0, 1))
    ]
    X = np.concatenate(shifted).reshape(-1, 64)
    y = np.tile(y, 5)
    order = np.random.RandomState(random_state).permutation(len(y))
    return X[order], y[order]


def run_demo(quick=False):
    """Train the RBM, print its pseudo-likelihood per epoch and the two accuracies.

    ``quick`` uses a more regularised (faster) logistic regression. Returns a dict of
    test accuracies by model name.
    """
    X, y = nudged_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    print(
        f"Data: nudged digits, {X_train.shape[0]} train / {X_test.shape[0]} test, 8x8."
    )
    print("Training BernoulliRBM(n_components=256, learning_rate=0.06):")
    rbm = BernoulliRBM(
        n_components=256,
        learning_rate=0.06,
        n_iter=10,
        random_state=0,
        verbose=1,
    )
    # Less regularisation suits the 256 RBM features; quick mode trades accuracy
    # for time.
    C = 1.0 if quick else 100.0
    logistic = LogisticRegression(C=C, max_iter=2000)
    model = Pipeline([("rbm", rbm), ("logistic", logistic)])
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    raw = LogisticRegression(C=C, max_iter=2000).fit(X_train, y_train)
    rows = [
        ("BernoulliRBM + LogisticRegression", model.score(X_test, y_test)),
        ("LogisticRegression on raw pixels", raw.score(X_test, y_test)),
    ]
    test_pl = rbm.score_samples(X_test).mean()
    print(f"RBM test pseudo-likelihood: {test_pl:.2f}")
    print(f"Fit time of the RBM + logistic regression pipeline: {fit_time:.1f}s")
    print(f"{'model':<36} test accuracy")
    for name, acc in rows:
        print(f"{name:<36} {acc:.3f}")
    return dict(rows)
