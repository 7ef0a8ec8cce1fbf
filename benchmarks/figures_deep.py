"""Figures for the DeepAutoencoder (needs the ``examples`` extra: matplotlib).

Writes two PNGs into the output folder (default ``skgen-figures/``):
``autoencoder_reconstructions.png``, test digits above their DeepAutoencoder and PCA
reconstructions with the same code size, and ``autoencoder_code_map.png``, the 2-D
code of a DeepAutoencoder with two code units, coloured by class. Data: MNIST-5k
(``bench`` extra) with ``--dataset mnist5k`` (784-1000-500-250-30, as in Hinton &
Salakhutdinov, 2006), else scikit-learn's digits (64-64-32-8, seconds).

    python benchmarks/figures_deep.py [--dataset digits|mnist5k] [--out DIR]
"""

import argparse
import os
import sys

import numpy as np
from sklearn.decomposition import PCA

from skgen import DeepAutoencoder
from skgen._plotting import save_code_map, save_rows


def load(dataset):
    if dataset == "mnist5k":
        sys.path.insert(0, os.path.dirname(__file__))
        from _data import mnist5k

        X_train, X_test, _, y_test = mnist5k(np.float32)
        return X_train, X_test, y_test, 28, {}
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    small = dict(
        hidden_layer_sizes=(64, 32),
        rbm_batch_size=10,
        code_learning_rate=0.01,
        learning_rate=1e-2,
    )
    return X[:1500] / 16.0, X[1500:] / 16.0, y[1500:], 8, small


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["digits", "mnist5k"], default="digits")
    parser.add_argument("--out", default="skgen-figures")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    X_train, X_test, y_test, side, settings = load(args.dataset)
    n_components = 30 if side == 28 else 8

    ae = DeepAutoencoder(n_components=n_components, random_state=0, **settings)
    ae.fit(X_train)
    pca = PCA(n_components=n_components).fit(X_train)
    originals = X_test[:12]
    errors = [
        np.square(model.inverse_transform(model.transform(X_test)) - X_test)
        .sum(axis=1)
        .mean()
        for model in (ae, pca)
    ]
    save_rows(
        os.path.join(args.out, "autoencoder_reconstructions.png"),
        [
            ("Test digits", originals),
            (
                f"DeepAutoencoder, {n_components}-number code (test squared error "
                f"{errors[0]:.2f})",
                ae.inverse_transform(ae.transform(originals)),
            ),
            (
                f"PCA, {n_components} components (test squared error {errors[1]:.2f})",
                np.clip(pca.inverse_transform(pca.transform(originals)), 0, 1),
            ),
        ],
        side,
    )

    ae2 = DeepAutoencoder(n_components=2, random_state=0, **settings).fit(X_train)
    save_code_map(
        os.path.join(args.out, "autoencoder_code_map.png"),
        ae2.transform(X_test),
        y_test,
        "2-D DeepAutoencoder code of the test digits",
    )
    print(
        f"wrote {args.out}/autoencoder_reconstructions.png and "
        f"{args.out}/autoencoder_code_map.png"
    )


if __name__ == "__main__":
    main()
