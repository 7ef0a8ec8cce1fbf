"""The notice the first time skgen's kernels compile in a process.

Numba compiles each kernel for each type signature the first time a process of the
environment needs it, and caches it on disk: the first fit of each estimator (and
of each dtype, float64 or float32) in a new environment pauses for the kernels it
has not met before (benchmarks/bench_startup.py measures each estimator's). Numba
sends "numba:compile" only when it compiles, not when it loads a kernel from the
disk cache, so once everything a user runs has compiled, nothing is printed.
"""

import sys

from numba.core import event

COMPILE_NOTICE = (  # two lines that fit an 80-column terminal
    "skgen: compiling the kernels this model needs (a few seconds; cached on disk,\n"
    "       so each estimator and dtype compiles once in this Python environment)."
)


def compiled_function(ev):
    """The Python function behind a "numba:compile" event, or None."""
    return getattr(ev.data.get("dispatcher"), "py_func", None)


class _FirstCompileNotice(event.Listener):
    """Print ``COMPILE_NOTICE`` on stderr at the first compile of a skgen kernel."""

    said = False

    def on_start(self, ev):
        module = getattr(compiled_function(ev), "__module__", "") or ""
        if not self.said and module.startswith("skgen."):
            type(self).said = True
            print(COMPILE_NOTICE, file=sys.stderr, flush=True)

    def on_end(self, ev):
        pass


def compiled_here():
    """Whether a skgen kernel has compiled in this process (rather than loaded)."""
    return _FirstCompileNotice.said


event.register("numba:compile", _FirstCompileNotice())
