"""Compiled loops (numba) for the growth accounting at the year's close and the approval offices' queue, with
numpy (or plain Python) equivalents as the reference.

As in sim/kernels_year.py: each kernel does in one pass what its reference does with masks, position tables,
gathers or a Python loop, with the same arithmetic in the same order, so the results are identical bit for bit
(tests/test_kernels_acct.py runs both). They are used from ``kernels.MIN_ROWS`` rows; below it, without numba
or with ``XINHUI_SIM_NO_NUMBA=1``, the references run. The compiled loops are in sim/kernels_acct_numba.py,
imported on first use.

- ``match_sorted``: the continuing firms, exiters and entrants of two years (``decomposition.match_firms``) by
  one merge pass over the two years' ids, which are ascending firm rows in both (``snapshot.producing_rows``
  and its masks keep the order); ids not strictly ascending fall back to ``match_firms``.
- ``cross_section``: the mask, compress and the two ratios of the cross-section's log TFP
  (``table.cross_section_productivity``); the two logs stay numpy's (its vectorised log is not the C library's).
- ``firm_snapshot``: the snapshot's rows, gathers, positive-value-added mask and producing share in one pass
  over the firm table and one over the rows kept, instead of two masks, nine gathers and a compress; the
  second pass also gives the cross-section (``cross_section`` of the record), kept in the snapshot.
- ``accounting_inputs``: what the growth accounting reads of that record (value added, employment and capital
  of the producing firms, for their totals, and the cross-section) in one pass over the firm table without a
  branch, instead of the record's eight columns and the two gathers of firm ids (``snapshot.accounting_record``).
- ``file_queue``: ``approvals.ApprovalOffices.file_many``'s heap loop, on the heaps laid end to end in one
  array, with heapq's own pop and push (the same layout of every heap afterwards, not only the same waits).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim import kernels


# ---- numpy versions (the reference) ----------------------------------------------------------------------
def cross_section_numpy(ids, va, capital, share, labour, alive):
    """Ids, value added and the ratios VA/L and K/L (K: capital x producing share) of the firms alive with
    positive VA, K and L, and whether that is every firm."""
    k = capital * share
    ok = alive & (va > 0) & (k > 0) & (labour > 0)
    if ok.all():
        return ids, va, va / labour, k / labour, True
    va, labour = va[ok], labour[ok]
    return ids[ok], va, va / labour, k[ok] / labour, False


# ---- dispatch ---------------------------------------------------------------------------------------------
def compiled():
    """The compiled accounting kernels (None where sim.kernels has none, i.e. without numba or when disabled)."""
    return _loaded() if kernels.compiled() is not None else None


@lru_cache(maxsize=1)
def _loaded() -> tuple:
    from sim.kernels_acct_numba import warm_up  # loading (or compiling) happens on first use

    return warm_up()


def _use(rows: int):
    return compiled() if rows >= kernels.MIN_ROWS else None


def match_sorted(ids0: np.ndarray, ids1: np.ndarray):
    """``decomposition.match_firms``'s four index arrays by a merge pass, or None (then ``match_firms`` runs):
    below ``kernels.MIN_ROWS`` rows, without the compiled kernels, or when the ids are not strictly ascending."""
    compiled_kernels = _use(ids0.size + ids1.size)
    if compiled_kernels is None or ids0.size == 0 or ids1.size == 0:
        return None
    ascending, i0, i1, exit0, entry1 = compiled_kernels[0](ids0.astype(np.int64, copy=False),
                                                           ids1.astype(np.int64, copy=False))
    return (i0, i1, exit0, entry1) if ascending else None


def cross_section(ids, va, capital, share, labour, alive):
    """``cross_section_numpy``, compiled from ``kernels.MIN_ROWS`` rows."""
    compiled_kernels = _use(va.size) if np.asarray(ids).dtype.kind in "iu" else None  # firm rows, not labels
    if compiled_kernels is None:
        return cross_section_numpy(ids, va, capital, share, labour, alive)
    return cross_section_of(ids, va, *compiled_kernels[1](ids, va, capital, share, labour, alive))


def cross_section_of(ids, va, count, ids_ok, va_ok, va_per_worker, k_per_worker):
    """``cross_section``'s result from the compiled loop's (``count`` kept firms at the front of its arrays)."""
    if count == va.size:
        return ids, va, va_per_worker, k_per_worker, True
    return ids_ok[:count], va_ok[:count], va_per_worker[:count], k_per_worker[:count], False


def snapshot_kernel(rows: int):
    """The compiled firm snapshot (sim/kernels_acct_numba.py ``firm_snapshot``: the record's eight columns, then
    its cross-section as the compiled ``cross_section`` gives it) for a firm table of ``rows`` rows, or None:
    then ``snapshot.firm_accounting_snapshot`` gathers with numpy, the reference."""
    compiled_kernels = _use(rows)
    return compiled_kernels[3] if compiled_kernels else None


def inputs_kernel(rows: int):
    """The compiled accounting inputs (sim/kernels_acct_numba.py ``accounting_inputs``) for a firm table of
    ``rows`` rows, or None: then ``snapshot.accounting_record`` gives the whole record, the reference."""
    compiled_kernels = _use(rows)
    return compiled_kernels[4] if compiled_kernels else None


def queue_kernel(rows: int):
    """The compiled approval queue (sim/kernels_acct_numba.py ``file_queue``) for a firm table of ``rows``
    rows, or None: then ``ApprovalOffices.file_many`` runs its heapq loop, the reference."""
    compiled_kernels = _use(rows)
    return compiled_kernels[2] if compiled_kernels else None
