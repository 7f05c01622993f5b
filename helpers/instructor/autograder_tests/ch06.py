"""Autograder tests of chapter 6's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch6-ex-shift": {
        "solution": "whole",
        "answer": ("use `theta` (72 angles, float64) and one input `x` of shape `(1, 4)`, and name the three "
                   "estimates `shift` (parameter shift), `finite` (central difference, h = 1e-3) and "
                   "`small_shift` (the shift h = 0.3 divided by 2 sin h)."),
        "tests": [
            {"name": 'the parameter-shift rule is exact', "points": 1, "hidden": False,
             "code": r'''
def test_shift(shift, theta, x):
    from helpers.quantum import expectations
    t = theta.clone().requires_grad_()
    expectations(t, x)[0, 2].backward()
    assert abs(float(shift) - t.grad[10].item()) < 1e-9, f"shift {shift} vs autograd {t.grad[10].item()}"
'''},
            {"name": 'the finite difference is close, not exact', "points": 1, "hidden": False,
             "code": r'''
def test_finite(finite, theta, x):
    from helpers.quantum import expectations
    t = theta.clone().requires_grad_()
    expectations(t, x)[0, 2].backward()
    assert abs(float(finite) - t.grad[10].item()) < 1e-5
'''},
            {"name": 'the sin h rescaled shift is exact too, and each value is of <Z_5> w.r.t. theta_10', "points": 2, "hidden": True,
             "code": r'''
def test_small_shift(small_shift, shift, theta, x):
    import math
    import torch
    from helpers.quantum import expectations
    t = theta.clone().requires_grad_()
    expectations(t, x)[0, 2].backward()
    assert abs(float(small_shift) - t.grad[10].item()) < 1e-9
    e = torch.zeros(72, dtype=torch.float64); e[10] = 1
    f = lambda v: expectations(v, x, engine="aer")[0, 2].item()
    assert abs(float(shift) - (f(theta + math.pi / 2 * e) - f(theta - math.pi / 2 * e)) / 2) < 1e-9
'''},
        ],
    },
}
