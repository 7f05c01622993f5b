"""Autograder tests of chapter 7's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch7-ex-onehot": {
        "solution": "definitions",
        "why": ("Unlearning on Wine for every seed and comparing with section 7.5 needs the chapter's trained classifiers: run that comparison in the chapter."),
        "tests": [
            {"name": 'all the mass on the most probable retained class', "points": 1, "hidden": False,
             "code": r'''
def test_onehot(nearest_class_target):
    import torch
    p = torch.tensor([[0.2, 0.5, 0.3], [0.2, 0.6, 0.2]])
    q = nearest_class_target(p, 1)
    assert torch.equal(q, torch.tensor([0.0, 0.0, 1.0])), f"target {q.tolist()}"
'''},
            {"name": 'a distribution over the classes', "points": 1, "hidden": False,
             "code": r'''
def test_distribution(nearest_class_target):
    import torch
    p = torch.tensor([[0.7, 0.2, 0.1], [0.5, 0.3, 0.2]], dtype=torch.float64)
    q = nearest_class_target(p, 2)
    assert q.shape == (3,) and q.dtype == p.dtype and float(q.sum()) == 1.0
    assert q[0] == 1.0
'''},
            {"name": 'the forgotten class never gets the mass, and the input is left alone', "points": 2, "hidden": True,
             "code": r'''
def test_random_calibrations(nearest_class_target):
    import torch
    g = torch.Generator().manual_seed(2)
    for k in (3, 5, 8):
        p = torch.softmax(3 * torch.randn(40, k, generator=g), -1)
        before = p.clone()
        forget = int(p.mean(0).argmax())        # the forgotten class is the most probable one
        q = nearest_class_target(p, forget)
        mean = p.mean(0).clone(); mean[forget] = -1
        expected = torch.zeros(k, dtype=p.dtype); expected[int(mean.argmax())] = 1
        assert torch.equal(q, expected) and torch.equal(p, before)
'''},
        ],
    },
}
