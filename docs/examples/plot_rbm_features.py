"""
RBM features in a scikit-learn pipeline
=======================================

A :class:`skgen.BernoulliRBM` learns 100 binary features of scikit-learn's 8x8 digits;
a logistic regression on those features is compared with one on the raw pixels, and the
RBM's filters (rows of ``components_``) are drawn.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skgen import BernoulliRBM

X, y = load_digits(return_X_y=True)
X = X / 16.0  # Bernoulli units model values in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

rbm = BernoulliRBM(n_components=100, learning_rate=0.06, n_iter=20, random_state=0)
model = make_pipeline(rbm, LogisticRegression(C=100.0, max_iter=2000))
model.fit(X_train, y_train)
raw = LogisticRegression(max_iter=2000).fit(X_train, y_train)
print(f"RBM features: {model.score(X_test, y_test):.3f}")
print(f"raw pixels:   {raw.score(X_test, y_test):.3f}")

fig, axes = plt.subplots(10, 10, figsize=(6, 6))
for ax, component in zip(axes.ravel(), rbm.components_):
    ax.imshow(component.reshape(8, 8), cmap="gray_r")
    ax.axis("off")
fig.suptitle("100 filters of the BernoulliRBM")
plt.show()
