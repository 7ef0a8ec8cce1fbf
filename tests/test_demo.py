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
    # Quiet: a line per model as it starts, with the time so far, then the table.
    before = out[: out.index("Results on held-out data")].strip().splitlines()
    progress = [line for line in before if re.match(r"\[ *\d+ s\] ", line)]
    assert len(before) <= len(rows) + 3, before  # two lines on the data, a notice
    for heading in (
        "BernoulliRBM: features",
        "DBN(256, 256): greedy pretraining",
        "DBNRegressor on the diabetes data",
        "ReplicatedSoftmax on 800 made-up documents",
        "RatingRBM on 300 made-up users",
        "TabularVAE: synthetic rows of the wine table",
        "DeepAutoencoder: codes of 8 numbers",
    ):
        assert any(heading in line for line in progress), heading
    assert "Iteration" not in out and "[BernoulliRBM]" not in out
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
        assert ("*" in line) == row.behind and ("=" in line) == row.tied
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
    # every row behind or tied says why, one split each; --quick says what it weakens
    for row in rows:
        if row.behind or row.tied:
            start = f"{row.mark} {row.model}: "
            said = next(x for x in out.splitlines() if x.startswith(start))
            assert len(said) > len(start) + 10
    assert "--quick trains the skgen models for fewer epochs" in " ".join(out.split())
    dbn = table["DBN(256, 256) + LR"]  # what the second layer adds to one RBM
    assert dbn.baseline == "RBM + LR" and dbn.baseline_score == rbm.score
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


def test_verbose_prints_each_models_progress_and_quiet_does_not(capsys):
    from skgen._demo import DemoData, _announce, _say

    empty = [None] * 4
    loud = DemoData(*empty, side=8, quick=True, verbose=True)
    quiet = DemoData(*empty, side=8, quick=True)
    assert loud.rbm_settings()["verbose"] == 1 and quiet.rbm_settings()["verbose"] == 0
    _announce(loud, "BernoulliRBM")
    _say(loud, "a silent step")
    assert capsys.readouterr().out == "\n== BernoulliRBM\n   a silent step\n"
    _say(quiet, "a silent step")
    _announce(quiet, "BernoulliRBM")
    assert re.fullmatch(r"\[ *\d+ s\] BernoulliRBM\n", capsys.readouterr().out)


def test_rows_within_the_tolerance_are_tied_not_behind():
    from skgen._demo import Row

    def row(metric, score, baseline):
        return Row("m", metric, score, 1.0, "b", baseline, 1.0)

    close, far = row("accuracy", 0.970, 0.974), row("accuracy", 0.960, 0.974)
    assert close.tied and not close.behind and close.mark == "="
    assert far.behind and not far.tied and far.mark == "*"
    assert row("perplex.", 27.22, 27.01).tied  # lower is better, 0.8% apart
    assert row("perplex.", 28.0, 27.01).behind
    assert not row("RMSE", 0.5, 0.9).behind and row("RMSE", 0.5, 0.9).mark == " "
