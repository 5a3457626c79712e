"""Growth accounting and productivity decompositions: pure functions of arrays, in log points.

Growth accounting (Solow 1957): with a Cobb-Douglas technology Y = A K^a L^(1-a),
    dln Y = a dln K + (1 - a) dln L + dln A,
the productivity term dln A being the residual. The capital share a is ``CAPITAL_SHARE``.

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

# Capital share of value added: 0.40 in the growth accounts of China, each sector (industry included) and the
# whole economy (Bosworth & Collins 2008, "Accounting for growth: comparing China and India", J. Econ.
# Perspectives 22(1):45-66, NBER WP 12943: Y = A K^0.4 (LH)^0.6; read in a copy of the authors' slides, [V2]).
CAPITAL_SHARE = 0.40

FHK_COMPONENTS = ("within", "between", "cross", "entry", "exit", "net_entry")
MP_COMPONENTS = ("survivors_within", "survivors_covariance", "entry", "exit", "net_entry")
ACCOUNTING_COMPONENTS = ("capital", "labour", "productivity")


def growth_accounting(output: tuple[float, float], capital: tuple[float, float], labour: tuple[float, float],
                      capital_share: float = CAPITAL_SHARE) -> dict[str, float]:
    """Log growth of output from year 0 to year 1 and its capital, labour and productivity (residual) parts.

    Each argument is (level in year 0, level in year 1); real values. ``growth`` equals the sum of the parts."""
    g_y, g_k, g_l = (float(np.log(b / a)) for a, b in (output, capital, labour))
    parts = {"capital": capital_share * g_k, "labour": (1.0 - capital_share) * g_l}
    parts["productivity"] = g_y - parts["capital"] - parts["labour"]
    return {"growth": g_y, **parts}


def log_tfp(value_added: np.ndarray, capital: np.ndarray, labour: np.ndarray,
            capital_share: float = CAPITAL_SHARE) -> np.ndarray:
    """Log total factor productivity of each firm: ln VA - a ln K - (1 - a) ln L."""
    return np.log(value_added) - capital_share * np.log(capital) - (1.0 - capital_share) * np.log(labour)


def match_firms(ids0: np.ndarray, ids1: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indices of continuing firms in year 0 and year 1 (same order), of exiters in 0 and of entrants in 1."""
    common, i0, i1 = np.intersect1d(ids0, ids1, assume_unique=True, return_indices=True)
    exit0 = np.setdiff1d(np.arange(ids0.size), i0, assume_unique=True)
    entry1 = np.setdiff1d(np.arange(ids1.size), i1, assume_unique=True)
    return i0, i1, exit0, entry1


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product without BLAS (whose threads make a 1-D product of 50,000 floats take milliseconds)."""
    return float(np.einsum("i,i", a, b))


def _shares(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    total = weights.sum()
    return weights / total if total > 0 else np.zeros_like(weights)


def fhk(ids0, p0, w0, ids1, p1, w1) -> dict[str, float]:
    """Foster-Haltiwanger-Krizan decomposition of the change of share-weighted productivity.

    ``ids``: firm identifiers (unique within a year); ``p``: productivity (log); ``w``: weights (value added)."""
    s0, s1 = _shares(w0), _shares(w1)
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    big_p0, big_p1 = _dot(s0, p0), _dot(s1, p1)
    c0, c1, x0, n1 = match_firms(np.asarray(ids0), np.asarray(ids1))
    dp, ds = p1[c1] - p0[c0], s1[c1] - s0[c0]
    out = {"total": big_p1 - big_p0,
           "within": _dot(s0[c0], dp), "between": _dot(p0[c0] - big_p0, ds), "cross": _dot(dp, ds),
           "entry": _dot(s1[n1], p1[n1] - big_p0), "exit": -_dot(s0[x0], p0[x0] - big_p0)}
    out["net_entry"] = out["entry"] + out["exit"]
    return out


def _olley_pakes(p: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """Unweighted mean and covariance term of a group, shares renormalised within the group."""
    if p.size == 0:
        return 0.0, 0.0
    share = _shares(s)
    mean = float(p.mean())
    return mean, _dot(share, p) - mean


def melitz_polanec(ids0, p0, w0, ids1, p1, w1) -> dict[str, float]:
    """Melitz-Polanec dynamic Olley-Pakes decomposition; arguments as for ``fhk``."""
    s0, s1 = _shares(w0), _shares(w1)
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    c0, c1, x0, n1 = match_firms(np.asarray(ids0), np.asarray(ids1))
    mean0, cov0 = _olley_pakes(p0[c0], s0[c0])
    mean1, cov1 = _olley_pakes(p1[c1], s1[c1])
    group0, group1 = mean0 + cov0, mean1 + cov1  # share-weighted productivity of the survivors in each year
    entry_share, exit_share = float(s1[n1].sum()), float(s0[x0].sum())
    entrants = _dot(_shares(s1[n1]), p1[n1]) if n1.size else group1
    exiters = _dot(_shares(s0[x0]), p0[x0]) if x0.size else group0
    out = {"total": _dot(s1, p1) - _dot(s0, p0), "survivors_within": mean1 - mean0,
           "survivors_covariance": cov1 - cov0, "entry": entry_share * (entrants - group1),
           "exit": exit_share * (group0 - exiters)}
    out["net_entry"] = out["entry"] + out["exit"]
    return out


def icor(investment: np.ndarray, gdp_change: np.ndarray) -> float:
    """Incremental capital-output ratio over a period: total investment / total change of GDP (real)."""
    change = float(np.sum(gdp_change))
    return float(np.sum(investment)) / change if change != 0 else float("nan")
