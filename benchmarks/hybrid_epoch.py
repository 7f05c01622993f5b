"""One training epoch of the hybrid digits model: batched statevector engine vs the study's per-sample loop.

    python -m benchmarks.hybrid_epoch                      # digits, 8 qubits, 2 layers, batch 64
    python -m benchmarks.hybrid_epoch --loop-batches 2     # time the slow path on more batches

Both paths train the same model (CNN front end -> 8-qubit circuit -> linear head) with the
same Adam step on the same batches; they differ only in how the quantum layer is simulated:

- **batched**: :class:`helpers.hybrid.QuantumLayer`, the whole batch at once;
- **per-sample loop**: :func:`helpers.quantum.reference.expectations` on the circuit's gate list,
  one sample and one gate at a time, as the study's public code did
  (``torch.stack([q_layer(s) for s in angles])`` with PennyLane's simulator applying each gate
  separately).

The batched epoch is timed in full. The per-sample epoch would take minutes, so it is timed
on ``--loop-batches`` batches and **extrapolated** linearly to the epoch's number of batches
(the loop's cost is proportional to the number of samples). Target (issue 6): ratio >= 100.
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

from helpers.hybrid import RECIPES, load_hybrid
from helpers.hybrid.circuit import gates
from helpers.hybrid.models import hybrid_model
from helpers.quantum import reference

TARGET_RATIO = 100


class PerSampleQuantum(nn.Module):
    """The same circuit and weights, simulated sample by sample, gate by gate (in float64,
    returned in the dtype of the angles)."""

    def __init__(self, weights: nn.Parameter):
        super().__init__()
        self.weights = weights

    def forward(self, angles):
        n, L = self.weights.shape[2], self.weights.shape[0]
        return reference.expectations(gates(n, L), n, range(n), self.weights.reshape(-1), angles).to(angles.dtype)


def epoch_seconds(model, X, y, batch_size: int, max_batches: int | None = None) -> tuple[float, int]:
    """Seconds for ``max_batches`` (default all) Adam steps over shuffled batches, and the batches done."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    batches = torch.randperm(len(X), generator=torch.Generator().manual_seed(0)).split(batch_size)
    batches = batches[:max_batches] if max_batches else batches
    start = time.perf_counter()
    for idx in batches:
        loss = F.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, len(batches)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--batch-size", type=int, default=RECIPES["digits"]["batch_size"])
    parser.add_argument("--loop-batches", type=int, default=1, help="batches timed on the per-sample path")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load_hybrid("digits")
    recipe = RECIPES["digits"]
    model = hybrid_model(10, in_shape=data.in_shape, n_qubits=recipe["n_qubits"], n_layers=recipe["n_layers"])
    n_batches = -(-len(data.y_train) // args.batch_size)
    print(f"hybrid digits model: {len(data.y_train)} training images, batch {args.batch_size} "
          f"({n_batches} batches per epoch), {recipe['n_qubits']} qubits, {recipe['n_layers']} layers, "
          f"{args.threads} thread(s)")
    epoch_seconds(model, data.X_train, data.y_train, args.batch_size, 2)            # warm-up
    batched, _ = epoch_seconds(model, data.X_train, data.y_train, args.batch_size)
    print(f"batched engine:   {batched:8.2f} s per epoch (measured)")
    model.quantum = PerSampleQuantum(model.quantum.weights)
    loop, done = epoch_seconds(model, data.X_train, data.y_train, args.batch_size, args.loop_batches)
    loop_epoch = loop / done * n_batches
    print(f"per-sample loop:  {loop_epoch:8.2f} s per epoch (extrapolated from {done} batch(es), {loop:.2f} s)")
    ratio = loop_epoch / batched
    print(f"ratio per-sample / batched: {ratio:.0f}x (target >= {TARGET_RATIO}x): "
          f"{'OK' if ratio >= TARGET_RATIO else 'BELOW TARGET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
