"""The six-qubit variational quantum classifier and its distribution-guided unlearning
(N. Malik, Z. Khalid, M. Faryad, *Distribution-Guided and Constrained Quantum Machine
Unlearning*; chapters 6 and 7).

One idea per module:

- ``blocks``      circuits as gate lists composed from named blocks, and their Qiskit circuits (both circuits)
- ``circuit``     :func:`vqc_circuit` from its blocks (feature map, ansatz), the readout (Sec. 4, Fig. 1)
- ``statevector`` the batched, differentiable torch kernel of both fast engines (this VQC's and chapter 8's)
- ``reference``   a slow gate-by-gate simulator of any gate list (teaching; the yardstick of both engines)
- ``simulator``   the fast, batched, differentiable float64 torch engine of the VQC
- ``engines``     :func:`expectations` ``(theta, X, engine="torch" | "aer" | "reference" | "sampled")``
- ``device``      :class:`Device`: finite shots, gate and readout noise on Aer (:func:`~.device.z_estimates`)
- ``sampled``     shots drawn from the exact outcome distribution (and the 144 shifted circuits at once)
- ``gradients``   the parameter-shift rule (Eq. 5), wired into autograd
- ``model``       :class:`VQC`, the classifier as a torch module (its weights, engine and gradient rule)
- ``training``    mini-batch Adam with a cosine schedule, best-validation checkpoint (Sec. 4), the gold model
- ``evaluation``  confusion matrices, Table 1 (recall, forget-class probability), Table 2 (KL to gold)
- ``batched``     training and unlearning many classifiers in one pass (gold models, populations); the
                  unlearning method itself, with Eqs. 6-7, is ``dg`` in :mod:`helpers.unlearn.dg`
- ``shots_training``  training and DG unlearning from finite shots against exact gradients (chapter 7)
- ``device_study``  chapter 7's models read out on a device, shots and noise, and U-LiRA under shots (section 8.10)
- ``experiment``  selection seed, report seeds, runs over seeds, gold model and Gold′ (chapter 7)
- ``tables``      Tables 1-2 and the uniform-target comparison over seeds, beside the published numbers
- ``plots``       the chapters' figures

>>> from helpers.quantum import vqc_circuit, expectations
>>> vqc_circuit().num_parameters
76
"""
from .circuit import N_CLASSES, N_FEATURES, N_PARAMS, N_QUBITS, READOUT, vqc_circuit
from .device import Device
from .engines import ENGINES, expectations
from .evaluation import closeness_to_gold, confusion, forget_class_probability, recall, table_1
from .gradients import logits, parameter_shift_jacobian, shift_rule_on_loss
from .model import VQC, init_theta
from .training import TrainResult, accuracy, probabilities, train_vqc
