"""Hybrid quantum-classical classifiers and the unlearning method suite of chapter 8.

After *Machine Unlearning in the Era of Quantum Machine Learning: An Empirical Study*
(arXiv 2512.19253), re-implemented on a batched torch statevector engine, with the
defects of its public code avoided (see each module). One idea per module:

- ``circuit``          the blocks (encoding, layer) as gate lists and Qiskit pieces, :func:`hybrid_circuit`
- ``layer``            :class:`QuantumLayer`: the batched, differentiable engine (on :mod:`helpers.quantum.statevector`)
- ``models``           MLP / CNN front ends, :class:`HybridClassifier` (front -> quantum -> head)
- ``device``           :func:`~.device.device_logits`: the logits with the quantum layer on a device (shots, noise)
- ``data``             :func:`load_hybrid` (train / val / test), scenarios A and B (:func:`make_split`)
- ``training``         training with validation checkpoints, the original model, the oracle
- (methods)          every method of the suite, distribution-guided unlearning included, is in
                       :mod:`helpers.unlearn`, run by ``unlearn(method, model, training_task(data, split.forget_idx))``
- ``metrics``          the chapter's scorecard (drops, UQI, KL, agreement, MIA AUC, AG) on :mod:`helpers.metrics`
- ``experiment``       selection seed, report seeds, the chapter's tables (with doing nothing and a second oracle)
- ``verdicts``         paired verdicts over seeds: vs doing nothing, vs the noise floor, the ranking by AG
- ``device_study``     the chapter's models read out on a device, shots and noise (section 8.10)
- ``plots``            the chapter's figures

>>> from helpers.hybrid import hybrid_circuit, QuantumLayer
>>> hybrid_circuit(6, 2).num_parameters
42
"""
from ..quantum.blocks import z_observables
from .circuit import gates, hybrid_circuit
from .data import load_hybrid, make_split
from .layer import QuantumLayer, simulate
from .models import hybrid_model
from .training import RECIPES, accuracy, train_oracle, train_original

__all__ = ["hybrid_circuit", "gates", "z_observables", "QuantumLayer", "simulate", "hybrid_model", "load_hybrid",
           "make_split", "RECIPES", "train_original", "train_oracle", "accuracy"]
