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
    rows = main(["demo", "--quick", "--out", str(tmp_path / "figures")])
    out = capsys.readouterr().out
    for progress in (
        r"\[BernoulliRBM\] Iteration 5, pseudo-likelihood = -\d+\.\d\d",
        r"\[DBN\] Layer 2/2: 256 -> 256 units",
        r"\[DBNClassifier\] Iteration \d+, loss = ",
        r"\[RBMClassifier\] Iteration \d+, loss = [\d.]+, val. log p = -",
        r"\[VAE\] Iteration 20, loss = ",
        r"\[CVAE\] Iteration 20, loss = ",
        r"\[DeepAutoencoder\] Iteration \d+, loss = ",
        r"== DBNRegressor on the diabetes data",
        r"== ReplicatedSoftmax on 800 made-up documents",
        r"== RatingRBM on 300 made-up users",
        r"== TabularVAE: synthetic rows of the wine table",
    ):
        assert re.search(progress, out), progress
    table = {row.model: row for row in rows}
    assert len(table) == 13, out
    # What the demo shows, each against its baseline.
    rbm = table["BernoulliRBM + LR"]
    assert rbm.score > rbm.baseline_score + 0.02 and not rbm.behind
    assert not table["BernoulliRBM(256)"].behind  # log-likelihood, independent pixels
    assert not table["GaussianRBM(16)"].behind
    vae = table["VAE"]
    assert vae.score > vae.baseline_score + 2.0  # nats better than independent pixels
    ae = table["DeepAutoencoder(8)"]
    assert ae.score < ae.baseline_score and not ae.behind  # an error: lower is better
    assert table["DBNClassifier"].score > 0.9
    assert table["RBMClassifier"].score > 0.9
    assert table["CVAE, Bayes rule"].score > 0.8
    reg = table["DBNRegressor"]  # diabetes: close to Ridge, the best linear fit
    assert reg.metric == "R^2" and reg.score > reg.baseline_score - 0.05
    topics = table["ReplicatedSoftmax"]  # perplexity, LDA's a bound: close to it
    assert topics.metric == "perplex." and topics.score < 1.1 * topics.baseline_score
    tables = table["TabularVAE"]  # synthetic wine rows, hard to tell from real
    assert tables.metric == "detect." and tables.score < 0.8
    ratings = table["RatingRBM"]  # RMSE: well below the biases, which miss tastes
    assert ratings.score < 0.8 * ratings.baseline_score and not ratings.behind
    # The printed table: every row, skgen's fit time apart from the baseline's, a line
    # per metric, the rows behind their baselines named, 80 columns at most.
    for row in rows:
        line = next(x for x in out.splitlines() if x.startswith(row.model + " "))
        assert f"{row.seconds:.1f}" in line and row.baseline in line
        assert line.split()[-1] in ("-", f"{row.baseline_seconds:.1f}")
        assert ("*" in line) == row.behind
    for metric in (
        "accuracy",
        "log-lik.",
        "ELBO",
        "sq. error",
        "R^2",
        "perplex.",
        "RMSE",
    ):
        assert re.search(
            rf"^{re.escape(metric)} +.+; (higher|lower) is better$", out, re.M
        )
    behind = [row.model for row in rows if row.behind]
    if behind:
        said = out[out.index("* behind its baseline here:") :].split("\nA baseline")[0]
        assert " ".join(said.split()) == (
            f"* behind its baseline here: {'; '.join(behind)} (one split: small gaps "
            "can be chance)"
        )
    assert max(len(line) for line in out.splitlines()) <= 80
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
    options = ("--dataset", "--quick", "--out", "--no-figures", "--n-jobs", "mnist5k")
    for option in options:
        assert option in out
