"""
Regression with a pretrained network
====================================

:class:`skgen.DBNRegressor` on Friedman #1, a synthetic target with a sine of a product
and a square (``make_friedman1``, 1,000 rows): its test predictions beside those of
scikit-learn's ``MLPRegressor`` and ``Ridge``, all at their defaults on standardised
features. A linear model misses the curvature; both networks find it.
"""

import matplotlib.pyplot as plt
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_friedman1
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import DBNRegressor

X, y = make_friedman1(n_samples=1000, noise=1.0, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

models = {
    "DBNRegressor": DBNRegressor(random_state=0),
    # MLPRegressor does not standardise the targets itself: give it them standardised.
    "MLPRegressor": TransformedTargetRegressor(
        MLPRegressor(max_iter=1000, random_state=0), transformer=StandardScaler()
    ),
    "Ridge": Ridge(),
}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharex=True, sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    fitted = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
    r2 = fitted.score(X_test, y_test)
    print(f"{name:13s} test R^2 {r2:.3f}")
    ax.scatter(y_test, fitted.predict(X_test), s=6, alpha=0.6)
    ax.plot([y.min(), y.max()], [y.min(), y.max()], color="grey", lw=1)
    ax.set_title(f"{name}: test $R^2$ = {r2:.3f}", fontsize=10)
    ax.set_xlabel("true target")
axes[0].set_ylabel("predicted target")
fig.tight_layout()
plt.show()
