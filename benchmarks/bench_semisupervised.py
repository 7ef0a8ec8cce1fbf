"""Few labels, many rows: scikit-learn's semi-supervised learners and the CVAE trained
on the labelled rows only (issue 26's baselines; its semi-supervised CVAE joins them).

    python benchmarks/bench_semisupervised.py [--seeds 3] [--data digits mnist]

Data: scikit-learn's digits (a stratified 75/25 split, seed 0, grey levels / 16)
with 5 labels per class, and MNIST-5k (4,000 train / 1,000 test, ``_data.mnist5k``)
with 10 labels per class. Each seed draws which training rows keep their label (the
same number per class); the others are marked -1, scikit-learn's convention in
``sklearn.semi_supervised``. Every model at its defaults:

* ``LabelSpreading(kernel="knn")``;
* ``SelfTrainingClassifier(SVC(probability=True))``;
* ``SelfTrainingClassifier(LogisticRegression(max_iter=1000))``;
* ``CVAE()`` fitted to the labelled rows alone (Bayes' rule over its classes).

Test accuracy on the held-out rows and fit seconds, medians over the seeds; the
models alternate within each seed in one process.
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
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier
from sklearn.svm import SVC

from skgen import CVAE

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
    return {
        "LabelSpreading(knn)": lambda: LabelSpreading(kernel="knn"),
        "SelfTraining(SVC)": lambda: SelfTrainingClassifier(
            SVC(probability=True, random_state=seed)
        ),
        "SelfTraining(LR)": lambda: SelfTrainingClassifier(
            LogisticRegression(max_iter=1000)
        ),
        "CVAE(), labelled only": None,  # fitted to the labelled rows below
    }


def run(name, seeds):
    X, X_test, y, y_test = load(name)
    results = {}
    for seed in range(seeds):
        partial = partly_labelled(y, PER_CLASS[name], seed)
        labelled = partial >= 0
        for label, make in models(seed).items():
            start = time.perf_counter()
            # Warnings of the peers: their inner models' convergence, and
            # LabelSpreading's 0/0 for a test row whose neighbours carry no label.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if make is None:
                    model = CVAE(random_state=seed).fit(X[labelled], y[labelled])
                else:
                    model = make().fit(X, partial)
                seconds = time.perf_counter() - start
                accuracy = float(np.mean(model.predict(X_test) == y_test))
            results.setdefault(label, []).append((accuracy, seconds))
            print(f"  {name} seed {seed} {label}: {accuracy:.3f} ({seconds:.1f} s)",
                  file=sys.stderr, flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--data", nargs="+", default=["digits", "mnist"],
                        choices=sorted(PER_CLASS))
    args = parser.parse_args()
    for name in args.data:
        results = run(name, args.seeds)
        print(f"\n{name}: {PER_CLASS[name]} labels per class, medians of "
              f"{args.seeds} label draws (load {os.getloadavg()[0]:.1f})")
        print(f"{'model':<24}{'accuracy':>9}{'per draw':>22}{'fit s':>8}")
        for label, rows in results.items():
            accuracies = [a for a, _ in rows]
            each = " ".join(f"{a:.3f}" for a in accuracies)
            seconds = statistics.median(s for _, s in rows)
            print(f"{label:<24}{statistics.median(accuracies):9.3f}{each:>22}"
                  f"{seconds:8.1f}")


if __name__ == "__main__":
    main()
