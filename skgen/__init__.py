"""skgen: generative and representation-learning models as scikit-learn estimators."""

from . import _compile_notice  # noqa: F401  (says so when the kernels compile)
from ._autoencoder import DeepAutoencoder
from ._cvae import CVAE
from ._dbn import DBN
from ._dbn_classifier import DBNClassifier
from ._dbn_regressor import DBNRegressor
from ._errors import DivergenceError
from ._io import trusted_types
from ._ratings import RatingRBM, ratings_matrix
from ._rbm import BernoulliRBM, GaussianRBM
from ._rbm_classifier import RBMClassifier
from ._tabular import TabularVAE
from ._topics import ReplicatedSoftmax
from ._vae import VAE

__version__ = "0.10.0"

__all__ = [
    "BernoulliRBM",
    "CVAE",
    "DBN",
    "DBNClassifier",
    "DBNRegressor",
    "DeepAutoencoder",
    "DivergenceError",
    "GaussianRBM",
    "RBMClassifier",
    "RatingRBM",
    "ReplicatedSoftmax",
    "TabularVAE",
    "VAE",
    "__version__",
    "ratings_matrix",
    "trusted_types",
]
