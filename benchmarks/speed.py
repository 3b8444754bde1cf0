"""Samples per second of one training epoch, three ways, for the MLP and the conv autoencoder.

(a) the usual tutorial loop: torchvision's MNIST dataset with ToTensor through a DataLoader,
    with torch's default thread count;
(b) a bare loop over batches sliced from one preloaded tensor, at the best thread count (tried
    from 1 to the usable cores, or to $AEUTILS_THREADS if set), with the optimizer fit uses, so
    that (c)/(b) measures what fit adds;
(c) aeutils.fit, with the thread count aeutils picks.

Each is timed over whole epochs (best of `repeats`) on the same images in one process; (b) and (c)
alternate, so that a slow spell of the machine hits both alike. Everything is measured twice:
alone, and beside a second process that keeps one core busy.
Targets (alone, on an idle machine): (c) >= 0.95 x (b) and (c) >= 3 x (a).

The limit: torch counts the floating-point operations of one training step (forward and
backward), so samples/s become GFLOP/s, compared with the machine's peak measured in the same run
(a large matmul, and for the conv model each of its convolutions alone, at their shapes). Three
ways to go faster are timed with the bare loop, as options rather than defaults, because each
changes the numbers the book reports: bf16 autocast, channels-last memory (conv) and batch 256.
An epoch is the whole training set for the MLP and its first 10,000 images for the conv AE;
$BENCH_SPEED_IMAGES caps it (the size used is recorded with the results).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

import torch

DEFAULT_THREADS = torch.get_num_threads()  # read before aeutils.setup changes it

import aeutils  # noqa: E402
from aeutils.data import batches, resolve_data_root  # noqa: E402

from .common import (  # noqa: E402
    SEED,
    Check,
    Outcome,
    best_seconds,
    load_average,
    matmul_peak,
)

BATCH = 128
IMAGES_ENV = "BENCH_SPEED_IMAGES"  # fewer images per timed epoch (e.g. on a loaded machine)
MODELS: dict[str, tuple[str, Callable[[], torch.nn.Module]]] = {
    "mlp": (
        "MLPAutoencoder((784, 256, 128, 64))",
        lambda: aeutils.MLPAutoencoder(widths=(784, 256, 128, 64)),
    ),
    "conv": ("ConvAutoencoder(16, channels=(32, 64))", lambda: aeutils.ConvAutoencoder(16)),
}


def fresh(make: Callable[[], torch.nn.Module]) -> torch.nn.Module:
    torch.manual_seed(SEED)
    return make()


def tutorial_epoch(make, root: str, n: int) -> float:
    from torch.utils.data import DataLoader, Subset
    from torchvision import datasets, transforms

    dataset = datasets.MNIST(root, train=True, download=False, transform=transforms.ToTensor())
    loader = DataLoader(Subset(dataset, range(n)), batch_size=BATCH, shuffle=True)
    model = fresh(make)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # as tutorials write it
    model.train()
    start = time.perf_counter()
    for x, _ in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), x)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def bare_epoch(make, x: torch.Tensor) -> float:
    model = fresh(make)
    optimizer = aeutils.train.adam(model.parameters(), lr=1e-3)  # the optimizer fit uses
    model.train()
    generator = torch.Generator().manual_seed(SEED)
    start = time.perf_counter()
    for b in batches(x, BATCH, shuffle=True, generator=generator):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(b), b)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def variant_epoch(make, x: torch.Tensor, bf16=False, channels_last=False, batch=BATCH) -> float:
    """The bare loop with one way to go faster switched on. bf16 autocast runs the encoder and
    decoder directly: the models' own forward accepts float32 codes only."""
    from torch.nn.functional import mse_loss

    model = fresh(make)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=layout)
    optimizer = aeutils.train.adam(model.parameters(), lr=1e-3)
    model.train()
    flat = isinstance(model, aeutils.MLPAutoencoder)
    generator = torch.Generator().manual_seed(SEED)
    start = time.perf_counter()
    for b in batches(x, batch, shuffle=True, generator=generator):
        b = b.contiguous(memory_format=layout)
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model.decoder(model.encoder(b.flatten(1) if flat else b))
        loss = mse_loss(out.float().view_as(b), b)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def step_flops(module: torch.nn.Module, inputs: torch.Tensor) -> float:
    """Floating-point operations of one forward and backward pass, as torch counts them."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        module(inputs).float().pow(2).mean().backward()
    return float(counter.get_total_flops())


def conv_peaks(make, x: torch.Tensor) -> dict[str, float]:
    """GFLOP/s of each convolution of the model alone (forward and backward) at its shapes."""
    model, shapes = fresh(make), []
    kinds = (torch.nn.Conv2d, torch.nn.ConvTranspose2d)
    layers = [m for m in model.modules() if isinstance(m, kinds)]

    def record(layer, inputs, output):
        shapes.append((layer, inputs[0].shape))

    hooks = [layer.register_forward_hook(record) for layer in layers]
    model(x[:BATCH])
    for hook in hooks:
        hook.remove()
    peaks = {}
    for layer, shape in shapes:
        inputs = torch.rand(shape, requires_grad=True)
        flops = step_flops(layer, inputs)
        seconds = best_seconds(lambda layer=layer, inputs=inputs: step_flops(layer, inputs))
        peaks[f"{layer} on {tuple(shape)}"] = flops / seconds / 1e9
    return peaks


def limit(make, x: torch.Tensor, measured: dict, repeats: int, conv: bool) -> dict:
    """Achieved GFLOP/s of (b) and (c) against the measured peak; the three options' speed."""
    torch.set_num_threads(measured["c_threads"])
    flops = step_flops(fresh(make), x[:BATCH]) / BATCH
    peak = {"matmul 2048": matmul_peak()}
    if conv:
        peak |= conv_peaks(make, x)
    best = max(peak.values())
    n = len(x)
    options = {
        "bf16 autocast": dict(bf16=True),
        "batch 256": dict(batch=256),
        **({"channels-last": dict(channels_last=True)} if conv else {}),
    }
    speeds = {"float32 (b)": n / min(variant_epoch(make, x) for _ in range(repeats))}
    for name, kwargs in options.items():
        speeds[name] = n / min(variant_epoch(make, x, **kwargs) for _ in range(repeats))
    result = {
        "flops_per_sample": flops,
        "peak_gflops": peak,
        "peak_best_gflops": best,
        "b_gflops": measured["b_samples_per_s"] * flops / 1e9,
        "c_gflops": measured["c_samples_per_s"] * flops / 1e9,
        "options_samples_per_s": speeds,
    }
    result["c_fraction_of_peak"] = result["c_gflops"] / best
    for name, value in peak.items():
        print(f"  peak: {name}: {value:,.1f} GFLOP/s", flush=True)
    print(
        f"  {flops / 1e6:.2f} MFLOP per sample per step; (c) fit {result['c_gflops']:,.1f}"
        f" GFLOP/s = {result['c_fraction_of_peak']:.0%} of the best peak",
        flush=True,
    )
    for name, value in speeds.items():
        print(f"  option {name:<14} {value:>9,.0f} samples/s", flush=True)
    return result


def fit_epoch(make, x: torch.Tensor) -> float:
    return aeutils.fit(fresh(make), x, epochs=1, batch_size=BATCH, progress=False).seconds


def thread_counts() -> list[int]:
    """1 .. the usable cores, capped by $AEUTILS_THREADS when it is set (shared machines)."""
    top = aeutils.runtime.available_cpus()
    if os.environ.get(aeutils.runtime.THREADS_ENV):
        top = min(top, aeutils.pick_threads())
    return list(range(1, top + 1))


def measure(make, x: torch.Tensor, repeats: int, label: str) -> dict:
    """Samples per second of (a), (b) and (c) on the images `x` (best of `repeats` epochs)."""
    root, n = str(resolve_data_root()), len(x)
    before = torch.get_num_threads()
    torch.set_num_threads(DEFAULT_THREADS)
    a = n / min(tutorial_epoch(make, root, n) for _ in range(repeats))
    print(
        f"  {label} (a) tutorial loop, {DEFAULT_THREADS} thread(s): {a:>9,.0f} samples/s",
        flush=True,
    )
    bare = {}
    for threads in thread_counts():
        torch.set_num_threads(threads)
        bare[threads] = n / min(bare_epoch(make, x) for _ in range(repeats))
        print(
            f"  {label}     bare loop, {threads} thread(s): {bare[threads]:>9,.0f} samples/s",
            flush=True,
        )
    b_threads, c_threads = max(bare, key=bare.get), aeutils.pick_threads()
    b_times, c_times = [], []
    for _ in range(repeats):
        torch.set_num_threads(b_threads)
        b_times.append(bare_epoch(make, x))
        torch.set_num_threads(c_threads)
        c_times.append(fit_epoch(make, x))
    b, c = n / min(b_times), n / min(c_times)
    torch.set_num_threads(before)
    print(
        f"  {label} (b) bare loop at {b_threads} thread(s): {b:>9,.0f} samples/s;"
        f" (c) fit at {c_threads}: {c:>9,.0f} samples/s; (c)/(b) {c / b:.2f}, (c)/(a) {c / a:.2f}",
        flush=True,
    )
    return {
        "a_samples_per_s": a,
        "a_threads": DEFAULT_THREADS,
        "b_samples_per_s": b,
        "b_threads": b_threads,
        "c_samples_per_s": c,
        "c_threads": c_threads,
        "bare_by_threads": {str(k): v for k, v in bare.items()},
        "c_over_b": c / b,
        "c_over_a": c / a,
        "load_average": load_average(),
    }


def busy_process() -> subprocess.Popen:
    """A second process keeping one core busy (a pure-Python loop), until it is terminated."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def speed(model: str, quick: bool) -> Outcome:
    text, make = MODELS[model]
    n = 512 if quick else (60000 if model == "mlp" else 10000)
    n = min(n, int(os.environ.get(IMAGES_ENV) or n))
    repeats = 1 if quick else 3
    x = aeutils.load_mnist(train=True).x[:n]
    n = len(x)  # a smaller copy of MNIST holds fewer images than asked for
    print(f"  one epoch = {n:,} MNIST training images, batch {BATCH}, Adam; best of {repeats}")
    alone = measure(make, x, repeats, "alone")
    alone["limit"] = limit(make, x, alone, repeats, conv=model == "conv")
    busy = busy_process()
    try:
        time.sleep(1.0)
        beside = measure(make, x, repeats, "busy ")
    finally:
        busy.terminate()
        busy.wait()
    checks = [
        Check(
            f"{model.upper()}: (c) fit / (b) bare loop",
            alone["c_over_b"],
            0.95,
            ">=",
            "×",
            "",
            [],
            f"(c) {alone['c_samples_per_s']:,.0f} vs (b) {alone['b_samples_per_s']:,.0f} samples/s",
        ),
        Check(
            f"{model.upper()}: (c) fit / (a) tutorial loop",
            alone["c_over_a"],
            3.0,
            ">=",
            "×",
            "",
            [],
            f"(c) {alone['c_samples_per_s']:,.0f} vs (a) {alone['a_samples_per_s']:,.0f} samples/s",
        ),
    ]
    return Outcome(
        f"Training speed of one epoch: {text}",
        "speed",
        checks,
        {"alone": alone, "busy": beside},
        {
            "model": text,
            "batch_size": BATCH,
            "repeats": repeats,
            "thread_counts_tried": thread_counts(),
            "torch_default_threads": DEFAULT_THREADS,
            "busy_process": "python -c 'while True: pass' (one core)",
        },
        {"train_epoch": n},
    )


def speed_mlp(quick: bool) -> Outcome:
    """Epoch speed of the 784-256-128-64 MLP: tutorial loop vs bare loop vs fit."""
    return speed("mlp", quick)


def speed_conv(quick: bool) -> Outcome:
    """Epoch speed of the conv AE: tutorial loop vs bare loop vs fit."""
    return speed("conv", quick)


BENCHMARKS = {"speed_mlp": speed_mlp, "speed_conv": speed_conv}
