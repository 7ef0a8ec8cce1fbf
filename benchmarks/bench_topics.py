"""skgen.ReplicatedSoftmax against the unigram model and LDA on real text.

Two corpora that ship inside gensim's wheel (read as files, gensim is never
imported; ``pip install --no-deps gensim``): 250 stemmed Wikipedia articles
(``head500.noblanks.cor``) and 299 news stories (``lee_background.cor``). Each is
split 80 / 20 by document and vectorised with ``CountVectorizer(max_features=2000,
stop_words="english")`` fitted on the training documents. Held-out perplexity per
word of

* an add-one smoothed unigram model of the training documents;
* ``ReplicatedSoftmax(n_components=50)`` at its other defaults, ``log Z_D`` by AIS
  (``--n-runs`` runs and ``--n-betas`` temperatures per document length; the
  largest standard error that AIS leaves in a perplexity is printed);
* ``LatentDirichletAllocation(n_components=50)``, whose ``perplexity`` is computed
  from a variational bound on the likelihood: an upper bound on its perplexity;

and the fit times, seeds alternating between the models in one process, with the
time of ReplicatedSoftmax's ``perplexity`` beside its fit's.

``--lengths`` measures instead how a fit's time grows with the length of the
documents at a fixed vocabulary: 120 documents of 100 to 100,000 words (uniform
over 2,000 words), ``fit`` with ``n_iter=2``, medians of ``--repeats`` fits.

    python benchmarks/bench_topics.py [--seeds 3] [--n-runs 32] [--n-betas 1000]
    python benchmarks/bench_topics.py --lengths [--repeats 5]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from sklearn.decomposition import LatentDirichletAllocation

from skgen import ReplicatedSoftmax

sys.path.insert(0, os.path.dirname(__file__))
from _data import topic_splits, unigram_perplexity  # noqa: E402

CORPORA = ("head500.noblanks.cor", "lee_background.cor")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-runs", type=int, default=32)
    parser.add_argument("--n-betas", type=int, default=1000)
    parser.add_argument("--lengths", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.lengths:
        return fit_time_by_length(args.repeats)
    warm_up = topic_splits(CORPORA[1])[0][:20]  # compile the kernels before timing
    ReplicatedSoftmax(n_components=4, n_iter=1).fit(warm_up).perplexity(warm_up)
    for corpus in CORPORA:
        X_train, X_test, vocabulary = topic_splits(corpus)
        unigram = unigram_perplexity(X_train, X_test)
        print(
            f"{corpus}: {X_train.shape[0]} / {X_test.shape[0]} documents, "
            f"{len(vocabulary)} words, {X_test.sum():.0f} held-out words"
        )
        results = {
            "rsm": [], "rsm_s": [], "ais_s": [], "lda": [], "lda_s": [], "err": []
        }
        for seed in range(args.seeds):
            start = time.perf_counter()
            rsm = ReplicatedSoftmax(n_components=50, random_state=seed).fit(X_train)
            results["rsm_s"].append(time.perf_counter() - start)
            start = time.perf_counter()
            ppl, std_err = rsm.perplexity(
                X_test, n_runs=args.n_runs, n_betas=args.n_betas, return_std=True
            )
            results["ais_s"].append(time.perf_counter() - start)
            results["rsm"].append(ppl)
            results["err"].append(std_err)
            start = time.perf_counter()
            lda = LatentDirichletAllocation(n_components=50, random_state=seed)
            lda.fit(X_train)
            results["lda_s"].append(time.perf_counter() - start)
            results["lda"].append(lda.perplexity(X_test))
        med = {k: statistics.median(v) for k, v in results.items()}
        rng = {k: f"{min(v):.0f}-{max(v):.0f}" for k, v in results.items()}
        print(f"  {'model':34s} {'perplexity':>10s} {'(range)':>11s} {'fit s':>6s}")
        print(f"  {'unigram (add-one)':34s} {unigram:10.0f} {'':11s} {'':>6s}")
        print(
            f"  {'ReplicatedSoftmax(50), AIS':34s} {med['rsm']:10.0f} "
            f"({rng['rsm']:>9s}) {med['rsm_s']:6.2f}"
        )
        print(
            f"  {'LDA(50), a bound':34s} {med['lda']:10.0f} "
            f"({rng['lda']:>9s}) {med['lda_s']:6.2f}"
        )
        print(
            f"  ReplicatedSoftmax / unigram {med['rsm'] / unigram:.3f}; "
            f"/ LDA {med['rsm'] / med['lda']:.3f}; AIS's standard error of "
            f"a perplexity: up to {max(results['err']):.1f}"
        )
        print(
            f"  perplexity of {X_test.shape[0]} documents {med['ais_s']:.2f} s, "
            f"{med['ais_s'] / med['rsm_s']:.2f}x the fit"
        )


def fit_time_by_length(repeats, n_words=2000, n_docs=120):
    """Median fit times of ``n_docs`` documents of 100 to 100,000 words drawn
    uniformly over ``n_words`` words, and each over the 100-word one's."""
    rng = np.random.RandomState(0)
    words = np.full(n_words, 1.0 / n_words)
    ReplicatedSoftmax(n_iter=1).fit(rng.multinomial(100, words, size=10) * 1.0)
    print(f"{n_docs} documents, {n_words} words, fit(n_iter=2), median of {repeats}")
    first = None
    for length in (100, 1000, 10_000, 100_000):
        X = rng.multinomial(length, words, size=n_docs).astype(float)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            ReplicatedSoftmax(n_iter=2, random_state=0).fit(X)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        first = first or median
        print(f"  {length:7d} words: {median * 1e3:7.1f} ms  {median / first:5.2f}x")


if __name__ == "__main__":
    main()
