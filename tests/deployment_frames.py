"""Synthetic frames of the deployment audit's format (``helpers.experiments.deployment.DeploymentAudit``),
shared by tests/test_ch05.py and tests/test_plot_deployment.py.

Every method of chapter 5, seeds 1-3, class-wise forgetting. Each method's values are an intended
effect plus a per-seed wobble ``amp * (+1, -1, 0)`` with ``|amp| <= 0.5``: a difference between two
rows then has the wobble's form too, so an effect of zero gives a paired interval that spans zero
(undecided), and an effect of 5 points or more one that excludes it (tests/test_ch05.py checks this).
"""
from __future__ import annotations

import pandas as pd

METHODS = ("original", "retrain", "ft", "ga", "iu", "rl", "l1_sparse", "salun", "qmul", "oeu")
SEEDS = (1, 2, 3)
METRICS = ("FA", "RA", "TA", "MIA")
LAYERS = ("conv1", "layer1.0.conv1", "fc")
PATTERN = {1: 1.0, 2: -1.0, 3: 0.0}


def wobble(method: str, key, seed: int) -> float:
    """A per-seed wobble of amplitude in [-0.5, 0.5], different for each method and column."""
    amp = ((METHODS.index(method) * 3 + sum(map(ord, str(key)))) % 5 - 2) / 4
    return amp * PATTERN[seed]


# ----------------------------------------------------------------------------- the frames
def export_frame(shift: dict | None = None) -> pd.DataFrame:
    """Fake-quant FA per method; the integer model's equals it unless ``shift`` = {method: {seed: points}}."""
    fa = {"original": 98.0, "retrain": 0.0, "rl": 90.0}
    rows = []
    for m in METHODS:
        for s in SEEDS:
            fake = {"FA": fa.get(m, 3.0) + wobble(m, "FA", s), "RA": 99.0, "TA": 95.0, "MIA": 40.0}
            integer = {**fake, "FA": fake["FA"] + (shift or {}).get(m, {}).get(s, 0.0)}
            rows.append([*fake.values(), *integer.values()])
    columns = pd.MultiIndex.from_product([["fake-quant", "integer"], METRICS], names=["model", "metric"])
    return pd.DataFrame(rows, index=pd.MultiIndex.from_product([METHODS, SEEDS], names=["method", "seed"]),
                        columns=columns)


#: FA and TA after each bit width. FT's small update vanishes at 4 bits (FA back up), RL never forgot,
#: 2 bits breaks every model (doing nothing's TA falls to 40 %).
PTQ_FA = {"original": (98, 98, 99, 30), "retrain": (0, 0, 1, 10), "ft": (5, 5, 60, 25), "ga": (2, 2, 3, 12),
          "rl": (98, 98, 99, 30), "oeu": (1, 1, 2, 11)}
PTQ_TA = {"original": (95, 95, 93, 40)}


def ptq_frame(bits=("FP", "8-bit", "4-bit", "2-bit")) -> pd.DataFrame:
    rows = []
    for m in METHODS:
        for s in SEEDS:
            row = []
            for b in bits:
                i = ("FP", "8-bit", "4-bit", "2-bit").index(b)
                row += [PTQ_FA.get(m, PTQ_FA["oeu"])[i] + wobble(m, b, s), 99.0,
                        PTQ_TA.get(m, (94, 94, 92, 38))[i] + wobble(m, b + "TA", s), 50.0]
            rows.append(row)
    columns = pd.MultiIndex.from_product([list(bits), METRICS], names=["bits", "metric"])
    return pd.DataFrame(rows, index=pd.MultiIndex.from_product([METHODS, SEEDS], names=["method", "seed"]),
                        columns=columns)


#: FA after 0, 5, 20, 50 steps. Retrain learns the class from 1 % of D_f between 20 and 50 steps (its FA rises
#: more than 10 points), so the forget-set attack is read at 20 steps. FT comes back under both attacks (its gain
#: beats Retrain's); OEU regains less than Retrain on 1 % of D_f; GA never forgot (FA 40 % before either attack)
#: and then gains exactly what Retrain gains.
RELEARN = {"forget 1 %": {"original": (98, 98, 98, 98), "retrain": (0, 3, 8, 95), "ft": (0, 30, 60, 97),
                          "oeu": (0, 0, 1, 94), "ga": (40, 43, 48, 90)},
           "retain": {"original": (98, 98, 97, 97), "retrain": (0, 0, 1, 1), "ft": (0, 8, 12, 20),
                      "ga": (40, 40, 41, 41)}}


def relearn_frame(steps=(0, 5, 20, 50)) -> pd.DataFrame:
    rows, index = [], []
    for m in METHODS:
        for s in SEEDS:
            for attack, curves in RELEARN.items():
                curve = curves.get(m, curves["retrain"])
                rows.append([curve[(0, 5, 20, 50).index(k)] + wobble(m, f"{attack}{k}", s) for k in steps])
                index.append((m, s, attack))
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["method", "seed", "attack"]),
                        columns=pd.Index(list(steps), name="steps"))


#: Fraction of each layer's codes changed against the original (Retrain's: 0.9 everywhere).
FLIPS = {"original": (0.0, 0.0, 0.0), "retrain": (0.9, 0.9, 0.9), "ft": (0.02, 0.1, 0.3), "ga": (0.01, 0.01, 0.01),
         "salun": (0.2, 0.2, 0.2)}


def flips_frame() -> pd.DataFrame:
    rows, index = [], []
    for m in METHODS:
        for s in SEEDS:
            for layer, share in zip(LAYERS, FLIPS.get(m, (0.05, 0.05, 0.05))):
                rows.append({"vs original": share, "vs retrain": 0.0 if m == "retrain" else 0.85})
                index.append((m, s, layer))
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["method", "seed", "layer"]))
