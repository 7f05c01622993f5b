"""Where a table's cells run: one after another in this process (``serial``) or as Ray tasks (``ray``).

Both executors have one method, ``map(function, items, ...)``: the list of
``function(item)`` in the order of ``items``. The serial executor calls it in
a loop; the Ray executor submits one Ray task per item and collects the
results as they finish, so the cells of a table spread over every CPU or GPU
of a Ray cluster (one machine, or many). Each task asks for ``gpus`` GPUs
(one on the paper profile) or one CPU.

A task's result must not depend on which worker runs it: a cell's randomness
comes from its own seed (:mod:`helpers.seeds`), and every task runs with the
driver's torch thread count (1 and 2 threads sum in different orders) and the
driver's code (checked: a worker with other ``helpers`` code would write cache
entries the driver never finds). Ray is imported only when the ``ray``
executor is used (``pip install "unlearning-book[ray]"``).
"""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

import torch

from ..progress import progress_bar
from .cache import code_fingerprint

EXECUTORS = ("serial", "ray")
CONNECT_TIMEOUT = 5.0     # seconds to reach a Ray address before giving up (ray.init itself waits minutes)


class SerialExecutor:
    """Run every item in this process, one after another."""

    parallel = False      # items run in order: a later item may reuse what an earlier one cached

    def map(self, function, items, *, desc: str = "", progress: bool = True, gpus: int = 0) -> list:
        return [function(item) for item in progress_bar(items, desc=desc, enabled=progress)]


def _run_as_driver(function, item, threads: int, fingerprint: str):
    """``function(item)`` inside a Ray worker, with the driver's thread count and code (checked)."""
    if code_fingerprint() != fingerprint:
        raise RuntimeError(f"this Ray worker runs other helpers code (fingerprint {code_fingerprint()}) than "
                           f"the driver ({fingerprint}); install the driver's version of the book on every node "
                           f"of the cluster (pip install -e '.[ray]' from the same commit)")
    torch.set_num_threads(threads)
    return function(item)


def check_address(address: str, timeout: float = CONNECT_TIMEOUT) -> str:
    """``address`` itself if a Ray cluster could listen there; a clear error if not.

    ``"auto"`` (the cluster this machine belongs to) is left to Ray. ``"ray://HOST:PORT"``
    (Ray Client, usually port 10001) and ``"HOST:PORT"`` (the head node's GCS, usually 6379)
    are first tried with a plain TCP connection and ``timeout`` seconds: ``ray.init`` alone
    would retry an unreachable address for minutes.
    """
    if address == "auto":
        return address
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if parts.scheme not in ("ray", "tcp") or not host or port is None:
        raise ValueError(f"Ray address {address!r} is not 'auto', 'ray://HOST:PORT' or 'HOST:PORT'; "
                         f"e.g. --address ray://head-node:10001")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        raise RuntimeError(f"cannot reach a Ray cluster at {address!r} ({error}). Start one there "
                           f"(`ray start --head` on that machine), check the host and port (Ray Client "
                           f"listens on 10001, the head node on 6379), or run without --address to start a "
                           f"local Ray on this machine") from None
    return address


class RayExecutor:
    """Run every item as a Ray task on the cluster at ``address`` (None: a local Ray on this machine).

    ``num_cpus`` limits a local Ray (e.g. 2 in the tests); with an ``address`` the cluster
    decides. An already initialised Ray (``ray.init`` called before) is used as it is.
    ``submitted`` counts the tasks this executor has submitted.
    """

    parallel = True       # items run at the same time: none may count on another's cached work

    def __init__(self, address: str | None = None, num_cpus: int | None = None):
        self.address = None if address is None else check_address(address)
        self.num_cpus = num_cpus
        self.submitted = 0

    def _connect(self):
        import ray

        if ray.is_initialized():
            return ray
        try:
            if self.address is None:
                ray.init(num_cpus=self.num_cpus, include_dashboard=False)
            else:
                ray.init(address=self.address)
        except (ConnectionError, TimeoutError) as error:
            raise RuntimeError(f"could not connect to the Ray cluster at {self.address!r}: {error}. Start one "
                               f"(`ray start --head`) or run without --address for a local Ray") from None
        return ray

    def map(self, function, items, *, desc: str = "", progress: bool = True, gpus: int = 0) -> list:
        items = list(items)
        if not items:
            return []
        ray = self._connect()
        if gpus and ray.cluster_resources().get("GPU", 0) < gpus:
            raise RuntimeError(f"each cell asks for {gpus} GPU, but the Ray cluster has "
                               f"{ray.cluster_resources().get('GPU', 0):g} GPUs: its tasks would wait forever. "
                               f"Add GPU nodes to the cluster, or run the default profile (CPU)")
        task = ray.remote(_run_as_driver).options(num_gpus=gpus, num_cpus=1)
        threads, fingerprint = torch.get_num_threads(), code_fingerprint()
        refs = [task.remote(function, item, threads, fingerprint) for item in items]
        self.submitted += len(refs)
        position = {ref: i for i, ref in enumerate(refs)}
        results, pending = [None] * len(refs), list(refs)
        with progress_bar(None, desc=desc, enabled=progress, total=len(refs)) as bar:
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                for ref in ready:
                    results[position[ref]] = ray.get(ref)
                    bar.update(1)
        return results


def get_executor(name: str = "serial", *, address: str | None = None, num_cpus: int | None = None):
    """The executor called ``name`` (:data:`EXECUTORS`); ``address`` / ``num_cpus`` are Ray's only."""
    if name == "serial":
        if address is not None:
            raise ValueError(f"--address {address!r} needs --executor ray (the serial executor runs here)")
        return SerialExecutor()
    if name == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise ValueError("the ray executor needs Ray: pip install 'unlearning-book[ray]' "
                             "(or pip install 'ray[client]')") from None
        return RayExecutor(address, num_cpus)
    raise ValueError(f"unknown executor {name!r}; choose one of {EXECUTORS}")


__all__ = ["EXECUTORS", "SerialExecutor", "RayExecutor", "get_executor", "check_address"]
