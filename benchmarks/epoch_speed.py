"""Samples per second of one training epoch of the 784-256-128-64 MLP autoencoder, three ways.

(a) the usual tutorial loop: torchvision's MNIST dataset with ToTensor through a DataLoader,
    with torch's default thread count;
(b) a bare loop over batches sliced from one preloaded tensor, at the best thread count,
    with the same optimizer as fit (so (c)/(b) measures what fit adds);
(c) aeutils.fit, with the thread count aeutils.setup picks.

Each is timed over whole epochs (best of --repeats) on the same data, in one process; (b) and (c)
alternate.
Targets: (c) >= 0.95 x (b) and (c) >= 3 x (a).
Usage: python benchmarks/epoch_speed.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import torch

DEFAULT_THREADS = torch.get_num_threads()  # read before anything changes it

import aeutils  # noqa: E402
from aeutils.data import batches, resolve_data_root  # noqa: E402

BATCH = 128


def fresh_model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return aeutils.MLPAutoencoder(widths=(784, 256, 128, 64))


def tutorial_epoch(root: str) -> tuple[float, int]:
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    dataset = datasets.MNIST(root, train=True, download=False, transform=transforms.ToTensor())
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True)
    model = fresh_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # as tutorials write it
    model.train()
    start = time.perf_counter()
    for x, _ in loader:
        x = x.view(len(x), -1)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), x)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start, len(dataset)


def bare_epoch(x: torch.Tensor) -> float:
    model = fresh_model()
    optimizer = aeutils.train.adam(model.parameters(), lr=1e-3)  # the optimizer fit uses
    model.train()
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for b in batches(x, BATCH, shuffle=True, generator=generator):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(b), b)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def fit_epoch(x: torch.Tensor) -> float:
    return aeutils.fit(fresh_model(), x, epochs=1, batch_size=BATCH, progress=False).seconds


def best_of(repeats: int, run) -> float:
    return min(run() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="epochs per loop; the best counts")
    args = parser.parse_args()
    root = str(resolve_data_root())
    x = aeutils.load_mnist(train=True, root=root).x.flatten(1)
    n = len(x)
    print(f"one epoch = {n:,} MNIST training images, batch {BATCH}, Adam; best of {args.repeats}")

    torch.set_num_threads(DEFAULT_THREADS)
    seconds, _ = min(tutorial_epoch(root) for _ in range(args.repeats))
    a = n / seconds
    print(
        f"(a) tutorial DataLoader + ToTensor, {DEFAULT_THREADS} thread(s) (torch default):"
        f" {a:>8,.0f} samples/s"
    )

    speeds = {}
    for threads in range(1, aeutils.runtime.available_cpus() + 1):
        torch.set_num_threads(threads)
        speeds[threads] = n / best_of(args.repeats, lambda: bare_epoch(x))
        print(f"    bare loop, {threads} thread(s): {speeds[threads]:>8,.0f} samples/s")
    b_threads = max(speeds, key=speeds.get)
    c_threads = aeutils.pick_threads()

    # (b) and (c) alternate, so that a slow spell of the machine hits both alike.
    b_times, c_times = [], []
    for _ in range(args.repeats):
        torch.set_num_threads(b_threads)
        b_times.append(bare_epoch(x))
        torch.set_num_threads(c_threads)
        c_times.append(fit_epoch(x))
    b, c = n / min(b_times), n / min(c_times)
    print(
        f"(b) bare loop over a preloaded tensor, best at {b_threads} thread(s):"
        f" {b:>8,.0f} samples/s"
    )
    print(f"(c) aeutils.fit, {c_threads} thread(s) (aeutils' choice):        {c:>8,.0f} samples/s")

    print(f"(c)/(b) = {c / b:.2f}  (target >= 0.95: {'met' if c / b >= 0.95 else 'MISSED'})")
    print(f"(c)/(a) = {c / a:.2f}  (target >= 3: {'met' if c / a >= 3 else 'MISSED'})")


if __name__ == "__main__":
    main()
