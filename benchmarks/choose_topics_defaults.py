"""How ReplicatedSoftmax's defaults were chosen: held-out perplexity on the training
documents of both benchmark corpora (80 / 20 within the training split; the test
documents of bench_topics.py are never read).

Each learning rate and number of epochs is one fit at the default linear decay of
the rate (with ``--schedule constant``, one fit per rate, scored after each number
of epochs, since a constant-rate fit of 25 epochs is the first 25 of 100).
Perplexity by AIS with fewer runs and temperatures than the benchmark.

    python benchmarks/choose_topics_defaults.py [--rates 3e-4 1e-3 3e-3]
"""

import argparse
import os
import sys
import time

from sklearn.model_selection import train_test_split

from skgen import ReplicatedSoftmax

sys.path.insert(0, os.path.dirname(__file__))
from _data import topic_splits, unigram_perplexity  # noqa: E402

CORPORA = ("head500.noblanks.cor", "lee_background.cor")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[3e-4, 1e-3, 3e-3])
    parser.add_argument("--epochs", type=int, nargs="+", default=[25, 50, 100])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10])
    parser.add_argument("--n-runs", type=int, default=16)
    parser.add_argument("--n-betas", type=int, default=300)
    parser.add_argument("--schedule", default="linear", choices=["linear", "constant"])
    args = parser.parse_args()
    for corpus in CORPORA:
        X_train, _, _ = topic_splits(corpus)
        X_fit, X_val = train_test_split(X_train, test_size=0.2, random_state=1)
        print(
            f"{corpus}: {X_fit.shape[0]} / {X_val.shape[0]} documents, unigram "
            f"{unigram_perplexity(X_fit, X_val):.1f}"
        )
        for batch_size in args.batch_sizes:
            for rate in args.rates:
                start = time.perf_counter()
                scores = []
                model = None
                for epochs in args.epochs:
                    if args.schedule == "linear" or model is None:
                        model = ReplicatedSoftmax(
                            learning_rate=rate,
                            learning_rate_schedule=args.schedule,
                            batch_size=batch_size,
                            n_iter=epochs,
                            random_state=0,
                        ).fit(X_fit)
                    while model.n_iter_ < epochs:
                        model.partial_fit(X_fit)
                    ppl = model.perplexity(
                        X_val, n_runs=args.n_runs, n_betas=args.n_betas
                    )
                    scores.append(f"{epochs} ep {ppl:7.1f}")
                seconds = time.perf_counter() - start
                print(
                    f"  rate {rate:g} batch {batch_size}: "
                    + "  ".join(scores)
                    + f"  ({seconds:.0f} s)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
