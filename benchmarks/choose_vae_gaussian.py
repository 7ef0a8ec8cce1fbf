"""How ``VAE(likelihood="gaussian")``'s learned variances and its training defaults
were chosen: on validation splits of training rows only.

    python benchmarks/choose_vae_gaussian.py [--seeds 3] [CONFIG ...]

Each seed splits a table 75/25 into training and test rows, as bench_quality.py
does; the test rows are never read here. The training rows are split again 75/25
into fitting and validation rows, standardised on the fitting rows; every CONFIG
(keyword arguments of ``VAE``, e.g. ``"batch_size=32"``) is fitted on the fitting
rows and scored by the importance-weighted bound (50 samples) on the validation
rows, beside a ``GaussianMixture`` (full covariance, 1-10 components by BIC). The
default config is ``likelihood="gaussian"`` at every other default. Medians over
the seeds; higher is better.

``--per-feature`` ties each feature's variance to one learned value for all rows
(the decoder's log-variance weights held at zero), the alternative to a variance
per row and feature that the decoder gives.
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skgen import VAE

sys.path.insert(0, os.path.dirname(__file__))
from bench_real_tables import TABLES, bic_mixture  # noqa: E402


class PerFeatureVAE(VAE):
    """The variance of each feature shared by all rows: the log-variance outputs'
    weights are zero and stay zero, so only their biases learn."""

    def _loss_and_grads(self, model, xb, yb):
        m = xb.shape[1]
        last = len(model.decoder.coefs) - 1
        model.decoder.coefs[last][:, m:] = 0.0
        loss = super()._loss_and_grads(model, xb, yb)
        model.decoder.grads[last][:, m:] = 0.0
        return loss


def validation_splits(X, seeds):
    for seed in seeds:
        X_train, _ = train_test_split(X, test_size=0.25, random_state=seed)
        X_fit, X_val = train_test_split(
            X_train, test_size=0.25, random_state=100 + seed
        )
        scaler = StandardScaler().fit(X_fit)
        yield seed, scaler.transform(X_fit), scaler.transform(X_val)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("configs", nargs="*", default=[""])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--per-feature", action="store_true")
    args = parser.parse_args()
    configs = [eval(f"dict({c})") for c in args.configs]  # noqa: S307 (our own CLI)
    model = PerFeatureVAE if args.per_feature else VAE
    for name, loader in TABLES.items():
        X = loader(return_X_y=True)[0]
        scores = {i: [] for i in range(len(configs))}
        mixture = []
        for seed, X_fit, X_val in validation_splits(X, range(args.seeds)):
            mixture.append(bic_mixture(X_fit, seed).score(X_val))
            for i, config in enumerate(configs):
                start = time.perf_counter()
                vae = model(
                    **{"likelihood": "gaussian", "random_state": seed, **config}
                ).fit(X_fit)
                ll = vae.log_likelihood(X_val, n_importance=50).mean()
                scores[i].append((ll, vae.n_iter_, time.perf_counter() - start))
        print(f"{name}: GaussianMixture (BIC) {np.median(mixture):.2f} nats per row")
        for i, config in enumerate(configs):
            ll, epochs, seconds = np.array(scores[i]).T
            each = " ".join(f"{v:.2f}" for v in ll)
            print(
                f"  {args.configs[i] or 'defaults':34s} {np.median(ll):8.2f} "
                f"[{each}] {int(np.median(epochs))} epochs {np.median(seconds):.1f} s"
            )


if __name__ == "__main__":
    main()
