"""What a user must trust to load a skgen model saved with ``skops.io``."""

from ._autoencoder import DeepAutoencoder
from ._columns import Column, ColumnCoder
from ._cvae import CVAE
from ._dbn import DBN
from ._dbn_classifier import DBNClassifier
from ._dbn_regressor import DBNRegressor
from ._models._training import Adam
from ._ratings import RatingRBM
from ._rbm import BernoulliRBM, GaussianRBM
from ._rbm_classifier import RBMClassifier
from ._tabular import TabularVAE
from ._topics import ReplicatedSoftmax
from ._vae import VAE

# Every class whose instances a fitted estimator holds, the estimators first.
_SAVED_CLASSES = (
    BernoulliRBM,
    GaussianRBM,
    RBMClassifier,
    ReplicatedSoftmax,
    RatingRBM,
    DBN,
    DBNClassifier,
    DBNRegressor,
    DeepAutoencoder,
    VAE,
    CVAE,
    TabularVAE,
    Adam,  # the optimizer state of the network estimators (warm starts continue it)
    Column,  # TabularVAE's per-column coding
    ColumnCoder,
)


def trusted_types():
    """The skgen types that ``skops.io`` asks to trust when it loads a skgen model.

    `skops.io <https://skops.readthedocs.io>`_ saves a model without pickle and loads
    only the types it is told to trust. A fitted skgen estimator holds NumPy arrays,
    NumPy generators and scikit-learn objects, which skops trusts by default, and the
    skgen classes listed here: the estimators themselves (a DBN holds its RBMs), the
    optimizer state of the network estimators (``skgen._models._training.Adam``, kept
    so that a warm start or ``partial_fit`` continues as it would have), and the column
    coding of :class:`TabularVAE`. Loading one runs no code of its own beyond
    filling in the parameters a later release added (as unpickling does): each is
    rebuilt from its attributes.

    Returns
    -------
    types : list of str
        Fully qualified names, as ``skops.io.get_untrusted_types`` reports them.

    Examples
    --------
    >>> import skgen
    >>> "skgen._rbm.BernoulliRBM" in skgen.trusted_types()
    True

    A round trip (``skops`` installed)::

        import skops.io as sio
        sio.dump(model, "model.skops")
        model = sio.load("model.skops", trusted=skgen.trusted_types())

    Check what a file asks for first with ``sio.get_untrusted_types(file=...)``:
    anything beyond this list did not come from skgen.
    """
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in _SAVED_CLASSES]
