"""The table on Ray (helpers.experiments.executors): the serial table, resumed without redoing cells.

The Ray tests run a small default-profile table (one epoch, 1 ratio, FT and GA, 2 seeds) on a local
two-CPU Ray. They are skipped if Ray is not installed (``pip install -e ".[ray]"``; scripts/venv.sh
installs it). The executor's bad-input errors that need no Ray run everywhere.
"""
from __future__ import annotations

import socket

import pandas as pd
import pytest

import helpers.experiments.runner as runner
from helpers.experiments import ResultCache, run_table
from helpers.experiments.__main__ import main
from helpers.experiments.executors import RayExecutor, check_address, get_executor
from helpers.profiles import get_profile

try:
    import ray
except ImportError:
    ray = None
needs_ray = pytest.mark.skipif(ray is None, reason="Ray is not installed: pip install -e '.[ray]' "
                                                   "(scripts/venv.sh installs the ray extra)")

TINY = get_profile("default").with_(name="tiny", epochs=1, retrain_epochs=1,
                                    widths={"resnet18": 0.0625, "mobilenet_v2": 0.125})
TABLE = dict(ratios=(0.1,), methods=("ft", "ga"), hparams={"ft": dict(epochs=1), "ga": dict(epochs=1)},
             progress=False)
CELLS_PER_SEED = 5          # Retrain, Retrain', Original, FT, GA at one ratio


def results(table: pd.DataFrame) -> pd.DataFrame:
    """The table without its wall times (a measurement, not a result)."""
    return table.drop(columns="seconds")


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def serial_table(tmp_path_factory):
    return run_table(TINY, seeds=(1, 2), cache=ResultCache(tmp_path_factory.mktemp("serial")), **TABLE)


@needs_ray
def test_ray_table_is_the_serial_table_and_resumes_without_redoing_cells(local_ray, serial_table, tmp_path,
                                                                        monkeypatch):
    pool = RayExecutor()
    monkeypatch.setattr(runner, "get_executor", lambda name, address=None: pool)
    cache = ResultCache(tmp_path)
    half = run_table(TINY, seeds=(1,), cache=cache, executor="ray", **TABLE)      # an interrupted run
    assert pool.submitted == 1 + CELLS_PER_SEED                                    # seed 1's original, cells
    serial_rows = serial_table.attrs["per_seed"]
    pd.testing.assert_frame_equal(half.attrs["per_seed"],
                                  serial_rows[serial_rows.seed == 1].reset_index(drop=True), check_exact=True)

    full = run_table(TINY, seeds=(1, 2), cache=cache, executor="ray", **TABLE)    # resumed
    assert pool.submitted == 2 * (1 + CELLS_PER_SEED)                              # only seed 2 was computed
    pd.testing.assert_frame_equal(results(full), results(serial_table), check_exact=True)
    pd.testing.assert_frame_equal(full.attrs["per_seed"], serial_rows, check_exact=True)

    again = run_table(TINY, seeds=(1, 2), cache=cache, executor="ray", **TABLE)   # all cached: nothing to do
    assert pool.submitted == 2 * (1 + CELLS_PER_SEED)
    pd.testing.assert_frame_equal(again, full, check_exact=True)


@needs_ray
def test_results_come_back_in_order_and_gpu_cells_need_gpus(local_ray):
    pool = RayExecutor()
    assert pool.map(abs, [-3, 2, -1, 0], progress=False) == [3, 2, 1, 0]
    with pytest.raises(RuntimeError, match="GPU"):                 # the local Ray has none: never wait forever
        pool.map(abs, [-1], progress=False, gpus=1)


def test_unknown_executor_is_a_clear_error(capsys):
    with pytest.raises(ValueError, match="unknown executor 'dask'.*serial.*ray"):
        get_executor("dask")
    with pytest.raises(ValueError, match="unknown executor"):
        run_table(TINY, executor="dask", cache=False)
    with pytest.raises(SystemExit):
        main(["table", "--executor", "dask"])
    assert "invalid choice: 'dask'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="--address.*needs --executor ray"):
        get_executor("serial", address="auto")


def test_malformed_ray_address_is_a_clear_error():
    for address in ("head-node", "http://head:10001", "ray://head"):
        with pytest.raises(ValueError, match="not 'auto', 'ray://HOST:PORT' or 'HOST:PORT'"):
            check_address(address)


@needs_ray
def test_unreachable_ray_address_is_a_clear_error_at_once(tmp_path):
    port = closed_port()
    for address in (f"ray://127.0.0.1:{port}", f"127.0.0.1:{port}"):
        with pytest.raises(RuntimeError, match=f"cannot reach a Ray cluster at '{address}'.*ray start --head"):
            main(["table", "--executor", "ray", "--address", address, "--out", str(tmp_path)])
    assert not list(tmp_path.iterdir())                            # nothing written
