"""Draws a few of helpers' figures in a fresh interpreter and prints, as JSON, the PNG digest of each
and what changed in matplotlib's global state (used by tests/test_plot_style.py).

``python tests/plot_style_probe.py MODE`` with MODE one of
``student`` (a student's session: defaults, then helpers.plots),
``global-theme`` (the old behaviour: seaborn's theme set globally first) and
``unstyled`` (helpers' figure functions with their style wrapper removed).
"""
import hashlib
import io
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CODES = "bgrmyck"


def figures(plots):
    rng = np.random.default_rng(0)
    g_r, g_f = np.array([1.0, 0.2]), np.array([-0.6, 0.8])
    g_perp = g_f - np.dot(g_f, g_r) / np.dot(g_r, g_r) * g_r
    return {"staircase": lambda: plots.plot_staircase(),
            "alpha_tradeoff": lambda: plots.plot_alpha_tradeoff(),
            "gop_2d": lambda: plots.plot_gop_2d(g_r, g_f, g_perp, 1.0),
            "entropy_histograms": lambda: plots.plot_entropy_histograms(
                {"Original": rng.uniform(0, 2.3, 200), "Retrain": rng.uniform(0, 2.3, 200)}, 10)}


def main(mode: str) -> dict:
    if mode == "global-theme":
        import seaborn as sns
        sns.set_theme(style="whitegrid", context="notebook")
    rc_before = dict(mpl.rcParams)
    codes_before = {c: mpl.colors.colorConverter.colors[c] for c in CODES}
    import helpers.plots as plots
    if mode == "unstyled":
        import types
        plots = types.SimpleNamespace(**{name: getattr(getattr(plots, name), "__wrapped__", getattr(plots, name))
                                         for name in plots.__all__})
    digests = {}
    for name, draw in figures(plots).items():
        fig = draw()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")          # rendered after the figure function returned, as in a notebook
        plt.close(fig)
        digests[name] = hashlib.sha256(buffer.getvalue()).hexdigest()
    return {"png": digests,
            "changed_rc": sorted(k for k, v in mpl.rcParams.items() if rc_before[k] != v),
            "changed_codes": sorted(c for c in CODES if mpl.colors.colorConverter.colors[c] != codes_before[c])}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
