"""
Synthetic rows of a table with a TabularVAE
===========================================

A :class:`skgen.TabularVAE` learns scikit-learn's wine table as it comes: thirteen
real-valued measurements and the cultivar, a categorical column. Its ``sample``
returns new rows as a DataFrame with the same columns and dtypes. Below, the real
and the synthetic marginals of four columns, then the correlations between all
columns in the real rows and in the synthetic ones, side by side; last, rows drawn
given the cultivar.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_wine

from skgen import TabularVAE

wine = load_wine(as_frame=True)
table = wine.frame.drop(columns="target")
table["cultivar"] = np.asarray(wine.target_names)[wine.target]  # strings

model = TabularVAE(random_state=0).fit(table)
print(model.column_kinds_["cultivar"], "cultivar;", model.n_iter_, "epochs")
synthetic = model.sample(len(table), random_state=0)
print(synthetic.head())

# %%
# Marginals: real against synthetic
# ---------------------------------
columns = ["alcohol", "malic_acid", "flavanoids", "color_intensity"]
fig, axes = plt.subplots(1, 5, figsize=(13, 2.8))
for ax, column in zip(axes, columns):
    bins = np.histogram_bin_edges(table[column], bins=20)
    ax.hist(table[column], bins=bins, alpha=0.6, label="real", density=True)
    ax.hist(synthetic[column], bins=bins, alpha=0.6, label="synthetic", density=True)
    ax.set_title(column)
    ax.set_yticks([])
counts = table["cultivar"].value_counts().sort_index()
synthetic_counts = synthetic["cultivar"].value_counts().reindex(counts.index)
positions = np.arange(len(counts))
axes[-1].bar(positions - 0.2, counts, width=0.4, label="real")
axes[-1].bar(positions + 0.2, synthetic_counts.fillna(0), width=0.4, label="synthetic")
axes[-1].set_xticks(positions, counts.index, fontsize=8)
axes[-1].set_title("cultivar")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %%
# Correlations between the columns
# --------------------------------
# The cultivar enters as its three indicator columns.
def correlations(frame):
    numbers = frame.drop(columns="cultivar")
    indicators = frame["cultivar"].str.get_dummies().astype(float)
    return numbers.join(indicators).corr().to_numpy()


fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
for ax, frame, title in [
    (axes[0], table, "real rows"),
    (axes[1], synthetic, "synthetic rows"),
]:
    image = ax.imshow(correlations(frame), cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(image, ax=axes, shrink=0.8, label="correlation")

# %%
# Rows given a column's value
# ---------------------------
# ``conditions`` fixes columns; the others are drawn from the model given them.
given = model.sample(500, conditions={"cultivar": "class_0"}, random_state=0)
print("mean alcohol, real class_0 rows:     ",
      round(table.loc[table.cultivar == "class_0", "alcohol"].mean(), 2))
print("mean alcohol, rows drawn given it:   ", round(given["alcohol"].mean(), 2))
print("mean alcohol, all real rows:         ", round(table["alcohol"].mean(), 2))
plt.show()
