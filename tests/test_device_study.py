"""The device study of chapter 8 (issue 21): chapter 7's VQCs and chapter 8's hybrids read out on a device.

Small, real inputs: untrained models (the study only evaluates), iris, a few bindings per call."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.data.tabular import load_tabular
from helpers.experiments.cache import ResultCache
from helpers.hybrid import device_study as H
from helpers.hybrid import load_hybrid, make_split
from helpers.hybrid.metrics import evaluate, set_probs
from helpers.hybrid.models import hybrid_model
from helpers.quantum import device_study as Q
from helpers.quantum import device as D
from helpers.quantum.device import Device
from helpers.quantum.evaluation import closeness_to_gold
from helpers.quantum.model import init_theta


# --------------------------------------------------------------------------- settings
def test_sweep_is_exact_then_shots_then_noise_and_labels_say_so():
    devices = Q.sweep()
    assert devices[0] == Device() and Q.ideal(devices[0])
    assert [d.shots for d in devices[1:1 + len(Q.SHOTS)]] == list(Q.SHOTS) and not any(d.noisy for d in devices[1:5])
    assert [(d.depolarizing, d.readout) for d in devices[1 + len(Q.SHOTS):]] == list(Q.NOISE)
    assert Q.SHOTS[0] == 64 and Q.SHOTS[-1] == 8192
    devices = (Device(), Device(shots=64), Device(shots=1024, depolarizing=0.005, readout=0.02),
               Device(depolarizing=0.01))
    assert [Q.setting_label(d) for d in devices] == [
        "exact", "64 shots", "1024 shots, p = 0.5 %, r = 2 %", "exact expectations, p = 1 %, r = 0 %"]
    assert not Q.ideal(Device(depolarizing=0.01)) and Q.ideal(Device(seed=3))


def test_each_call_has_its_own_shot_stream_and_the_key_ignores_it():
    d = Device(shots=64)
    assert Q.call_device(d, 1, 0).seed != Q.call_device(d, 1, 1).seed != Q.call_device(d, 2, 0).seed
    assert Q.call_device(d, 1, 0) == Q.call_device(d, 1, 0)
    assert Q.device_key(Q.call_device(d, 1, 0)) == Q.device_key(d) == dict(shots=64, depolarizing=0.0, readout=0.0,
                                                                            backend=None)


# --------------------------------------------------------------------------- chapter 7's measures
def test_scores_from_probabilities():
    y = torch.tensor([0, 1, 2, 2])
    gold = torch.tensor([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1], [0.3, 0.6, 0.1]])
    model = torch.tensor([[0.1, 0.8, 0.1], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.2, 0.2, 0.6]])
    got = Q.scores(torch.stack([model, gold]), y, forget_class=2)
    assert got[0]["forget_recall"] == 1.0 and got[0]["retained_acc"] == 0.0
    assert got[1] == dict(forget_recall=0.0, retained_acc=1.0, mean_kl=0.0)
    renorm = lambda p: p[:, :2] / p[:, :2].sum(-1, keepdim=True)          # noqa: E731
    expected = (renorm(gold[:2]) * (renorm(gold[:2]) / renorm(model[:2])).log()).sum(-1).mean()
    assert got[0]["mean_kl"] == pytest.approx(expected.item())
    with pytest.raises(ValueError, match="samples of the forgotten class 2"):
        Q.scores(torch.stack([model, gold])[:, :2], y[:2], forget_class=2)


def test_exact_rows_are_chapter_7s_closeness_to_gold():
    data = load_tabular("iris", seed=1)
    theta = {"original": init_theta(1), "similarity": init_theta(2), "gold": init_theta(3)}
    rows = {r["model"]: r for r in Q.evaluate_seed({m: t.tolist() for m, t in theta.items()}, data, Device(), 1)}
    for model in ("original", "similarity"):
        ref = closeness_to_gold(theta["gold"], theta[model], data.X_test, data.y_test, 2)
        assert rows[model]["forget_recall"] == pytest.approx(ref["forget_recall"])
        assert rows[model]["mean_kl"] == pytest.approx(ref["mean_kl"])
    assert rows["gold"]["mean_kl"] == 0.0 and rows["gold"]["setting"] == "exact"


def test_a_shot_read_out_is_one_call_for_all_models(monkeypatch):
    data = load_tabular("iris", seed=1)
    theta = {m: init_theta(i).tolist() for i, m in enumerate(("original", "similarity", "gold"))}
    calls = []
    real = D.z_estimates
    monkeypatch.setattr("helpers.quantum.engines.z_estimates",
                        lambda *a, **k: calls.append(a[1].shape) or real(*a, **k))
    rows = Q.evaluate_seed(theta, data, Device(shots=4096), 1)
    assert calls == [(3 * len(data.y_test), 76)]
    exact = {r["model"]: r for r in Q.evaluate_seed(theta, data, Device(), 1)}
    for r in rows:                      # 4,096 shots: the KL moves little (the logits within ~5/64 each)
        assert r["setting"] == "4096 shots" and abs(r["mean_kl"] - exact[r["model"]]["mean_kl"]) < 0.05


def test_study_trains_once_and_reads_the_cache(tmp_path, monkeypatch):
    by_seed = {s: load_tabular("iris", seed=s) for s in (1, 2)}
    trained = []

    def fake_models(data_by_seed, selection_data, forget_class, selection_seed):     # untrained stand-ins
        trained.append(sorted(data_by_seed))
        return {"settings": {"train": {"lr": 0.1}, "unlearn": {"beta": 1.0}},
                "theta": {str(s): {m: init_theta(10 * s + i).tolist() for i, m in enumerate(Q.MODELS)}
                          for s in data_by_seed}}
    monkeypatch.setattr(Q, "chapter_models", fake_models)
    cache = ResultCache(tmp_path)
    devices = [Device(), Device(shots=64)]
    first = Q.study(by_seed, load_tabular("iris", seed=0), devices=devices, cache=cache)
    again = Q.study(by_seed, load_tabular("iris", seed=0), devices=devices, cache=cache)
    assert trained == [[1, 2]]
    assert len(first) == 2 * 2 * len(Q.MODELS) and first.equals(again)
    assert list(dict.fromkeys(first["setting"])) == ["exact", "64 shots"]
    assert first.attrs["settings"] == {"train": {"lr": 0.1}, "unlearn": {"beta": 1.0}}


def test_privacy_row_tells_separated_populations_from_identical_ones():
    rng = np.random.default_rng(0)
    gold = rng.normal(0.0, 1.0, (16, 5))
    same = Q.privacy_row(rng.normal(0.0, 1.0, (16, 5)), gold)
    apart = Q.privacy_row(rng.normal(8.0, 1.0, (16, 5)), gold)
    assert apart["ulira_accuracy"] == 1.0 and apart["F"] == 0.0
    assert same["ulira_accuracy"] < 0.8 and same["F"] > apart["F"]
    assert same["n_examples"] == 5 and len(same["ulira_examples"]) == 5


# --------------------------------------------------------------------------- chapter 8's hybrids
def iris_cell(seed: int = 1):
    data = load_hybrid("iris", seed=seed)
    split = make_split(data, "B", seed=seed)
    models = {name: hybrid_model(3, in_shape=data.in_shape, n_qubits=4, n_layers=2, seed=i).eval()
              for i, name in enumerate(("original", "oracle", "oracle_indep", "ga"))}
    return data, split, models


def test_subsample_is_seeded_sized_and_keeps_the_scenario():
    data, split, _ = iris_cell()
    small, sub = H.subsample(data, split, (5, 7, 9), seed=1)
    again, _ = H.subsample(data, split, (5, 7, 9), seed=1)
    assert torch.equal(small.X_train, again.X_train) and torch.equal(small.X_test, again.X_test)
    assert len(sub.forget_idx) == 5 and len(sub.retain_idx) == 7 and len(small.y_train) == 12
    assert (small.y_train[sub.forget_idx] == 0).all() and (small.y_train[sub.retain_idx] != 0).all()
    assert sorted(small.y_test.unique().tolist()) == [0, 1, 2] and 6 <= len(small.y_test) <= 12
    other, _ = H.subsample(data, split, (5, 7, 9), seed=2)
    assert not torch.equal(small.X_train, other.X_train)
    for bad in ((5, 7), (0, 1, 1), (5, 7, 2.0), (True, 1, 1)):
        with pytest.raises(ValueError, match="three positive integers"):
            H.subsample(data, split, bad)


def test_exact_read_out_gives_the_chapters_scorecard():
    data, split, models = iris_cell()
    rows = {r["method"]: r for r in H.evaluate_models(models, data, split, Device(), 1, {"ga": 4})}
    probs = {ref: set_probs(models[ref], data, split) for ref in ("original", "oracle")}
    for name, model in models.items():
        expected = evaluate(model, probs["original"], probs["oracle"], data, split)
        assert {k: rows[name][k] for k in expected} == pytest.approx(expected)
    assert rows["ga"]["steps"] == 4 and rows["oracle"]["AG"] == 0.0


def test_read_out_is_one_call_and_close_to_exact_at_many_shots(monkeypatch):
    data, split, models = iris_cell()
    sets = {"forget": data.X_train[split.forget_idx][:6], "test": data.X_test[:5]}
    calls = []
    real = H.z_estimates
    monkeypatch.setattr(H, "z_estimates", lambda *a, **k: calls.append(a[1].shape) or real(*a, **k))
    out = H.read_out(models, sets, Device(shots=4096), seed=1)
    assert calls == [(len(models) * 11, 4 + 24)]
    for name, model in models.items():
        for X in sets.values():
            bound = 5 / 64 * model.head.weight.abs().sum(1).max().item()    # |W (z - z_exact)| <= |W|_1 * 5/sqrt(N)
            assert (out[name](X) - model(X).detach()).abs().max().item() < bound
    with pytest.raises(ValueError, match="no logits were read out"):
        out["ga"](data.X_val)


def test_hybrid_study_trains_once_and_reads_the_cache(tmp_path, monkeypatch):
    trained = []

    def fake_models(name, scenario, seeds, budgets, methods):
        trained.append(list(seeds))
        return {s: iris_cell(s) for s in seeds}
    monkeypatch.setattr(H, "chapter_models", fake_models)
    kwargs = dict(methods=("ga",), sizes=(4, 4, 6), devices=[Device(), Device(shots=64)], cache=ResultCache(tmp_path))
    first = H.study("iris", "B", (1, 2), {"ga": 4}, **kwargs)
    again = H.study("iris", "B", (1, 2), {"ga": 4}, **kwargs)
    assert trained == [[1, 2]]
    assert len(first) == 2 * 2 * 4 and first.equals(again)
    assert set(first["setting"]) == {"exact", "64 shots"} and set(first["method"]) == {"original", "oracle",
                                                                                      "oracle_indep", "ga"}
    assert len(first.attrs["reproduced"]) == 2 * 4 and (first.attrs["reproduced"]["setting"] == "exact").all()


def test_chapter_models_need_a_budget_for_every_method():
    with pytest.raises(ValueError, match=r"no budget for \['eu_k'\]"):
        H.chapter_models("iris", "B", (1,), {"ga": 4}, methods=("ga", "eu_k"))


# --------------------------------------------------------------------------- figures
def test_figures_put_the_settings_on_the_x_axis_in_sweep_order():
    import matplotlib
    matplotlib.use("Agg")
    import pandas as pd

    from helpers.plots.device import plot_hybrid_device, plot_privacy_device, plot_vqc_device
    settings = [Q.setting_columns(d) for d in (Device(), Device(shots=64), Device(shots=1024, depolarizing=0.005,
                                                                                   readout=0.02))]
    vqc = pd.DataFrame([dict(seed=s, model=m, forget_recall=0.5, retained_acc=0.9, mean_kl=0.1, **c)
                        for c in settings for s in (1, 2) for m in ("original", "gold")])
    fig = plot_vqc_device(vqc, {"original": "original", "gold": "gold"})
    ax = fig.axes[-1]                                            # the panels share the settings axis
    assert [t.get_text() for t in ax.get_xticklabels()] == ["exact", "64 shots", "1024 shots\np = 0.5 %\nr = 2 %"]
    assert len(ax.containers) == 2 and len(ax.lines) >= 3       # two error-bar series, the sweep divider
    hybrid = pd.DataFrame([dict(seed=s, method=m, AG=0.1, KL_test=0.2, MIA_AUC=0.6, **c) for c in settings
                           for s in (1, 2) for m in ("original", "oracle", "oracle_indep", "ga")])
    left, middle, right, slot = plot_hybrid_device(hybrid, {"ga": "GA"}, {"original": "grey"}).axes
    assert not slot.axison                                          # the legend's cell draws no axes
    assert len(left.containers) == len(middle.containers) == 3      # the oracle's own AG and KL (0) are left out
    assert [c.has_yerr for c in left.containers] == [True, False, False]     # error bars on the highlighted rows
    assert len(right.containers) == 2
    privacy = pd.DataFrame([dict(population=p, ulira_accuracy=0.7, ulira_sd=0.1, **c) for c in settings[:2]
                            for p in ("original", "gold_indep")])
    assert len(plot_privacy_device(privacy, {"original": "o", "gold_indep": "g"}).axes[0].containers) == 2


def test_every_hybrid_method_has_its_own_style_and_marker_and_the_legends_sit_outside_the_axes():
    import matplotlib
    matplotlib.use("Agg")
    import pandas as pd
    from matplotlib.colors import to_rgba

    from helpers.hybrid.experiment import LABELS, METHOD_ORDER, REFERENCES
    from helpers.plots.device import plot_hybrid_device, plot_vqc_device
    settings = [Q.setting_columns(d) for d in (Device(), Device(shots=64))]
    hybrid = pd.DataFrame([dict(seed=s, method=m, AG=0.1, KL_test=0.2, MIA_AUC=0.6, **c) for c in settings
                           for s in (1, 2) for m in (*REFERENCES, *METHOD_ORDER)])
    fig = plot_hybrid_device(hybrid, LABELS, {"original": "grey", "oracle_indep": "C1"})
    left, middle, right, slot = fig.axes
    lines = [c.lines[0] for c in left.containers]          # one error-bar container per row but the oracle
    assert len(lines) == len(METHOD_ORDER) + 2
    styles = [(to_rgba(line.get_color()), line.get_linestyle()) for line in lines]
    assert len(set(styles)) == len(styles)                  # 12 methods + doing nothing + the second oracle
    colours = [colour for colour, _ in styles]
    assert colours[:2] == [to_rgba("grey"), to_rgba("C1")]   # the highlighted rows come first (results' order)
    methods = lines[2:]
    assert not {to_rgba("grey"), to_rgba("C1"), to_rgba("C7")} & set(colours[2:])   # reference hues reserved
    assert len({line.get_marker() for line in methods}) == len(METHOD_ORDER)
    for i, a in enumerate(methods):                          # a shared colour always comes with another marker
        for b in methods[i + 1:]:                            # and another line style
            if to_rgba(a.get_color()) == to_rgba(b.get_color()):
                assert a.get_linestyle() != b.get_linestyle() and a.get_marker() != b.get_marker()
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1
    assert len(fig.legends[0].get_texts()) == len(METHOD_ORDER) + 4      # + the oracle and chance of the right panel
    vqc = pd.DataFrame([dict(seed=s, model=m, forget_recall=0.5, retained_acc=0.9, mean_kl=0.1, **c)
                        for c in settings for s in (1, 2) for m in ("original", "gold_indep")])
    fig = plot_vqc_device(vqc, {"original": "original", "gold_indep": "Gold′"})
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1


def test_population_privacy_reads_every_population_in_one_call_per_setting(tmp_path, monkeypatch):
    data = load_tabular("iris", seed=1)
    g = torch.Generator().manual_seed(0)
    base = torch.randn(72, generator=g, dtype=torch.float64) * 0.5
    far = torch.randn(72, generator=g, dtype=torch.float64)
    pops = {"gold": base + 0.01 * torch.randn(4, 72, generator=g, dtype=torch.float64),
            "gold_indep": base + 0.01 * torch.randn(4, 72, generator=g, dtype=torch.float64),
            "original": far + 0.01 * torch.randn(4, 72, generator=g, dtype=torch.float64),
            "similarity": base + 0.01 * torch.randn(4, 72, generator=g, dtype=torch.float64)}
    monkeypatch.setattr(Q, "populations", lambda *a, **k: {n: (t, 1.0) for n, t in pops.items()})
    calls = []
    real = D.z_estimates
    monkeypatch.setattr("helpers.quantum.engines.z_estimates",
                        lambda *a, **k: calls.append(a[1].shape) or real(*a, **k))
    table = Q.population_privacy(data, n_models=4, devices=[Device(), Device(shots=256)], cache=ResultCache(tmp_path))
    n_forget = int((data.y_train == 2).sum())
    assert calls == [(4 * 4 * n_forget, 76)]                      # the shot setting: one call, four populations
    assert list(table["population"]) == list(Q.PRIVACY_POPULATIONS) * 2
    exact = table[table["setting"] == "exact"].set_index("population")
    assert exact.loc["original", "ulira_accuracy"] > 0.9 > exact.loc["gold_indep", "ulira_accuracy"]
    assert len(exact.loc["original", "ulira_examples"]) == n_forget


def _texts(fig):
    """Every visible text of a drawn figure: titles, labels, tick labels, legend entries."""
    fig.canvas.draw()
    return [t for t in fig.findobj(lambda o: hasattr(o, "get_fontsize") and hasattr(o, "get_text"))
            if t.get_visible() and t.get_text().strip()]


def _device_figures():
    import matplotlib
    matplotlib.use("Agg")
    import pandas as pd

    from helpers.hybrid.experiment import LABELS, METHOD_ORDER, REFERENCES
    from helpers.plots.device import plot_hybrid_device, plot_privacy_device, plot_vqc_device
    settings = [Q.setting_columns(d) for d in (Device(), *(Device(shots=n) for n in (64, 256, 1024, 8192)),
                                               Device(shots=1024, depolarizing=0.001, readout=0.01),
                                               Device(shots=1024, depolarizing=0.005, readout=0.02),
                                               Device(shots=1024, depolarizing=0.02, readout=0.05))]
    hybrid = pd.DataFrame([dict(seed=s, method=m, AG=0.1 + 0.01 * s, KL_test=0.2, MIA_AUC=0.6, **c)
                           for c in settings[:5] for s in (1, 2) for m in (*REFERENCES, *METHOD_ORDER)])
    vqc = pd.DataFrame([dict(seed=s, model=m, forget_recall=0.5, retained_acc=0.9, mean_kl=0.1, **c)
                        for c in settings for s in (1, 2) for m in ("original", "similarity", "gold_indep", "gold")])
    privacy = pd.DataFrame([dict(population=p, ulira_accuracy=0.7, ulira_sd=0.1, **c) for c in settings[:4]
                            for p in ("original", "similarity", "gold_indep")])
    return {"hybrid": plot_hybrid_device(hybrid, LABELS, {"original": "grey", "oracle_indep": "C1"}),
            "vqc": plot_vqc_device(vqc, {"original": "o", "similarity": "DG", "gold_indep": "Gold′", "gold": "g"}),
            "privacy": plot_privacy_device(privacy, {"original": "o", "similarity": "DG", "gold_indep": "Gold′"})}


def test_device_figures_are_readable_at_page_width():
    """At most 11 in wide (the text column shows them at ~80 %), no text below 9 pt, tick labels upright, no two
    tick labels of an axis overlapping, and every legend clear of every data axis."""
    for name, fig in _device_figures().items():
        assert fig.get_figwidth() <= 11, name
        texts = _texts(fig)
        assert texts and min(t.get_fontsize() for t in texts) >= 9, name
        renderer = fig.canvas.get_renderer()
        data_axes = [ax for ax in fig.axes if ax.axison]
        for ax in data_axes:
            ticks = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
            assert all(t.get_rotation() == 0 for t in ticks), name
            boxes = [t.get_window_extent(renderer) for t in ticks]
            assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), name
        assert len(fig.legends) == 1 and all(ax.get_legend() is None for ax in fig.axes), name
        legend = fig.legends[0].get_window_extent(renderer)
        assert not any(legend.overlaps(ax.get_window_extent(renderer)) for ax in data_axes), name
        assert min(t.get_fontsize() for t in fig.legends[0].get_texts()) >= 9, name
