"""
Class-conditional samples from a CVAE
=====================================

A :class:`skgen.CVAE` learns digits given their class; ``sample(n, y=...)`` then draws
new digits of the classes asked for (one row per class). The same model classifies by
Bayes' rule over its per-class ELBOs.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgen import CVAE

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, random_state=0)

cvae = CVAE(batch_size=32, max_iter=60, random_state=0).fit(X_train, y_train)
print(f"CVAE as a classifier: test accuracy {cvae.score(X_test, y_test):.3f}")

labels = np.repeat(np.arange(10), 8)
samples, _ = cvae.sample(len(labels), y=labels, random_state=0)
fig, axes = plt.subplots(10, 8, figsize=(4, 5))
for ax, image in zip(axes.ravel(), samples):
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    ax.axis("off")
fig.suptitle("CVAE samples, one row per class")
plt.show()
