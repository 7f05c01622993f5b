"""Turn the tables copied from the OEU paper into tidy DataFrames.

The data modules (``oeu_resnet``, ``oeu_mobilenet``) hold each table as text
copied from the paper: one row per line, cells separated by ``|``, a cell
written as in the paper, ``value(gap)``, e.g. ``99.42(6.04)``, possibly with
the paper's markup (``<u>1.30</u>`` = underlined, ``**1.30**`` = bold).
Nothing here computes a number; the parser only reads the text.
"""
import math
import re

import pandas as pd

METRICS = ("FA", "RA", "TA", "MIA", "AG")

# The paper's spelling (as extracted) -> the book's registry key (helpers.unlearn.METHODS).
METHOD_KEYS = {
    "Retrain": "retrain",
    "FT": "ft",
    "GA": "ga",
    "IU": "iu",
    "RL": "rl",
    "ℓ_1 -sparse": "l1_sparse",
    "SalUn": "salun",
    "Q-MUL": "qmul",
    "OEU": "oeu",
    "w/oGOP": "oeu_no_gop",
    "w/oEGU": "oeu_no_egu",
    "GOP _{global}": "oeu_global_gop",
}

# The registry key -> the paper's name, typeset for humans.
LABELS = {
    "retrain": "Retrain",
    "ft": "FT",
    "ga": "GA",
    "iu": "IU",
    "rl": "RL",
    "l1_sparse": "ℓ1-sparse",
    "salun": "SalUn",
    "qmul": "Q-MUL",
    "oeu": "OEU",
    "oeu_no_gop": "w/o GOP",
    "oeu_no_egu": "w/o EGU",
    "oeu_global_gop": "GOP_global",
}

COLUMNS = ["table", "dataset", "model", "bits", "activations", "scenario", "ratio",
           "method", "label", "metric", "value", "gap", "markup"]

_CELL = re.compile(
    r"^(?P<open><u>|\*\*)?\s*(?P<value>\d+(?:\.\d+)?)\s*(?:\(\s*(?P<gap>\d+(?:\.\d+)?)\s*\))?\s*(?P<close></u>|\*\*)?$"
)


def parse_cell(text: str):
    """``"99.42(6.04)"`` -> ``(99.42, 6.04, "")``; ``"<u>1.30</u>"`` -> ``(1.30, nan, "underline")``."""
    match = _CELL.match(text.strip())
    if match is None:
        raise ValueError(f"cannot read the table cell {text!r}")
    gap = match["gap"]
    markup = {"<u>": "underline", "**": "bold"}.get(match["open"] or "", "")
    return float(match["value"]), (float(gap) if gap is not None else math.nan), markup


def parse_block(block: str, datasets):
    """Rows of ``method | cell | cell ...`` -> a list of dicts (one per method, dataset, metric).

    Each row holds ``5 * len(datasets)`` cells: FA, RA, TA, MIA, AG for the first
    dataset, then the same for the next one (Table 1 puts CIFAR-10 and CIFAR-100
    side by side).
    """
    records = []
    for line in block.strip().splitlines():
        name, *cells = [c.strip() for c in line.split("|")]
        if len(cells) != len(METRICS) * len(datasets):
            raise ValueError(f"expected {len(METRICS) * len(datasets)} cells in row {line!r}")
        method = METHOD_KEYS[name]
        for d, dataset in enumerate(datasets):
            for m, metric in enumerate(METRICS):
                value, gap, markup = parse_cell(cells[d * len(METRICS) + m])
                records.append(dict(dataset=dataset, method=method, label=LABELS[method],
                                    metric=metric, value=value, gap=gap, markup=markup))
    return records


def build_frame(number: int, spec: dict) -> pd.DataFrame:
    """One OEU table spec (see ``oeu_resnet.TABLES``) -> a tidy, labelled DataFrame."""
    records = []
    for ratio, block in spec["blocks"].items():
        for record in parse_block(block, spec["datasets"]):
            record.update(table=number, ratio=math.nan if ratio is None else float(ratio),
                          model=spec["model"], bits=spec["bits"],
                          activations=spec["activations"], scenario=spec["scenario"])
            records.append(record)
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    df["bits"] = df["bits"].astype(int)
    df.attrs["source"] = "published"
    df.attrs["paper"] = "OEU"
    df.attrs["table"] = number
    df.attrs["caption"] = spec["caption"]
    return df
