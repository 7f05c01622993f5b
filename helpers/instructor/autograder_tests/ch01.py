"""Autograder tests of chapter 1's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch1-ex-sign": {
        "solution": "whole",
        "tests": [
            {"name": 'forward pass is sign times the mean magnitude', "points": 1, "hidden": False,
             "code": r'''
def test_forward(sign_ste):
    import torch
    x = torch.tensor([-2.0, -0.5, 0.3, 1.5])
    y = sign_ste(x)
    scale = x.abs().mean()
    assert torch.allclose(y, torch.sign(x) * scale), f"sign_ste({x.tolist()}) = {y.tolist()}"
'''},
            {"name": 'backward pass is the clipped identity', "points": 1, "hidden": False,
             "code": r'''
def test_backward(sign_ste):
    import torch
    x = torch.tensor([-2.0, -0.5, 0.3, 1.5], requires_grad=True)
    sign_ste(x).sum().backward()
    assert torch.equal(x.grad, torch.tensor([0.0, 1.0, 1.0, 0.0])), f"gradient {x.grad.tolist()}"
'''},
            {"name": 'two levels and the clipped gradient on random inputs', "points": 2, "hidden": True,
             "code": r'''
def test_random_inputs(sign_ste):
    import torch
    g = torch.Generator().manual_seed(7)
    x = (3 * torch.randn(257, generator=g)).requires_grad_()
    y = sign_ste(x)
    scale = x.detach().abs().mean()
    assert torch.allclose(y.detach().abs(), scale.expand_as(y)), "every output is +-mean|x|"
    assert len(y.detach().unique()) == 2
    (y * torch.arange(257.0)).sum().backward()
    inside = (x.detach().abs() <= 1).float()
    assert torch.allclose(x.grad, inside * torch.arange(257.0)), "the scale must not pass gradient"
'''},
        ],
    },
}
