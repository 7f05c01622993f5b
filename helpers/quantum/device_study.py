"""Chapter 7's classifiers read out on a device: finite shots and hardware noise (issue 21, chapter 8).

Chapters 6-8 score every quantum model with exact expectation values. A device returns each
``<Z_q>`` as an average over ``shots`` measurements, with gate and readout errors. This module
takes the models chapter 7 trains, **trained exactly as there** (exact gradients), and only
*evaluates* them on a :class:`~helpers.quantum.device.Device`:

- the shot sweep :data:`SHOTS` without noise, then the noise sweep :data:`NOISE` (depolarizing
  rate λ after every gate, symmetric readout bit-flip rate: :class:`~helpers.quantum.device.Device`)
  at :data:`NOISE_SHOTS` shots (:func:`sweep`); ``Device()`` (exact) is the chapter's own reading.
  A read-out costs about 1 ms per binding at 1,024 noiseless shots here, 7 ms at 8,192, and 8-11 ms
  with noise (a density matrix): the sweeps are sized to fit a chapter's budget;
- chapter 7's models on its report seeds (:func:`chapter_models`: its selection on the
  selection seed, then :func:`~helpers.quantum.experiment.run_seeds`): the original (doing
  nothing), DG unlearning with the similarity target, the gold model and Gold′ (its noise floor);
- per model on the test split (:func:`scores`): the forgotten class's recall, the retained
  classes' accuracy and the mean KL to the gold model on retained samples (renormalised over the
  retained labels, as Table 2), the gold model read out on the same device;
- the per-example membership test of chapter 7 (issue 8: U-LiRA and the challenge's forgetting
  quality F, :mod:`helpers.metrics.distributional`) on chapter 7's populations, their
  logit-scaled confidences read out on the device (:func:`population_privacy`).

Every read-out is ONE Aer call per (setting, seed) for all the weight vectors of a seed, or of
all the populations, at once (``expectations`` takes a (T, 72) batch): every binding of a call
draws its own shots, and each call has its own stream ``derive_seed(seed, "device", k)``
(:func:`call_device`). Results are cached (:class:`~helpers.experiments.cache.ResultCache`), keyed on
the data, the seeds, chapter 7's settings, the device and the code.
"""
from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import pandas as pd
import torch

from ..experiments.cache import ResultCache
from ..metrics import fraction_correct, kl_divergence
from ..metrics.distributional import epsilon_points, logit_scaled_confidence, per_example_epsilon, ulira
from ..seeds import derive_seed
from .device import Device
from .engines import expectations
from .experiment import forget_and_anchor, run_seeds, select_training, select_unlearning
from .population import populations

SHOTS = (64, 256, 1024, 8192)                     # issue 21: 64 to 8,192 shots
NOISE_SHOTS = 1024                                # the noise sweep's shot count
NOISE = ((0.001, 0.01), (0.005, 0.02), (0.02, 0.05))   # (depolarizing, readout): good, typical, poor hardware
PRIVACY_SHOTS = (64, 256, 1024)                   # the populations' shot sweep (8,192 shots: 4,096 bindings cost ~30 s)
MODELS = ("original", "similarity", "gold_indep", "gold")            # chapter 7's models (tables.MODEL_NAMES)
PRIVACY_POPULATIONS = ("original", "similarity", "gold_indep")       # each tested against the gold population


def sweep(shots=SHOTS, noise=NOISE, noise_shots: int = NOISE_SHOTS) -> list[Device]:
    """The study's settings: exact, the shot sweep without noise, the noise sweep at ``noise_shots``."""
    return ([Device()] + [Device(shots=s) for s in shots]
            + [Device(shots=noise_shots, depolarizing=p, readout=r) for p, r in noise])


def ideal(device: Device) -> bool:
    """True for the chapters' own reading: exact expectations without noise (``Device()``, any seed)."""
    return device.shots is None and not device.noisy


def setting_label(device: Device) -> str:
    """``"exact"``, ``"64 shots"`` or ``"1024 shots, p = 0.3 %, r = 2 %"`` (depolarizing p, readout r)."""
    if ideal(device):
        return "exact"
    text = "exact expectations" if device.shots is None else f"{device.shots} shots"
    if device.depolarizing or device.readout:
        text += f", p = {100 * device.depolarizing:g} %, r = {100 * device.readout:g} %"
    if device.backend:
        text += f", {device.backend}"
    return text


def setting_columns(device: Device) -> dict:
    """The columns every result row carries for its device: ``setting`` (:func:`setting_label`), ``shots``
    (0 = exact), ``depolarizing``, ``readout``."""
    return dict(setting=setting_label(device), shots=device.shots or 0, depolarizing=device.depolarizing,
                readout=device.readout)


LEADING = ("dataset", "scenario", "seed", "model", "method", "population", "steps", "setting", "shots", "depolarizing",
           "readout")


def as_table(rows: list) -> pd.DataFrame:
    """Result rows (dicts) as a frame with the same columns in the same order whether they were just computed
    or read back from the cache (which stores keys sorted): :data:`LEADING` first, then the rest sorted."""
    table = pd.DataFrame(rows)
    lead = [c for c in LEADING if c in table.columns]
    return table[lead + sorted(c for c in table.columns if c not in lead)]


def device_key(device: Device) -> dict:
    """What a cache key needs of a device: everything but its seed (each call derives its own)."""
    return {k: v for k, v in asdict(device).items() if k != "seed"}


def call_device(device: Device, seed: int, k: int) -> Device:
    """``device`` with the shot stream of call ``k`` of experiment seed ``seed``: ``derive_seed(seed, "device", k)``."""
    return replace(device, seed=derive_seed(seed, "device", k))


def logits_on(theta: torch.Tensor, X: torch.Tensor, device: Device, seed: int, k: int) -> torch.Tensor:
    """The three logits of every weight vector of ``theta`` (T, 72) on ``X`` (B, 4): (T, B, 3), in ONE call:
    the exact torch engine for an :func:`ideal` device, else Aer on :func:`call_device` ``(device, seed, k)``."""
    with torch.no_grad():
        if ideal(device):
            return expectations(theta, X)
        return expectations(theta, X, engine="aer", device=call_device(device, seed, k))


# --------------------------------------------------------------------------- chapter 7's models
def chapter_models(data_by_seed: dict, selection_data, forget_class: int = 2, selection_seed: int = 0) -> dict:
    """Chapter 7's models, trained as chapter 7 trains them: the training learning rate and DG's β and step
    size chosen on ``selection_data`` (:func:`~helpers.quantum.experiment.select_training`,
    :func:`~helpers.quantum.experiment.select_unlearning`), then
    :func:`~helpers.quantum.experiment.run_seeds` on ``data_by_seed``. Returns ``{"settings": {"train":
    ..., "unlearn": ...}, "theta": {str(seed): {model: (72,) list}}}`` for the models of :data:`MODELS`
    (string keys, as JSON stores them)."""
    _, train, original0 = select_training(selection_data, selection_seed)
    _, unlearn = select_unlearning(selection_data, original0, forget_class, seed=selection_seed)
    runs = run_seeds(data_by_seed, forget_class, unlearn=unlearn, train=train)      # chapter 7's call, both targets
    theta = {r.seed: {"original": r.original.theta, "similarity": r.unlearned["similarity"].theta,
                      "gold_indep": r.gold_indep.theta, "gold": r.gold.theta} for r in runs}
    return {"settings": {"train": train, "unlearn": unlearn},
            "theta": {str(s): {m: t.tolist() for m, t in models.items()} for s, models in theta.items()}}


def scores(probs: torch.Tensor, y: torch.Tensor, forget_class: int) -> list[dict]:
    """For softmax outputs ``probs`` (T, B, 3) of T models whose last is the gold model, on samples with
    labels ``y``: each model's ``forget_recall`` (class f), ``retained_acc`` and ``mean_kl``, the mean
    ``KL(p_gold || p)`` over retained-class samples with both renormalised over the retained labels
    (Table 2's measure; 0 for the gold model itself)."""
    y = torch.as_tensor(y)
    forget, keep = y == forget_class, y != forget_class
    if not forget.any() or not keep.any():
        raise ValueError(f"the split needs samples of the forgotten class {forget_class} and of the others")
    labels = [k for k in range(probs.shape[-1]) if k != forget_class]
    retained = probs[:, keep][..., labels]
    retained = retained / retained.sum(-1, keepdim=True)
    return [dict(forget_recall=fraction_correct(p[forget], y[forget]), retained_acc=fraction_correct(p[keep], y[keep]),
                 mean_kl=kl_divergence(retained[-1], q).mean().item()) for p, q in zip(probs, retained)]


def evaluate_seed(theta: dict, data, device: Device, seed: int, forget_class: int = 2) -> list[dict]:
    """One row per model of ``theta`` (``{model: (72,)}``, the gold model among them) on ``data``'s test
    split read out on ``device``: one call for all the models."""
    names = [m for m in theta if m != "gold"] + ["gold"]
    stack = torch.tensor([theta[m] for m in names], dtype=torch.float64)
    probs = torch.softmax(logits_on(stack, data.X_test, device, seed, 0), -1)
    return [dict(dataset=data.name, seed=seed, model=m, **setting_columns(device), **row)
            for m, row in zip(names, scores(probs, data.y_test, forget_class))]


def study(data_by_seed: dict, selection_data, forget_class: int = 2, *, selection_seed: int = 0, devices=None,
          cache: ResultCache | bool = True) -> pd.DataFrame:
    """Chapter 7's models on every device of ``devices`` (default :func:`sweep`): one row per (setting, seed,
    model) with the columns of :func:`setting_columns` and :func:`scores`. Models are trained only when some
    setting is not cached; ``attrs["settings"]`` holds chapter 7's selected settings."""
    cache = cache if isinstance(cache, ResultCache) else ResultCache(enabled=bool(cache))
    devices = sweep() if devices is None else list(devices)
    base = dict(kind="vqc-device-study", dataset=selection_data.name, seeds=sorted(data_by_seed),
                selection_seed=selection_seed, forget_class=forget_class)
    models = cache.get_json({**base, "part": "models"})
    if models is None:
        models = chapter_models(data_by_seed, selection_data, forget_class, selection_seed)
        cache.put_json({**base, "part": "models"}, models)
    rows = []
    for device in devices:
        config = {**base, "device": device_key(device)}
        found = cache.get_json(config)
        if found is None:
            found = [row for seed, data in data_by_seed.items()
                     for row in evaluate_seed(models["theta"][str(seed)], data, device, seed, forget_class)]
            cache.put_json(config, found)
        rows += found
    table = as_table(rows)
    table.attrs["settings"] = models["settings"]
    return table


# --------------------------------------------------------------------------- the per-example test (issue 8)
def population_confidences(theta: torch.Tensor, data, forget_class: int, device: Device, seed: int) -> np.ndarray:
    """The logit-scaled confidence of the true class on every forget example, (N, S), for ``N`` weight
    vectors (several populations stacked) read out on ``device`` in one call (stream 0 of ``seed``)."""
    X_forget, _ = forget_and_anchor(data, forget_class)
    labels = np.full(len(X_forget), forget_class)
    logits = logits_on(theta, X_forget, device, seed, 0).numpy()
    return np.stack([logit_scaled_confidence(z, labels) for z in logits])


def privacy_row(conf: np.ndarray, gold: np.ndarray) -> dict:
    """U-LiRA (mean held-out accuracy, its SD over the forget examples and the per-example accuracies in
    ``ulira_examples``; 0.5 = cannot tell) and the challenge's forgetting quality F of one population's
    confidences ``conf`` against the gold population's."""
    result = ulira(conf, gold)
    quality = float(np.mean(epsilon_points(per_example_epsilon(conf, gold), n_models=conf.shape[0])))
    return dict(ulira_accuracy=result.mean_accuracy, ulira_sd=float(np.std(result.accuracy, ddof=1)),
                ulira_auc=result.mean_auc, F=quality, n_examples=conf.shape[1],
                ulira_examples=result.accuracy.tolist())


def population_privacy(data, forget_class: int = 2, *, seed: int = 1, n_models: int = 32, train=None, unlearn=None,
                       devices=None, cache: ResultCache | bool = True) -> pd.DataFrame:
    """Chapter 7's per-example membership test on a device: for every setting of ``devices`` (default exact and
    :data:`PRIVACY_SHOTS` without noise), each population of :data:`PRIVACY_POPULATIONS` against the gold
    population, all read out on the device in one call per setting. The populations are chapter 7's
    (:func:`~helpers.quantum.population.populations` with its ``train`` and ``unlearn`` settings: the same
    cache entry). One row per (setting, population)."""
    cache = cache if isinstance(cache, ResultCache) else ResultCache(enabled=bool(cache))
    devices = sweep(PRIVACY_SHOTS, noise=()) if devices is None else list(devices)
    pops = populations(data, forget_class, seed=seed, n_models=n_models, train=train, unlearn=unlearn, cache=cache)
    rows = []
    for device in devices:
        config = dict(kind="vqc-device-privacy", dataset=data.name, seed=seed, n_models=n_models,
                      forget_class=forget_class, train=train, unlearn=unlearn, device=device_key(device))
        found = cache.get_json(config)
        if found is None:
            names = ("gold", *PRIVACY_POPULATIONS)
            stacked = population_confidences(torch.cat([pops[n][0] for n in names]), data, forget_class, device, seed)
            conf = dict(zip(names, np.split(stacked, len(names))))
            found = [dict(population=name, **setting_columns(device), **privacy_row(conf[name], conf["gold"]))
                     for name in PRIVACY_POPULATIONS]
            cache.put_json(config, found)
        rows += found
    return as_table(rows)
