"""Numba kernels: pure numpy + numba, no scikit-learn, output buffers passed in.

Developers: numba's on-disk cache (``cache=True``) checks only the file that defines a
kernel. Kernels inline helpers from other modules (``_fastexp``, ``_random``,
``_activations``), so after editing one of those, delete ``skgen/**/__pycache__`` or
the stale compiled code keeps running. A fresh install rewrites every file, so users
are not affected.
"""
