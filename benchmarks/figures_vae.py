"""Figures for the VAE and CVAE (needs the ``examples`` extra: matplotlib).

Writes two PNGs into the output folder (default ``skgen-figures/``):
``cvae_samples.png``, a grid of CVAE samples with one row per digit class, and
``vae_reconstructions.png``, test digits above their VAE reconstructions. Data:
MNIST-5k (``bench`` extra) with ``--dataset mnist5k``, else scikit-learn's digits.

    python benchmarks/figures_vae.py [--dataset digits|mnist5k] [--out DIR]
"""

import argparse
import os
import sys

import numpy as np

from skgen import CVAE, VAE
from skgen._plotting import image_grid, pyplot


def load(dataset):
    if dataset == "mnist5k":
        sys.path.insert(0, os.path.dirname(__file__))
        from _data import mnist5k

        X_train, X_test, y_train, _ = mnist5k(np.float32)
        return X_train, X_test, y_train, 28
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X[:1500] / 16.0, X[1500:] / 16.0, y[:1500], 8


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["digits", "mnist5k"], default="digits")
    parser.add_argument("--out", default="skgen-figures")
    args = parser.parse_args()
    plt = pyplot()
    os.makedirs(args.out, exist_ok=True)
    X_train, X_test, y_train, side = load(args.dataset)
    batch = 32 if side == 8 else 128

    cvae = CVAE(batch_size=batch, random_state=0, max_iter=100 if side == 8 else 30)
    cvae.fit(X_train, y_train)
    n_cols = 12
    labels = np.repeat(cvae.classes_, n_cols)
    X_gen, _ = cvae.sample(len(labels), y=labels, random_state=0)
    fig, ax = plt.subplots(figsize=(n_cols * 0.6, len(cvae.classes_) * 0.6))
    image_grid(
        ax,
        X_gen,
        side,
        len(cvae.classes_),
        n_cols,
        "CVAE samples, one row per class (0 at the top)",
    )
    fig.savefig(
        os.path.join(args.out, "cvae_samples.png"), dpi=120, bbox_inches="tight"
    )

    vae = VAE(batch_size=batch, random_state=0, max_iter=100 if side == 8 else 30)
    vae.fit(X_train)
    originals = X_test[:12]
    recon = vae.inverse_transform(vae.transform(originals))
    fig, ax = plt.subplots(figsize=(n_cols * 0.6, 1.4))
    image_grid(
        ax,
        np.vstack([originals, recon]),
        side,
        2,
        12,
        "Test digits (top) and VAE reconstructions (bottom)",
    )
    fig.savefig(
        os.path.join(args.out, "vae_reconstructions.png"), dpi=120, bbox_inches="tight"
    )
    print(f"wrote {args.out}/cvae_samples.png and {args.out}/vae_reconstructions.png")


if __name__ == "__main__":
    main()
