"""
Deep autoencoder against PCA
============================

A :class:`skgen.DeepAutoencoder` 64-64-32-8 (pretrained as a stack of RBMs, then
fine-tuned) and PCA both compress digits into 8 numbers; their reconstructions of test
digits are drawn under the originals, with each model's squared error per image.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skgen import DeepAutoencoder

X = load_digits().data / 16.0
X_train, X_test = train_test_split(X, random_state=0)

ae = DeepAutoencoder(
    hidden_layer_sizes=(64, 32),
    n_components=8,
    rbm_n_iter=10,
    rbm_batch_size=10,
    learning_rate=1e-2,
    random_state=0,
).fit(X_train)
pca = PCA(n_components=8).fit(X_train)

rows = {
    "test digits": X_test[:10],
    "DeepAutoencoder": ae.inverse_transform(ae.transform(X_test[:10])),
    "PCA": pca.inverse_transform(pca.transform(X_test[:10])),
}
errors = {
    "DeepAutoencoder": -ae.score(X_test),
    "PCA": np.square(pca.inverse_transform(pca.transform(X_test)) - X_test)
    .sum(1)
    .mean(),
}
fig, axes = plt.subplots(3, 10, figsize=(8, 3))
for row, (name, images) in zip(axes, rows.items()):
    for ax, image in zip(row, images):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.axis("off")
    title = name if name not in errors else f"{name}: error {errors[name]:.2f}"
    row[0].set_title(title, loc="left", fontsize=9)
plt.show()
