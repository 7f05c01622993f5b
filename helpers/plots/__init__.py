"""The book's figures, one module per chapter topic (matplotlib / seaborn).

Each function draws one figure and returns the ``Figure``; notebooks only
call them, so every figure of the rendered book can be regenerated from here.
"""
from .attacks import plot_attack_rocs, plot_confidence_histograms, plot_score_versus_gap
from .quantization import (
    forward_and_gradient,
    plot_quantizer_curves,
    plot_staircase,
    plot_training_curves,
    plot_weight_levels,
)

__all__ = ["forward_and_gradient", "plot_quantizer_curves", "plot_staircase", "plot_training_curves",
           "plot_weight_levels", "plot_attack_rocs", "plot_confidence_histograms", "plot_score_versus_gap"]
