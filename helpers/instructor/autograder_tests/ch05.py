"""Autograder tests of chapter 5's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch5-ex-table": {
        "solution": "whole",
        "answer": ("name the recomputed table `reused` and its class-wise block `r4` "
                   "(`block(reused, FORGET_CLASS)`); the setup cell's `t4` is section 5.4's block."),
        "setup": r'''
from helpers.experiments import load_hparams
from helpers.experiments import run_table as book_run_table
from helpers.experiments.compare import LABELS, block
from helpers.profiles import get_profile

PROFILE, dataset = "default", "digits"
FORGET_CLASS, EXTRA_SEEDS = 3, (1,)
SECONDARY_METHODS = ("retrain", "ft", "ga", "rl", "salun", "oeu")
# The chapter's tables, on a much smaller network trained for one epoch so that this notebook runs in
# seconds: same profile name, hence the same tuned hyper-parameter sets (results are cached).
SMALL = get_profile(PROFILE).with_(epochs=1, retrain_epochs=1, widths={"resnet18": 0.0625})


def run_table(profile, *args, **kwargs):
    return book_run_table(SMALL if profile == PROFILE else profile, *args, progress=False, **kwargs)


t4 = block(run_table(PROFILE, dataset, scenario="class", ratios=(FORGET_CLASS,), methods=SECONDARY_METHODS,
                     seeds=EXTRA_SEEDS), FORGET_CLASS)        # section 5.4's table: the set tuned for class-wise
''',
        "tests": [
            {"name": 'the class-wise block, recomputed', "points": 1, "hidden": False,
             "code": r'''
def test_block(r4, t4):
    assert list(r4.index) == list(t4.index), "r4: the class-wise block with the same methods as t4"
'''},
            {"name": 'the set tuned for random forgetting was used', "points": 1, "hidden": False,
             "code": r'''
def test_random_set(reused, r4, run_table, load_hparams, block, PROFILE, dataset, FORGET_CLASS, EXTRA_SEEDS):
    expected = block(run_table(PROFILE, dataset, scenario="class", ratios=(FORGET_CLASS,),
                               methods=("retrain", "ft"), seeds=EXTRA_SEEDS,
                               hparams=load_hparams(PROFILE, "random")), FORGET_CLASS)
    assert abs(r4.loc["ft", "FA"] - expected.loc["ft", "FA"]) < 1e-9, "FT's FA is not the random set's"
'''},
            {"name": 'every method ran with the random-forgetting set', "points": 2, "hidden": True,
             "code": r'''
def test_every_method(r4, run_table, load_hparams, block, PROFILE, dataset, FORGET_CLASS, EXTRA_SEEDS):
    methods = ("retrain", "ga", "rl", "salun", "oeu")
    expected = block(run_table(PROFILE, dataset, scenario="class", ratios=(FORGET_CLASS,), methods=methods,
                               seeds=EXTRA_SEEDS, hparams=load_hparams(PROFILE, "random")), FORGET_CLASS)
    for m in methods[1:]:
        assert abs(r4.loc[m, "FA"] - expected.loc[m, "FA"]) < 1e-9, f"{m}'s FA is not the random set's"
'''},
        ],
    },
}
