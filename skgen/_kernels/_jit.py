"""The one set of compile options every kernel uses.

``nogil``: fits in threads run at once. ``cache``: a new process loads compiled code
from disk instead of compiling again. ``error_model="numpy"``: division by zero gives
inf/NaN as in numpy instead of a check per division, which would keep loops scalar.
No ``fastmath``: umap's kernels produced NaN with it. (One kernel, the class-RBM
score sum, allows reassociation alone, which LLVM needs to vectorize a reduction.)
"""

from numba import njit

kernel = njit(nogil=True, cache=True, error_model="numpy")
inline_kernel = njit(nogil=True, cache=True, error_model="numpy", inline="always")
