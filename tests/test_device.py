"""Every tensor an unlearning run builds next to the weights lives on the weights' device.

The paper profile runs on a GPU; the book's tests run on CPUs, where every tensor is on the
same device and a batch left on the host never fails. :class:`HostTracker` makes such a
mistake visible on the CPU: it follows, through every torch call, which tensors live on the
*host* (the datasets' tensors, whatever a factory such as ``torch.zeros`` or ``torch.randperm``
builds without a ``device=``, ``.cpu()`` results, and what is computed from host tensors only)
and which on the *model's device* (the weights, their gradients, ``x.to(device)``, and what is
computed from them). A call that mixes the two, as a GPU would refuse to, is recorded:
``model(x)`` with an unmoved batch ``x``, or a loss between device logits and host labels.
As CUDA does, a 0-dim host tensor (a Python-like scalar) and a host index of ``t[idx]`` may
meet device tensors.

With a GPU, the same runs go on the real device (the ``cuda`` tests, skipped without one).
"""
from __future__ import annotations

import copy

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves
from torch.utils.weak import WeakIdKeyDictionary

from helpers.data import load_dataset
from helpers.experiments.cache import ResultCache
from helpers.metrics import evaluate
from helpers.hybrid.models import hybrid_model
from helpers.profiles import build_quantized
from helpers.train import seed_everything, train
from helpers.unlearn import DEFAULTS, METHODS, Task, unlearn

from test_unlearn import REFUSED, random_task
from tiny import tiny_forgetting_problem

INDEXING = {"__getitem__", "__setitem__"}     # their second argument is an index: may stay on the host (as on CUDA)
HOST_MOVES = {"cpu", "numpy"}


def _moves_to_device(name, args, kwargs) -> bool:
    """``t.to(device)``, ``t.to(other)`` or ``t.to(device=...)``: a move to the model's device (the only
    device of a CPU run, so every such move counts as one; ``t.to(dtype)`` alone is no move)."""
    if name != "to":
        return False
    return "device" in kwargs or any(isinstance(a, (torch.device, str, torch.Tensor)) for a in args[1:])


class HostTracker(TorchFunctionMode):
    """Records every torch call mixing host tensors with device tensors (see the module docstring).

    ``host`` : tensors known to live on the host when tracking starts (the datasets' tensors).
    Every other tensor that exists before (weights, buffers) counts as the model's device's.
    """

    def __init__(self, host=()):
        super().__init__()
        self.host = WeakIdKeyDictionary()
        for t in host:
            self.host[t] = True
        self.mixed: list[str] = []

    def on_host(self, t: torch.Tensor) -> bool:
        return t in self.host

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", str(func))
        checked = list(args[:1]) + list(args[2:]) if name in INDEXING else list(args)
        inputs = [t for t in tree_leaves((checked, kwargs)) if isinstance(t, torch.Tensor)]
        out = func(*args, **kwargs)
        host_inputs = [t for t in inputs if self.on_host(t)]
        device_inputs = [t for t in inputs if not self.on_host(t)]
        if _moves_to_device(name, args, kwargs):
            on_host = False
        elif name in HOST_MOVES:
            on_host = True
        elif not inputs:
            on_host = kwargs.get("device") is None        # a factory: on the host unless told a device
        else:
            on_host = not device_inputs
            if name not in ("copy_", "to") and device_inputs and any(t.dim() > 0 for t in host_inputs):
                self.mixed.append(f"{name}: host {[tuple(t.shape) for t in host_inputs]} with device "
                                  f"{[tuple(t.shape) for t in device_inputs][:3]}")
        for t in tree_leaves(out):
            if isinstance(t, torch.Tensor) and not isinstance(t, torch.nn.Parameter):
                if on_host:
                    self.host[t] = True
                else:
                    self.host.pop(t, None)
        return out


def dataset_tensors(*datasets) -> list[torch.Tensor]:
    """The tensors a dataset holds (its images or features, its labels): they live on the host."""
    return [v for ds in datasets for v in vars(ds).values() if isinstance(v, torch.Tensor)]


def tracked(fn, *datasets):
    """``(result, mixed calls)`` of ``fn()`` under a :class:`HostTracker` that knows ``datasets`` live on the host."""
    tracker = HostTracker(dataset_tensors(*datasets))
    with tracker:
        result = fn()
    return result, tracker.mixed


@pytest.fixture(scope="module")
def problems():
    """A 4-bit ResNet-18 on digits (the paper's methods) and a small hybrid classifier with its quantum layer
    (the hybrid study's own methods: EU-k, CF-k and the one-pass methods refuse BatchNorm networks)."""
    model, forget_set, retain_set, test_set = tiny_forgetting_problem(200, train_epochs=0)
    return {"quantized": (model, Task(forget_set, retain_set), test_set),
            "hybrid": (hybrid_model(3, in_shape=(4,), n_qubits=4, n_layers=1), random_task(torch.float32), None)}


def fast_hparams(method: str) -> dict:
    """One or two steps of ``method``."""
    fast = {k: v for k, v in dict(steps=2, epochs=1, num_samples=5).items() if k in DEFAULTS[method]}
    if "steps" in fast:
        fast.pop("epochs", None)
    return fast


def family_of(method: str) -> str:
    return "hybrid" if (method, "quantized") in REFUSED else "quantized"


def test_the_tracker_catches_a_batch_left_on_the_host():
    """It can fail: the mistake of the old loops (``model(x)`` with ``x`` straight from the dataset)."""
    model, forget_set, _, _ = tiny_forgetting_problem(40)
    idx = torch.arange(4)
    _, mixed = tracked(lambda: model(forget_set[idx][0]), forget_set)
    assert mixed and "host [(4, 1, 8, 8)]" in mixed[0]           # the batch meets the first quantizer's step
    device = next(model.parameters()).device
    _, mixed = tracked(lambda: model(forget_set[idx][0].to(device)), forget_set)
    assert mixed == []
    _, mixed = tracked(lambda: torch.nn.functional.cross_entropy(model(forget_set[idx][0].to(device)),
                                                                 forget_set[idx][1]), forget_set)
    assert mixed and "cross_entropy" in mixed[0]                  # device logits, host labels


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_keeps_its_tensors_on_the_models_device(problems, method):
    model, task, _ = problems[family_of(method)]
    new, mixed = tracked(lambda: unlearn(method, model, task, seed=0, **fast_hparams(method)),
                         task.forget_set, task.retain_set)
    assert mixed == [], f"{method} mixes host and device tensors: {mixed[:3]}"
    assert new is not model


def test_retrain_and_train_leave_the_model_where_it_is(problems):
    """Retrain trains on the model's device: it never moves the model (it once moved it to the CPU, train's
    old default device, which on a GPU would have run the paper's 160 epochs on the CPU)."""
    model, task, _ = problems["quantized"]
    model = copy.deepcopy(model)
    moves = []
    model.to = lambda *args, **kwargs: moves.append((args, kwargs))      # copied with the model by unlearn
    unlearn("retrain", model, task, seed=0, epochs=1)
    train(model, task.retain_set, epochs=1, lr=0.01, batch_size=64, progress=False)
    assert moves == []
    train(model, task.retain_set, epochs=1, lr=0.01, batch_size=64, progress=False, device="cpu")
    assert moves == [(("cpu",), {})]                                     # a device given is honoured


def test_cached_states_load_onto_the_device_asked_for(tmp_path):
    cache = ResultCache(tmp_path)
    cache.put_state({"k": 1}, {"w": torch.ones(2)})
    assert cache.get_state({"k": 1})["w"].device.type == "cpu"
    assert cache.get_state({"k": 1}, map_location="meta")["w"].device.type == "meta"


def test_training_and_evaluation_keep_their_tensors_on_the_models_device(problems):
    model, task, test_set = problems["quantized"]
    model = copy.deepcopy(model)
    sets = (task.forget_set, task.retain_set, test_set)
    _, mixed = tracked(lambda: train(model, task.retain_set, epochs=1, lr=0.01, batch_size=64, progress=False), *sets)
    assert mixed == []
    scores, mixed = tracked(lambda: evaluate(model, *sets), *sets)
    assert mixed == [] and set(scores) >= {"FA", "RA", "TA", "MIA"}


def test_mobilenets_depthwise_matrices_live_on_the_weights_device():
    """MobileNetV2 W2 on 8x8 digits: its depthwise layers take the matrix fast path (helpers.quant.depthwise)."""
    data = load_dataset("digits")
    train_set = data.train.subset(range(64))
    seed_everything(0)
    model = build_quantized("mobilenet_v2-w2", 10, 1, width=0.5)
    model(train_set[torch.arange(8)][0])
    from helpers.quant import depthwise
    depthwise.tap_matrices.cache_clear()                  # built inside the run, as on a fresh GPU process
    _, mixed = tracked(lambda: train(model, train_set, epochs=1, lr=0.01, batch_size=32, progress=False), train_set)
    assert depthwise.tap_matrices.cache_info().currsize > 0    # the fast path ran
    assert mixed == []


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@cuda
@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_runs_on_a_gpu(problems, method):
    model, task, _ = problems[family_of(method)]
    new = unlearn(method, copy.deepcopy(model).cuda(), task, seed=0, **fast_hparams(method))
    assert all(p.is_cuda for p in new.parameters())


@cuda
def test_training_and_evaluation_run_on_a_gpu(problems):
    model, task, test_set = problems["quantized"]
    model = copy.deepcopy(model).cuda()
    train(model, task.retain_set, epochs=1, lr=0.01, batch_size=64, progress=False)
    assert all(p.is_cuda for p in model.parameters())
    assert set(evaluate(model, task.forget_set, task.retain_set, test_set)) >= {"FA", "RA", "TA", "MIA"}
