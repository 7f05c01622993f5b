"""The machinery behind the book *Machine unlearning for quantized and quantum classifiers*.

Every chapter imports from here. The package is organised by concept, one idea per module,
in layers; the three model families (quantized networks, the VQC, the hybrids) share the
methods, the evaluation and the runner's conventions:

- data:     ``helpers.data`` dataset loaders (digits offline; CIFAR, SVHN, MNIST... when downloadable),
  the forget splits, the tabular sets of the quantum chapters (Iris, Wine, Covertype)
- models:   ``helpers.quant`` fake quantization, the STE and the LSQ / LSQ+ / PACT / DSQ quantizers (chapter 1);
  ``helpers.models`` CIFAR-style ResNet-18 and MobileNetV2 with a width multiplier;
  ``helpers.quantum`` the variational quantum classifier, its gate lists and statevector engines (chapters 6-7);
  ``helpers.hybrid`` the hybrid quantum-classical classifiers and their study (chapter 8)
- training: ``helpers.train`` seeded SGD with a cosine schedule; ``helpers.seeds`` the seed roles;
  ``helpers.progress`` progress bars (``helpers.notebook`` re-exports them)
- methods:  ``helpers.unlearn`` every unlearning method, for every model family, behind
  ``unlearn(method, model, task)``: one loop (``unlearn.loop``), EGU (``unlearn.egu``, OEU Eqs. 5-7),
  GOP (``unlearn.gop``, Eqs. 8-10), Q-MUL (``unlearn.qmul``), OEU (``unlearn.oeu``), distribution-guided
  unlearning (``unlearn.dg``)...
- metrics:  ``helpers.metrics`` FA, RA, TA, every membership attack, the average gap, KL, the
  distributional test; chapter 7's Tables 1-2 in ``quantum.evaluation`` and chapter 8's scorecard in
  ``hybrid.metrics``, both built on it; ``helpers.stats`` paired verdicts over seeds
- runner:   ``helpers.experiments`` cached table runner, tuned hyper-parameters, command line;
  ``helpers.profiles`` the ``default`` (CPU, minutes) and ``paper`` (GPU) settings
- published numbers: ``helpers.paper`` the papers' tables, shown beside computed ones
- presentation: ``helpers.plots`` the book's figures (and ``quantum.plots``, ``hybrid.plots``);
  ``helpers.chapters`` one module per chapter (its instruments and tested readings);
  ``helpers.notebook`` and ``helpers.words`` the notebooks' conveniences
- ``helpers.book`` book maintenance (``python -m helpers.book set-repository URL``)

The arrows between layers point one way (``tests/test_architecture.py`` checks them): methods
never import the runner, models never import methods, data never imports models or methods, metrics and
figures never import methods, and nothing outside the presentation layer imports
``helpers.notebook`` or ``helpers.chapters``.
"""
from .train import seed_everything

__all__ = ["seed_everything"]
__version__ = "0.1.0"
