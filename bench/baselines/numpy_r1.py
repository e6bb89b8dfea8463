"""R1 epochs in numpy (OpenBLAS), the native baseline of the sparse section (bench/sparse.js).

The same network and step as the library's R1 epoch: 784 -> 196 -> 1, sigmoid in both layers,
binary cross-entropy on the mean of the batch, plain SGD, one shuffled epoch, float32. Reads the
training images (float32, rows x 784) and labels (float32) from raw files, times `runs` epochs at
each batch size after one untimed warm-up epoch, and prints one JSON line:
{"32": [seconds, ...], "256": [...]}. Run with OPENBLAS_NUM_THREADS=1 for one thread.

usage: numpy_r1.py X.f32 Y.f32 ROWS LEARNING_RATE RUNS BATCH [BATCH ...]
"""
import json
import sys
import time

import numpy as np


def epoch(x, y, batch, lr, rng):
    n = x.shape[0]
    lim1 = np.sqrt(6 / (784 + 196))
    w1 = rng.uniform(-lim1, lim1, (196, 784)).astype(np.float32)
    b1 = np.zeros(196, np.float32)
    lim2 = np.sqrt(6 / (196 + 1))
    w2 = rng.uniform(-lim2, lim2, (1, 196)).astype(np.float32)
    b2 = np.zeros(1, np.float32)
    order = rng.permutation(n)
    started = time.perf_counter()
    for s in range(0, n, batch):
        idx = order[s:s + batch]
        xb, yb = x[idx], y[idx]
        a1 = 1 / (1 + np.exp(-(xb @ w1.T + b1)))
        a2 = 1 / (1 + np.exp(-(a1 @ w2.T + b2)))
        dz2 = (a2 - yb) / len(idx)
        dw2, db2 = dz2.T @ a1, dz2.sum(0)
        dz1 = (dz2 @ w2) * a1 * (1 - a1)
        dw1, db1 = dz1.T @ xb, dz1.sum(0)
        w1 -= lr * dw1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2
    return time.perf_counter() - started


def main():
    xs, ys, rows, lr, runs, *batches = sys.argv[1:]
    rows, lr, runs = int(rows), float(lr), int(runs)
    x = np.fromfile(xs, np.float32).reshape(rows, 784)
    y = np.fromfile(ys, np.float32).reshape(rows, 1)
    rng = np.random.default_rng(1)
    out = {}
    for b in batches:
        batch = int(b)
        epoch(x, y, batch, lr, rng)
        out[b] = [epoch(x, y, batch, lr, rng) for _ in range(runs)]
    print(json.dumps(out))


main()
