"""Does forgetting survive deployment? The audit of issue 20, on chapter 5's class-wise forgetting.

The scenario is Table 4's: ResNet-18 W4A4 (LSQ+) on the profile's dataset, forget every training
sample of one class (class 3 by default), seeds 1, 2, 3, every method of chapter 5 with class-wise
hyper-parameters (:data:`helpers.experiments.runner.PAPER_METHODS`, the set :func:`tuned_set` gives
for ``class/resnet18-w4a4``, as :func:`run_table` uses it) and ``original``, the do-nothing model.
Class-wise, because Retrain's forget accuracy (FA) is about 0 there: knowledge that comes back is
a clean signal. Four questions, one part each (one :class:`DeploymentAudit` frame each):

- ``flips``: the share of integer weight codes each quantized layer changes (:func:`helpers.quant.code_flips`
  of the :func:`helpers.quant.export_integer` exports), of each unlearned model against the original
  and against Retrain of the same seed.
- ``export``: FA, RA, TA and MIA of the exported integer model beside the fake-quant model's.
- ``ptq``: the same story in full precision. The ``fp`` setting's original is trained per seed (cached
  like a table's), each method unlearns it **with the class-wise W4A4 hyper-parameters** (the book has
  no set tuned in full precision), and the unlearned model is then quantized after training
  (:func:`helpers.quant.post_training_quantize`: round-to-nearest, per output channel, symmetric
  absmax, weights only) to each bit width: FA, RA, TA, MIA in FP and after PTQ. Does rounding the
  weights give back what unlearning removed (Zhang et al., ICLR 2025)?
- ``relearn``: the relearning attack (:mod:`helpers.metrics.relearning`) on each unlearned fake-quant
  model, FA after k = 0, 5, 20, 50 steps, fine-tuning on the retain set or on 1 % of the forget set
  (``ceil(0.01 * 146) = 2`` digits of class 3 on the default profile; FA then on the other 144). The
  attack's samples and batches come from the seed's own stream ``derive_seed(seed, "attack")``, the
  same for every method. Retrain's curve is the yardstick; the original's is the other end.

Every (part, method, seed) is cached as JSON in the :class:`ResultCache`. The unlearned networks
come from :func:`helpers.experiments.runner.unlearned_model`, the function a table's cells use, and
are computed once per (method, seed) for all the parts that miss; they are not cached themselves
(when every part of a (method, seed) is cached no network is needed, and when one is missing the
others of that run are too), the originals are (they are chapter 5's).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import product

import pandas as pd

from ..data import load_dataset
from ..metrics import METRICS
from ..metrics import evaluate as evaluate_metrics
from ..metrics.relearning import (FORGET_SHARE, RELEARN_BATCH, RELEARN_LR, RELEARN_MOMENTUM, RELEARN_STEPS,
                                  attack_split, check_steps, relearning_curve)
from ..profiles import Profile, get_profile
from ..progress import progress_bar
from ..quant import code_flips, export_integer, post_training_quantize, size_report
from ..quant.ptq import check_ptq_bits
from ..seeds import derive_seed
from ..unlearn import METHODS
from .cache import ResultCache
from .runner import (PAPER_METHODS, method_hparams, profile_config, resolve_setting, tuned_set, unlearned_model,
                     warn_defaulted)

SCENARIO = "class"
QAT = ("resnet18", "w4a4")           # the network and quantization audited: chapter 5's Table 4
FP = ("resnet18", "fp")              # its full-precision twin, for post-training quantization
MODELS = ("fake-quant", "integer")
ATTACKS = ("retain", "forget 1 %")
REFERENCES = ("original", "retrain")     # always audited: every flip and curve is read against them


@dataclass(frozen=True)
class DeploymentAudit:
    """The audit's results: four frames (percent for metrics, fractions in [0, 1] for flips) and sizes.

    - ``flips``: index (method, seed, layer), layer = the quantized layer's qualified name in model
      order; columns ``["vs original", "vs retrain"]``; ``attrs["codes per layer"]`` = {layer: number
      of weight codes}, to weight layers by their size.
    - ``export``: index (method, seed); columns (model in :data:`MODELS`, metric in FA RA TA MIA).
    - ``ptq``: index (method, seed); columns (bits in ``"FP"``, ``"8-bit"``, ..., metric).
    - ``relearn``: index (method, seed, attack in :data:`ATTACKS`); columns the step counts (ints);
      values FA in percent. Its ``attrs`` state the attack (lr, batch size, samples of the forget set).

    Every frame's ``attrs`` name the hyper-parameter set (``hparams_set``) and each method's
    hyper-parameters (``hparams``); ``ptq.attrs`` also say that the full-precision runs borrow them.
    - ``sizes``: :func:`helpers.quant.size_report` of the first seed's original (bytes on disk, float
      model against integer model).
    """

    flips: pd.DataFrame
    export: pd.DataFrame
    ptq: pd.DataFrame
    relearn: pd.DataFrame
    sizes: dict = field(default_factory=dict)


def bits_label(bits: int | None) -> str:
    """``None`` -> ``"FP"``, 8 -> ``"8-bit"``: the ``ptq`` frame's column names."""
    return "FP" if bits is None else f"{bits}-bit"


def check_methods(methods) -> list[str]:
    """``original``, ``retrain``, then ``methods`` (registry keys, without repeats), or a ValueError."""
    methods = [methods] if isinstance(methods, str) else list(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; choose from {sorted(METHODS)}")
    return list(dict.fromkeys([*REFERENCES, *methods]))


class SeedRuns:
    """The networks of one seed, each computed on first use and then kept: the unlearned fake-quant
    models (with their sets), their integer exports, and the unlearned full-precision models."""

    def __init__(self, profile: Profile, data, forget_class: int, seed: int, tuned: dict, cache: ResultCache):
        self.profile, self.data, self.forget_class, self.seed = profile, data, forget_class, seed
        self.tuned, self.cache = tuned, cache
        self.qat_setting, self.fp_setting = resolve_setting(*QAT), resolve_setting(*FP)
        self._qat, self._exported, self._fp = {}, {}, {}

    def hparams(self, method: str) -> dict:
        return method_hparams(method, self.profile, self.tuned)

    def qat(self, method: str):
        """``(unlearned fake-quant model, (forget, retain, test))``."""
        if method not in self._qat:
            self._qat[method] = unlearned_model(self.profile, self.data, self.qat_setting, SCENARIO,
                                                self.forget_class, method, self.seed, self.hparams(method),
                                                self.cache)
        return self._qat[method]

    def exported(self, method: str):
        """The integer export (:func:`helpers.quant.export_integer`) of the unlearned fake-quant model."""
        if method not in self._exported:
            self._exported[method] = export_integer(self.qat(method)[0])
        return self._exported[method]

    def fp(self, method: str):
        """``(unlearned full-precision model, (forget, retain, test))``."""
        if method not in self._fp:
            self._fp[method] = unlearned_model(self.profile, self.data, self.fp_setting, SCENARIO, self.forget_class,
                                               method, self.seed, self.hparams(method), self.cache)
        return self._fp[method]

    def config(self, part: str, method: str, **extra) -> dict:
        """The cache configuration of one part of one (method, seed)."""
        setting = self.fp_setting if part == "ptq" else self.qat_setting
        return {"kind": "deployment", "part": part, "profile": profile_config(self.profile),
                "dataset": self.data.name, "setting": asdict(setting), "scenario": SCENARIO,
                "amount": self.forget_class, "method": method, "seed": self.seed, "hparams": self.hparams(method),
                **extra}

    def cached(self, config: dict, compute):
        """The stored value of ``config``, or ``compute()`` stored under it."""
        value = self.cache.get_json(config)
        if value is None:
            value = compute()
            self.cache.put_json(config, value)
        return value

    # ------------------------------------------------------------------ the four parts
    def flips(self, method: str) -> dict:
        """``{"layers": [...], "codes": [...], "vs original": [...], "vs retrain": [...]}``: each layer's number
        of weight codes and the share of them that differ from the original's and from Retrain's."""
        def compute():
            ours = self.exported(method).weight_codes()
            against = {ref: code_flips(ours, self.exported(ref).weight_codes()) for ref in REFERENCES}
            return {"layers": list(ours), "codes": [c.numel() for c in ours.values()],
                    **{f"vs {ref}": list(against[ref].values()) for ref in REFERENCES}}
        return self.cached(self.config("flips", method, retrain_hparams=self.hparams("retrain")), compute)

    def export(self, method: str) -> dict:
        """``{"fake-quant": metrics, "integer": metrics}`` in percent."""
        def compute():
            model, sets = self.qat(method)
            return {"fake-quant": evaluate_metrics(model, *sets),
                    "integer": evaluate_metrics(self.exported(method), *sets)}
        return self.cached(self.config("export", method), compute)

    def ptq(self, method: str, bits) -> dict:
        """``{"FP": metrics, "8-bit": metrics, ...}`` of the unlearned full-precision model and its PTQ copies."""
        def compute():
            model, sets = self.fp(method)
            rows = {bits_label(None): evaluate_metrics(model, *sets)}
            for b in bits:
                rows[bits_label(b)] = evaluate_metrics(post_training_quantize(model, b), *sets)
            return rows
        return self.cached(self.config("ptq", method, bits=list(bits)), compute)

    def relearn(self, method: str, steps) -> dict:
        """``{attack: {step: FA}}`` for the two attacks of :data:`ATTACKS` (steps as strings, JSON's keys)."""
        stream = derive_seed(self.seed, "attack")

        def compute():
            model, (forget_set, retain_set, _) = self.qat(method)
            attack_set, held_out = attack_split(forget_set, FORGET_SHARE, seed=stream)

            def curve(attack_on, measured_on):
                fa = relearning_curve(model, attack_on, measured_on, steps=steps, seed=stream)
                return {str(k): v for k, v in fa.items()}
            return {"retain": curve(retain_set, forget_set), "forget 1 %": curve(attack_set, held_out),
                    "attack samples": len(attack_set), "held out": len(held_out)}
        return self.cached(self.config("relearn", method, steps=list(steps), lr=RELEARN_LR, batch_size=RELEARN_BATCH,
                                       share=FORGET_SHARE), compute)

    def sizes(self) -> dict:
        """:func:`helpers.quant.size_report` of this seed's original and its export."""
        return self.cached(self.config("sizes", "original"),
                           lambda: size_report(self.qat("original")[0], self.exported("original")))


def deployment_audit(profile: str | Profile = "default", dataset: str | None = None, *, forget_class: int = 3,
                     methods=PAPER_METHODS, seeds=(1, 2, 3), bits=(8, 4, 2), steps=RELEARN_STEPS,
                     progress: bool = True, cache: ResultCache | bool = True) -> DeploymentAudit:
    """The deployment audit (module docstring) of chapter 5's class-wise forgetting of ``forget_class``.

    ``methods`` are registry keys; ``original`` and ``retrain`` are always audited, first. ``bits``
    are the post-training bit widths (2..16), ``steps`` the relearning step counts recorded in one run
    of ``max(steps)`` steps. Results are cached per (part, method, seed) in ``cache`` (a
    :class:`ResultCache`, or True for the default one, False for none). Raises ValueError for an
    unknown method, a bad bit width or step list, no seeds, or a class the dataset does not have.
    """
    profile = get_profile(profile) if isinstance(profile, str) else profile
    profile.check_device()
    methods = check_methods(methods)
    bits = tuple(check_ptq_bits(b) for b in bits)
    steps = check_steps(steps)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed, e.g. seeds=(1, 2, 3)")
    if not isinstance(cache, ResultCache):
        cache = ResultCache(enabled=bool(cache))
    data = load_dataset(dataset or profile.dataset, augment=profile.augment)
    if isinstance(forget_class, bool) or forget_class not in range(data.num_classes):
        raise ValueError(f"forget_class must be a class of {data.name} (0..{data.num_classes - 1}), "
                         f"got {forget_class!r}")
    hparams_set, entry = tuned_set(profile.name, SCENARIO, *QAT)
    tuned = {m: v for m, v in entry.items() if not m.startswith("_")}
    warn_defaulted(hparams_set, entry, methods)

    labels = [bits_label(None), *map(bits_label, bits)]
    flips, export, ptq, relearn, sizes, codes = [], [], [], [], {}, {}
    for seed in seeds:
        runs = SeedRuns(profile, data, forget_class, seed, tuned, cache)
        for method in progress_bar(methods, desc=f"deployment audit, seed {seed}", enabled=progress):
            f = runs.flips(method)
            codes = codes or dict(zip(f["layers"], f["codes"]))
            flips += [(method, seed, layer, vo, vr) for layer, vo, vr in zip(f["layers"], f["vs original"],
                                                                              f["vs retrain"])]
            e = runs.export(method)
            export.append((method, seed, *[e[model][m] for model in MODELS for m in METRICS]))
            p = runs.ptq(method, bits)
            ptq.append((method, seed, *[p[label][m] for label in labels for m in METRICS]))
            r = runs.relearn(method, steps)
            relearn += [(method, seed, attack, *[r[attack][str(k)] for k in steps]) for attack in ATTACKS]
            attack_samples = (r["attack samples"], r["held out"])
        if not sizes:
            sizes = runs.sizes()
    used = {"hparams_set": hparams_set, "hparams": {m: runs.hparams(m) for m in methods}}
    return DeploymentAudit(
        flips=frame(flips, ["method", "seed", "layer"], ["vs original", "vs retrain"],
                    {**used, "codes per layer": codes}),
        export=frame(export, ["method", "seed"], pd.MultiIndex.from_tuples(list(product(MODELS, METRICS)),
                                                                           names=["model", "metric"]), used),
        ptq=frame(ptq, ["method", "seed"], pd.MultiIndex.from_tuples(list(product(labels, METRICS)),
                                                                     names=["bits", "metric"]),
                  {**used, "note": f"full-precision runs use the {hparams_set or 'package default'} "
                                   "hyper-parameters, tuned for W4A4: no set is tuned in full precision",
                   "ptq": "round-to-nearest, per output channel, symmetric absmax, weights only"}),
        relearn=frame(relearn, ["method", "seed", "attack"], pd.Index(list(steps), name="steps"),
                      {**used, "lr": RELEARN_LR, "momentum": RELEARN_MOMENTUM, "batch_size": RELEARN_BATCH,
                       "forget share": FORGET_SHARE, "forget attack samples": attack_samples[0],
                       "forget held out": attack_samples[1]}),
        sizes=sizes)


def frame(rows: list, index: list, columns, attrs: dict | None = None) -> pd.DataFrame:
    """Rows ``(*index values, *column values)`` -> a frame indexed by ``index`` with ``columns``."""
    table = pd.DataFrame([row[len(index):] for row in rows], columns=columns,
                         index=pd.MultiIndex.from_tuples([row[:len(index)] for row in rows], names=index))
    table.attrs.update(attrs or {})
    return table


__all__ = ["DeploymentAudit", "deployment_audit", "MODELS", "ATTACKS", "bits_label"]
