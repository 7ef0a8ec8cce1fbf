"""
Topics from word counts with a replicated softmax
=================================================

:class:`skgen.ReplicatedSoftmax` models documents as word counts. Here the documents
are made up: each mixes two of six topics, each topic favouring its own eight words
of a 48-word vocabulary, and documents run from 20 to 200 words. The model is
compared with the unigram model (word frequencies only) and scikit-learn's
``LatentDirichletAllocation`` on held-out documents, and the words each hidden unit
favours are printed (``top_words``; word ``t3w5`` is the sixth word of topic 3) and
shown.

With 12 hidden units the normaliser of each document length is computed exactly,
by enumerating the 4,096 hidden states; larger models estimate it by AIS. LDA's
``perplexity`` is a variational bound, above its true perplexity.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import LatentDirichletAllocation

from skgen import ReplicatedSoftmax

rng = np.random.RandomState(0)
n_topics, words_per_topic = 6, 8
n_words = n_topics * words_per_topic
topics = np.full((n_topics, n_words), 0.05)
for t in range(n_topics):
    topics[t, t * words_per_topic : (t + 1) * words_per_topic] = 1.0
topics /= topics.sum(axis=1, keepdims=True)


def documents(n):
    X = np.zeros((n, n_words))
    for i in range(n):
        pair = rng.choice(n_topics, 2, replace=False)
        mix = rng.dirichlet([1.0, 1.0]) @ topics[pair]
        X[i] = rng.multinomial(rng.randint(20, 201), mix)
    return X


X_train, X_test = documents(600), documents(200)

p = X_train.sum(axis=0) + 1.0
unigram = np.exp(-(X_test @ np.log(p / p.sum())).sum() / X_test.sum())
rsm = ReplicatedSoftmax(n_components=12, learning_rate=3e-3, random_state=0)
rsm.fit(X_train)
lda = LatentDirichletAllocation(n_components=6, random_state=0).fit(X_train)
print(f"held-out perplexity, {n_words}-word vocabulary")
print(f"  unigram model              {unigram:6.1f}")
print(f"  ReplicatedSoftmax(12)      {rsm.perplexity(X_test):6.1f}  (exact)")
print(f"  LatentDirichletAllocation  {lda.perplexity(X_test):6.1f}  (a bound)")
by_document = rsm.perplexity(X_test, average="documents")
print(f"  ReplicatedSoftmax(12), per document (the paper's)  {by_document:.1f}")

# The words that switch each hidden unit on most, as LDA's topics are printed.
vocabulary = np.array([f"t{w // words_per_topic + 1}w{w % words_per_topic}"
                       for w in range(n_words)])
for unit, words in enumerate(rsm.top_words(vocabulary, n_words=6)):
    print(f"  hidden unit {unit:2d}: {' '.join(words)}")

# Each hidden unit's weights over the vocabulary, words grouped by their topic.
fig, ax = plt.subplots(figsize=(8, 3.2))
image = ax.imshow(rsm.components_, cmap="RdBu_r", aspect="auto")
ax.set_xticks(np.arange(n_topics) * words_per_topic + words_per_topic / 2 - 0.5)
ax.set_xticklabels([f"topic {t + 1}" for t in range(n_topics)])
for t in range(1, n_topics):
    ax.axvline(t * words_per_topic - 0.5, color="k", lw=0.5)
ax.set_ylabel("hidden unit")
ax.set_title("Weights of each hidden unit on each word (words grouped by topic)")
fig.colorbar(image, ax=ax, label="weight")
fig.tight_layout()
plt.show()
