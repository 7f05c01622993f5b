"""CIFAR-style ResNet-18 and MobileNetV2 with a width multiplier.

"CIFAR-style" means the stem keeps the resolution (a 3x3 convolution with
stride 1, no max-pool), so the same networks take 32x32 CIFAR images and the
8x8 digits of the default profile: the spatial size only has to survive the
strided stages (8 -> 8 -> 4 -> 2 -> 1 for ResNet-18), and a global average
pool makes the classifier independent of it.

``width`` scales every channel count: ``width=1.0`` is the paper's network
(11.2 M parameters for ResNet-18), ``width=0.25`` the book's CPU default.
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import nn

ARCHITECTURES = ("resnet18", "mobilenet_v2")


def _channels(c: int, width: float) -> int:
    return max(4, int(round(c * width)))


def _check_args(num_classes, in_channels, width):
    if not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
    if not isinstance(in_channels, int) or in_channels < 1:
        raise ValueError(f"in_channels must be a positive integer, got {in_channels!r}")
    if not width > 0:
        raise ValueError(f"width must be positive, got {width!r}")


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a residual connection (He et al., 2016)."""

    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = nn.Sequential()
        if stride != 1 or c_in != c_out:   # 1x1 projection when the shape changes
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18(nn.Module):
    """ResNet-18 for small images: stem, 4 stages of 2 BasicBlocks, global pool, linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: float = 1.0):
        super().__init__()
        _check_args(num_classes, in_channels, width)
        self.in_channels, self.num_classes, self.width = in_channels, num_classes, width
        c = [_channels(n, width) for n in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(in_channels, c[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c[0])
        stages, c_in = [], c[0]
        for c_out, stride in zip(c, (1, 2, 2, 2)):
            stages.append(nn.Sequential(BasicBlock(c_in, c_out, stride), BasicBlock(c_out, c_out, 1)))
            c_in = c_out
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.fc = nn.Linear(c[3], num_classes)

    def forward(self, x):                                    # x: (B, C, H, W)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)        # (B, c[3])
        return self.fc(out)                                   # (B, num_classes) logits


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand, 3x3 depthwise, 1x1 linear projection (Sandler et al., 2018)."""

    def __init__(self, c_in: int, c_out: int, stride: int, expand: int):
        super().__init__()
        hidden = c_in * expand
        self.use_residual = stride == 1 and c_in == c_out
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(c_in, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
                   nn.BatchNorm2d(hidden), nn.ReLU6(),
                   nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out)]
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        out = self.block(x)
        return x + out if self.use_residual else out


class MobileNetV2(nn.Module):
    """MobileNetV2 for small images (stride-1 stem, the first two strides removed)."""

    # (expansion t, channels c, repeats n, stride s) as in the paper's Table 2, CIFAR strides
    CONFIG = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 4, 2),
              (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: float = 1.0):
        super().__init__()
        _check_args(num_classes, in_channels, width)
        self.in_channels, self.num_classes, self.width = in_channels, num_classes, width
        c_in = _channels(32, width)
        layers = [nn.Conv2d(in_channels, c_in, 3, 1, 1, bias=False), nn.BatchNorm2d(c_in), nn.ReLU6()]
        for t, c, n, s in self.CONFIG:
            c_out = _channels(c, width)
            for i in range(n):
                layers.append(InvertedResidual(c_in, c_out, s if i == 0 else 1, t))
                c_in = c_out
        c_last = _channels(1280, width)
        layers += [nn.Conv2d(c_in, c_last, 1, bias=False), nn.BatchNorm2d(c_last), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c_last, num_classes)

    def forward(self, x):                                    # x: (B, C, H, W)
        out = F.adaptive_avg_pool2d(self.features(x), 1).flatten(1)
        return self.classifier(out)                          # (B, num_classes) logits


def resnet18(num_classes: int = 10, in_channels: int = 3, width: float = 1.0) -> ResNet18:
    """CIFAR-style ResNet-18. ``width=1.0`` has 11.2 M parameters."""
    return ResNet18(num_classes, in_channels, width)


def mobilenet_v2(num_classes: int = 10, in_channels: int = 3, width: float = 1.0) -> MobileNetV2:
    """CIFAR-style MobileNetV2. ``width=1.0`` has 2.2 M parameters."""
    return MobileNetV2(num_classes, in_channels, width)


def build_model(arch: str, num_classes: int, in_channels: int, width: float = 1.0) -> nn.Module:
    """``resnet18`` or ``mobilenet_v2`` by name."""
    builders = {"resnet18": resnet18, "mobilenet_v2": mobilenet_v2}
    if arch not in builders:
        raise ValueError(f"unknown model {arch!r}; choose one of {ARCHITECTURES}")
    return builders[arch](num_classes, in_channels, width)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
