"""Install hints: the distribution name, and a command that works where the user is."""

import os

import pytest

from skgen import _install

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_distribution_name_is_the_one_in_pyproject():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    assert f'name = "{_install.DISTRIBUTION}"' in text
    assert 'name = "skgen"' not in text  # an unrelated project on the package index


def test_a_checkout_installs_its_own_extra(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert _install.install_hint("examples") == 'pip install ".[examples]"'


@pytest.mark.parametrize("editable", [True, False])
def test_elsewhere_the_hint_names_the_checkout_or_the_distribution(
    tmp_path, monkeypatch, editable
):
    monkeypatch.chdir(tmp_path)
    if not editable:  # skgen imported from site-packages, not from a checkout
        monkeypatch.setattr(_install, "__file__", str(tmp_path / "skgen" / "x.py"))
        expected = 'pip install "scikit-gen[examples]"'
    else:
        expected = f'pip install "{ROOT}[examples]"'
    assert _install.install_hint("examples") == expected
