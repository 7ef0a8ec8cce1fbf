"""Sphinx configuration for skgen's documentation (``pip install '.[docs]'``;
``python -m sphinx -W -b html docs docs/_build/html``)."""

import re

from numpydoc.xref import DEFAULT_LINKS

import skgen

project = "skgen"
author = "the skgen developers"
copyright = "2026, the skgen developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax 3 from the installed package, copied into _static (mathjax_path points
    # there): the mathematics renders without a content network.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]  # autosummary/class.rst: every public method
autosummary_generate = True
numpydoc_show_class_members = False  # the class template lists the methods instead

# A cross-reference that resolves to nothing is a warning, so the -W build fails.
nitpicky = True
# No intersphinx: the build machines reach only package registries. Parameter types
# link where they name a skgen class ("DBN or None"); every other word stays text.
# numpydoc's default aliases point into the Python and NumPy inventories, which are
# not loaded: each maps to itself, that is to plain text.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    **{name: name for name in DEFAULT_LINKS},
    **{name: f"skgen.{name}" for name in skgen.__all__ if name != "__version__"},
}
# Names that live in scikit-learn's documentation, which cannot be reached offline:
# its API (See Also entries, and the docstrings of the methods skgen inherits from
# scikit-learn: get_params, set_output, set_*_request, ...) render as text; the
# user-guide labels, examples and glossary terms those inherited docstrings cite link
# to scikit-learn's site (link_sklearn_refs).
nitpick_ignore_regex = [(r"py:.*", r"sklearn\..+")]

SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_PAGES = {
    "metadata_routing": "metadata_routing.html",
    "df_output_transform": "auto_examples/miscellaneous/plot_set_output.html",
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py": (
        "auto_examples/miscellaneous/plot_set_output.html"
    ),
    "visualizing_composite_estimators": "modules/compose.html",
    "meta-estimator": "glossary.html#term-meta-estimator",
}
_SKLEARN_REF = re.compile(r":(?:ref|term):`(?:([^`<]*?)\s*<([^`>]+)>|([^`<>]+))`")


def link_sklearn_refs(app, what, name, obj, options, lines):
    """Rewrite the scikit-learn labels of inherited docstrings as external links."""

    def link(match):
        text, label = match.group(1), match.group(2) or match.group(3)
        page = SKLEARN_PAGES.get(label)
        if page is None:
            return match.group(0)
        if not text:
            text = "this example" if label.startswith("sphx_glr") else label
        return f"`{text} <{SKLEARN_DOCS}{page}>`__"

    lines[:] = [_SKLEARN_REF.sub(link, line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", link_sklearn_refs)


html_theme = "pydata_sphinx_theme"
exclude_patterns = ["_build", "examples"]
sphinx_gallery_conf = {
    "examples_dirs": "examples",  # the sources, next to this file
    "gallery_dirs": "auto_examples",  # generated: not in git
    "filename_pattern": "/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}
