"""Memory while streaming: dask-ml's Incremental feeds skgen's partial_fit one block
at a time, so peak memory follows the block size, not the data size.

    python benchmarks/bench_streaming.py [--rows 400000] [--block 10000]

A lazily generated dask array of ``rows`` x 784 float32 (binary, 10% ones, like
thresholded MNIST) is streamed through ``Incremental(BernoulliRBM(256))`` and then
transformed to a dask array whose mean is computed block by block, on dask's
synchronous scheduler. Printed: the data size, one block's size, and the growth of the
process's peak resident memory over the run (``ru_maxrss``), measured in a fresh
subprocess for each block size so that earlier peaks do not hide later ones.
Needs the ``dask`` extra.
"""

import argparse
import json
import resource
import subprocess
import sys
import time


def stream(rows, block):
    import dask
    import dask.array as da
    import numpy as np
    from dask_ml.wrappers import Incremental

    from skgen import BernoulliRBM

    # Load (or compile) the float32 kernels before measuring.
    BernoulliRBM(n_components=4, n_iter=1).fit(np.zeros((10, 784), np.float32))
    start_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    X = (
        da.random.RandomState(0).random_sample((rows, 784), chunks=(block, 784)) < 0.1
    ).astype(np.float32)
    begin = time.perf_counter()
    with dask.config.set(scheduler="synchronous"):
        model = Incremental(
            BernoulliRBM(n_components=256, batch_size=100, random_state=0),
            shuffle_blocks=False,
        ).fit(X)
        mean_code = float(model.transform(X).mean().compute())
    seconds = time.perf_counter() - begin
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return dict(
        data_mb=rows * 784 * 4 / 2**20,
        block_mb=block * 784 * 4 / 2**20,
        growth_mb=(peak - start_peak) / 1024,
        seconds=seconds,
        mean_code=mean_code,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--block", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stream(args.rows, args.block[0])))
        return
    print(f"Streaming {args.rows} x 784 float32 through Incremental(BernoulliRBM(256))")
    for block in args.block:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--rows",
                str(args.rows),
                "--block",
                str(block),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"  data {r['data_mb']:7.0f} MB, block {r['block_mb']:5.1f} MB: peak "
            f"memory grew by {r['growth_mb']:6.1f} MB "
            f"({r['growth_mb'] / r['data_mb']:.2f}x the data, "
            f"{r['growth_mb'] / r['block_mb']:.1f}x a block), {r['seconds']:.1f}s"
        )


if __name__ == "__main__":
    main()
