"""Autograder tests of chapter 4's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch4-ex-threshold": {
        "solution": "definitions",
        "why": ("The MIA-efficacy of the three models needs the chapter's trained models of section 4.1: compare with the SVC there."),
        "setup": r'''
import numpy as np
''',
        "tests": [
            {"name": 'separable confidences are split perfectly', "points": 1, "hidden": False,
             "code": r'''
def test_separable(best_threshold):
    import numpy as np
    x_in, x_out = np.array([0.9, 0.95, 0.99]), np.array([0.1, 0.2, 0.3])
    t = best_threshold(x_in, x_out)
    assert (x_in > t).all() and (x_out <= t).all(), f"t = {t} does not separate the two sets"
'''},
            {"name": 'the threshold is one of the observed confidences', "points": 1, "hidden": False,
             "code": r'''
def test_observed(best_threshold):
    import numpy as np
    x_in, x_out = np.array([0.6, 0.8, 0.7, 0.2]), np.array([0.5, 0.65, 0.1])
    assert best_threshold(x_in, x_out) in np.concatenate([x_in, x_out])
'''},
            {"name": 'the largest balanced accuracy on overlapping confidences', "points": 2, "hidden": True,
             "code": r'''
def test_best_balanced_accuracy(best_threshold):
    import numpy as np
    rng = np.random.default_rng(5)
    for _ in range(5):
        x_in, x_out = rng.beta(5, 2, 200), rng.beta(2, 2, 150)
        balanced = lambda t: ((x_in > t).mean() + (x_out <= t).mean()) / 2
        best = max(balanced(t) for t in np.concatenate([x_in, x_out]))
        t = best_threshold(x_in, x_out)
        assert abs(balanced(t) - best) < 1e-12, f"balanced accuracy {balanced(t):.4f}, best {best:.4f}"
'''},
        ],
    },
}
