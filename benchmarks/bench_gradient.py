"""Throughput of one full-batch tied-autoencoder gradient, relative to the machine's matmul throughput.

One gradient evaluation (:func:`aecore.loss_and_gradient`) performs five matrix products of
``2·n·m·N`` flops each (``WᵀY``, ``WX``, ``WᵀR``, ``RXᵀ``, ``YVᵀ``) plus elementwise work.
The reference is the same five products timed alone on arrays of the same shapes, so
the reported fraction is ``time(products) / time(gradient)``: 1.0 means the gradient
runs at the machine's matmul speed.

Run ``make bench`` (or ``python benchmarks/bench_gradient.py``). This is a measurement,
not a test: it asserts nothing.
"""

from __future__ import annotations

import time

import numpy as np
from aecore import (
    ReLU,
    SparseCoding,
    loss_and_gradient,
    perturb_dictionary,
    random_dictionary,
)

SHAPES = ((100, 200, 10_000), (256, 512, 10_000))
REPEATS = 25


def best_times(*fns, repeats: int = REPEATS) -> list[float]:
    """Fastest of ``repeats`` wall-clock timings of each function, after one warm-up each.

    The functions are timed in alternation, so that a slow phase of a shared machine
    affects them alike rather than biasing their ratio.
    """
    best = [float("inf")] * len(fns)
    for fn in fns:
        fn()
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def main() -> None:
    """Time the gradient and the matmul reference at each shape and print a table."""
    rng = np.random.default_rng(0)
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    print(f"numpy {np.__version__}, BLAS: {blas['name']} {blas['version']}")
    print(
        f"{'n':>5} {'m':>5} {'N':>6} {'gradient ms':>12} {'matmuls ms':>11} {'GFLOP/s':>8} {'fraction':>9}"
    )
    for n, m, N in SHAPES:
        A_star = random_dictionary(n, m, rng)
        W = perturb_dictionary(A_star, 0.2, rng)
        Y = SparseCoding(A_star, s=3).sample(N, rng).Y
        X = rng.standard_normal((m, N))
        bias = np.zeros(m)

        def products() -> None:
            W.T @ Y, W @ X, W.T @ Y, Y @ X.T, Y @ X.T

        t_grad, t_mm = best_times(
            lambda: loss_and_gradient(W, bias, Y, ReLU()), products
        )
        gflops = 5 * 2 * n * m * N / t_grad / 1e9
        print(
            f"{n:>5} {m:>5} {N:>6} {1e3 * t_grad:>12.2f} {1e3 * t_mm:>11.2f} {gflops:>8.2f} {t_mm / t_grad:>9.2f}"
        )


if __name__ == "__main__":
    main()
