"""The numba versions of sim/kernels_acct.py's loops (imported only when they are used; see that module).

Module-level functions, so that numba's on-disk cache (``cache=True``) serves every process; each loop does the
arithmetic of its reference in the same order.
"""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True)


@jit
def match_sorted(ids0, ids1):
    """decomposition.match_firms for strictly ascending ids by one merge pass: (ascending, continuing firms'
    indices in year 0 and year 1, exiters' in 0, entrants' in 1); ascending False (and empty arrays) when an
    id is not above the one before it."""
    n0, n1 = ids0.size, ids1.size
    i0, i1 = np.empty(min(n0, n1), np.intp), np.empty(min(n0, n1), np.intp)
    exit0, entry1 = np.empty(n0, np.intp), np.empty(n1, np.intp)
    a = b = both = exits = entries = 0
    while a < n0 or b < n1:
        if (a > 0 and a < n0 and ids0[a] <= ids0[a - 1]) or (b > 0 and b < n1 and ids1[b] <= ids1[b - 1]):
            empty = np.empty(0, np.intp)
            return False, empty, empty, empty, empty
        if b >= n1 or (a < n0 and ids0[a] < ids1[b]):
            exit0[exits] = a
            exits += 1
            a += 1
        elif a >= n0 or ids1[b] < ids0[a]:
            entry1[entries] = b
            entries += 1
            b += 1
        else:
            i0[both], i1[both] = a, b
            both += 1
            a += 1
            b += 1
    return True, i0[:both].copy(), i1[:both].copy(), exit0[:exits].copy(), entry1[:entries].copy()


@jit
def cross_section(ids, va, capital, share, labour, alive):
    """kernels_acct.cross_section_numpy in one pass: the kept firms' ids, value added, VA/L and K/L at the
    front of four arrays, and their count."""
    n = va.size
    ids_ok, va_ok = np.empty(n, ids.dtype), np.empty(n)
    va_per_worker, k_per_worker = np.empty(n), np.empty(n)
    count = 0
    for i in range(n):
        k = capital[i] * share[i]
        if alive[i] and va[i] > 0 and k > 0 and labour[i] > 0:
            ids_ok[count], va_ok[count] = ids[i], va[i]
            va_per_worker[count] = va[i] / labour[i]
            k_per_worker[count] = k / labour[i]
            count += 1
    return count, ids_ok, va_ok, va_per_worker, k_per_worker


@jit
def firm_snapshot(output_last_year, in_district, sector, town, alive, va_ratio, employment, capital_intensity,
                  capacity, capital_output_ratio, birth_year, age, year, step_share):
    """snapshot.firm_accounting_snapshot's record in two passes (the rows, then their columns): the rows that
    produced in the district (producing_rows) with positive value added, and their columns
    (sim.agents.firm_accounting_snapshot's arithmetic, snapshot.producing_share's); in the second pass also the
    record's cross-section (``cross_section`` of its columns: the count, then the kept firms' ids, value added,
    VA/L and K/L at the front of four arrays), while the columns are at hand."""
    kept = np.empty(output_last_year.size, np.intp)
    count = 0
    for i in range(output_last_year.size):  # without a branch: about half the rows produced, in no order
        kept[count] = i
        count += (output_last_year[i] > 0) & in_district[i] & (output_last_year[i] * va_ratio[sector[i]] > 0)
    rows = kept[:count].copy()
    sectors, towns = np.empty(count, np.int64), np.empty(count, np.int64)
    alive_at_end, value_added, employed = np.empty(count, np.bool_), np.empty(count), np.empty(count)
    capital, share = np.empty(count), np.empty(count)
    ids_ok, va_ok, va_per_worker, k_per_worker = np.empty(count, np.intp), np.empty(count), np.empty(count), np.empty(count)
    kept_in_cross_section = 0
    for j in range(count):
        i = rows[j]
        sectors[j], towns[j], alive_at_end[j] = sector[i], town[i], alive[i]
        value_added[j], employed[j] = output_last_year[i] * va_ratio[sector[i]], employment[i]
        capital[j] = capital_output_ratio * capital_intensity[i] * capacity[i]
        produced = age[i] + step_share
        share[j] = (produced if not produced > 1.0 else 1.0) if birth_year[i] == year else 1.0
        k = capital[j] * share[j]  # cross_section's test and ratios
        if alive[i] and value_added[j] > 0 and k > 0 and employed[j] > 0:
            ids_ok[kept_in_cross_section], va_ok[kept_in_cross_section] = i, value_added[j]
            va_per_worker[kept_in_cross_section] = value_added[j] / employed[j]
            k_per_worker[kept_in_cross_section] = k / employed[j]
            kept_in_cross_section += 1
    return (rows, sectors, towns, alive_at_end, value_added, employed, capital, share, kept_in_cross_section, ids_ok,
            va_ok, va_per_worker, k_per_worker)


@numba.njit(cache=True, nogil=True, error_model="numpy")  # a ratio of a row not kept may divide by 0: not read
def accounting_inputs(output_last_year, in_district, sector, alive, va_ratio, employment, capital_intensity, capacity,
                      capital_output_ratio, birth_year, age, year, step_share, firm_id):
    """What the growth accounting reads of ``firm_snapshot``'s record, in one pass over the firm table and
    without a branch on the rows (about half produced, in no order): the producing rows' value added,
    employment and capital at the front of three arrays, and their count; the cross-section's firm ids, value
    added, VA/L and K/L at the front of four more, and their count. Each row's values are written at the
    counts, which then move on by whether it is kept: the same values in the same order as ``firm_snapshot``."""
    n = output_last_year.size
    value_added, employed, capital = np.empty(n), np.empty(n), np.empty(n)
    ids_ok, va_ok, va_per_worker, k_per_worker = np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n)
    count = kept = 0
    for i in range(n):
        output, labour = output_last_year[i], employment[i]
        va = output * va_ratio[sector[i]]
        produced = (output > 0) & in_district[i] & (va > 0)
        value_added[count], employed[count] = va, labour
        stock = capital_output_ratio * capital_intensity[i] * capacity[i]
        capital[count] = stock
        count += produced
        time_produced = age[i] + step_share
        share = (time_produced if not time_produced > 1.0 else 1.0) if birth_year[i] == year else 1.0
        k = stock * share
        ids_ok[kept], va_ok[kept] = firm_id[i], va
        va_per_worker[kept], k_per_worker[kept] = va / labour, k / labour
        kept += produced & alive[i] & (k > 0) & (labour > 0)
    return count, value_added, employed, capital, kept, ids_ok, va_ok, va_per_worker, k_per_worker


@jit
def _sift_down(heap, base, start, pos):
    """heapq._siftdown on heap[base:]: the item at pos moves up towards start."""
    item = heap[base + pos]
    while pos > start:
        parent = (pos - 1) >> 1
        if item < heap[base + parent]:
            heap[base + pos] = heap[base + parent]
            pos = parent
            continue
        break
    heap[base + pos] = item


@jit
def _sift_up(heap, base, size, pos):
    """heapq._siftup on the heap heap[base:base + size]."""
    start, item = pos, heap[base + pos]
    child = 2 * pos + 1
    while child < size:
        right = child + 1
        if right < size and not heap[base + child] < heap[base + right]:
            child = right
        heap[base + pos] = heap[base + child]
        pos = child
        child = 2 * pos + 1
    heap[base + pos] = item
    _sift_down(heap, base, start, pos)


@jit
def file_queue(heaps, offsets, towns, pooled, arrival, processing):
    """ApprovalOffices.file_many's loop: heap h is heaps[offsets[h]:offsets[h + 1]] (one heap when pooled);
    each dossier pops its office's first free time (heapq.heappop), starts at the later of it and its arrival
    and pushes its end (heapq.heappush). Returns the waits; the heaps are updated in place."""
    waits = np.empty(towns.size)
    for i in range(towns.size):
        h = 0 if pooled else towns[i]
        base, size = offsets[h], offsets[h + 1] - offsets[h]
        if size == 0:
            raise IndexError("an approval office without teams")
        first = heaps[base]  # heappop: the root is returned, the last item takes its place
        if size > 1:
            heaps[base] = heaps[base + size - 1]
            _sift_up(heaps, base, size - 1, 0)
        start = first if first > arrival else arrival  # max(arrival, first)
        heaps[base + size - 1] = start + processing[i]  # heappush: append, then sift towards the root
        _sift_down(heaps, base, 0, size - 1)
        waits[i] = start - arrival
    return waits


def warm_up() -> tuple:
    """A first call of each kernel with the argument types of the model: loading (or compiling) happens here."""
    ids, values, flags = np.arange(3, dtype=np.int64), np.ones(3), np.ones(3, dtype=np.bool_)
    match_sorted(ids, ids)
    cross_section(ids, values, values, values, values, flags)
    file_queue(np.zeros(3), np.array([0, 1, 3], dtype=np.int64), np.array([1, 0], dtype=np.int64), False, 0.0,
               np.ones(2))
    small, district = np.zeros(3, dtype=np.int16), np.ones(3, dtype=np.bool_)
    district.setflags(write=False)  # RegionModel.in_district() is read-only
    firm_snapshot(values, district, small, small, flags, values, values, values, values, 1.0, small, values, 2023, 0.25)
    accounting_inputs(values, district, small, flags, values, values, values, values, 1.0, small, values, 2023, 0.25, ids)
    return match_sorted, cross_section, file_queue, firm_snapshot, accounting_inputs
