"""When is ReplicatedSoftmax's AIS estimate of log Z_D off by more than its
standard error? Against the exact value, on models small enough to enumerate.

Models of 16 and 20 hidden units trained on documents of two topics over 12 words
(lengths 5-40), then AIS (32 runs) at 100, 400, 1,000 and 4,000 intermediate
distributions for documents of 10 to 1,000 words, two seeds each. Prints each
length's error (exact minus AIS), its reported standard error and the effective
sample size ``(sum w)^2 / sum w^2`` of the runs' weights, the quantity the model's
warning watches::

    python benchmarks/choose_ais_warning.py
"""

import numpy as np

from skgen import ReplicatedSoftmax
from skgen._models._likelihood import effective_runs

LENGTHS = [10, 40, 100, 400, 1000]


def corpus(seed=0, n_docs=120):
    rng = np.random.RandomState(seed)
    topics = np.array([[4.0] * 6 + [0.2] * 6, [0.2] * 6 + [4.0] * 6])
    topics /= topics.sum(axis=1, keepdims=True)
    return np.array(
        [rng.multinomial(rng.randint(5, 41), topics[i % 2]) for i in range(n_docs)],
        dtype=float,
    )


def main():
    X = corpus()
    print("units betas  length  error   s.e.    ESS   error/s.e.")
    for n_units, epochs in ((16, 30), (20, 60)):
        model = ReplicatedSoftmax(
            n_components=n_units, learning_rate=0.01, n_iter=epochs, random_state=0
        ).fit(X)
        layer = model._layer(np.float64)
        _, exact, _, _ = layer.log_partition(LENGTHS, "exact", 2, 2, None)
        for n_betas in (100, 400, 1000, 4000):
            for seed in (0, 1):
                _, ais, std_err, _ = layer.log_partition(
                    LENGTHS, "ais", 32, n_betas, np.random.RandomState(seed)
                )
                ess = effective_runs(std_err, 32)
                for d, e, s, n in zip(LENGTHS, exact - ais, std_err, ess):
                    print(
                        f"{n_units:5d} {n_betas:5d} {d:7d} {e:6.2f} {s:6.2f} "
                        f"{n:6.1f} {abs(e) / s:8.1f}" + ("  *" if n < 8 else ""),
                        flush=True,
                    )


if __name__ == "__main__":
    main()
