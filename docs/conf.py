"""Sphinx configuration for skgen's documentation (``pip install '.[docs]'``;
``python -m sphinx -W -b html docs docs/_build/html``)."""

project = "skgen"
author = "the skgen developers"
copyright = "2026, the skgen developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
]
autosummary_generate = True
numpydoc_show_class_members = False
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
}
html_theme = "pydata_sphinx_theme"
exclude_patterns = ["_build"]
