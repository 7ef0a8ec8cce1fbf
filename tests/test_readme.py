"""The README's code examples, run as written: they are the first code a user runs."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return re.findall(r"```python\n(.*?)```", f.read(), re.S)


def test_the_readme_has_its_three_examples():
    assert len(python_blocks()) == 3


def test_the_readme_examples_run_as_written(capsys):
    namespace = {}
    for block in python_blocks():  # the second uses the first's X and y
        exec(compile(block, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out.split("\n")
    assert float(printed[0]) > 0.94  # held-out accuracy; the README says 0.95
    assert printed[1] == "(5, 64)"
    log_lik, std_err = map(float, printed[2].split())
    assert -40 < log_lik < -15 and 0 <= std_err < 1
    assert namespace["digits_of_7"].shape == (10, 64)
    assert set(namespace["labels"]) == {7}
    rows = namespace["rows"]  # the table example: a DataFrame given the cultivar
    assert rows.shape == (5, 14) and set(rows["target"]) == {"class_0"}
    assert list(rows.columns) == list(namespace["table"].columns)
