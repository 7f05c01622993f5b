"""Export a QAT model to integers: weight codes packed in bytes, integer activations, exact accumulation.

A fake-quantized layer (OEU Eq. 2) computes ``conv(q_a(x), q_w(W)) + b`` on *real numbers* that lie on
two grids. Every quantizer of the book has a uniform grid: its value is an integer code times a scale
plus an offset,

    x^q = s * k + beta,     k integer in [low, high]  (2^b levels)                     (grid)

so the layer's output splits into integer accumulations and a rescale (the zero-point expansion of
integer runtimes, with real offsets):

    conv(x^q, w^q) = s_a s_w conv(k_a, k_w) + s_a beta_w conv(k_a, 1)
                   + beta_a s_w conv(m, k_w) + beta_a beta_w conv(m, 1)                 (expansion)

where ``m`` is 1 on the input and 0 on the zero padding (the fake-quant model pads its *quantized*
input with zeros, not with ``beta_a``). How each quantizer maps to a grid (``n = 2^b - 1``):

- **LSQ**: ``k = round(clamp(x / s, -Q_N, Q_P))``, signed or unsigned as the quantizer decided,
  ``s = |scale| + 1e-8``, ``beta = 0``.
- **LSQ+**: ``k = round(clamp((x - beta) / s, -Q_N, Q_P))``, ``s = |scale| + 1e-8``; weights signed
  with ``beta = 0``, activations unsigned (``0 .. n``) with ``beta`` the learned offset.
- **PACT** (activations): ``k = round((clamp(x, lo, a) - lo) / s)`` in ``0 .. n``, ``s = (a - lo) / n``,
  ``beta = lo``, where ``a = |alpha| + 1e-8`` is the clipping level and ``lo = -a`` for a signed
  input (0 for a ReLU output).
- **DoReFa** (PACT's weights): ``k = round((w_t + 1) / 2 * n)`` in ``0 .. n`` with
  ``w_t = tanh(w) / max|tanh(w)|``, ``s = 2 / n``, ``beta = -1``.
- **DSQ**: its hard forward pass is the uniform grid (the soft tanh staircase only shapes the
  gradient): ``k = round((clamp(x, l, u) - l) / s)`` in ``0 .. n``, ``s = (u - l) / n``, ``beta = l``,
  with ``l = lower`` and ``u = max(upper, lower + 1e-3)``.

What is integer and what stays float in an :class:`IntegerModel`:

- **weights**: codes only, packed ``8 // b`` per byte for 1, 2 and 4 bits (:func:`pack`), one
  ``int8`` (signed codes) or ``uint8`` (unsigned) per code for 8 bits; their scale and offset are
  two float64 numbers per layer. A weight code is read off the fake-quantized weight the model
  itself uses, ``k = round((q(w) - beta) / s)``, and checked to give ``q(w)`` back.
- **activations**: a quantized layer turns its input into codes with the grid above, in float32
  as the fake-quant model does.
- **accumulation**: the four ``conv``/``linear`` terms of the expansion run in float64 on integer
  codes. Every product and every partial sum is then an integer below ``2^53`` (checked at export:
  ``fan_in * max|k_a| * max|k_w| < 2^53``), and float64 represents such integers exactly, so the
  sums are exact whatever their order: this *is* integer accumulation (torch has no integer
  convolution on the CPU).
- **rescale**: float, in float64 (``s_a s_w`` times the accumulator, plus the offset terms and
  the bias), then cast to float32 for the next float operation. No fixed-point multiplier.
- **float**: biases, BatchNorm, ReLU, residual additions, pooling, and every side of a layer the
  book keeps in full precision (e.g. MobileNetV2 W2's float activations: that layer multiplies
  float inputs by integer weight codes, in float64, so it is not integer accumulation), or a
  layer with no quantizer at all (``first_last_bits=None``: a plain ``nn.Conv2d``/``nn.Linear``).

Equality with the fake-quant model (:func:`agreement` measures it): given the same input, a layer's
activation codes are the fake-quant model's (computed by the same float32 operations, up to the last
bit of the step of LSQ and DSQ, which the fake-quant model passes through ``grad_scale``) and its
output differs only by the fake-quant model's float32 rounding (~1e-7 relative). That rounding moves an activation code only when a value sits
within it of a rounding boundary (a tie); such a flip then changes later codes of that sample. On the
book's default-profile originals (ResNet-18 W4A4 with LSQ+, LSQ, PACT and DSQ; MobileNetV2 W2) all
360 test samples give the same class, the logits agree within 1e-4 on every sample with no flipped
code, and a few samples in a thousand or fewer have one (their first flips lie within 1e-5 of a tie).
"""
from __future__ import annotations

import copy
import io

import torch
import torch.nn.functional as F
from torch import nn

from .layers import QuantConv2d, quantized_layers
from .quantizers import DSQ, LSQ, PACT, DoReFa, LSQPlus, Quantizer

PACKED_BITS = (1, 2, 4, 8)        # bit widths whose codes fill a byte exactly (8 // b codes per byte)
EXACT_LIMIT = 2 ** 53             # float64 holds every integer below this exactly


# ----------------------------------------------------------------------------- packing
def check_packable(bits: int) -> None:
    """Raise a clear error unless codes of ``bits`` bits can be packed into bytes."""
    if bits not in PACKED_BITS:
        raise ValueError(f"no packed storage for {bits}-bit codes: packing needs a bit width that divides a "
                         f"byte, one of {PACKED_BITS}; quantize the weights to one of these widths")


def code_range(bits: int, signed: bool) -> tuple[int, int]:
    """``(low, high)``: the codes of a ``bits``-bit grid, ``-2^(b-1) .. 2^(b-1)-1`` or ``0 .. 2^b-1``."""
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)


def pack(codes: torch.Tensor, bits: int, signed: bool) -> torch.Tensor:
    """Integer ``codes`` -> a flat byte tensor.

    8 bits: one ``int8`` per code (signed) or ``uint8`` (unsigned). 1, 2, 4 bits: the field
    ``k - low`` (in ``0 .. 2^b - 1``) of ``8 // b`` consecutive codes shares a ``uint8``, the first
    code in the lowest bits; the last byte is padded with zero fields.
    """
    check_packable(bits)
    low, high = code_range(bits, signed)
    codes = codes.reshape(-1).to(torch.int64)
    if codes.numel() and (codes.min() < low or codes.max() > high):
        raise ValueError(f"codes outside the {bits}-bit {'signed' if signed else 'unsigned'} range "
                         f"{low}..{high}: got {codes.min().item()}..{codes.max().item()}")
    if bits == 8:
        return codes.to(torch.int8 if signed else torch.uint8)
    per_byte = 8 // bits
    fields = codes - low
    fields = F.pad(fields, (0, -len(fields) % per_byte)).view(-1, per_byte)
    shifts = torch.arange(per_byte) * bits
    return (fields << shifts).sum(1).to(torch.uint8)


def unpack(stored: torch.Tensor, bits: int, signed: bool, count: int) -> torch.Tensor:
    """The inverse of :func:`pack`: the first ``count`` codes, as an int64 tensor."""
    check_packable(bits)
    if bits == 8:
        return stored.to(torch.int64)[:count]
    per_byte = 8 // bits
    shifts = torch.arange(per_byte) * bits
    fields = (stored.to(torch.int64).unsqueeze(1) >> shifts) & (2 ** bits - 1)
    return fields.reshape(-1)[:count] + code_range(bits, signed)[0]


# ----------------------------------------------------------------------------- quantizer -> grid
def lsq_grid(q: LSQ) -> tuple[torch.Tensor, torch.Tensor]:
    """LSQ: ``x^q = s * round(clamp(x / s, -Q_N, Q_P))`` (OEU Eq. 1), ``s = |scale| + 1e-8``, no offset."""
    return q.scale.abs() + 1e-8, torch.zeros_like(q.scale)


def lsq_plus_grid(q: LSQPlus) -> tuple[torch.Tensor, torch.Tensor]:
    """LSQ+: ``x^q = s * round(clamp((x - beta) / s, -Q_N, Q_P)) + beta``; ``beta`` is the learned
    offset (0 for weights), ``s = |scale| + 1e-8``."""
    return q.scale.abs() + 1e-8, q.offset


def pact_grid(q: PACT) -> tuple[torch.Tensor, torch.Tensor]:
    """PACT: ``y = clamp(x, lo, a)``, ``y^q = round((y - lo) / s) * s + lo``, ``s = (a - lo) / (2^b - 1)``,
    ``a = |alpha| + 1e-8``, ``lo = -a`` for a signed input, else 0. Codes ``0 .. 2^b - 1``."""
    a = q.alpha.abs() + 1e-8
    lo = -a if q.signed else torch.zeros_like(a)
    return (a - lo) / (2 ** q.bits - 1), lo


def dorefa_grid(q: DoReFa) -> tuple[torch.Tensor, torch.Tensor]:
    """DoReFa: ``w^q = 2 k / n - 1`` with ``k = round((w_t + 1) / 2 * n)``, ``n = 2^b - 1``: scale ``2 / n``,
    offset -1, codes ``0 .. n``."""
    return torch.tensor(2.0 / (2 ** q.bits - 1)), torch.tensor(-1.0)


def dsq_grid(q: DSQ) -> tuple[torch.Tensor, torch.Tensor]:
    """DSQ's hard forward pass: ``x^q = l + Delta * round((clamp(x, l, u) - l) / Delta)``,
    ``Delta = (u - l) / (2^b - 1)``, ``u = max(upper, lower + 1e-3)``. Codes ``0 .. 2^b - 1``."""
    upper = torch.maximum(q.upper, q.lower + 1e-3)
    return (upper - q.lower) / (2 ** q.bits - 1), q.lower


GRIDS = {LSQ: lsq_grid, LSQPlus: lsq_plus_grid, PACT: pact_grid, DoReFa: dorefa_grid, DSQ: dsq_grid}


def grid_of(quantizer: Quantizer, where: str) -> tuple[float, float, int, int]:
    """``(scale, offset, low, high)`` of ``quantizer``'s grid; ``where`` names it in errors."""
    if not bool(quantizer.enabled):
        raise ValueError(f"{where} is disabled (full precision): enable it with "
                         "set_quantization(model, True) before exporting")
    if not bool(quantizer.initialized):
        raise ValueError(f"{where} is not initialised (its range is set by the first tensor it sees): "
                         "run one forward pass, or train the model, before exporting")
    if type(quantizer) not in GRIDS:
        raise ValueError(f"{where}: no integer export for quantizer {type(quantizer).__name__}; "
                         f"known: {sorted(c.__name__ for c in GRIDS)}")
    with torch.no_grad():       # in float32, as the fake-quant model computes them
        scale, offset = (float(t) for t in GRIDS[type(quantizer)](quantizer))
    signed = quantizer.signed if type(quantizer) in (LSQ, LSQPlus) else False
    return (scale, offset, *code_range(quantizer.bits, signed))


def to_codes(x: torch.Tensor, scale: float, offset: float, low: int, high: int) -> torch.Tensor:
    """``round(clamp((x - beta) / s, low, high))``, the integer codes of ``x`` on a grid (as floats)."""
    return ((x - offset) / scale).clamp(low, high).round()


# ----------------------------------------------------------------------------- integer layers
@torch.no_grad()
def weight_codes(layer, scale: float, offset: float, low: int, high: int, where: str) -> torch.Tensor:
    """The codes of ``layer``'s fake-quantized weight ``q(w)``: ``round((q(w) - beta) / s)``, checked."""
    w_q = layer.effective_weight().double()
    codes = ((w_q - offset) / scale).round()
    error = (codes * scale + offset - w_q).abs().max().item()
    tolerance = 1e-3 * scale + 1e-6 * w_q.abs().max().item()      # float32 rounding of q(w), far below s / 2
    if codes.min() < low or codes.max() > high or error > tolerance:
        raise ValueError(f"{where}: the quantized weight is not on the grid scale={scale:.4g}, "
                         f"offset={offset:.4g}, codes {low}..{high} (error {error:.2g})")
    return codes.to(torch.int64)


class IntegerLayer(nn.Module):
    """One quantized convolution or linear layer with integer weight codes (see the module docstring).

    Buffers: ``packed`` (the weight codes, :func:`pack`), ``weight_scale``, ``weight_offset``,
    ``input_scale``, ``input_offset`` (float64) and ``bias`` (float32 or None). A side kept in full
    precision has no grid: a float input, or a float32 ``weight`` buffer instead of ``packed``.
    """

    def __init__(self, layer, name: str):
        super().__init__()
        self.name = name
        self.kind = "conv" if isinstance(layer, QuantConv2d) else "linear"
        if self.kind == "conv":
            if layer.padding_mode != "zeros":
                raise ValueError(f"{name}: integer export supports zero padding only, got {layer.padding_mode!r}")
            self.stride, self.padding, self.dilation, self.groups = (layer.stride, layer.padding,
                                                                    layer.dilation, layer.groups)
        self.weight_shape = tuple(layer.weight.shape)
        self.register_buffer("bias", None if layer.bias is None else layer.bias.detach().clone())
        self.weight_grid = self._set_weight(layer)
        self.input_grid = self._set_input(layer)
        self._check_exact()

    def _set_weight(self, layer):
        q = layer.weight_quantizer
        if not isinstance(q, Quantizer):                       # full-precision weight
            self.register_buffer("weight", layer.weight.detach().clone())
            return None
        scale, offset, low, high = grid_of(q, f"{self.name}'s weight quantizer")
        check_packable(q.bits)
        codes = weight_codes(layer, scale, offset, low, high, self.name)
        self.register_buffer("packed", pack(codes, q.bits, signed=low < 0))
        self.register_buffer("weight_scale", torch.tensor(scale, dtype=torch.float64))
        self.register_buffer("weight_offset", torch.tensor(offset, dtype=torch.float64))
        return dict(bits=q.bits, low=low, high=high, quantizer=q.name)

    def _set_input(self, layer):
        q = layer.act_quantizer
        if not isinstance(q, Quantizer):                       # full-precision activations
            return None
        scale, offset, low, high = grid_of(q, f"{self.name}'s activation quantizer")
        self.register_buffer("input_scale", torch.tensor(scale, dtype=torch.float64))
        self.register_buffer("input_offset", torch.tensor(offset, dtype=torch.float64))
        return dict(bits=q.bits, low=low, high=high, quantizer=q.name)

    def _check_exact(self):
        """Refuse a layer whose integer sums could exceed 2^53 (never for the book's bit widths)."""
        if self.weight_grid is None or self.input_grid is None:
            return
        fan_in = self.weight_shape[1] * (self.weight_shape[2] * self.weight_shape[3] if self.kind == "conv" else 1)
        a = max(abs(self.input_grid["low"]), self.input_grid["high"])
        w = max(abs(self.weight_grid["low"]), self.weight_grid["high"])
        if fan_in * a * w >= EXACT_LIMIT:
            raise ValueError(f"{self.name}: sums of {fan_in} products of codes up to {a * w} may exceed 2^53, "
                             "beyond float64's exact integers; quantize its activations or weights to fewer bits")

    def codes(self) -> torch.Tensor:
        """The weight codes (int64, the weight's shape), unpacked."""
        if self.weight_grid is None:
            raise ValueError(f"{self.name} keeps its weight in full precision: it has no codes")
        signed = self.weight_grid["low"] < 0
        count = torch.Size(self.weight_shape).numel()
        return unpack(self.packed, self.weight_grid["bits"], signed, count).view(self.weight_shape)

    def accumulate(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """``conv(x, w)`` or ``x @ w^T`` in float64 (exact on integer codes, see the module docstring)."""
        if self.kind == "linear":
            return F.linear(x, w)
        return F.conv2d(x, w, None, self.stride, self.padding, self.dilation, self.groups)

    def weight_side(self):
        """``(k_w, s_w, beta_w)`` in float64: the weight codes and their grid, or the float weight, 1, 0."""
        if self.weight_grid is None:
            return self.weight.double(), 1.0, 0.0
        return self.codes().double(), self.weight_scale, self.weight_offset

    def input_side(self, x: torch.Tensor):
        """``(k_a, s_a, beta_a)`` in float64: the input's codes (computed in ``x``'s float32, as the
        fake-quant model does) and their grid, or the float input, 1, 0."""
        if self.input_grid is None:
            return x.double(), 1.0, 0.0
        codes = to_codes(x, self.input_scale.item(), self.input_offset.item(), self.input_grid["low"],
                         self.input_grid["high"])
        return codes.double(), self.input_scale, self.input_offset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The expansion of the module docstring: exact accumulations, then the float64 rescale."""
        (k_w, s_w, b_w), (k_a, s_a, b_a) = self.weight_side(), self.input_side(x)
        y = s_a * s_w * self.accumulate(k_a, k_w)
        if b_w != 0:
            y = y + s_a * b_w * self.accumulate(k_a, torch.ones_like(k_w))
        if b_a != 0:
            mask = torch.ones_like(k_a[:1])                    # 1 on the input, 0 on the padding
            y = y + b_a * s_w * self.accumulate(mask, k_w)
            if b_w != 0:
                y = y + b_a * b_w * self.accumulate(mask, torch.ones_like(k_w))
        if self.bias is not None:
            y = y + (self.bias.double().view(1, -1, 1, 1) if self.kind == "conv" else self.bias.double())
        return y.to(x.dtype)

    def extra_repr(self) -> str:
        def side(grid, what):
            if grid is None:
                return f"{what}=float"
            return f"{what}={grid['bits']}-bit {grid['quantizer']} codes {grid['low']}..{grid['high']}"
        w = self.weight_grid
        storage = ("float32" if w is None else "int8/uint8" if w["bits"] == 8
                   else f"packed {8 // w['bits']} per byte")
        exact = "exact (float64 on integer codes)" if w and self.input_grid else "float64"
        return (f"{self.kind} {self.weight_shape}, {side(w, 'weights')} ({storage}), "
                f"{side(self.input_grid, 'inputs')}, accumulation {exact}, rescale float64, "
                f"bias={'float' if self.bias is not None else 'none'}")


def float_layer(layer) -> nn.Module:
    """A quantized layer whose two quantizers are the identity, as the plain float layer it computes."""
    if isinstance(layer, QuantConv2d):
        plain = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding,
                          layer.dilation, layer.groups, layer.bias is not None, layer.padding_mode)
    else:
        plain = nn.Linear(layer.in_features, layer.out_features, layer.bias is not None)
    plain.load_state_dict({k: v for k, v in layer.state_dict().items() if k in ("weight", "bias")})
    return plain


# ----------------------------------------------------------------------------- the model
class IntegerModel(nn.Module):
    """A QAT network for inference with integer weights and activations: every quantized layer is an
    :class:`IntegerLayer`; BatchNorm, ReLU, residuals, pooling and biases stay float (float32).

    Built by :func:`export_integer`; always in eval mode (BatchNorm uses its running statistics).
    """

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network.eval()
        for attribute in ("in_channels", "num_classes"):          # what helpers.train.check_compatible reads
            if hasattr(network, attribute):
                setattr(self, attribute, getattr(network, attribute))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x)

    def train(self, mode: bool = True) -> "IntegerModel":
        """Stays in eval mode: an integer model is for inference only."""
        return super().train(False)

    def integer_layers(self) -> dict[str, IntegerLayer]:
        """Name (as in the QAT model) -> integer layer, in forward order."""
        return {n.removeprefix("network."): m for n, m in self.named_modules() if isinstance(m, IntegerLayer)}

    def weight_codes(self) -> dict[str, torch.Tensor]:
        """Name -> the integer weight codes of each layer with a quantized weight."""
        return {n: m.codes() for n, m in self.integer_layers().items() if m.weight_grid is not None}

    def extra_repr(self) -> str:
        layers = self.integer_layers().values()
        bits = sorted({m.weight_grid["bits"] for m in layers if m.weight_grid is not None})
        integer_acc = sum(m.weight_grid is not None and m.input_grid is not None for m in layers)
        return (f"{len(layers)} integer layers (weight bits {bits}; {integer_acc} with integer inputs and exact "
                "integer accumulation), rescale float64; float: BatchNorm, biases, activations functions, "
                "residual additions, pooling and any full-precision layer")


def export_integer(model: nn.Module) -> IntegerModel:
    """The integer form of the QAT ``model`` (left untouched): see the module docstring.

    Raises a ValueError for a model with no quantized layer, a quantizer disabled or never
    initialised (run one forward pass or train first), or weights of a bit width with no packing.
    """
    layers = quantized_layers(model)
    quantizes = [n for n, m in layers.items()
                 if isinstance(m.weight_quantizer, Quantizer) or isinstance(m.act_quantizer, Quantizer)]
    if not quantizes:
        raise ValueError("the model is not quantized (no QuantConv2d/QuantLinear layer with a quantizer): "
                         "build it with helpers.quant.quantize_model or helpers.profiles.build_quantized "
                         "with some bits, and train it, before exporting")
    network = copy.deepcopy(model).eval()
    for name in layers:
        layer = network.get_submodule(name)
        replacement = IntegerLayer(layer, name) if name in quantizes else float_layer(layer)
        parent_name, _, child = name.rpartition(".")
        setattr(network.get_submodule(parent_name) if parent_name else network, child, replacement)
    return IntegerModel(network)


# ----------------------------------------------------------------------------- agreement
def capture_inputs(layers: dict, store: dict) -> list:
    """Forward hooks that record each layer's input under its name; returns the handles."""
    def hook(name):
        def record(module, inputs, output):
            store[name] = inputs[0].detach()
        return record
    return [layer.register_forward_hook(hook(name)) for name, layer in layers.items()]


@torch.no_grad()
def agreement(model: nn.Module, integer_model: IntegerModel, x: torch.Tensor) -> dict:
    """How the integer model's predictions on the batch ``x`` compare with the fake-quant ``model``'s.

    Besides the logits (``max |logit diff|``, ``argmax agree``), it compares the integer activation
    codes each quantized layer computes in the two models: ``flipped codes`` counts those that
    differ, ``flipped samples`` the samples with at least one. A sample's *first* flips (in the first
    layer, in execution order, where its codes differ) have identical codes upstream, so only the
    float32 rounding of the fake-quant model's sums can move them: ``largest first-flip distance`` is
    the largest distance of their fake-quant position ``(x - beta) / s`` from a rounding boundary
    (a half-integer), near 0 when that is so. The later flips follow from the first. On samples with
    no flipped code the logits agree to float32 rounding: ``max |logit diff| unflipped``.
    """
    was_training = model.training
    model.eval()
    ours, theirs = {}, {}
    integer_layers = {n: m for n, m in integer_model.integer_layers().items() if m.input_grid is not None}
    handles = (capture_inputs({n: model.get_submodule(n) for n in integer_layers}, theirs)
               + capture_inputs(integer_layers, ours))
    try:
        expected, got = model(x), integer_model(x)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    flipped = torch.zeros(len(x), dtype=torch.bool)
    flips, codes, distance = 0, 0, 0.0
    for name in theirs:                                        # in the fake-quant model's execution order
        layer = integer_layers[name]
        position = (theirs[name] - layer.input_offset.item()) / layer.input_scale.item()
        low, high = layer.input_grid["low"], layer.input_grid["high"]
        differ = layer.input_side(ours[name])[0] != position.clamp(low, high).round()
        flips, codes = flips + int(differ.sum()), codes + differ.numel()
        first = differ & ~flipped.view(-1, *[1] * (differ.dim() - 1))
        if first.any():
            p = position[first]
            distance = max(distance, (p - p.floor() - 0.5).abs().max().item())
        flipped |= differ.flatten(1).any(1)
    diff = (expected - got).abs().amax(1)
    return {"samples": len(x), "argmax agree": int((expected.argmax(1) == got.argmax(1)).sum()),
            "max |logit diff|": diff.max().item(), "activation codes": codes, "flipped codes": flips,
            "flipped samples": int(flipped.sum()), "largest first-flip distance": distance,
            "max |logit diff| unflipped": diff[~flipped].max().item() if (~flipped).any() else 0.0}


# ----------------------------------------------------------------------------- code flips
def code_flips(a, b) -> dict[str, float]:
    """Layer name -> the share (in [0, 1]) of its integer weight codes that differ between ``a`` and ``b``.

    ``a`` and ``b`` are two exports of the same architecture (:class:`IntegerModel`) or their
    :meth:`IntegerModel.weight_codes`; the layers come in ``a``'s order (the model's). 0 means the two
    models store the same integers in that layer; a small share means that the change between them
    (an unlearning run, say) moved few weights across a rounding boundary of the grid.
    Raises ValueError if the two do not have the same layers with the same shapes.
    """
    a, b = (m.weight_codes() if isinstance(m, IntegerModel) else m for m in (a, b))
    if list(a) != list(b):
        raise ValueError(f"the two models have different quantized layers: {sorted(set(a) ^ set(b)) or 'their order'} "
                         "differ; compare exports of the same architecture and quantization")
    flips = {}
    for name, codes in a.items():
        if codes.shape != b[name].shape:
            raise ValueError(f"{name}: weight codes of shape {tuple(codes.shape)} against {tuple(b[name].shape)}; "
                             "compare exports of the same architecture and width")
        flips[name] = (codes != b[name]).double().mean().item()
    return flips


# ----------------------------------------------------------------------------- size on disk
def disk_size(model: nn.Module) -> int:
    """Bytes of ``torch.save(model.state_dict())``: the model's size on disk."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def size_report(model: nn.Module, integer_model: IntegerModel) -> dict:
    """Sizes on disk in bytes: the QAT model's float ``state_dict``, the integer model, and their ratio."""
    float_bytes, integer_bytes = disk_size(model), disk_size(integer_model)
    return {"float bytes": float_bytes, "integer bytes": integer_bytes, "ratio": float_bytes / integer_bytes}
