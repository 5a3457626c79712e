"""Growth accounting and productivity decompositions: pure functions of arrays, in log points.

Growth accounting (Solow 1957): with a Cobb-Douglas technology Y = A K^a L^(1-a),
    dln Y = a dln K + (1 - a) dln L + dln A,
the productivity term dln A being the residual. The capital share a is the model's own technology's,
a = 1 - ``firms.labour_share_of_value_added`` (``sim.rules.capital.capital_elasticity``; the snapshot carries it
as ``capital_share``): with any other a, a firm's capital deepening (sim/rules/labour.py: output per worker
grows with κ^(a/(1-a))) is partly measured as its TFP. (Until 2026-12 the accounting used 0.40, Bosworth &
Collins 2008's share for China's economy, against the model's 0.55.)

Productivity decompositions of the change of aggregate productivity P_t = sum_i s_it p_it (p: log firm TFP,
s: value-added share) between two years, firms split into continuing (C, in both years), entrants (N, only
in the second) and exiters (X, only in the first):
- Foster, Haltiwanger & Krizan (2001, "Aggregate productivity growth", in *New Developments in
  Productivity Analysis*, NBER), their eq. (2):
      dP = sum_C s_i0 dp_i                  within
         + sum_C (p_i0 - P_0) ds_i          between
         + sum_C dp_i ds_i                  cross
         + sum_N s_i1 (p_i1 - P_0)          entry
         - sum_X s_i0 (p_i0 - P_0)          exit
  (the ``exit`` component is this contribution of exiters, minus their share-weighted gap to P_0, so that
  net entry = entry + exit is "entry minus exit" in the paper's terms)
- Melitz & Polanec (2015, *RAND J. Econ.* 46(2):362-375), the dynamic Olley-Pakes decomposition, eq. (5):
      dP = d(unweighted mean p of survivors)            survivors_within
         + d(sum_C (s_i - sC)(p_i - pC), shares within C) survivors_covariance
         + s_N1 (P_N1 - P_C1)                            entry
         + s_X0 (P_C0 - P_X0)                            exit
Both are identities: the components add up to dP exactly (tests/test_accounting.py checks it on hand-made
firms). Sources and their status: literature.md §8 E3, F6 (Brandt, Van Biesebroeck & Zhang 2012).
"""

from __future__ import annotations

import numpy as np

from sim import kernels_acct


def growth_accounting(output: tuple[float, float], capital: tuple[float, float], labour: tuple[float, float],
                      capital_share: float) -> dict[str, float]:
    """Log growth of output from year 0 to year 1 and its capital, labour and productivity (residual) parts.

    Each argument is (level in year 0, level in year 1); real values. ``growth`` equals the sum of the parts."""
    g_y, g_k, g_l = (float(np.log(b / a)) for a, b in (output, capital, labour))
    parts = {"capital": capital_share * g_k, "labour": (1.0 - capital_share) * g_l}
    parts["productivity"] = g_y - parts["capital"] - parts["labour"]
    return {"growth": g_y, **parts}


def log_tfp(value_added: np.ndarray, capital: np.ndarray, labour: np.ndarray, capital_share: float) -> np.ndarray:
    """Log total factor productivity of each firm: ln VA - a ln K - (1 - a) ln L."""
    return log_tfp_of_ratios(value_added / labour, capital / labour, capital_share)  # two logs instead of three


def log_tfp_of_ratios(va_per_worker: np.ndarray, capital_per_worker: np.ndarray, capital_share: float) -> np.ndarray:
    """``log_tfp`` from value added and capital per worker: ln(VA/L) - a ln(K/L)."""
    tfp, capital_term = np.log(va_per_worker), np.log(capital_per_worker)
    capital_term *= capital_share  # in place: the same operations as the expression, two arrays fewer
    tfp -= capital_term
    return tfp


def match_firms(ids0: np.ndarray, ids1: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indices of continuing firms in year 0 and year 1 (same order), of exiters in 0 and of entrants in 1.

    Ids are unique within a year. Strictly ascending ids (the firm table's rows, as the snapshots give them) are
    merged in one compiled pass from ``kernels.MIN_ROWS`` ids (``kernels_acct.match_sorted``); otherwise small
    non-negative ids are looked up in a position table, in linear time, and others are sorted and searched."""
    ids0, ids1 = np.asarray(ids0), np.asarray(ids1)
    merged = kernels_acct.match_sorted(ids0, ids1) if ids0.dtype.kind == ids1.dtype.kind == "i" else None
    if merged is not None:
        return merged
    if ids0.size == 0 or ids1.size == 0:
        return (np.zeros(0, np.intp),) * 2 + (np.arange(ids0.size), np.arange(ids1.size))
    low, high = min(ids0.min(), ids1.min()), max(ids0.max(), ids1.max())
    if low >= 0 and high < 4 * (ids0.size + ids1.size):
        position = np.full(int(high) + 1, -1, dtype=np.intp)
        position[ids0] = np.arange(ids0.size)
        found_at = position[ids1]
    else:
        order = np.argsort(ids0, kind="stable")
        at = np.minimum(np.searchsorted(ids0, ids1, sorter=order), ids0.size - 1)
        found_at = np.where(ids0[order[at]] == ids1, order[at], -1)
    i1 = np.flatnonzero(found_at >= 0)
    i0 = found_at[i1]
    stays = np.zeros(ids0.size, dtype=bool)
    stays[i0] = True
    return i0, i1, np.flatnonzero(~stays), np.flatnonzero(found_at < 0)


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product without BLAS (whose threads make a 1-D product of 50,000 floats take milliseconds)."""
    return float(np.einsum("i,i", a, b))


def aggregate(p: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """The total weight and the weighted mean P = sum w p / sum w (0 without weight) of one year's firms."""
    total = float(w.sum())
    return total, _dot(w, p) / total if total > 0 else 0.0


def decompose(p0, w0, p1, w1, match, aggregates=(None, None)) -> tuple[dict[str, float], dict[str, float]]:
    """Both decompositions (``fhk``, ``melitz_polanec``) of productivities ``p`` with weights ``w`` of two
    years, continuing firms, exiters and entrants as ``match_firms`` gives them; ``aggregates``: each year's
    ``aggregate(p, w)`` where known (a year's firms serve two decompositions).

    Written with sums over the continuing firms only (entrants' and exiters' terms are what the aggregates
    leave), so that a year of 250,000 firms costs four gathers and a few inner products."""
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    w0, w1 = np.asarray(w0, dtype=float), np.asarray(w1, dtype=float)
    c0, c1 = match[0], match[1]
    (total0, big_p0), (total1, big_p1) = (aggregate(p, w) if known is None else known
                                          for p, w, known in ((p0, w0, aggregates[0]), (p1, w1, aggregates[1])))
    q0, q1 = p0[c0], p1[c1]                      # continuing firms' productivity in each year
    v0, v1 = _shares(w0, c0, total0), _shares(w1, c1, total1)
    share0, share1 = float(v0.sum()), float(v1.sum())       # their value-added shares
    a, b, c, d = _dot(v0, q1), _dot(v0, q0), _dot(v1, q0), _dot(v1, q1)
    entry_sum, exit_sum = big_p1 - d, big_p0 - b             # sum of s p over entrants, over exiters
    fhk_parts = {"total": big_p1 - big_p0, "within": a - b, "between": c - b - big_p0 * (share1 - share0),
                 "cross": d - a - c + b, "entry": entry_sum - big_p0 * (1.0 - share1),
                 "exit": -(exit_sum - big_p0 * (1.0 - share0))}
    mean0, mean1 = (float(q0.mean()), float(q1.mean())) if c0.size else (0.0, 0.0)
    group0 = b / share0 if share0 > 0 else 0.0               # share-weighted productivity of the survivors
    group1 = d / share1 if share1 > 0 else 0.0
    mp_parts = {"total": big_p1 - big_p0, "survivors_within": mean1 - mean0,
                "survivors_covariance": (group1 - mean1) - (group0 - mean0),
                "entry": entry_sum - (1.0 - share1) * group1, "exit": (1.0 - share0) * group0 - exit_sum}
    for parts in (fhk_parts, mp_parts):
        parts["net_entry"] = parts["entry"] + parts["exit"]
    return fhk_parts, mp_parts


def _shares(w: np.ndarray, rows: np.ndarray, total: float) -> np.ndarray:
    """w[rows] / total (zeros without weight), divided in place."""
    if not total > 0:
        return np.zeros(rows.size)
    shares = w[rows]
    shares /= total
    return shares


def fhk(ids0, p0, w0, ids1, p1, w1, match=None) -> dict[str, float]:
    """Foster-Haltiwanger-Krizan decomposition of the change of share-weighted productivity.

    ``ids``: firm identifiers (unique within a year); ``p``: productivity (log); ``w``: weights (value added);
    ``match``: ``match_firms(ids0, ids1)`` if already known."""
    return decompose(p0, w0, p1, w1, match_firms(ids0, ids1) if match is None else match)[0]


def melitz_polanec(ids0, p0, w0, ids1, p1, w1, match=None) -> dict[str, float]:
    """Melitz-Polanec dynamic Olley-Pakes decomposition; arguments as for ``fhk``."""
    return decompose(p0, w0, p1, w1, match_firms(ids0, ids1) if match is None else match)[1]
