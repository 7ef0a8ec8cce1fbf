"""Numba kernels: pure numpy + numba, no scikit-learn, output buffers passed in."""
