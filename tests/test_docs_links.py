"""The "?" link of each estimator's HTML representation opens its API page."""

import inspect
import re
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator

import skgen
from skgen._base import DOCS_URL

API_RST = Path(__file__).resolve().parents[1] / "docs" / "api.rst"

ESTIMATORS = [
    name
    for name in skgen.__all__
    if inspect.isclass(getattr(skgen, name))
    and issubclass(getattr(skgen, name), BaseEstimator)
]


def api_pages():
    """The page of each class listed in docs/api.rst, by class name, as autosummary
    writes it: ``<toctree>/<currentmodule>.<name>.html``."""
    text = API_RST.read_text(encoding="utf-8")
    module = re.search(r"^\.\. currentmodule:: (\S+)$", text, re.M).group(1)
    toctree = re.search(r"^\s+:toctree: (\S+)$", text, re.M).group(1)
    entries = text.split(".. autosummary::", 1)[1]
    names = re.findall(r"^[ \t]+(\w+)$", entries, re.M)  # options start with ":"
    return {name: f"{toctree}/{module}.{name}.html" for name in names}


def test_every_estimator_has_an_api_page():
    assert ESTIMATORS, "no estimator found in skgen.__all__"
    missing = set(ESTIMATORS) - set(api_pages())
    assert not missing, f"add {sorted(missing)} to docs/api.rst"


@pytest.mark.parametrize("name", ESTIMATORS)
def test_repr_html_links_to_the_api_page(name):
    html = getattr(skgen, name)()._repr_html_()
    links = re.findall(
        r'<a class="sk-estimator-doc-link[^"]*"[^>]*href="([^"]*)"', html
    )
    assert links == [DOCS_URL + api_pages()[name]]
    assert links[0] == (
        f"https://scikit-gen.readthedocs.io/en/latest/generated/skgen.{name}.html"
    )
