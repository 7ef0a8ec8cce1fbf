"""Sphinx configuration for skgen's documentation (``pip install '.[docs]'``;
``python -m sphinx -W -b html docs docs/_build/html``)."""

project = "skgen"
author = "the skgen developers"
copyright = "2026, the skgen developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
autosummary_generate = True
numpydoc_show_class_members = False
# No intersphinx: the build machines reach only package registries.
html_theme = "pydata_sphinx_theme"
exclude_patterns = ["_build", "examples"]
sphinx_gallery_conf = {
    "examples_dirs": "examples",  # the sources, next to this file
    "gallery_dirs": "auto_examples",  # generated: not in git
    "filename_pattern": "/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}
