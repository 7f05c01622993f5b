"""Chapter 8's hybrids read out on a device: finite shots and hardware noise (issue 21).

The chapter's models, **trained exactly as** :func:`helpers.hybrid.experiment.run` trains them
(exact expectations, the budgets its selection seed chose: :func:`chapter_models`), are
evaluated with their quantum layer on a :class:`~helpers.quantum.device.Device` (the front end
and the head stay in torch) over the settings of :func:`helpers.quantum.device_study.sweep`: the
shot sweep without gate noise by default (:data:`NOISE`: a noisy read-out of 8 qubits evolves a
256 x 256 density matrix per binding, about ten times the cost of 1,024 noiseless shots; pass
``devices=`` for the noise levels of :data:`helpers.quantum.device_study.NOISE`). Each model's scorecard is the chapter's own,
:func:`helpers.hybrid.metrics.evaluate` (forget, retain and test accuracy, the MIA AUC of
``ch8-mia``, AG of ``ch8-ag``, the KL to the oracle of ``ch8-kl``), with every model, the
original and the oracle included, read out on the same device (:func:`read_out`,
:class:`ReadOut`). The rows have the columns of the chapter's results table, so
:mod:`helpers.hybrid.verdicts` judges them unchanged, one setting at a time.

**Subsampled evaluation sets, named.** A device read-out costs one circuit binding per sample (and
per shot), so each report seed scores its models on a seeded subsample (:func:`subsample`):
``sizes = (forget, retain, test)`` samples of D_f, D_r and a class-stratified share of the test
split, the same for every model and setting of that seed. The exact setting is scored on the same
subsample, so every comparison across settings is like for like; ``attrs["reproduced"]`` holds the
exact rows on the full sets, which equal the chapter's table when the models are the chapter's.

One Aer call per (setting, seed) for every model and data split of the seed (every binding draws
its own shots; the call's stream is :func:`helpers.quantum.device_study.call_device`). Results are cached per setting
(:class:`~helpers.experiments.cache.ResultCache`), keyed on the dataset, scenario, seeds, budgets,
methods, subsample sizes, the device and the code.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import torch
from torch import nn

from ..experiments.cache import ResultCache
from ..quantum.device import Device, z_estimates
from ..quantum.device_study import NOISE as NOISE_LEVELS
from ..quantum.device_study import as_table, call_device, device_key, ideal, setting_columns, sweep
from ..seeds import derive_seed
from ..unlearn import training_task
from .data import Split, load_hybrid, make_split, stratified_pick
from .device import layer_circuit, layer_values
from .experiment import METHOD_ORDER, hybrid_unlearn
from .metrics import evaluate, set_probs
from .training import train_oracle, train_original

SIZES = (20, 20, 30)                         # (forget, retain, test) samples read out per model and setting
NOISE = ()        # no gate noise by default: a noisy 8-qubit read-out (a 256 x 256 density matrix per binding)
                  # costs ~10x 1,024 noiseless shots; pass devices=sweep(noise=NOISE_LEVELS[1:2]) for the typical level
MODELS = ("original", "oracle", "oracle_indep", *METHOD_ORDER)     # the rows of the chapter's table


class ReadOut(nn.Module):
    """A model that answers with logits read out beforehand: ``forward(X)`` returns the stored logits of the
    stored inputs equal to ``X`` (``pairs``: a list of ``(X, logits)``); any other input is a ValueError. It lets
    :func:`~helpers.hybrid.metrics.evaluate`, the chapter's scorecard, score outputs read out on a device."""

    def __init__(self, pairs):
        super().__init__()
        self.pairs = list(pairs)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        for stored, logits in self.pairs:
            if stored.shape == X.shape and torch.equal(stored, X):
                return logits
        raise ValueError(f"no logits were read out for these {len(X)} inputs; read_out() them first")


def read_out(models: dict, sets: dict, device: Device, seed: int) -> dict:
    """Every model of ``models`` (``{row: hybrid}``) on every input set of ``sets`` (``{name: X}``) with its
    quantum layer on ``device``, as ``{row: ReadOut}``: ONE Aer call (stream 0 of ``seed``) for all the rows
    ``[angles, weights]`` of every (model, set) pair, so every binding draws its own shots (the calls of
    :func:`~helpers.hybrid.device.device_logits`, one per model and set, batched together). The front end and
    the head run in torch; an :func:`~helpers.quantum.device_study.ideal` device is the torch model itself."""
    with torch.no_grad():
        if ideal(device):
            return {row: ReadOut([(X, m(X)) for X in sets.values()]) for row, m in models.items()}
        pairs = [(row, X, m.front(X)) for row, m in models.items() for X in sets.values()]
        layers = {(m.quantum.n_qubits, m.quantum.n_layers) for m in models.values()}
        if len(layers) != 1:
            raise ValueError(f"read_out batches models with one quantum layer size, got {sorted(layers)}")
        (n, L), = layers
        values = torch.cat([layer_values(angles, models[row].quantum.weights) for row, _, angles in pairs])
        z = z_estimates(layer_circuit(n, L), values, range(n), call_device(device, seed, 0))
        out = {row: [] for row in models}
        for (row, X, _), chunk in zip(pairs, z.split([len(a) for _, _, a in pairs])):
            head = models[row].head
            out[row].append((X, head(chunk.to(head.weight.dtype))))
        return {row: ReadOut(p) for row, p in out.items()}


def check_sizes(sizes) -> tuple[int, int, int]:
    """``(forget, retain, test)`` as positive integers, or a ValueError saying what is wrong."""
    sizes = tuple(sizes)
    if len(sizes) != 3 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes):
        raise ValueError(f"sizes must be three positive integers (forget, retain, test), got {sizes!r}")
    return sizes


def subsample(data, split: Split, sizes=SIZES, seed: int = 1):
    """``(data', split')``: at most ``sizes = (forget, retain, test)`` samples of D_f, D_r (uniformly at random)
    and of the test split (stratified by class, :func:`~helpers.hybrid.data.stratified_pick`), drawn from
    stream ``derive_seed(seed, "device", 10**6)``; ``data'`` trains on nothing, it only carries the rows
    that :func:`~helpers.hybrid.metrics.evaluate` reads (D_f first, then D_r)."""
    n_forget, n_retain, n_test = check_sizes(sizes)
    stream = derive_seed(seed, "device", 10 ** 6)
    g = torch.Generator().manual_seed(stream)
    forget = split.forget_idx[torch.randperm(len(split.forget_idx), generator=g)[:n_forget]].sort().values
    retain = split.retain_idx[torch.randperm(len(split.retain_idx), generator=g)[:n_retain]].sort().values
    test = stratified_pick(data.y_test, min(1.0, n_test / len(data.y_test)), stream)
    rows = torch.cat([forget, retain])
    small = replace(data, X_train=data.X_train[rows], y_train=data.y_train[rows], X_test=data.X_test[test],
                    y_test=data.y_test[test])
    positions = torch.arange(len(rows))
    return small, Split(split.scenario, positions[:len(forget)], positions[len(forget):], split.forget_class)


def chapter_models(name: str, scenario: str, seeds, budgets: dict, methods=METHOD_ORDER) -> dict:
    """The chapter's models of one (dataset, scenario) on its report ``seeds``, as
    :func:`~helpers.hybrid.experiment.run` trains them: ``{seed: (data, split, {row: model})}`` with the rows
    of :data:`MODELS` (``budgets[method]``: the steps the selection seed chose)."""
    missing = [m for m in methods if m not in budgets]
    if missing:
        raise ValueError(f"no budget for {missing}; pass the steps the selection seed chose for every method")
    out = {}
    for seed in seeds:
        data = load_hybrid(name, seed=seed)
        original = train_original(data, seed)
        split = make_split(data, scenario, seed=seed)
        models = {"original": original, "oracle": train_oracle(data, split, seed),
                  "oracle_indep": train_oracle(data, split, seed, replica=1)}
        for method in methods:
            task = training_task(data, split.forget_idx, split.forget_class)
            models[method] = hybrid_unlearn(method, original, task, seed, int(budgets[method]))
        out[seed] = (data, split, models)
    return out


def evaluate_models(models: dict, data, split: Split, device: Device, seed: int, budgets: dict) -> list[dict]:
    """One row per model of ``models`` (``{row: model}``, ``"original"`` and ``"oracle"`` among them):
    :func:`~helpers.hybrid.metrics.evaluate` of its D_f, D_r and test outputs read out on ``device``
    (:func:`read_out`: one call), the original and the oracle read out in the same call."""
    sets = {"forget": data.X_train[split.forget_idx], "retain": data.X_train[split.retain_idx], "test": data.X_test}
    outputs = read_out(models, sets, device, seed)
    probs = {ref: set_probs(outputs[ref], data, split) for ref in ("original", "oracle")}
    return [dict(dataset=data.name, scenario=split.scenario, seed=seed, method=row, steps=budgets.get(row),
                 **setting_columns(device), **evaluate(outputs[row], probs["original"], probs["oracle"], data, split))
            for row in models]


def study(name: str, scenario: str, seeds, budgets: dict, *, methods=METHOD_ORDER, sizes=SIZES, devices=None,
          cache: ResultCache | bool = True) -> pd.DataFrame:
    """The chapter's models of (``name``, ``scenario``) on every device of ``devices`` (default exact and the
    shot sweep, with the noise levels :data:`NOISE`: :func:`~helpers.quantum.device_study.sweep`), scored on
    :func:`subsample` ``(sizes)`` of each seed: one row per (setting, seed, model), the chapter's columns
    plus :func:`~helpers.quantum.device_study.setting_columns`.
    Models are trained only when a setting is not cached. ``attrs["reproduced"]``: the exact rows on the full
    sets (compare them with the chapter's table)."""
    cache = cache if isinstance(cache, ResultCache) else ResultCache(enabled=bool(cache))
    devices = sweep(noise=NOISE) if devices is None else list(devices)
    methods, sizes = list(methods), check_sizes(sizes)
    budgets = {m: int(budgets[m]) for m in methods if m in budgets}
    base = dict(kind="hybrid-device-study", dataset=name, scenario=scenario, seeds=list(seeds), budgets=budgets,
                methods=methods, sizes=list(sizes))
    trained = None

    def models():
        nonlocal trained
        if trained is None:
            trained = chapter_models(name, scenario, seeds, budgets, methods)
        return trained
    reproduced = cache.get_json({**base, "part": "reproduced"})
    if reproduced is None:
        reproduced = [row for seed, (data, split, ms) in models().items()
                      for row in evaluate_models(ms, data, split, Device(), seed, budgets)]
        cache.put_json({**base, "part": "reproduced"}, reproduced)
    rows = []
    for device in devices:
        config = {**base, "device": device_key(device)}
        found = cache.get_json(config)
        if found is None:
            found = []
            for seed, (data, split, ms) in models().items():
                small, small_split = subsample(data, split, sizes, seed)
                found += evaluate_models(ms, small, small_split, device, seed, budgets)
            cache.put_json(config, found)
        rows += found
    table = as_table(rows)
    table.attrs["reproduced"] = as_table(reproduced)
    return table
