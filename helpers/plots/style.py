"""The book's figure style, applied only inside ``helpers``' own figure functions.

The figures use seaborn's ``whitegrid`` theme at the ``notebook`` scale. Setting it with
``sns.set_theme()`` at import would restyle every figure a student draws afterwards, so the
theme lives in :func:`book_style`, a ``with`` block that restores the student's
``matplotlib.rcParams`` and colour codes (``"b"``, ``"k"``...) when it ends, and
:func:`styled` runs a figure function in it. Some colours (``"C0"`` on a text, say) are only
looked up when the figure is drawn, which a notebook does after the function returned, so
:func:`styled` also draws the returned figure in the theme, whenever it is drawn.
"""
from __future__ import annotations

import contextlib
import functools

import matplotlib as mpl
import seaborn as sns
from matplotlib.figure import Figure

#: The theme of every figure of the book (seaborn's ``set_theme`` arguments).
THEME = {"style": "whitegrid", "context": "notebook"}
#: The one-letter colour codes that ``sns.set_theme`` remaps to its palette.
COLOR_CODES = "bgrmyck"


@contextlib.contextmanager
def book_style():
    """Draw with :data:`THEME` inside the block; everything it changed is restored afterwards."""
    codes = {code: mpl.colors.colorConverter.colors[code] for code in COLOR_CODES}
    interactive = None
    try:
        with mpl.rc_context():
            sns.set_theme(**THEME)
            try:
                yield
            finally:
                interactive = mpl.is_interactive()
    finally:
        # rc_context would also undo ``interactive``, which a notebook's inline backend switches on when the
        # book's first figure loads it inside this block: every later figure would then never be shown.
        if interactive is not None:
            mpl.interactive(interactive)
        for code, color in codes.items():
            mpl.colors.colorConverter.colors[code] = color


class _DrawInBookStyle:
    """A figure's ``draw`` that draws it inside :func:`book_style` (a class, so the figure still pickles)."""

    def __init__(self, figure):
        self.figure = figure

    def __call__(self, renderer):
        with book_style():
            type(self.figure).draw(self.figure, renderer)


def styled(figure_function):
    """``figure_function`` run inside :func:`book_style`, and the ``Figure`` it returns drawn in it too."""
    @functools.wraps(figure_function)
    def draw_figure(*args, **kwargs):
        with book_style():
            figure = figure_function(*args, **kwargs)
        if isinstance(figure, Figure):
            figure.draw = _DrawInBookStyle(figure)
        return figure
    return draw_figure
