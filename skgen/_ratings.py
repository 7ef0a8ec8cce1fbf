"""RatingRBM: the collaborative-filtering RBM (Salakhutdinov, Mnih & Hinton, 2007),
a thin estimator over ``RatingLayer``."""

import copy
import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, validate_data

from ._base import BaseModel
from ._models import new_stream_state
from ._models._ratings import RatingLayer, Ratings
from ._parallel import N_JOBS_CONSTRAINT, document_n_jobs, refresh, threaded
from ._validation import (
    FLOAT_DTYPES,
    check_finite_params,
    check_positive_int,
    warn_at_caller,
)

# More distinct values than this are not rating levels.
MAX_LEVELS = 100


def _stored(X):
    """``(rows, columns, values)`` of the ratings in X, row by row: the stored
    entries of a sparse matrix, or the entries of a dense one, that are not NaN."""
    if sp.issparse(X):
        X = X.tocoo()
        known = ~np.isnan(X.data)  # a stored NaN is missing too
        return (
            X.row[known].astype(np.int64),
            X.col[known].astype(np.int64),
            X.data[known],
        )
    rows, columns = np.nonzero(~np.isnan(X))
    return rows.astype(np.int64), columns.astype(np.int64), X[rows, columns]


def _heldout_split(rows, n_rows, fraction, rng):
    """A boolean mask over the ratings: ``round(fraction * n)`` of each row's ``n``
    ratings (none for a row with fewer than two)."""
    held = np.zeros(len(rows), dtype=bool)
    order = np.argsort(rows, kind="stable")
    bounds = np.searchsorted(rows[order], np.arange(n_rows + 1))
    for u in range(n_rows):
        mine = order[bounds[u] : bounds[u + 1]]
        n_held = int(round(fraction * len(mine))) if len(mine) > 1 else 0
        held[rng.permutation(mine)[:n_held]] = True
    return held


_PAIRS_PARAMETERS = """\
        X : {array-like, sparse matrix} of shape (n_users, n_features)
            The users' known ratings.
        users, items : array-like of int of shape (n_pairs,)
            Row and column of each pair.
"""


def _pairs_documented(method):
    """Write the (user, item) pair parameters into ``method``'s docstring, where it
    says ``PAIRS_PARAMETERS``."""
    placeholder = "        PAIRS_PARAMETERS\n"
    method.__doc__ = method.__doc__.replace(placeholder, _PAIRS_PARAMETERS)
    return method


@document_n_jobs
class RatingRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseModel):
    """RBM for collaborative filtering: predicts the ratings users would give items.

    Salakhutdinov, Mnih & Hinton's model (ICML 2007). Each row of X is a user and
    each column an item; a stored entry of a sparse X is a rating and an absent
    entry is *missing*, not zero (in a dense X, NaN marks a missing rating). Each
    user is an RBM whose visible units are the items that user rated, each a softmax
    over the rating levels, joined to binary hidden units; all users share the
    weights of the items they rated. The rating levels are the distinct values in
    the training ratings (``levels_``): any number of them, at any values (1-5
    stars, 0.5-5 in halves, 0-10); they are mapped to level indices and back.

    Beyond the paper, the weights of each rating level are also shared by all items
    (``level_components_``, ``S``): the weight between level ``k`` of item ``i``
    and hidden unit ``j`` is ``W_ikj + S_kj``. This is a re-parameterisation of
    the paper's weights (any ``W + S`` is one of the paper's models) whose effect
    is shrinkage: weight decay acts on ``W`` only, so the weights of items with
    few ratings stay near the levels' shared ``S`` instead of near zero, and the
    hidden units learn how lenient a user is from every rating at once. In a
    prototype on MovieLens-100k the validation RMSE went from 0.962 (the paper's
    model) to 0.937 (``benchmarks/RESULTS.md``).

    Missing ratings are not modelled: each user's RBM has visible units for the
    items that user rated only. ``predict_ratings`` and ``recommend`` take the
    users' known ratings as evidence (rows of X, users x items, as in ``fit``).

    float32 input trains and transforms in float32 (``predict_ratings`` and
    ``score`` are float64).

    Parameters
    ----------
    n_components : int, default=100
        Number of binary hidden units.
    learning_rate : float, default=0.05
        Step size per user-case: each minibatch's gradient is averaged over its
        users. It decays by ``learning_rate_decay`` per epoch.
    learning_rate_decay : float, default=0.97
        Factor on the learning rate from one epoch of ``fit`` to the next.
    batch_size : int, default=50
        Users per minibatch.
    momentum : float, default=0.9
        Momentum of the updates.
    weight_decay : float, default=0.015
        L2 penalty on the item weights ``components_``.
    max_iter : int, default=100
        Largest number of epochs of ``fit``. This and the other defaults were chosen
        on validation ratings of MovieLens-100k's training split only (a search of
        63 settings with a prototype of the model; ``benchmarks/RESULTS.md``).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of each user's ratings, train on the rest,
        and keep the model of the epoch with the lowest held-out RMSE, stopping
        after ``n_iter_no_change`` epochs without improvement. With False (the
        default), train ``max_iter`` epochs on all ratings: with the decaying rate
        the fit does not overfit within 100 epochs, and the held-out tenth is worth
        more as training data (validation RMSE on MovieLens-100k's training split,
        ``benchmarks/RESULTS.md``: 0.9434 without early stopping, 0.9491 with it).
    validation_fraction : float, default=0.1
        Share of each user's ratings held out for early stopping.
    n_iter_no_change : int, default=10
        Epochs without improvement of the held-out RMSE before stopping.
    prediction : {"mean_field", "exact"}, default="mean_field"
        How ``predict_ratings``, ``predict_ratings_proba``, ``recommend``,
        ``score`` and early stopping's held-out RMSE turn a user's ratings into a
        distribution over an item's levels.
        "mean_field": the hidden units at their means ``E[h | ratings]``, then
        ``softmax_k(b_ik + E[h] . (W_ik + S_k))``. "exact": the paper's rule (its
        eq. 9), the hidden units summed out with the item at each level in turn,
        ``n_levels`` times the work per pair. On validation ratings of
        MovieLens-100k's training split (two splits, the test ratings unread) the
        RMSEs were 0.9433 / 0.9305 (mean field) and 0.9432 / 0.9302 (exact): a tie
        (benchmarks/choose_rating_rule.py), so the default is the cheaper rule.
    verbose : int, default=0
        Print each epoch's time, and its held-out RMSE with early stopping, when
        positive.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffles, the held-out split and CD's draws.
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    levels_ : ndarray of shape (n_levels,)
        The rating values, sorted; level ``k`` of the model is ``levels_[k]``.
    components_ : ndarray of shape (n_features, n_levels, n_components)
        The item-specific part ``W`` of the weights between each item's levels
        and the hidden units; the paper's weights are ``components_ +
        level_components_`` (broadcast over items).
    level_components_ : ndarray of shape (n_levels, n_components)
        The part ``S`` of the weights of each level shared by all items.
    intercept_visible_ : ndarray of shape (n_features, n_levels)
        Biases of each item's levels, started at the log of the item's level
        frequencies, smoothed toward all items' frequencies.
    intercept_hidden_ : ndarray of shape (n_components,)
        Biases of the hidden units.
    n_iter_ : int
        Epochs trained.
    validation_scores_ : list of float or None
        Held-out RMSE after each epoch of ``fit`` (None without early stopping, or
        when no user has two ratings, one to hold out).
    best_validation_score_ : float or None
        The lowest of them: the kept model's.
    random_state_ : RandomState instance
        The generator fitted state hands on to later calls.
    n_features_in_ : int
        Number of items.

    References
    ----------
    Salakhutdinov, R., Mnih, A. and Hinton, G. Restricted Boltzmann Machines for
    Collaborative Filtering. ICML 2007.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from skgen import RatingRBM
    >>> rng = np.random.RandomState(0)
    >>> cells = rng.choice(50 * 30, 600, replace=False)  # 600 (user, item) pairs
    >>> users, items = np.divmod(cells, 30)
    >>> R = sp.csr_matrix((rng.randint(1, 6, 600), (users, items)), shape=(50, 30))
    >>> model = RatingRBM(n_components=8, max_iter=5, random_state=0).fit(R)
    >>> model.levels_
    array([1., 2., 3., 4., 5.])
    >>> model.predict_ratings(R, [0, 1], [3, 4]).shape
    (2,)
    """

    _fitted_marker = "components_"
    _added_params = {"prediction": "mean_field"}  # skgen 0.6

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_decay": [Interval(Real, 0, 1, closed="right")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "prediction": [StrOptions({"mean_field", "exact"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
    }

    def __init__(
        self,
        n_components=100,
        *,
        learning_rate=0.05,
        learning_rate_decay=0.97,
        batch_size=50,
        momentum=0.9,
        weight_decay=0.015,
        max_iter=100,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        prediction="mean_field",
        verbose=0,
        random_state=None,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.batch_size = batch_size
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.prediction = prediction
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing rating in a dense X
        # Ratings are a few discrete levels: scikit-learn's checks then give whole
        # numbers instead of reals, of which every value would be a level.
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _structure(self):
        return {"n_components": self.n_components}

    def _dtype(self):
        return self.components_.dtype

    def fit(self, X, y=None):
        """Learn the model from users' ratings.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_users, n_items)
            One row per user, one column per item. A stored entry of a sparse
            matrix is a rating and an absent entry is missing (not zero); in a dense
            array NaN marks a missing rating. From (user, item, rating) triples
            or a three-column DataFrame, :func:`ratings_matrix` builds it and
            gives the user and item id of each row and column.
            The distinct rating values become ``levels_``.
        y : None
            Ignored.

        Returns
        -------
        self : RatingRBM
        """
        return super().fit(X, y)

    # ------------------------------------------------------------------ input
    def _checked(self, X, reset, name="X"):
        """X as a float64 or float32 CSR or dense array (NaN allowed: missing
        ratings), with at most one rating per (user, item)."""
        checks = dict(
            accept_sparse="csr", dtype=FLOAT_DTYPES, ensure_all_finite="allow-nan"
        )
        if name == "X":
            X = validate_data(self, X, reset=reset, **checks)
        else:  # held-out ratings: checked as X is, but not X
            X = check_array(X, input_name=name, **checks)
        if sp.issparse(X) and not X.has_canonical_format:
            coo = X.tocoo()
            cells = coo.row.astype(np.int64) * X.shape[1] + coo.col
            if len(np.unique(cells)) < len(cells):
                raise ValueError(
                    f"{name} stores two or more ratings for the same (user, item); "
                    "keep one (a sparse matrix built from (row, column) lists adds "
                    "duplicates up when converted)."
                )
        return X

    def _validate_train(self, X, y, reset, incremental, classes):
        X = self._checked(X, reset)
        if reset:
            values = np.unique(_stored(X)[2])
            if len(values) > MAX_LEVELS:
                raise ValueError(
                    f"X has {len(values)} distinct ratings; RatingRBM models ratings "
                    f"on a few levels (at most {MAX_LEVELS}). Round the ratings to "
                    "their levels (e.g. stars)."
                )
            if len(values) == 0:
                raise ValueError(
                    "X holds no ratings (a sparse X stores the ratings, a dense X "
                    "marks missing ones with NaN)."
                )
            if not sp.issparse(X) and (X == 0).mean() > 0.5:
                warn_at_caller(
                    f"X is dense and {(X == 0).mean():.0%} of its entries are 0, "
                    "which RatingRBM takes as ratings of 0. If 0 means 'not rated', "
                    "mark missing ratings with NaN or pass a sparse matrix."
                )
            self.levels_ = values
        return X, y

    def _ratings(self, X, mask=None, name="X"):
        """``Ratings`` of X (those where ``mask`` is True, if given), with every
        value checked against ``levels_``; ``name`` is X's in messages."""
        rows, columns, values = _stored(X)
        if mask is not None:
            rows, columns, values = rows[mask], columns[mask], values[mask]
        levels, unknown = _nearest_levels(values, self.levels_)
        if np.any(unknown):
            raise ValueError(
                f"{name} has ratings that are not among the levels seen in fit "
                f"({self.levels_}): {np.unique(values[unknown])[:5]}. Map them to "
                "those levels, or refit."
            )
        indptr = np.searchsorted(rows, np.arange(X.shape[0] + 1)).astype(np.int64)
        return Ratings(indptr, columns, levels.astype(np.int64))

    def _validate_ratings(self, X):
        self._check_fitted()
        X = self._checked(X, reset=False)
        return X, self._ratings(X)

    # ---------------------------------------------------------------- training
    def _train(self, X, y, *, cold, incremental):
        n_users, n_items = X.shape
        rng = self._train_rng_
        if cold:
            self.n_iter_ = 0
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self._n_features_out = self.n_components
            self._rng_state_ = new_stream_state(rng)
        held = None
        if self.early_stopping and not incremental:
            rows = _stored(X)[0]
            held = _heldout_split(rows, n_users, self.validation_fraction, rng)
            if not held.any():  # no user has two ratings: nothing to hold out
                held = None
        train = self._ratings(X, None if held is None else ~held)
        if cold:
            layer = RatingLayer.initialized(
                train, n_items, len(self.levels_), self.n_components, rng, X.dtype
            )
            self._set_layer(layer)
            self._velocity_ = [np.zeros_like(p) for p in layer.params]
        layer = self._layer()
        grads = [np.zeros_like(p) for p in layer.params]
        if incremental:
            self._epoch(layer, train, grads, self.learning_rate, "partial_fit")
            return
        target = self._ratings(X, held) if held is not None else None
        best, best_params, since = np.inf, None, 0
        scores = []
        for epoch in range(self.max_iter):
            begin = time.time()
            rate = self.learning_rate * self.learning_rate_decay**epoch
            self._epoch(layer, train, grads, rate, f"iteration {epoch + 1}")
            # each user's training ratings are the evidence for the held-out ones
            rmse = None if held is None else self._rmse(layer, train, target)
            if self.verbose:
                said = "" if rmse is None else f", val. RMSE = {rmse:.4f}"
                print(
                    f"[RatingRBM] Iteration {epoch + 1}{said}, "
                    f"time = {time.time() - begin:.2f}s"
                )
            if rmse is None:
                continue
            scores.append(rmse)
            if rmse < best:
                best, best_params, since = rmse, copy.deepcopy(layer.params), 0
            else:
                since += 1
                if since >= self.n_iter_no_change:
                    break
        if held is not None:
            for param, kept in zip(layer.params, best_params or layer.params):
                param[...] = kept
            self.validation_scores_ = scores
            self.best_validation_score_ = float(best) if scores else None

    def _epoch(self, layer, ratings, grads, rate, where):
        refresh()
        order = self._train_rng_.permutation(len(ratings.indptr) - 1)
        settings = (
            float(rate),
            float(self.momentum),
            float(self.weight_decay),
            2.0 * float(rate),  # the shared level weights' rate, per rating
            int(self.batch_size),
        )
        layer.cd_epoch(
            ratings, order, self._velocity_, grads, settings, self._rng_state_
        )
        self.n_iter_ += 1
        check_finite_params(
            self, where, layer.params, "To fix it, lower learning_rate."
        )

    def _expected(self, layer, ratings, users, items, state=None):
        """Expected ratings of the pairs under the ``prediction`` rule (``state``:
        the users' ``layer.hidden_state``, if known)."""
        if self.prediction == "exact":
            return self._level_probabilities(
                layer, ratings, users, items, state
            ) @ self.levels_.astype(np.float64)
        return layer.expected_ratings(ratings, users, items, self.levels_, state)

    def _level_probabilities(self, layer, ratings, users, items, state=None):
        exact = self.prediction == "exact"
        return layer.level_probabilities(ratings, users, items, exact, state)

    def _rmse(self, layer, evidence, target):
        users = np.repeat(np.arange(len(target.indptr) - 1), np.diff(target.indptr))
        predicted = self._expected(layer, evidence, users, target.items)
        truth = self.levels_[target.levels]
        return float(np.sqrt(np.mean((predicted - truth) ** 2)))

    def _set_layer(self, layer):
        (
            self.components_,
            self.level_components_,
            self.intercept_visible_,
            self.intercept_hidden_,
        ) = layer.params

    def _layer(self):
        return RatingLayer(
            self.components_,
            self.level_components_,
            self.intercept_visible_,
            self.intercept_hidden_,
        )

    # ------------------------------------------------------------- prediction
    @threaded
    def transform(self, X):
        """User features: ``E[h | the user's ratings]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_users, n_features)
            Ratings (absent entries of a sparse matrix, NaN in a dense one, are
            missing).

        Returns
        -------
        H : ndarray of shape (n_users, n_components)
            In the dtype of X (float32 stays float32, anything else is float64).
        """
        X, ratings = self._validate_ratings(X)
        return self._layer().astype(X.dtype).hidden_mean(ratings)

    @threaded
    @_pairs_documented
    def predict_ratings(self, X, users, items):
        """Expected ratings of the given (user, item) pairs.

        Each user's ratings in X are the evidence; the prediction is the expected
        level value under ``predict_ratings_proba``'s probabilities (with
        ``prediction="mean_field"`` computed directly, without them).

        Parameters
        ----------
        PAIRS_PARAMETERS

        Returns
        -------
        ratings : ndarray of shape (n_pairs,)
            float64, between the lowest and the highest level.
        """
        ratings, users, items = self._pairs(X, users, items)
        return self._expected(self._layer(), ratings, users, items)

    @threaded
    @_pairs_documented
    def predict_ratings_proba(self, X, users, items):
        """Probabilities of each rating level for the given (user, item) pairs.

        Under the ``prediction`` rule: "mean_field", ``softmax_k(b_ik + E[h |
        ratings] . (W_ik + S_k))``; "exact", the paper's eq. 9, the hidden units
        summed out with the item at each level in turn. A rating of the item itself
        in X is part of the evidence, as it is for ``predict_ratings``.

        Parameters
        ----------
        PAIRS_PARAMETERS

        Returns
        -------
        proba : ndarray of shape (n_pairs, n_levels)
            float64; column ``k`` is the probability of ``levels_[k]``.
        """
        ratings, users, items = self._pairs(X, users, items)
        return self._level_probabilities(self._layer(), ratings, users, items)

    def _pairs(self, X, users, items):
        """The users' ratings in X, and the pairs as checked int64 indices."""
        X, ratings = self._validate_ratings(X)
        users, items = np.asarray(users).ravel(), np.asarray(items).ravel()
        for name, index in (("users", users), ("items", items)):
            if index.size and not np.issubdtype(index.dtype, np.integer):
                raise ValueError(f"{name} must be integer indices, got {index.dtype}.")
        users, items = users.astype(np.int64), items.astype(np.int64)
        if users.shape != items.shape:
            raise ValueError(
                f"users and items must pair up, got {users.shape[0]} users and "
                f"{items.shape[0]} items."
            )
        for name, index, size, what in (
            ("users", users, X.shape[0], "rows"),
            ("items", items, X.shape[1], "columns"),
        ):
            bad = index[(index < 0) | (index >= size)]
            if bad.size:
                raise ValueError(
                    f"{name} must be indices of X's {what}, in [0, {size}); got "
                    f"{bad[0]}."
                )
        return ratings, users, items

    @threaded
    def recommend(self, X, n_items=10):
        """Each user's unrated items with the highest expected ratings.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_users, n_features)
            The users' known ratings.
        n_items : int, default=10
            Items to return per user.

        Returns
        -------
        items : ndarray of shape (n_users, n_items)
            Column indices, best first; -1 pads a user with fewer unrated items.
            Users are scored in blocks, so the memory stays bounded.
        """
        check_positive_int("n_items", n_items)
        X, ratings = self._validate_ratings(X)
        n_users, n_all = X.shape
        layer = self._layer()
        state = layer.hidden_state(ratings, exact=self.prediction == "exact")
        out = np.full((n_users, n_items), -1, dtype=np.int64)
        block = max(1, 2_000_000 // n_all)  # users scored at once: bounded memory
        for first in range(0, n_users, block):
            users = np.arange(first, min(first + block, n_users))
            scores = self._expected(
                layer,
                ratings,
                np.repeat(users, n_all),
                np.tile(np.arange(n_all), len(users)),
                state=state,
            ).reshape(len(users), n_all)
            for row, u in enumerate(users):
                rated = ratings.items[ratings.indptr[u] : ratings.indptr[u + 1]]
                scores[row, rated] = -np.inf
            order = np.argsort(-scores, axis=1, kind="stable")[:, :n_items]
            best = np.take_along_axis(scores, order, axis=1)
            out[users, : order.shape[1]] = np.where(np.isfinite(best), order, -1)
        return out

    @threaded
    def score(self, X, y):
        """Minus the RMSE of the ratings in y predicted from those in X.

        For model selection: ``GridSearchCV(RatingRBM(), ..., cv=...).fit(X, y)``
        with y the held-out ratings of the same users (rows), so that each fold's
        users are scored on ratings the model was not given. Minus the RMSE, so
        that higher is better, and the RMSE because it is what collaborative
        filtering is measured by (the Netflix prize).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_users, n_features)
            The users' known ratings: the evidence.
        y : {array-like, sparse matrix} of shape (n_users, n_features)
            Their held-out ratings, stored entries (or non-NaN entries) only,
            checked as ``fit`` checks X (at most one rating per user and item, each
            one of ``levels_``). Required.

        Returns
        -------
        score : float
        """
        X, evidence = self._validate_ratings(X)
        if y is None or np.ndim(y) != 2 or np.shape(y) != X.shape:
            raise ValueError(
                "score needs the held-out ratings y of the same users and items as "
                f"X, a matrix of shape {X.shape}; got "
                f"{None if y is None else np.shape(y)}."
            )
        target = self._ratings(self._checked(y, reset=False, name="y"), name="y")
        if len(target.items) == 0:
            raise ValueError(
                "y holds no held-out ratings to score (stored entries of a sparse "
                "y, or entries that are not NaN of a dense one)."
            )
        return -self._rmse(self._layer(), evidence, target)


def _nearest_levels(values, levels):
    """The index of the level nearest to each value, and whether a value is none of
    the levels: further from the nearest than the rounding of the coarser of the
    two dtypes (float32 ratings of 0.3 are fit's float64 level 0.3)."""
    eps = max(np.finfo(values.dtype).eps, np.finfo(levels.dtype).eps)
    v, grid = values.astype(np.float64), levels.astype(np.float64)
    right = np.minimum(np.searchsorted(grid, v), len(grid) - 1)
    left = np.maximum(right - 1, 0)
    nearest = np.where(np.abs(grid[left] - v) <= np.abs(grid[right] - v), left, right)
    unknown = np.abs(grid[nearest] - v) > 4 * eps * np.maximum(np.abs(v), 1.0)
    return nearest, unknown


def ratings_matrix(users, items=None, ratings=None):
    """The users x items matrix of (user, item, rating) triples, for
    :class:`RatingRBM`, and the ids of its rows and columns.

    Parameters
    ----------
    users : array-like of shape (n_ratings,), or a DataFrame / array of 3 columns
        Each rating's user id (any sortable ids: ints, strings). A pandas
        DataFrame or a 2-D array of three columns, (user, item, rating) in that
        order, stands for all three arguments, as a ratings file reads in.
    items : array-like of shape (n_ratings,), default=None
        Each rating's item id; None when ``users`` holds all three columns.
    ratings : array-like of shape (n_ratings,), default=None
        The ratings, numbers; None when ``users`` holds all three columns.

    Returns
    -------
    R : scipy.sparse.csr_matrix of shape (n_users, n_items)
        Row ``u`` holds the ratings of ``user_ids[u]``, column ``i`` those of
        ``item_ids[i]``; an absent entry is a missing rating, as ``fit`` reads it.
    user_ids, item_ids : ndarray
        The distinct ids, sorted: ``np.searchsorted(user_ids, ids)`` gives the rows
        of given users for ``predict_ratings``.

    Examples
    --------
    >>> from skgen import ratings_matrix
    >>> R, user_ids, item_ids = ratings_matrix(
    ...     ["ann", "bob", "ann"], ["film a", "film a", "film b"], [4, 2, 5]
    ... )
    >>> R.toarray()
    array([[4., 5.],
           [2., 0.]])
    >>> user_ids.tolist(), item_ids.tolist()
    (['ann', 'bob'], ['film a', 'film b'])
    """
    if items is None and ratings is None:
        table = users
        if hasattr(table, "iloc"):  # a DataFrame: its columns in order
            columns = [table.iloc[:, j].to_numpy() for j in range(table.shape[1])]
        else:
            table = np.asarray(table, dtype=object)
            columns = list(table.T) if table.ndim == 2 else []
        if len(columns) != 3:
            raise ValueError(
                "ratings_matrix(table) needs three columns, (user, item, rating) in "
                f"that order; got {np.shape(table)}. Or pass users, items and "
                "ratings as three arrays."
            )
        users, items, ratings = columns
    elif items is None or ratings is None:
        raise ValueError(
            "Pass users, items and ratings (three arrays), or one table of three "
            "columns."
        )
    users, items = np.asarray(users).ravel(), np.asarray(items).ravel()
    try:
        ratings = np.asarray(ratings, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise ValueError("ratings must be numbers (the rating levels).") from None
    if not users.shape == items.shape == ratings.shape:
        raise ValueError(
            f"users, items and ratings must have one entry per rating; got "
            f"{users.shape[0]}, {items.shape[0]} and {ratings.shape[0]}."
        )
    if not np.all(np.isfinite(ratings)):
        raise ValueError(
            "ratings has NaN or infinite values; leave a missing rating out of "
            "the triples."
        )
    user_ids, rows = np.unique(users, return_inverse=True)
    item_ids, columns = np.unique(items, return_inverse=True)
    R = sp.csr_matrix(
        (ratings, (rows, columns)), shape=(len(user_ids), len(item_ids))
    )
    if R.nnz < len(ratings):  # csr_matrix sums duplicates
        pairs = rows.astype(np.int64) * len(item_ids) + columns
        _, first, counts = np.unique(pairs, return_index=True, return_counts=True)
        twice = first[counts > 1][0]
        raise ValueError(
            f"user {users[twice]!r} rated item {items[twice]!r} more than once; "
            "keep one rating per (user, item) pair (e.g. the latest)."
        )
    return R, user_ids, item_ids
