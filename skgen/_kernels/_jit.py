"""The one set of compile options every kernel uses, and the notice the first time
one compiles.

``nogil``: fits in threads run at once. ``cache``: a new process loads compiled code
from disk instead of compiling again. ``error_model="numpy"``: division by zero gives
inf/NaN as in numpy instead of a check per division, which would keep loops scalar.
No ``fastmath``: umap's kernels produced NaN with it.
"""

import sys

from numba import njit
from numba.core import event

kernel = njit(nogil=True, cache=True, error_model="numpy")
inline_kernel = njit(nogil=True, cache=True, error_model="numpy", inline="always")

COMPILE_NOTICE = (
    "skgen: compiling its numerical kernels for this Python environment, once "
    "(the first fits take 10-20 s longer; later runs load them from disk)."
)


class _FirstCompileNotice(event.Listener):
    """Say once per process, on stderr, that skgen's kernels are compiling: a cold
    cache otherwise shows a silent pause of 10-20 s before the first fit. Numba
    sends "numba:compile" only when it compiles, not when it loads a kernel from
    the disk cache, so a warm environment prints nothing."""

    said = False

    def on_start(self, ev):
        function = getattr(ev.data.get("dispatcher"), "py_func", None)
        module = getattr(function, "__module__", "") or ""
        if not self.said and module.startswith("skgen."):
            type(self).said = True
            print(COMPILE_NOTICE, file=sys.stderr, flush=True)

    def on_end(self, ev):
        pass


event.register("numba:compile", _FirstCompileNotice())
