"""The machinery behind the book *Machine unlearning for quantized and quantum classifiers*.

Every chapter imports from here; each module holds one idea:

- ``helpers.quant``  fake quantization, the STE and the LSQ / LSQ+ / PACT / DSQ quantizers (chapter 1)
- ``helpers.models`` CIFAR-style ResNet-18 and MobileNetV2 with a width multiplier
- ``helpers.data``   dataset loaders (digits offline; CIFAR, SVHN, MNIST... when downloadable)
- ``helpers.train``  seeded SGD training with a cosine schedule, accuracy
- ``helpers.profiles`` the ``default`` (CPU, minutes) and ``paper`` (GPU) settings
- ``helpers.unlearn`` every unlearning method, for every model family, behind ``unlearn(method, model, task)``:
  one loop (``unlearn.loop``), EGU (``unlearn.egu``, OEU Eqs. 5-7), GOP (``unlearn.gop``, Eqs. 8-10), Q-MUL, OEU...
- ``helpers.metrics`` every evaluation: FA, RA, TA, every membership attack, the average gap, KL, the distributional test
- ``helpers.experiments`` cached table runner, tuned hyper-parameters, command line
- ``helpers.paper``  the papers' *published* numbers, shown beside computed ones
- ``helpers.plots``  the book's figures
- ``helpers.book``   book maintenance (``python -m helpers.book set-repository URL``)
"""
from .train import seed_everything

__all__ = ["seed_everything"]
__version__ = "0.1.0"
