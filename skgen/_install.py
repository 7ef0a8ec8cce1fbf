"""Install hints that work where the user is.

The distribution is called ``scikit-gen``; the import name stays ``skgen``, as
``scikit-learn`` is imported as ``sklearn``. ``skgen`` on the package index is an
unrelated project, so a hint must never say ``pip install 'skgen[...]'``. In a
checkout of this repository the extra comes from the checkout (``pip install
".[examples]"``), elsewhere from the index under the distribution name.
"""

import os

DISTRIBUTION = "scikit-gen"


def _checkout(directory):
    """Whether ``directory`` holds this project's ``pyproject.toml``."""
    path = os.path.join(directory, "pyproject.toml")
    try:
        with open(path, encoding="utf-8") as f:
            return f'name = "{DISTRIBUTION}"' in f.read()
    except OSError:
        return False


def install_hint(extra):
    """The pip command that installs skgen's optional ``extra``, for this place.

    ``".[extra]"`` when the working directory is a checkout, the checkout's path when
    skgen is imported from one (an editable install), else the distribution name.
    """
    if _checkout(os.getcwd()):
        target = "."
    else:
        source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        target = source if _checkout(source) else DISTRIBUTION
    return f'pip install "{target}[{extra}]"'
