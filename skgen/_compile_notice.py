"""The notice the first time skgen's kernels compile in a process.

A cold Numba cache (a new environment) compiles the kernels for 5-15 s before the
first fit, which otherwise shows as a silent pause. Numba sends "numba:compile" only
when it compiles, not when it loads a kernel from the disk cache, so a warm
environment prints nothing.
"""

import sys

from numba.core import event

COMPILE_NOTICE = (  # two lines that fit an 80-column terminal
    "skgen: compiling its numerical kernels for this Python environment, once:\n"
    "       the first fits take 5-15 s longer; later runs load them from disk."
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
