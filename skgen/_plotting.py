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


def image_grid(ax, images, side, n_rows, n_cols, title, vmax=1.0, values=None):
    """Draw square grey images (rows of ``images``, ``side`` pixels a side) as one
    ``n_rows`` by ``n_cols`` mosaic with one-pixel white gaps; ``values``, when given,
    are printed under the images of a one-row mosaic."""
    canvas = np.zeros((n_rows * (side + 1), n_cols * (side + 1)))
    for i, img in enumerate(images[: n_rows * n_cols]):
        r, c = divmod(i, n_cols)
        canvas[
            r * (side + 1) : r * (side + 1) + side,
            c * (side + 1) : c * (side + 1) + side,
        ] = img.reshape(side, side)
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=vmax)
    ax.set_title(title, fontsize=9, loc="left")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if values is not None:
        centres = [c * (side + 1) + side / 2 for c in range(len(values))]
        ax.set_xticks(centres, [f"{v:.2f}" for v in values], fontsize=7)
        ax.tick_params(axis="x", length=0, pad=2)


def save_rows(path, rows, side, n_cols=12):
    """One figure, a titled mosaic per ``(title, images)`` or ``(title, images,
    values)`` in ``rows``: as many rows of ``n_cols`` images as it has images, and
    ``values`` (one per image) printed under them."""
    plt = pyplot()
    heights = [max(1, -(-len(row[1]) // n_cols)) for row in rows]
    extra = [0.25 if len(row) > 2 else 0.0 for row in rows]
    fig, axes = plt.subplots(
        len(rows),
        1,
        figsize=(n_cols * 0.6, sum(0.6 * h + 0.45 + e for h, e in zip(heights, extra))),
        squeeze=False,
        gridspec_kw={"height_ratios": [0.6 * h + e for h, e in zip(heights, extra)]},
    )
    for ax, row, n_rows in zip(axes[:, 0], rows, heights):
        title, images, values = (*row, None)[:3]
        image_grid(ax, images, side, n_rows, n_cols, title, values=values)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def save_code_map(path, Z, y, title):
    """A 2-D code (the first two columns of ``Z``) as a scatter coloured by class,
    with axis labels and the legend outside the points."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 5))
    scatter = ax.scatter(Z[:, 0], Z[:, 1], c=y, cmap="tab10", s=6, alpha=0.8)
    ax.legend(
        *scatter.legend_elements(),
        title="class",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )
    ax.set_xlabel("code unit 1")
    ax.set_ylabel("code unit 2")
    ax.set_title(title, fontsize=11)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
