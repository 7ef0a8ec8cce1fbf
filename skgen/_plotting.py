"""Figures for the demo, the gallery and the benchmark scripts (needs matplotlib,
the ``examples`` extra; imported only when a figure is asked for)."""

import numpy as np


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend, or an ImportError saying how
    to install it."""
    try:
        import matplotlib
    except ImportError:
        from ._install import install_hint

        raise ImportError(
            f"The figures need matplotlib: {install_hint('examples')}"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def image_grid(ax, images, side, n_rows, n_cols, title, vmax=1.0):
    """Draw square grey images (rows of ``images``, ``side`` pixels a side) as one
    ``n_rows`` by ``n_cols`` mosaic with one-pixel white gaps."""
    canvas = np.zeros((n_rows * (side + 1), n_cols * (side + 1)))
    for i, img in enumerate(images[: n_rows * n_cols]):
        r, c = divmod(i, n_cols)
        canvas[
            r * (side + 1) : r * (side + 1) + side,
            c * (side + 1) : c * (side + 1) + side,
        ] = img.reshape(side, side)
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.axis("off")


def save_rows(path, rows, side, n_cols=12):
    """One figure with a titled mosaic row per ``(title, images)`` pair in ``rows``."""
    plt = pyplot()
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(n_cols * 0.6, 1.0 * len(rows) + 0.2), squeeze=False
    )
    for ax, (title, images) in zip(axes[:, 0], rows):
        image_grid(ax, images, side, 1, n_cols, title)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def save_code_map(path, Z, y, title):
    """A 2-D code (the first two columns of ``Z``) as a scatter coloured by class."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 5))
    scatter = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", s=6, alpha=0.8)
    ax.legend(*scatter.legend_elements(), title="class", loc="best", fontsize=7)
    ax.set_title(title, fontsize=9)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
