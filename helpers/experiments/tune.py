"""Choose each method's hyper-parameters on a *selection seed* that is never reported.

For every method, a small grid inside the ranges of OEU Appendix A.6 is tried
on seed 0 (random forgetting of 10 %), and the value with the smallest
average gap to Retrain (AG) is kept. The tables are then reported on other
seeds (1, 2, 3 by default). The choices are written to ``hparams.json``,
which is versioned with the code. Re-tune with::

    python -m helpers.experiments tune --profile default
"""
from __future__ import annotations

import itertools
import json

from ..data import load_dataset
from ..metrics import average_gap
from ..profiles import get_profile
from .cache import ResultCache
from .runner import HPARAMS_FILE, method_hparams, resolve_setting, run_cell

SELECTION_SEED = 0

# Fixed per method (the cost of one run relative to Retrain follows the paper's proportions),
# then the grid searched, both for the default profile. Ranges: OEU Appendix A.6.
FIXED = {
    "ft": dict(epochs=2, batch_size=128), "ga": dict(epochs=3, batch_size=128),
    "iu": dict(num_samples=1000), "rl": dict(epochs=1, batch_size=128),
    "l1_sparse": dict(epochs=2, batch_size=128), "salun": dict(epochs=1, batch_size=128),
    "qmul": dict(epochs=3, batch_size=128), "oeu": dict(epochs=3, batch_size=128, alpha=1.0, beta=1.0),
    "oeu_no_gop": dict(epochs=3, batch_size=128, beta=1.0),
    "oeu_no_egu": dict(epochs=3, batch_size=128, alpha=1.0, beta=1.0),
    "oeu_global_gop": dict(epochs=3, batch_size=128, alpha=1.0, beta=1.0),
}
GRIDS = {
    "ft": dict(lr=[0.003, 0.01, 0.03]),                       # [1e-3, 1e-1]
    "ga": dict(lr=[1e-4, 3e-4, 1e-3]),                        # [1e-5, 1e-3]
    "iu": dict(alpha=[1.0, 5.0, 10.0, 20.0]),                 # [1, 20]
    "rl": dict(lr=[0.001, 0.003, 0.01, 0.03]),                # [1e-3, 1e-1]
    "l1_sparse": dict(lr=[0.01, 0.03], alpha=[1e-6, 1e-5, 1e-4]),   # gamma in [1e-6, 1e-4]
    "salun": dict(lr=[0.001, 0.002, 0.005, 0.02], fraction=[0.3, 0.5, 0.7]),   # [5e-4, 5e-2], [0.1, 0.9]
    "qmul": dict(lr=[0.001, 0.003, 0.01, 0.03]),              # [1e-3, 1e-1]
    "oeu": dict(lr=[0.01, 0.03, 0.1]),                        # [1e-2, 1e-1], alpha = 1
    "oeu_no_gop": dict(lr=[0.01, 0.03, 0.1]),
    "oeu_no_egu": dict(lr=[0.001, 0.003, 0.01, 0.03]),     # similar-label CE: lower lrs (it diverges above)
    "oeu_global_gop": dict(lr=[0.01, 0.03, 0.1]),
}


def grid(method: str):
    names = list(GRIDS[method])
    for values in itertools.product(*(GRIDS[method][n] for n in names)):
        yield {**FIXED[method], **dict(zip(names, values))}


def tune(profile_name: str = "default", methods=None, ratio: float = 0.1, model: str = "resnet18",
         quant: str = "w4a4", cache: ResultCache | None = None, write: bool = True, log=print) -> dict:
    """Grid-search every method on the selection seed; return (and by default save) the choices."""
    profile = get_profile(profile_name)
    cache = cache or ResultCache()
    setting = resolve_setting(model, quant)
    data = load_dataset(profile.dataset, augment=profile.augment)
    gold = run_cell(profile, data, setting, "random", ratio, "retrain", SELECTION_SEED,
                    method_hparams("retrain", profile, {}), cache)
    chosen = {}
    for method in methods or GRIDS:
        scored = []
        for hp in grid(method):
            row = run_cell(profile, data, setting, "random", ratio, method, SELECTION_SEED, hp, cache)
            scored.append((average_gap(row, gold), hp))
            log(f"{method:15s} {hp} AG={scored[-1][0]:.2f}")
        chosen[method] = min(scored, key=lambda t: t[0])[1]
    if write:
        table = json.loads(HPARAMS_FILE.read_text()) if HPARAMS_FILE.exists() else {}
        table[profile_name] = {"_selection_seed": SELECTION_SEED, "_ratio": ratio,
                               "_command": f"python -m helpers.experiments tune --profile {profile_name}",
                               **{**table.get(profile_name, {}), **chosen}}
        HPARAMS_FILE.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n")
    return chosen
