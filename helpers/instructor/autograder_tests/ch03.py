"""Autograder tests of chapter 3's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch3-ex-pcgrad": {
        "solution": "definitions",
        "why": ("Counting the projected layers and `step_response` need the chapter's trained network of Sec. 3.3: do that part in the chapter."),
        "setup": r'''
import torch
''',
        "tests": [
            {"name": 'a conflicting layer is projected, an agreeing one kept', "points": 1, "hidden": False,
             "code": r'''
def test_two_layers(project_if_conflict):
    import torch
    f = [torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0])]
    r = [torch.tensor([-1.0, 1.0]), torch.tensor([1.0, 0.0])]
    d = project_if_conflict(f, r)
    assert len(d) == 2
    assert torch.allclose(d[0], torch.tensor([0.5, 0.5])), f"conflicting layer: {d[0].tolist()}"
    assert torch.equal(d[1], f[1]), "a layer without conflict keeps its gradient"
'''},
            {"name": 'every layer ends with a non-negative inner product with g_r', "points": 1, "hidden": False,
             "code": r'''
def test_no_conflict_left(project_if_conflict):
    import torch
    g = torch.Generator().manual_seed(0)
    f = [torch.randn(3, 4, generator=g) for _ in range(5)]
    r = [torch.randn(3, 4, generator=g) for _ in range(5)]
    d = project_if_conflict(f, r)
    assert all(x.shape == y.shape for x, y in zip(d, f)), "one tensor per layer, same shapes"
    assert all((x * y).sum() >= -1e-5 for x, y in zip(d, r))
'''},
            {"name": 'projection where the layer conflicts, an independent copy elsewhere', "points": 2, "hidden": True,
             "code": r'''
def test_layer_by_layer(project_if_conflict):
    import torch
    from helpers.unlearn.gop import project
    g = torch.Generator().manual_seed(3)
    f = [torch.randn(7, generator=g) for _ in range(12)]
    r = [torch.randn(7, generator=g) for _ in range(12)]
    kept = [x.clone() for x in f]
    d = project_if_conflict(f, r)
    assert len(d) == 12
    for x, y, out in zip(f, r, d):
        expected = project(x, y) if (x * y).sum() < 0 else x
        assert torch.allclose(out, expected, atol=1e-6)
    for out in d:
        out.add_(1.0)                       # changing the result must not change the input
    assert all(torch.equal(a, b) for a, b in zip(f, kept)), "return new tensors (clone), not g_f's own"
'''},
        ],
    },
}
