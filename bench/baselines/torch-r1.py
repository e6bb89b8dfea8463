"""R1 in PyTorch (float32), beside numpy-r1.py: one epoch of minibatch SGD on a 784-196-1 sigmoid network
with binary cross-entropy, written as a PyTorch user writes it (nn.Sequential of Linear and Sigmoid,
nn.BCELoss, torch.optim.SGD, autograd), and the 512³ matrix product.

    python3 bench/baselines/torch-r1.py --threads N [--lr RATE] X.f32 Y.f32 ROWS RUNS BATCH...

The arguments and the JSON line it prints are numpy-r1.py's ('torch' in place of 'numpy'). The
thread count is set with torch.set_num_threads (and OMP_NUM_THREADS / MKL_NUM_THREADS by the bench),
since PyTorch otherwise starts one thread per core. Batches are gathered by index from the shuffled
order, as numpy-r1.py and the library do, so the time includes the gathering.
"""
import json
import sys
import time

import numpy as np
import torch


def epoch(x, y, batch, lr, generator):
    inputs, hidden = x.shape[1], 196
    model = torch.nn.Sequential(
        torch.nn.Linear(inputs, hidden), torch.nn.Sigmoid(), torch.nn.Linear(hidden, 1), torch.nn.Sigmoid()
    )
    loss_fn = torch.nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    order = torch.randperm(x.shape[0], generator=generator)
    started = time.perf_counter()
    for start in range(0, x.shape[0], batch):
        rows = order[start:start + batch]
        xb, yb = x[rows], y[rows]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    return time.perf_counter() - started


def main():
    args = sys.argv[1:]
    threads = None
    lr = 0.5
    while args[:1] in (['--threads'], ['--lr']):
        if args[0] == '--threads':
            threads = int(args[1])
        else:
            lr = float(args[1])
        args = args[2:]
    if threads is None:
        sys.exit('torch-r1.py: --threads N is required (PyTorch would otherwise take every core)')
    torch.set_num_threads(threads)
    x_path, y_path, rows, runs = args[0], args[1], int(args[2]), int(args[3])
    batches = [int(b) for b in args[4:]]
    x = torch.from_numpy(np.fromfile(x_path, dtype=np.float32).reshape(rows, 784))
    y = torch.from_numpy(np.fromfile(y_path, dtype=np.float32).reshape(rows, 1))
    generator = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    epochs = {}
    each = {}
    for batch in batches:
        epoch(x, y, batch, lr, generator)
        each[batch] = [epoch(x, y, batch, lr, generator) for _ in range(runs)]
        epochs[batch] = float(np.median(each[batch]))
    a = torch.randn(512, 512, generator=generator)
    b = torch.randn(512, 512, generator=generator)
    a @ b
    gemm = []
    for _ in range(max(5, runs * 3)):
        started = time.perf_counter()
        a @ b
        gemm.append(time.perf_counter() - started)
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'epochSeconds': epochs,
        'epochRuns': each,
        'gemm512Seconds': float(np.median(gemm)),
    }))


main()
