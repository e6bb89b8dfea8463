"""R1 in numpy (float32), the native baseline of bench/threads.js and bench/sparse.js: one epoch of minibatch SGD on a
784-196-1 sigmoid network with binary cross-entropy, as the library trains it (forward Z = X·Wᵀ + b,
backward dW = dZᵀ·A, bias gradients, W -= lr·dW), and the 512³ matrix product.

    OPENBLAS_NUM_THREADS=1 python3 bench/baselines/numpy-r1.py [--lr RATE] X.f32 Y.f32 ROWS RUNS BATCH...

X.f32 and Y.f32 are the raw float32 images (ROWS × 784) and labels (ROWS), written by the bench.
Prints one JSON line: numpy's version, the BLAS threads asked for, the median epoch seconds per
batch size (over RUNS epochs after one warm-up epoch) and each run's, and the median 512³ product in
seconds. The learning rate (default 0.5) changes the numbers, not the time.
The thread count is whatever the environment sets (OpenBLAS spawns threads of its own otherwise).
"""
import json
import os
import sys
import time

import numpy as np


def epoch(x, y, batch, lr, rng):
    inputs, hidden = x.shape[1], 196
    w1 = (rng.standard_normal((hidden, inputs), dtype=np.float32) * np.float32(np.sqrt(2.0 / (inputs + hidden))))
    b1 = np.zeros(hidden, np.float32)
    w2 = (rng.standard_normal((1, hidden), dtype=np.float32) * np.float32(np.sqrt(2.0 / (hidden + 1))))
    b2 = np.zeros(1, np.float32)
    order = rng.permutation(x.shape[0])
    started = time.perf_counter()
    for start in range(0, x.shape[0], batch):
        rows = order[start:start + batch]
        xb, yb = x[rows], y[rows]
        a1 = 1 / (1 + np.exp(-(xb @ w1.T + b1)))
        a2 = 1 / (1 + np.exp(-(a1 @ w2.T + b2)))
        # BCE on a sigmoid output: dZ = (ŷ − y) / batch.
        dz2 = (a2 - yb) / np.float32(len(rows))
        dz1 = (dz2 @ w2) * a1 * (1 - a1)
        w2 -= lr * (dz2.T @ a1)
        b2 -= lr * dz2.sum(axis=0)
        w1 -= lr * (dz1.T @ xb)
        b1 -= lr * dz1.sum(axis=0)
    return time.perf_counter() - started


def main():
    args = sys.argv[1:]
    lr = np.float32(0.5)
    if args[:1] == ['--lr']:
        lr = np.float32(float(args[1]))
        args = args[2:]
    x_path, y_path, rows, runs = args[0], args[1], int(args[2]), int(args[3])
    batches = [int(b) for b in args[4:]]
    x = np.fromfile(x_path, dtype=np.float32).reshape(rows, 784)
    y = np.fromfile(y_path, dtype=np.float32).reshape(rows, 1)
    rng = np.random.default_rng(1)
    epochs = {}
    each = {}
    for batch in batches:
        epoch(x, y, batch, lr, rng)
        each[batch] = [epoch(x, y, batch, lr, rng) for _ in range(runs)]
        epochs[batch] = float(np.median(each[batch]))
    a = rng.standard_normal((512, 512), dtype=np.float32)
    b = rng.standard_normal((512, 512), dtype=np.float32)
    a @ b
    gemm = []
    for _ in range(max(5, runs * 3)):
        started = time.perf_counter()
        a @ b
        gemm.append(time.perf_counter() - started)
    print(json.dumps({
        'numpy': np.__version__,
        'threads': os.environ.get('OPENBLAS_NUM_THREADS'),
        'epochSeconds': epochs,
        'epochRuns': each,
        'gemm512Seconds': float(np.median(gemm)),
    }))


main()
