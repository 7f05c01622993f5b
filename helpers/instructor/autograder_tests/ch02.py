"""Autograder tests of chapter 2's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch2-ex-ce-uniform": {
        "solution": "whole",
        "answer": ("write `descend(z_start, loss_fn, steps=300, lr=1.0)`, which runs gradient descent on a copy "
                   "of the logits `z_start` (shape `(K,)`) and returns the list of KL(p || U) after each step, and "
                   "the two losses of a batch of logits `z` (shape `(1, K)`) as `ce_uniform(z)` and `neg_entropy(z)`."),
        "setup": r'''
import torch
from helpers.metrics.divergence import entropy, kl_divergence

# A stand-in for the chapter's z0 (the original model's logits on one forget sample): a confident
# prediction over K = 10 classes, so that this notebook needs no trained model.
K = 10
z0 = torch.tensor([3.0, 1.0, 0.5, 0.2, 0.0, -0.3, -0.5, -1.0, -1.5, -2.0])
''',
        "tests": [
            {"name": 'the two losses', "points": 1, "hidden": False,
             "code": r'''
def test_losses(ce_uniform, neg_entropy):
    import torch
    from helpers.metrics.divergence import entropy
    z = torch.tensor([[2.0, -1.0, 0.5, 0.0]])
    assert torch.allclose(ce_uniform(z), -torch.log_softmax(z, -1).mean()), "L_U = -mean_k log p_k"
    assert torch.allclose(neg_entropy(z), -entropy(z).sum()), "the EGU objective is -H"
'''},
            {"name": 'descend records one KL per step, falling under L_U', "points": 1, "hidden": False,
             "code": r'''
def test_descend(descend, ce_uniform, z0):
    start = z0.clone()
    kls = descend(z0, ce_uniform, steps=20)
    assert len(kls) == 20 and all(isinstance(k, float) for k in kls), "one float KL per step"
    assert all(b <= a + 1e-9 for a, b in zip(kls, kls[1:])), "KL(p || U) must fall step after step"
    assert (z0 == start).all(), "descend must not change its starting logits"
'''},
            {"name": 'both reach the uniform distribution; from a confident start -H barely moves', "points": 2, "hidden": True,
             "code": r'''
def test_saturation(descend, ce_uniform, neg_entropy, z0):
    assert descend(z0, ce_uniform, steps=300)[-1] < 1e-3
    assert descend(z0, neg_entropy, steps=300)[-1] < 1e-3
    confident = 5 * z0
    ce, h = descend(confident, ce_uniform, steps=100), descend(confident, neg_entropy, steps=100)
    assert ce[-1] < 0.1 * h[-1], f"after 100 steps from 5 * z0: L_U {ce[-1]:.3f}, -H {h[-1]:.3f}"
'''},
        ],
    },
}
