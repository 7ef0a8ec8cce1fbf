"""
Predicting ratings with an RBM
==============================

:class:`skgen.RatingRBM` learns from a users x items matrix of ratings in which most
entries are missing. Here the ratings are made up: three kinds of users, each liking
one of three kinds of items, rate 30% of 60 items from 1 to 5 stars, with noise.
About a fifth of the ratings are held out at random; the model predicts them from
the rest,
beside the item means and the user + item bias baseline. The figure shows the users'
hidden features, which sort the users by their kind without being told it.
"""

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp

from skgen import RatingRBM

rng = np.random.RandomState(0)
n_users, n_items = 300, 60
user_kind = rng.randint(0, 3, n_users)
item_kind = rng.randint(0, 3, n_items)
taste = np.where(user_kind[:, None] == item_kind[None, :], 4.3, 2.0)
stars = np.clip(np.round(taste + rng.normal(0, 0.8, taste.shape)), 1, 5)
users, items = np.nonzero(rng.uniform(size=taste.shape) < 0.3)
held = rng.uniform(size=len(users)) < 0.2


def matrix(mask):
    ratings = stars[users[mask], items[mask]]
    return sp.csr_matrix((ratings, (users[mask], items[mask])), (n_users, n_items))


R_train, R_test = matrix(~held), matrix(held)
truth = stars[users[held], items[held]]

model = RatingRBM(n_components=20, batch_size=10, random_state=0).fit(R_train)
predicted = model.predict_ratings(R_train, users[held], items[held])

train = R_train.tocoo()
item_mean = np.bincount(train.col, train.data, n_items) / np.maximum(
    np.bincount(train.col, minlength=n_items), 1
)
mu = train.data.mean()
user_bias = np.bincount(train.row, train.data - mu, n_users) / (
    3 + np.bincount(train.row, minlength=n_users)
)
item_bias = np.bincount(train.col, train.data - mu - user_bias[train.row], n_items)
item_bias /= 3 + np.bincount(train.col, minlength=n_items)


def rmse(guess):
    return np.sqrt(np.mean((guess - truth) ** 2))


print("held-out RMSE")
print(f"  item means             {rmse(item_mean[items[held]]):.3f}")
bias = mu + user_bias[users[held]] + item_bias[items[held]]
print(f"  user + item biases     {rmse(bias):.3f}")
print(f"  RatingRBM              {rmse(predicted):.3f}")
print("first user's top 5 unrated items:", model.recommend(R_train[:1], 5)[0])

H = model.transform(R_train)
order = np.argsort(user_kind, kind="stable")
fig, ax = plt.subplots(figsize=(8, 3))
image = ax.imshow(H[order].T, aspect="auto", cmap="viridis", interpolation="nearest")
for boundary in np.flatnonzero(np.diff(user_kind[order])):
    ax.axvline(boundary + 0.5, color="w", lw=1)
ax.set_xlabel("users, grouped by their (hidden) kind")
ax.set_ylabel("hidden unit")
ax.set_title("E[h | a user's ratings]: the features differ by kind of user")
fig.colorbar(image, ax=ax, label="p(h = 1)")
fig.tight_layout()
plt.show()
