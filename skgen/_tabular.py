"""A variational autoencoder of tables with mixed column types: synthetic rows."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from ._columns import REAL, ColumnCoder
from ._models._losses import TableLoss
from ._models._vae import content_uniforms
from ._network_base import document_training
from ._parallel import document_n_jobs, threaded
from ._vae import VAE
from ._validation import check_layer_sizes, check_positive_int

# Candidate latent draws per row when sampling under conditions (see ``sample``).
_CANDIDATES = 64
# The model's draws that calibrate the real columns' codes.
_CALIBRATION_DRAWS = 10_000


@document_n_jobs
@document_training
class TabularVAE(VAE):
    """Variational autoencoder of a table with mixed column types.

    Fits a pandas DataFrame (or an array) column by column: each column gets the
    likelihood of its kind, given the latent code ``z``:

    * real columns (numbers, datetimes): a Gaussian whose mean and variance the
      decoder gives for each row (``VAE(likelihood="gaussian")``), on the column's
      normal scores ``ndtri(F(x))``, ``F`` its training distribution function. The
      inverse gives back a value that repeats in training (a spike at zero, the few
      values of an integer column) over its whole share, and interpolates between
      values seen once. Training codes each value at a uniform draw within its
      share, so the network learns a continuous variable;
    * binary columns (two distinct values: bool, 0/1, a two-level category): a
      Bernoulli;
    * categorical columns (strings, objects, pandas categoricals, booleans with
      one value, the columns named in ``categorical_features``): a softmax over the
      categories seen in the first fit.

    After each training call (the networks train on the normal scores), each
    real column's normal scores are mapped, monotonically, to the codes the
    model draws for it (the model's quantiles meet the normal distribution's):
    the networks' draws, often narrower than the data, then give each column its
    training marginal, and scores include the map's derivative. The map takes
    10,000 draws of the model, about 20 ms per ``fit`` or ``partial_fit`` call.
    On validation splits of training rows it raised quality on breast cancer
    0.884 -> 0.898, wine 0.784 -> 0.792, cars 0.885 -> 0.892, weather 0.900 ->
    0.901 (benchmarks/RESULTS.md).

    The columns are independent given ``z``; the network learns how they depend on
    each other through it. ``sample`` draws synthetic rows with the input's columns,
    dtypes and categories (real columns within their training range, integer ones
    rounded), also given the values of some columns (``conditions``);
    ``transform`` gives the posterior means of ``z``, ``score_samples`` each row's
    evidence lower bound in nats (densities in the real columns' own units). The
    networks compute in float32 for a DataFrame (``transform`` gives float32), in
    an array's float dtype otherwise (float32 stays float32, anything else is
    float64).

    Parameters
    ----------
    n_components : int, default=16
        Size of the latent space.
    categorical_features : "auto", array-like of str or int, or bool mask, \
default="auto"
        Columns to model as categorical on top of those found from their dtypes
        (strings, objects and pandas categoricals always are; booleans and numeric
        columns with two distinct values are binary). Names of DataFrame columns
        (one name alone too), positions, or a boolean mask over the columns.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Hidden layers of the encoder; the decoder mirrors them.
    activation : {"relu", "tanh", "logistic"}, default="relu"
        Activation of the hidden layers.
    beta : float, default=1.0
        Weight of the KL term; 1 is the ELBO.
    batch_size : int, default=128
        Minibatch size (clipped to the number of samples).
    learning_rate : float, default=1e-3
        Adam's step size.
    max_iter, tol, n_iter_no_change, validation_fraction, shuffle, warm_start, \
random_state, verbose :
        As in :class:`VAE`.
    early_stopping : "auto" or bool, default="auto"
        Hold out ``validation_fraction`` of the rows and keep the parameters of the
        latest epoch whose held-out ELBO is within two standard errors of the best
        one up to it; "auto" is True. The learned variances let the training
        likelihood grow without bound on a few hundred rows; held-out rows decide
        when to stop. The best epoch alone is a matter of chance on a plateau
        when few rows are held out: on validation splits of wine's training rows
        keeping it gave quality 0.742, the latest within two standard errors 0.784
        (cars, weather, breast cancer within 0.001; benchmarks/RESULTS.md).
    n_jobs : int, default=None
        N_JOBS_DESCRIPTION

    Attributes
    ----------
    column_kinds_ : dict
        Each column's kind ("real", "binary" or "categorical"), by column name
        (by position for an array).
    encoder_coefs_, encoder_intercepts_, decoder_coefs_, decoder_intercepts_ :
        As in :class:`VAE`; the decoder's last layer gives, in this order, the real
        columns' means and log-variances, one logit per binary column and the
        logits of each categorical column.
        TRAINING_ATTRIBUTES
    n_features_in_ : int
        Number of columns seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of columns seen during ``fit``, if all strings.

    See Also
    --------
    VAE : The same model for a matrix of one kind of values.

    References
    ----------
    Xu, L., Skoularidou, M., Cuesta-Infante, A. and Veeramachaneni, K. Modeling
    tabular data using conditional GAN. NeurIPS 2019 (TVAE).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgen import TabularVAE
    >>> rng = np.random.RandomState(0)
    >>> size = rng.choice(["S", "M", "L"], 300)
    >>> table = pd.DataFrame({
    ...     "size": size,
    ...     "weight": np.where(size == "L", 80.0, 60.0) + rng.normal(0, 5, 300),
    ...     "items": rng.poisson(3, 300),
    ... })
    >>> model = TabularVAE(max_iter=20, random_state=0).fit(table)
    >>> model.column_kinds_
    {'size': 'categorical', 'weight': 'real', 'items': 'real'}
    >>> rows = model.sample(4, conditions={"size": "L"}, random_state=0)
    >>> rows["size"].tolist(), rows["items"].dtype
    (['L', 'L', 'L', 'L'], dtype('int64'))
    """

    _parameter_constraints: dict = {
        **{
            name: rule
            for name, rule in VAE._parameter_constraints.items()
            if name not in ("likelihood", "covariance_type")
        },
        "categorical_features": [
            StrOptions({"auto"}),
            "array-like",
            HasMethods("__iter__"),
            None,
        ],
    }

    def __init__(
        self,
        n_components=16,
        *,
        categorical_features="auto",
        hidden_layer_sizes=(128, 128),
        activation="relu",
        beta=1.0,
        batch_size=128,
        learning_rate=1e-3,
        max_iter="auto",
        tol=1e-4,
        n_iter_no_change="auto",
        early_stopping="auto",
        validation_fraction=0.1,
        shuffle=True,
        warm_start=False,
        random_state=None,
        verbose=0,
        n_jobs=None,
    ):
        self.n_components = n_components
        self.categorical_features = categorical_features
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.beta = beta
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.n_jobs = n_jobs

    _divergence_hint = "Lower learning_rate."
    _added_attributes: dict = {}  # one likelihood per column, not VAE's likelihood
    _added_params: dict = {}  # nor VAE's covariance_type

    # ------------------------------------------------------------- the table
    def _structure(self):
        return {
            "n_components": self.n_components,
            "hidden_layer_sizes": tuple(check_layer_sizes(self.hidden_layer_sizes)),
            "activation": self.activation,
            "categorical_features": repr(self.categorical_features),
        }

    def _unit_interval(self):
        return None

    def _early_stopping(self):
        return self.early_stopping in ("auto", True)

    # Later epochs on the plateau have learned more of the columns' dependence
    # (see early_stopping); one standard error gave wine 0.776.
    _validation_slack = 2.0

    def _correlated(self):
        # The real columns' correlated noise (VAE's covariance_type="full") left
        # quality as it was on validation splits of cars and weather (0.883 /
        # 0.899 against 0.885 / 0.896, benchmarks/RESULTS.md): columns stay
        # independent given z.
        return False

    def _after_training(self, X, y):
        """Calibrate the real columns (``ColumnCoder.calibrate``) on the model's
        draws of them from the prior."""
        rng = np.random.RandomState(self._train_rng_.randint(2**31))
        Z = rng.standard_normal((_CALIBRATION_DRAWS, self.n_components))
        codes = self._model().decode(Z.astype(self._dtype()), draw=rng)
        self._coder_.calibrate(codes[:, : self._coder_.n_real])

    def _loss(self):
        coder = self._coder_
        return TableLoss(coder.n_real, coder.n_binary, coder.category_sizes)

    def _read(self, X, reset):
        """Check X's shape, column names and count against the fit (or set them)."""
        if not hasattr(X, "columns"):  # not a DataFrame: an array of rows
            X = X.toarray() if sp.issparse(X) else np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    f"Expected 2D array, got {X.ndim}D array instead. Reshape your "
                    "data either using array.reshape(-1, 1) if your data has a single "
                    "feature or array.reshape(1, -1) if it contains a single sample."
                )
        for axis, what in ((0, "sample"), (1, "feature")):
            if X.shape[axis] < 1:
                raise ValueError(
                    f"Found array with 0 {what}(s) (shape={X.shape}) while a minimum "
                    f"of 1 is required by {type(self).__name__}."
                )
        validate_data(self, X, skip_check_array=True, reset=reset)
        return X

    def _validate_train(self, X, y, reset, incremental, classes):
        X = self._read(X, reset)
        name = type(self).__name__
        if reset:
            self._coder_ = ColumnCoder.fit(X, self.categorical_features, name)
            self.column_kinds_ = self._coder_.kinds
        dtype = self._input_dtype(X) if reset else self._dtype()
        if reset:  # the seed of the training rows' spread within their shares
            self._spread_seed_ = check_random_state(self.random_state).randint(2**31)
        # Keyed on each row's content and position (rows of a small table repeat):
        # the same rows code the same in every training call. The networks train
        # on the normal scores, whatever the calibration (see _after_training).
        middle = self._coder_.encode(X, np.float64, name, calibrated=False)
        rows = np.arange(middle.shape[0], dtype=np.float64)[:, None]
        spread = content_uniforms(np.hstack([middle, rows]), self._spread_seed_)
        spread = spread[:, :-1]
        coded = self._coder_.encode(X, dtype, name, spread=spread, calibrated=False)
        return coded, None

    @staticmethod
    def _input_dtype(X):
        """A DataFrame computes in float32 (it has no one dtype to keep; PyTorch's
        TVAE computes in float32 too): on validation splits of the training rows
        of cars, weather, wine and breast cancer the median fit took 1.6-2.1x less
        time than in float64 at the same quality (0.885, 0.900, 0.784, 0.884
        against 0.887, 0.900, 0.784, 0.885; benchmarks/RESULTS.md). An array
        keeps its float dtype: float32 stays float32, anything else is float64."""
        if hasattr(X, "columns"):
            return np.float32
        return np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64

    def _validate_X(self, X, dense=False):
        return self._coded_and_jacobian(X, jacobian=False)[0]

    def _coded_and_jacobian(self, X, jacobian=True):
        """X read once: its coded rows (in X's float dtype) and, when asked, the
        log-derivative of the coding of each row (None otherwise)."""
        self._check_fitted()
        X = self._read(X, reset=False)
        coded = self._coder_.encode(X, self._input_dtype(X), type(self).__name__)
        return coded, self._coder_.log_jacobian(X) if jacobian else None

    # ---------------------------------------------------------- representation
    @threaded
    def inverse_transform(self, X):
        """The most probable row for each latent code: real columns' means, the
        likelier value of each binary column, each categorical column's most
        probable category.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Latent codes, e.g. from ``transform``.

        Returns
        -------
        X_original : DataFrame or ndarray of shape (n_samples, n_features)
            Like the training input.
        """
        Z = self._validate_codes(X, self.n_components)
        coded = self._model(Z.dtype).decode(Z)
        g, b = self._coder_.n_real, self._coder_.n_binary
        coded[:, g : g + b] = coded[:, g : g + b] >= 0.5
        return self._coder_.decode(coded)

    @threaded
    def sample(self, n_samples=1, *, conditions=None, random_state=None):
        """Synthetic rows: ``z ~ N(0, I)``, then each column drawn from ``p(x | z)``.

        With ``conditions`` the rows are drawn from the model's distribution given
        those columns' values: for each row, 64 candidate codes ``z`` from the prior
        are weighted by the likelihood of the conditions given ``z`` and one is
        drawn by its weight (sampling-importance-resampling), then the other
        columns are drawn given it. As the columns are independent given ``z``,
        this targets ``p(x | conditions)`` exactly as the number of candidates
        grows; the conditioned columns hold the values asked for. A real column's
        value that repeats in training (a spike, an integer's level) weighs each
        code by the probability of the codes that decode to it; another value by
        the density of its code.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows.
        conditions : dict, default=None
            Values of some columns, by column name (by position for an array), e.g.
            ``{"cut": "Ideal"}``.
        random_state : int, RandomState instance or None, default=None
            Seed for the draws. None draws from ``random_state_``, so that repeated
            calls give new rows; an int gives the same rows every time.

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, n_features)
            A DataFrame with the training columns, dtypes and categories when fit
            was given one; else an array of the training array's dtype.
        """
        rng = self._sampling_rng(n_samples, random_state)
        model, dtype = self._model(), self._dtype()
        given = self._encoded_conditions(conditions, dtype)
        if given is None:
            Z = rng.standard_normal((n_samples, self.n_components)).astype(dtype)
        else:
            Z = model.conditional_codes(
                given["columns"],
                given["codes"],
                given["intervals"],
                n_samples,
                rng,
                _CANDIDATES,
            )
        coded = model.decode(Z, draw=rng)
        if given is not None:
            coded[:, given["columns"]] = given["codes"]
        rows = self._coder_.decode(coded)
        if given is not None:  # real columns: the values asked for, as they are
            for name, value in given["real"].items():
                if hasattr(rows, "columns"):
                    rows[name] = np.repeat(np.asarray([value]), n_samples).astype(
                        rows[name].dtype
                    )
                else:
                    rows[:, name] = value
        return rows

    def _encoded_conditions(self, conditions, dtype):
        """The conditioned columns' model positions and codes, the code interval of
        each real value that repeats in training (None for the others), and the
        real columns' values as given; None without conditions."""
        self._check_fitted()
        if conditions is None or len(conditions) == 0:
            return None
        if not isinstance(conditions, dict):
            raise TypeError(
                "conditions must be a dict of column values, e.g. {'cut': 'Ideal'}; "
                f"got {type(conditions).__name__}."
            )
        coder = self._coder_
        given = {"columns": [], "codes": [], "intervals": [], "real": {}}
        for name, value in conditions.items():
            try:
                position = coder.model_position(name)
            except KeyError:
                raise ValueError(
                    f"conditions names {name!r}, which is not a column of the fitted "
                    f"table (columns: {list(coder.names)[:10]})."
                ) from None
            column = coder.columns[coder.model_order[position]]
            cats = column.categories
            text = cats is not None and cats.dtype == object
            raw = np.asarray([value], dtype=object if text else None)
            try:
                code = column.encode(raw)
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"conditions gives column {name!r} the value {value!r}, which it "
                    f"cannot take: {error}"
                ) from None
            real = column.kind == REAL
            given["columns"].append(position)
            given["codes"].append(code[0])
            given["intervals"].append(column.code_interval(value) if real else None)
            if real:
                given["real"][name] = value
        given["columns"] = np.array(given["columns"])
        given["codes"] = np.array(given["codes"], dtype=dtype)
        return given

    # ------------------------------------------------------------------ scores
    @threaded
    def score_samples(self, X):
        """Evidence lower bound of each row, in nats: a lower bound on ``log p(x)``,
        with the real columns' densities in their own units (one draw of ``z``
        keyed on the row; the KL term exact).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows to evaluate, with the training columns.

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
        """
        coded, log_jacobian = self._coded_and_jacobian(X)
        return self._elbo(coded) + log_jacobian

    @threaded
    def log_likelihood(self, X, *, n_importance=100):
        """Importance-weighted estimate of ``log p(x)`` (Burda et al., 2016), in
        nats, the real columns' densities in their own units: a lower bound that
        tightens as ``n_importance`` grows.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows to evaluate.
        n_importance : int, default=100
            Number of importance samples.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
        """
        check_positive_int("n_importance", n_importance)
        coded, log_jacobian = self._coded_and_jacobian(X)
        return self._importance_weighted(coded, n_importance) + log_jacobian

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags
