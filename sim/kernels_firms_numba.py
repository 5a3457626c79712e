"""The numba versions of sim/kernels_firms.py's loops (imported only when they are used; see that module)."""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True)


@jit
def survivors(rows, alive, cells, values, factor, weight, out, n):
    """survivors_numpy in one pass: the live rows kept, their values scaled, running weights and sums by cell."""
    running = np.empty(rows.size + 1)
    running[0] = 0.0
    sums = np.zeros(n)
    found = 0
    for i in range(rows.size):
        row = rows[i]
        if alive[row]:
            cell = cells[row]
            values[row] *= factor[cell]
            out[found] = row
            found += 1
            running[found] = running[found - 1] + weight[cell]
            sums[cell] += values[row]
    return found, running[: found + 1], sums
