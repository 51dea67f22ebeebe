"""What the benchmarks print beside their figures about the machine: its load average and how fast it runs
plain Python at that moment. The machines here are shared: the same code ran half as fast for minutes at a
time (`python -m timeit "sum(range(10**6))"` gave 20 ms, then 40 ms), so each figure carries the speed
measured beside it."""

import os
import time


def loadavg():
    return f"loadavg={' '.join(f'{x:.2f}' for x in os.getloadavg())}"


def cpu_ms():
    """Milliseconds for sum(range(10**6)), best of three: about 20 on the reference machine when it is quiet."""
    best = None
    for _ in range(3):
        started = time.perf_counter()
        sum(range(10**6))
        elapsed = (time.perf_counter() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return best
