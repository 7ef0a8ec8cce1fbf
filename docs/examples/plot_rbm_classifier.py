"""
The RBM as a classifier
=======================

:class:`skgen.RBMClassifier` learns scikit-learn's 8x8 digits with each of its three
objectives; the hybrid one (the default) is compared with the purely discriminative
and purely generative ones. Its class probabilities are exact, so the digits it is
least sure of can be shown with their probabilities.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgen import RBMClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0  # the input units are Bernoulli: values in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

models = {}
for objective in ("hybrid", "discriminative", "generative"):
    clf = RBMClassifier(n_components=200, objective=objective, random_state=0)
    models[objective] = clf.fit(X_train, y_train)
    print(f"{objective:15s} test accuracy {clf.score(X_test, y_test):.3f}")

proba = models["hybrid"].predict_proba(X_test)
unsure = np.argsort(proba.max(axis=1))[:8]
fig, axes = plt.subplots(1, 8, figsize=(10, 2.2))
for ax, i in zip(axes, unsure):
    top = np.argsort(proba[i])[::-1][:2]
    ax.imshow(X_test[i].reshape(8, 8), cmap="gray_r")
    ax.set_title(
        f"true {y_test[i]}\n{top[0]}: {proba[i, top[0]]:.2f}\n"
        f"{top[1]}: {proba[i, top[1]]:.2f}",
        fontsize=8,
    )
    ax.axis("off")
fig.suptitle("The hybrid RBM's least certain test digits, with p(y | x)", fontsize=10)
fig.tight_layout()
plt.show()
