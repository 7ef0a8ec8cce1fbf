"""Model quality at the defaults: every public estimator, untuned, on data sets of
different shape, each metric beside the baseline a user would otherwise pick.

    python benchmarks/bench_quality.py [--seeds 3] [--data digits mnist5k cancer]

Data: scikit-learn's digits (64 features, /16), MNIST-5k (784 features, /255, the
``bench`` extra) and the breast-cancer table (30 real features, standardised on the
training rows; the Bernoulli-data models get it min-max scaled instead, as their
warning advises). Each seed draws its own stratified 75/25 split (MNIST-5k: its
4000 / 1000 split, shuffled by the seed) and seeds the models. Medians over the seeds
are printed, higher is better unless the metric says "error". Nothing is tuned here:
the estimators run at their defaults; the test split only scores.

CVAE rows: the share of class samples that a logistic regression trained on the real
training data recognises as the class asked for, and two diversity figures: the
samples' within-class spread (mean per-feature standard deviation within a class) as
a share of the real test images', and their mean distance to the nearest training
image as a share of the real test images' (below 1: closer to the training set than
new data is; near 0: copies).
"""

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances_argmin_min
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM as SkRBM
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from skgen import (
    CVAE,
    DBN,
    VAE,
    BernoulliRBM,
    DBNClassifier,
    DeepAutoencoder,
    DivergenceError,
    GaussianRBM,
    _defaults,
)

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402


def load(name, seed):
    """``(X_train, X_test, y_train, y_test, real)``, ``real`` for standardised data."""
    if name == "mnist5k":
        X_train, X_test, y_train, y_test = mnist5k(seed=seed)
        return X_train, X_test, y_train, y_test, False
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    else:
        X, y = load_breast_cancer(return_X_y=True)
    split = train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)
    if name == "digits":
        return (*split, False)
    scaler = StandardScaler().fit(split[0])
    return scaler.transform(split[0]), scaler.transform(split[1]), *split[2:], True


def accuracy_of_features(transformer, X_train, X_test, y_train, y_test):
    pipe = make_pipeline(transformer, LogisticRegression(max_iter=3000))
    return pipe.fit(X_train, y_train).score(X_test, y_test)


def bernoulli_independent_ll(X_train, X_test):
    p = np.clip(X_train.mean(axis=0), 1e-3, 1 - 1e-3)
    return float((X_test * np.log(p) + (1 - X_test) * np.log1p(-p)).sum(1).mean())


def gaussian_ll(X_train, X_test):
    """A full-covariance Gaussian fitted to the training rows."""
    return float(GaussianMixture(1, random_state=0).fit(X_train).score(X_test))


def cvae_sample_figures(cvae, judge, X_train, X_test, y_test, n_per_class=100):
    labels = np.repeat(cvae.classes_, n_per_class)
    samples, _ = cvae.sample(len(labels), y=labels, random_state=0)
    recognised = float(np.mean(judge.predict(samples) == labels))
    spread = [
        samples[labels == c].std(axis=0).mean() / X_test[y_test == c].std(axis=0).mean()
        for c in cvae.classes_
    ]
    _, d_samples = pairwise_distances_argmin_min(samples, X_train)
    _, d_real = pairwise_distances_argmin_min(X_test, X_train)
    return recognised, float(np.mean(spread)), float(d_samples.mean() / d_real.mean())


NOTES = []


def attempt(label, compute):
    """``compute()``, or NaN (and a note) when a default fit diverges: a finding,
    not a crash of the benchmark."""
    try:
        return compute()
    except DivergenceError as error:
        NOTES.append(f"{label}: {error}")
        return np.nan


def rows_for(data, seed):
    """``{(model, metric, baseline): (value, baseline value)}`` for one data set."""
    X_train, X_test, y_train, y_test, real = data
    rows = {}
    unit = MinMaxScaler().fit(X_train) if real else None
    Xb_train = np.clip(unit.transform(X_train), 0, 1) if real else X_train
    Xb_test = np.clip(unit.transform(X_test), 0, 1) if real else X_test
    raw = accuracy_of_features("passthrough", X_train, X_test, y_train, y_test)

    # RBMs and DBN: features for a logistic regression, and log-likelihoods.
    rbm_cls = GaussianRBM if real else BernoulliRBM
    rbm = rbm_cls(random_state=seed)
    acc = attempt(
        rbm_cls.__name__,
        lambda: accuracy_of_features(rbm, X_train, X_test, y_train, y_test),
    )
    rows[(f"{rbm_cls.__name__}()", "features+LR acc.", "raw+LR")] = (acc, raw)
    if not real:
        sk = accuracy_of_features(SkRBM(random_state=seed), *data[:4])
        rows[("BernoulliRBM()", "features+LR acc.", "sklearn RBM+LR")] = (acc, sk)
        ll = rbm.log_likelihood(X_test, method="ais", n_betas=1000).mean()
        base = bernoulli_independent_ll(X_train, X_test)
        rows[("BernoulliRBM()", "log-lik. (AIS)", "indep. pixels")] = (ll, base)
    dbn = DBN(gaussian_visible=real, random_state=seed)
    dbn_acc = attempt(
        "DBN()", lambda: accuracy_of_features(dbn, X_train, X_test, y_train, y_test)
    )
    rows[("DBN()", "features+LR acc.", f"{rbm_cls.__name__}+LR")] = (dbn_acc, acc)

    # Classifiers.
    clf = DBNClassifier(random_state=seed).fit(Xb_train, y_train)
    plain = DBNClassifier(pretrain=False, random_state=seed).fit(Xb_train, y_train)
    mlp = MLPClassifier(random_state=seed).fit(X_train, y_train)
    acc = clf.score(Xb_test, y_test)
    rows[("DBNClassifier()", "accuracy", "MLPClassifier()")] = (
        acc,
        mlp.score(X_test, y_test),
    )
    rows[("DBNClassifier()", "accuracy", "pretrain=False")] = (
        acc,
        plain.score(Xb_test, y_test),
    )

    # Autoencoders.
    ae = attempt(
        "DeepAutoencoder()", lambda: DeepAutoencoder(random_state=seed).fit(X_train)
    )
    fitted = not isinstance(ae, float)
    # PCA with the code size the autoencoder used ("auto" follows n_features).
    n_code = ae.n_components_ if fitted else _defaults.code_size(X_train.shape[1])
    pca = PCA(n_components=n_code).fit(X_train)
    pca_error = np.square(pca.inverse_transform(pca.transform(X_test)) - X_test)
    rows[("DeepAutoencoder()", "sq. error", "PCA, same size")] = (
        -ae.score(X_test) if fitted else np.nan,
        float(pca_error.sum(1).mean()),
    )
    rows[("DeepAutoencoder()", "codes+LR acc.", "PCA codes+LR")] = (
        accuracy_of_features(ae, X_train, X_test, y_train, y_test)
        if fitted
        else np.nan,
        accuracy_of_features(pca, X_train, X_test, y_train, y_test),
    )

    # VAE and CVAE.
    likelihood = "gaussian" if real else "bernoulli"
    vae = VAE(likelihood=likelihood, random_state=seed).fit(X_train)
    base = (
        gaussian_ll(X_train, X_test)
        if real
        else bernoulli_independent_ll(X_train, X_test)
    )
    baseline_name = "one Gaussian" if real else "indep. pixels"
    rows[("VAE()", "ELBO", baseline_name)] = (vae.score(X_test), base)
    judge = LogisticRegression(max_iter=3000).fit(X_train, y_train)
    cvae = CVAE(likelihood=likelihood, random_state=seed).fit(X_train, y_train)
    recognised, spread, distance = cvae_sample_figures(
        cvae, judge, X_train, X_test, y_test
    )
    judge_acc = judge.score(X_test, y_test)
    rows[("CVAE()", "samples recognised", "judge's accuracy")] = (recognised, judge_acc)
    rows[("CVAE()", "spread / real's", "")] = (spread, np.nan)
    rows[("CVAE()", "NN distance / real's", "")] = (distance, np.nan)
    return rows


def print_table(name, per_seed, seconds):
    print(f"\n{name}: medians over {len(per_seed)} seeds ({seconds:.0f} s)")
    print(f"{'model':<18} {'metric':<20} {'value':>8}  {'baseline':<17} {'value':>8}")
    print("-" * 77)
    for key in per_seed[0]:
        model, metric, baseline = key
        value = statistics.median(r[key][0] for r in per_seed)
        base = statistics.median(r[key][1] for r in per_seed)
        base_text = f"{base:8.3f}" if np.isfinite(base) else ""
        print(f"{model:<18} {metric:<20} {value:8.3f}  {baseline:<17} {base_text:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--data",
        nargs="+",
        default=["digits", "mnist5k", "cancer"],
        choices=["digits", "mnist5k", "cancer"],
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)  # MLP and LR at defaults
    for name in args.data:
        begin = time.perf_counter()
        per_seed = [rows_for(load(name, seed), seed) for seed in range(args.seeds)]
        print_table(name, per_seed, time.perf_counter() - begin)
    for note in dict.fromkeys(NOTES):  # once each, not once per seed
        print(f"note: {note}")


if __name__ == "__main__":
    main()
