"""The machinery behind the book *Machine unlearning for quantized and quantum classifiers*.

Every chapter imports from here; each module holds one idea:

- ``helpers.quant``  fake quantization, the STE and the LSQ / LSQ+ / PACT / DSQ quantizers (chapter 1)
- ``helpers.models`` CIFAR-style ResNet-18 and MobileNetV2 with a width multiplier
- ``helpers.data``   dataset loaders (digits offline; CIFAR, SVHN, MNIST... when downloadable)
- ``helpers.train``  seeded SGD training with a cosine schedule, accuracy
- ``helpers.profiles`` the ``default`` (CPU, minutes) and ``paper`` (GPU) settings
- ``helpers.losses`` entropy-guided forgetting (OEU Eqs. 5-7) and label-manipulation targets
- ``helpers.gop``    gradient orthogonal projection (OEU Eqs. 8-10)
- ``helpers.unlearn`` every unlearning method of the OEU paper behind ``unlearn(method, ...)``
- ``helpers.metrics`` every evaluation: FA, RA, TA, every membership attack, the average gap, KL, the distributional test
- ``helpers.experiments`` cached table runner, tuned hyper-parameters, command line
- ``helpers.paper``  the papers' *published* numbers, shown beside computed ones
- ``helpers.plots``  the book's figures
- ``helpers.book``   book maintenance (``python -m helpers.book set-repository URL``)
"""
from .train import seed_everything

__all__ = ["seed_everything"]
__version__ = "0.1.0"
