"""Quantum unlearning paper (Malik, Khalid, Faryad: *Distribution-Guided and
Constrained Quantum Machine Unlearning*), Tables 1 and 2: the published numbers.

A six-qubit variational classifier on Iris and on Covertype (classes 3, 5, 7
remapped to 0, 1, 2; PCA to 4 features); class 2 is forgotten.

The blocks are copied from the paper's text extraction, which prints every
math cell twice (``0.566-0.566`` for -0.566, ``0.40550.27150.4055\\rightarrow
0.2715``); each number is written once here, and the dataset name the paper
leaves blank on a continuation row is left blank here too.
"""
import math

import pandas as pd

# Table 1: Dataset, Class, Recall (B)efore, Recall (A)fter, Delta Recall; "(F)" marks the forgotten class.
_TABLE_1 = """
Covertype 0 0.467 0.467 0.000
1 0.800 0.800 0.000
2 (F) 0.633 0.067 -0.566
Iris 0 1.000 1.000 0.000
1 1.000 0.800 -0.200
2 (F) 1.000 0.000 -1.000
"""
# The line under Table 1: "Forget-class mean probability: Covertype 0.4055 -> 0.2715, Iris 0.4155 -> 0.2098."
_TABLE_1_FORGET_PROB = {"Covertype": (0.4055, 0.2715), "Iris": (0.4155, 0.2098)}

# Table 2: Dataset, Ret. Labels, Mean KL, Med. KL, Max KL. (Only Covertype is in the table.)
_TABLE_2 = """
Covertype {0,1} 0.0468 0.0342 0.1625
"""
# The line under Table 2: "Mean prob. on forgotten class (retained samples): Gold 0.195, Unlearned 0.295."
_TABLE_2_FORGET_PROB = {"Covertype": (0.195, 0.295)}

# Numbers the paper gives only in its text (PUBLISHED, not computed):
# Sec. 4.3: "a mean KL divergence of 0.047 +- 0.047 ... with a median of 0.034" (Covertype). The
# paper does not say what the +- is taken over, nor how many runs it used; since it reports one
# run per dataset, the spread is presumably over test samples (like our ``std_kl``) rather than a
# seed-to-seed deviation. That reading is ours, not the paper's.
KL_IN_TEXT = {"dataset": "covertype", "mean_kl": 0.047, "std_kl": 0.047, "median_kl": 0.034}
# Appendix A (Fig. 5), the uniform-target ablation on Covertype: "the mean forgotten-class
# probability decreasing only from 0.405 to 0.373 ... overall accuracy remains relatively high at 0.578".
UNIFORM_TARGET = {"dataset": "covertype", "forget_prob_before": 0.405, "forget_prob_after": 0.373,
                  "accuracy_after": 0.578}

TABLES = {
    1: ("Class-wise recall and forget-class confidence before and after unlearning. "
        "The forgotten class is class 2 in all experiments."),
    2: ("Divergence between gold retrained and unlearned models on retained test data. KL "
        "divergence computed after renormalizing over retained labels only. Lower values "
        "indicate closer agreement."),
}


def _label(df: pd.DataFrame, number: int) -> pd.DataFrame:
    df.attrs["source"] = "published"
    df.attrs["paper"] = "quantum"
    df.attrs["table"] = number
    df.attrs["caption"] = TABLES[number]
    return df


def table_1() -> pd.DataFrame:
    """One row per (dataset, class, metric); metric is ``recall`` or ``forget_class_mean_prob``.

    ``delta`` is the paper's Delta Recall; the mean-probability line gives none (NaN).
    """
    rows, dataset = [], None
    for line in _TABLE_1.strip().splitlines():
        tokens = line.split()
        if not tokens[0].isdigit():  # a row that opens a new dataset
            dataset, tokens = tokens[0], tokens[1:]
        forgotten = "(F)" in tokens
        tokens = [t for t in tokens if t != "(F)"]
        klass, before, after, delta = int(tokens[0]), *map(float, tokens[1:])
        rows.append(dict(dataset=dataset.lower(), cls=klass, forgotten=forgotten,
                         metric="recall", before=before, after=after, delta=delta))
    for dataset, (before, after) in _TABLE_1_FORGET_PROB.items():
        rows.append(dict(dataset=dataset.lower(), cls=2, forgotten=True,
                         metric="forget_class_mean_prob", before=before, after=after, delta=math.nan))
    df = pd.DataFrame(rows).rename(columns={"cls": "class"})
    return _label(df, 1)


def table_2() -> pd.DataFrame:
    """One row per dataset: KL(gold retrained || unlearned) on retained-class test samples,
    and the mean probability both models put on the forgotten class for those samples."""
    rows = []
    for line in _TABLE_2.strip().splitlines():
        dataset, labels, mean, median, largest = line.split()
        gold, unlearned = _TABLE_2_FORGET_PROB[dataset]
        rows.append(dict(dataset=dataset.lower(), retained_labels=labels,
                         mean_kl=float(mean), median_kl=float(median), max_kl=float(largest),
                         forgotten_prob_gold=gold, forgotten_prob_unlearned=unlearned))
    return _label(pd.DataFrame(rows), 2)
