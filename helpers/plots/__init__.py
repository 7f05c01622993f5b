"""The book's figures, one module per chapter topic (matplotlib).

Each function draws one figure and returns the ``Figure``; notebooks only
call them, so every figure of the rendered book can be regenerated from here.
They draw in seaborn's ``whitegrid`` theme (:mod:`helpers.plots.style`) without
changing the style of the figures a student draws: ``with book_style(): ...``
applies the same theme to one's own figures.
"""
from .attacks import plot_attack_rocs, plot_confidence_histograms, plot_score_versus_gap
from .deployment import plot_export_ptq, plot_flip_shares, plot_relearning
from .entropy import (
    plot_entropy_histograms,
    plot_logit_paths,
    plot_output_distributions,
    plot_target_bias,
)
from .geometry import (
    draw_gop_2d,
    gop_widget,
    plot_alpha_runs,
    plot_alpha_tradeoff,
    plot_cosine_history,
    plot_gop_2d,
    plot_gop_grid,
    plot_layer_cosines,
    plot_step_response,
)
from .quantization import (
    forward_and_gradient,
    plot_quantizer_curves,
    plot_staircase,
    plot_training_curves,
    plot_weight_levels,
)
from .style import book_style
from .tables import plot_gap_bars, plot_runtime

__all__ = ["forward_and_gradient", "plot_quantizer_curves", "plot_staircase", "plot_training_curves",
           "plot_weight_levels", "plot_output_distributions", "plot_entropy_histograms", "plot_logit_paths",
           "plot_target_bias", "plot_attack_rocs", "plot_confidence_histograms", "plot_score_versus_gap",
           "draw_gop_2d", "gop_widget", "plot_alpha_runs", "plot_alpha_tradeoff",
           "plot_cosine_history", "plot_gop_2d", "plot_gop_grid", "plot_layer_cosines", "plot_step_response",
           "plot_gap_bars", "plot_runtime", "plot_flip_shares", "plot_export_ptq", "plot_relearning", "book_style"]
