"""Densities fitted to an autoencoder's codes, to sample new codes from (chapter 8, approach B).

Encode the training data, fit a density to the codes, draw new codes from it and decode them.
`fit_density(codes, kind)` fits one of three scikit-learn estimators and wraps it in one shape:

- "gaussian": a normal distribution with its own mean and standard deviation per dimension
  (a one-component `GaussianMixture` with a diagonal covariance: exactly the maximum-likelihood
  mean and variance, plus scikit-learn's `reg_covar` = 1e-6 on the variance);
- "gmm": a `GaussianMixture` (by default 10 components with full covariances);
- "kde": a `KernelDensity` with a Gaussian kernel on the codes divided by each dimension's standard
  deviation, so the kernel's width in a dimension is `bandwidth` times that dimension's spread.

Each returns a `CodeDensity` with `.sample(n, seed)` (a float32 tensor of codes) and
`.log_density(z)` (the log density of codes z, in nats).

scikit-learn's BLAS and OpenMP threads are limited to torch's thread count (the one
`aeutils.setup` picked): with more busy threads than cores, a 10-component mixture fit on a
2-core machine under load took 5x longer than on one thread.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity, NearestNeighbors
from threadpoolctl import threadpool_limits

from .validation import check_choice, check_scalar

KINDS = ("gaussian", "gmm", "kde")


def _as_array(name: str, z: object, dim: int | None = None) -> np.ndarray:
    """`z` as a float64 array of shape (N, d), checked: 2-D, non-empty, finite, d == dim."""
    if isinstance(z, torch.Tensor):
        z = z.detach().cpu().numpy()
    if not isinstance(z, np.ndarray):
        raise TypeError(f"{name} must be a torch.Tensor or a NumPy array, got {type(z).__name__}")
    if z.ndim != 2 or len(z) == 0 or z.shape[1] == 0:
        expected = f"(N, {dim})" if dim is not None else "(N, d) with N, d >= 1"
        raise ValueError(f"{name} must have shape {expected}, got {z.shape}")
    if dim is not None and z.shape[1] != dim:
        raise ValueError(
            f"{name} must have {dim} numbers per code (the fitted codes' size), got {z.shape}"
        )
    z = z.astype(np.float64)
    if not np.isfinite(z).all():
        raise ValueError(f"{name} must be finite, got NaN or infinite values")
    return z


def _threads() -> threadpool_limits:
    """A context that limits scikit-learn's BLAS and OpenMP threads to torch's thread count."""
    return threadpool_limits(limits=torch.get_num_threads())


def _seed(seed: int | torch.Generator | None) -> int | None:
    """An int seed for scikit-learn from an int, a torch.Generator (one draw from it) or None."""
    if seed is None:
        return None
    if isinstance(seed, torch.Generator):
        return int(torch.randint(0, 2**31 - 1, (1,), generator=seed))
    return check_scalar(seed, "seed (or a torch.Generator, or None)", numbers.Integral, min_val=0)


class CodeDensity:
    """A density fitted to codes: `sample(n, seed)` draws codes, `log_density(z)` scores them."""

    def __init__(self, kind: str, estimator, scale: np.ndarray, dim: int) -> None:
        self.kind, self.estimator, self.scale, self.dim = kind, estimator, scale, dim

    def __repr__(self) -> str:
        return f"CodeDensity(kind={self.kind!r}, dim={self.dim}, estimator={self.estimator!r})"

    @property
    def mean(self) -> torch.Tensor:
        """The fitted mean of each dimension ("gaussian" only)."""
        self._only_gaussian("mean")
        return torch.from_numpy(self.estimator.means_[0].copy())

    @property
    def std(self) -> torch.Tensor:
        """The fitted standard deviation of each dimension ("gaussian" only)."""
        self._only_gaussian("std")
        return torch.from_numpy(np.sqrt(self.estimator.covariances_[0]))

    def _only_gaussian(self, what: str) -> None:
        if self.kind != "gaussian":
            raise AttributeError(f"{what} is defined for kind='gaussian' only, not {self.kind!r}")

    def sample(self, n: int, seed: int | torch.Generator | None = None) -> torch.Tensor:
        """`n` codes drawn from the density, a float32 tensor of shape (n, dim), in random order.

        `seed` (an int, or a torch.Generator to draw one from) makes the draw repeatable.
        """
        n = check_scalar(n, "n (the number of codes to draw)", numbers.Integral, min_val=1)
        rng = np.random.default_rng(_seed(seed))
        state = int(rng.integers(2**31 - 1))
        with _threads():
            if self.kind == "kde":
                z = self.estimator.sample(int(n), random_state=state)
            else:
                # GaussianMixture draws from its own random_state and returns the codes grouped
                # by component: seed it for this call, then shuffle so any first k are a fair draw.
                self.estimator.random_state = state
                z, _ = self.estimator.sample(int(n))
                z = z[rng.permutation(len(z))]
        return torch.from_numpy(z * self.scale).to(torch.float32)

    def log_density(self, z: torch.Tensor | np.ndarray) -> torch.Tensor:
        """log p(z) of each code in nats: a float64 tensor of shape (N,) for z of shape (N, dim)."""
        z = _as_array("z", z, self.dim)
        with _threads():
            scores = self.estimator.score_samples(z / self.scale)
        # the KDE is fitted to z / scale; the change of variables adds -sum(log scale)
        return torch.from_numpy(scores) - float(np.log(self.scale).sum())


def fit_density(
    codes: torch.Tensor | np.ndarray, kind: str = "gaussian", **options: object
) -> CodeDensity:
    """Fit a density of `kind` ("gaussian", "gmm" or "kde") to `codes` of shape (N, d).

    `options` go to the scikit-learn estimator: for "gmm", those of `GaussianMixture` (defaults
    here: `n_components=10`, `covariance_type="full"`, `random_state=0`); for "kde", those of
    `KernelDensity` (default `bandwidth="scott"`, i.e. N^(-1/(d+4)), in units of each dimension's
    standard deviation); "gaussian" takes none.
    """
    check_choice(kind, "kind", KINDS)
    z = _as_array("codes", codes)
    n, dim = z.shape
    if kind == "gaussian":
        if options:
            raise TypeError(f"kind='gaussian' takes no options, got {sorted(options)}")
        if n < 2:
            raise ValueError(f"codes: a Gaussian fit needs at least 2 codes, got {n}")
        with _threads():
            estimator = GaussianMixture(1, covariance_type="diag", random_state=0).fit(z)
        return CodeDensity(kind, estimator, np.ones(dim), dim)
    if kind == "gmm":
        settings = {"n_components": 10, "covariance_type": "full", "random_state": 0} | options
        k = check_scalar(settings["n_components"], "n_components", numbers.Integral, min_val=1)
        if n < k:
            raise ValueError(
                f"codes: a mixture of {k} components needs at least {k} codes, got {n}"
            )
        with _threads():
            estimator = GaussianMixture(**settings).fit(z)
        return CodeDensity(kind, estimator, np.ones(dim), dim)
    settings = {"bandwidth": "scott"} | options
    if settings.get("kernel", "gaussian") not in ("gaussian", "tophat"):
        raise ValueError(
            f"kernel must be 'gaussian' or 'tophat' (the kernels scikit-learn can sample from),"
            f" got {settings['kernel']!r}"
        )
    bandwidth = settings["bandwidth"]
    if isinstance(bandwidth, str):
        check_choice(bandwidth, "bandwidth", ("scott", "silverman"))
    else:
        check_scalar(
            bandwidth,
            "bandwidth",
            min_val=0,
            include_boundaries="neither",
        )
    scale = z.std(axis=0)
    if n < 2 or not (scale > 0).all():
        raise ValueError(
            f"codes: a kernel density needs at least 2 codes that vary in every dimension, got"
            f" {n} codes with {int((scale == 0).sum())} constant dimension(s)"
        )
    with _threads():
        estimator = KernelDensity(**settings).fit(z / scale)
    return CodeDensity(kind, estimator, scale, dim)


def nearest_code(
    points: torch.Tensor | np.ndarray, codes: torch.Tensor | np.ndarray
) -> tuple[torch.Tensor, torch.Tensor]:
    """The Euclidean distance from each point to its nearest code, and that code's index.

    A scikit-learn `NearestNeighbors` search: unlike `torch.cdist(points, codes).min(1)`, it never
    holds the whole distance matrix (10,000 x 21,418 floats is 0.86 GB). Returns (distances,
    float32, shape (N,); indices, int64, shape (N,)).
    """
    reference = _as_array("codes", codes)
    queries = _as_array("points", points, reference.shape[1])
    with _threads():
        distances, indices = NearestNeighbors(n_neighbors=1).fit(reference).kneighbors(queries)
    return torch.from_numpy(distances[:, 0]).float(), torch.from_numpy(indices[:, 0])
