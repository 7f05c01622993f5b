"""What an unlearning method may see: the :class:`Task` (forget set, retain set, classes; no test data).

Both sets follow the book's dataset protocol: ``len(ds)``, ``ds.targets``, ``ds.num_classes``
and ``ds[idx] -> (x, y)`` for a tensor of indices (:class:`helpers.data.ImageDataset` for the
quantized networks, :class:`helpers.data.Samples` for feature tensors: the hybrids, the VQC).
:func:`training_task` builds the task of both from a :class:`helpers.data.TensorSplits`.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..data import Samples

@dataclass
class Task:
    """One unlearning problem: forget ``forget_set`` (D_f), keep ``retain_set`` (D_r).

    ``num_classes`` defaults to the forget set's; ``forget_class`` is the forgotten class
    (class-wise forgetting) or None (random samples), for the record: no registered method reads
    it (DG takes each sample's forgotten class from D_f's labels); ``input_range`` ``(lo, hi)`` bounds
    the inputs (for adversarial inputs, :mod:`.adversarial`); ``on_step(step, model)``, if
    given, is called after every update of :func:`.loop.unlearning_loop` (to score a run
    at several step counts in one go); ``progress`` shows a progress bar with the time left over
    those updates (the paper profile's long runs; :func:`helpers.progress.progress_bar`). No test
    data: a method must not see it.
    """

    forget_set: object
    retain_set: object
    num_classes: int | None = None
    forget_class: int | None = None
    input_range: tuple[float, float] | None = None
    on_step: object = None
    progress: bool = False

    def __post_init__(self):
        for name in ("forget_set", "retain_set"):
            if len(getattr(self, name)) == 0:
                raise ValueError(f"{name} is empty")
        if self.num_classes is None:
            self.num_classes = self.forget_set.num_classes


def training_task(data, forget, forget_class: int | None = None, on_step=None) -> Task:
    """The :class:`Task` of forgetting the training samples ``forget`` (sorted indices or a boolean mask)
    of ``data`` (:class:`helpers.data.TensorSplits`; the hybrids, the VQC): D_f those samples, D_r the others
    in order, the inputs bounded by the training inputs' range. No test data."""
    keep = torch.ones(len(data.y_train), dtype=torch.bool)
    keep[forget] = False

    def part(rows):
        return Samples(data.X_train[rows], data.y_train[rows], data.num_classes)
    return Task(part(forget), part(keep), data.num_classes, forget_class,
                (data.X_train.min().item(), data.X_train.max().item()), on_step)
