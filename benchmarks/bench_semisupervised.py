"""Few labels, many rows: the semi-supervised CVAE against scikit-learn's
semi-supervised learners and the CVAE trained on the labelled rows only (issue 26).

    python benchmarks/bench_semisupervised.py [--seeds 3] [--data digits mnist]

Data: scikit-learn's digits (a stratified 75/25 split, seed 0, grey levels / 16)
with 5 labels per class, and MNIST-5k (4,000 train / 1,000 test, ``_data.mnist5k``)
with 10 labels per class. Each seed draws which training rows keep their label (the
same number per class); the others are marked -1, scikit-learn's convention in
``sklearn.semi_supervised``. Every model at its defaults:

* ``LabelSpreading(kernel="knn")``;
* ``SelfTrainingClassifier(SVC(probability=True))``;
* ``SelfTrainingClassifier(LogisticRegression(max_iter=1000))``;
* ``CVAE()`` fitted to the labelled rows alone (Bayes' rule over its classes);
* ``CVAE()`` fitted to all the rows, the unlabelled ones marked -1 (the
  semi-supervised model, Kingma et al.'s M2);
* ``make_pipeline(VAE(), CVAE())``: the same on a VAE's codes (M1 + M2);
* ``CVAE()`` fitted to all the rows with all their labels: the fit time the
  semi-supervised model is held to (at most 3x), and the accuracy of full labels;
* ``RBMClassifier()`` on the labelled rows alone and on all the rows (Larochelle &
  Bengio's semi-supervised objective).

M1 + M2 runs on digits only (``--m1`` adds it on MNIST-5k too): on validation
splits of digits' training rows it trailed the CVAE on the pixels.

Test accuracy on the held-out rows and fit seconds, medians over the seeds; the
models alternate within each seed in one process. On digits, also the share of
the semi-supervised model's class-conditional samples (decoder means, classes
drawn from ``class_prior_``) that a ``LogisticRegression`` trained on the real
training rows recognises as their class.
"""

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier
from sklearn.svm import SVC

from skgen import CVAE, RBMClassifier, VAE

sys.path.insert(0, os.path.dirname(__file__))
from _data import mnist5k  # noqa: E402

PER_CLASS = {"digits": 5, "mnist": 10}


def load(name):
    if name == "mnist":
        return mnist5k()
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=0)


def partly_labelled(y, per_class, seed):
    """``y`` with all but ``per_class`` rows of each class marked -1."""
    rng = np.random.RandomState(seed)
    kept = np.concatenate(
        [rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in
         np.unique(y)]
    )
    partial = np.full_like(y, -1)
    partial[kept] = y[kept]
    return partial


def models(seed):
    """Each model's maker and the labels it is fitted to: "partial" (-1 for the
    unlabelled rows), "labelled" (the labelled rows alone) or "all"."""
    return {
        "LabelSpreading(knn)": (lambda: LabelSpreading(kernel="knn"), "partial"),
        "SelfTraining(SVC)": (
            lambda: SelfTrainingClassifier(SVC(probability=True, random_state=seed)),
            "partial",
        ),
        "SelfTraining(LR)": (
            lambda: SelfTrainingClassifier(LogisticRegression(max_iter=1000)),
            "partial",
        ),
        "CVAE(), labelled only": (lambda: CVAE(random_state=seed), "labelled"),
        "CVAE(), semi-supervised": (lambda: CVAE(random_state=seed), "partial"),
        "VAE + CVAE (M1 + M2)": (
            lambda: make_pipeline(VAE(random_state=seed), CVAE(random_state=seed)),
            "partial",
        ),
        "CVAE(), all labels": (lambda: CVAE(random_state=seed), "all"),
        "RBMClassifier labelled": (
            lambda: RBMClassifier(random_state=seed),
            "labelled",
        ),
        "RBMClassifier semi-sup.": (
            lambda: RBMClassifier(random_state=seed),
            "partial",
        ),
    }


def run(name, seeds, only, m1):
    X, X_test, y, y_test = load(name)
    judge = LogisticRegression(max_iter=2000).fit(X, y) if name == "digits" else None
    results, recognised = {}, []
    for seed in range(seeds):
        partial = partly_labelled(y, PER_CLASS[name], seed)
        labelled = partial >= 0
        for label, (make, labels) in models(seed).items():
            if only and not any(word in label for word in only):
                continue
            if label.startswith("VAE + CVAE") and name != "digits" and not m1:
                continue
            rows, targets = {
                "partial": (X, partial),
                "labelled": (X[labelled], y[labelled]),
                "all": (X, y),
            }[labels]
            start = time.perf_counter()
            # Warnings of the peers: their inner models' convergence, and
            # LabelSpreading's 0/0 for a test row whose neighbours carry no label.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = make().fit(rows, targets)
                seconds = time.perf_counter() - start
                accuracy = float(np.mean(model.predict(X_test) == y_test))
            results.setdefault(label, []).append((accuracy, seconds))
            print(f"  {name} seed {seed} {label}: {accuracy:.3f} ({seconds:.1f} s)",
                  file=sys.stderr, flush=True)
            if judge is not None and label == "CVAE(), semi-supervised":
                X_gen, y_gen = model.sample(1000, random_state=seed)
                recognised.append(float(np.mean(judge.predict(X_gen) == y_gen)))
    return results, recognised


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--data", nargs="+", default=["digits", "mnist"],
                        choices=sorted(PER_CLASS))
    parser.add_argument("--only", nargs="*", default=[],
                        help="run the models whose names contain one of these")
    parser.add_argument("--m1", action="store_true",
                        help="run M1 + M2 on MNIST-5k too")
    args = parser.parse_args()
    for name in args.data:
        results, recognised = run(name, args.seeds, args.only, args.m1)
        print(f"\n{name}: {PER_CLASS[name]} labels per class, medians of "
              f"{args.seeds} label draws (load {os.getloadavg()[0]:.1f})")
        print(f"{'model':<24}{'accuracy':>9}{'per draw':>22}{'fit s':>8}")
        for label, rows in results.items():
            accuracies = [a for a, _ in rows]
            each = " ".join(f"{a:.3f}" for a in accuracies)
            seconds = statistics.median(s for _, s in rows)
            print(f"{label:<24}{statistics.median(accuracies):9.3f}{each:>22}"
                  f"{seconds:8.1f}")
        semi, full = results.get("CVAE(), semi-supervised"), results.get(
            "CVAE(), all labels")
        if semi and full:
            ratio = statistics.median(s for _, s in semi) / statistics.median(
                s for _, s in full)
            print(f"fit time, semi-supervised / all labels: {ratio:.2f}x")
        if recognised:
            print("semi-supervised samples recognised as their class: "
                  f"{statistics.median(recognised):.3f} (per draw "
                  + " ".join(f"{r:.3f}" for r in recognised) + ")")


if __name__ == "__main__":
    main()
