"""The main job, ``python -m skgen demo``: every estimator, one table, figures."""

import re

import pytest

from skgen import _plotting
from skgen.__main__ import main


def no_matplotlib():
    raise ImportError("The figures need matplotlib")


def test_quick_demo_trains_every_model_and_prints_the_table(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.setattr(_plotting, "pyplot", no_matplotlib)
    main(["demo", "--quick", "--out", str(tmp_path / "figures")])
    out = capsys.readouterr().out
    for progress in (
        r"\[BernoulliRBM\] Iteration 5, pseudo-likelihood = -\d+\.\d\d",
        r"\[DBN\] Layer 2/2: 256 -> 256 units",
        r"\[DBNClassifier\] Iteration \d+, loss = ",
        r"\[VAE\] Iteration 20, loss = ",
        r"\[CVAE\] Iteration 20, loss = ",
        r"\[DeepAutoencoder\] Iteration \d+, loss = ",
    ):
        assert re.search(progress, out), progress
    table = {}
    for line in out.splitlines():
        match = re.fullmatch(r"(.+?)\s+(\d+\.\d)s  (.+?)\s+(-?\d+\.\d{3})  (.*)", line)
        if match:
            baseline = re.fullmatch(r"(.+?)\s+(-?\d+\.\d{3})", match[5])
            table[match[1]] = (float(match[4]), baseline and float(baseline[2]))
    assert len(table) == 8, out
    # What the demo shows, each against its baseline.
    rbm, raw = table["BernoulliRBM(256) + LogisticRegression"]
    assert rbm > raw + 0.02
    score, independent = table["GaussianRBM(16)"]
    assert score > independent
    score, independent = table["VAE"]
    assert score > independent + 2.0  # nats better than independent pixels
    error, pca = table["DeepAutoencoder (8-d code)"]
    assert error < pca
    assert table["DBNClassifier(500, 500)"][0] > 0.9
    assert table["CVAE (as a Bayes classifier)"][0] > 0.8
    assert "Figures skipped: matplotlib is not installed" in out
    # The hint names the extra of this checkout, never 'skgen[...]': that name on the
    # package index is an unrelated project.
    assert "pip install" in out and "[examples]" in out
    assert "'skgen[" not in out and '"skgen[' not in out
    assert not (tmp_path / "figures").exists()


def test_help_explains_each_option(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = capsys.readouterr().out
    for option in ("--dataset", "--quick", "--out", "--no-figures", "mnist5k"):
        assert option in out
