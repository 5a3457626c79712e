"""Firm-specific productivity shocks: each incumbent's own log productivity follows an AR(1) around its sector.

At the start of a year, after the common F6 trend, a live firm's log own productivity keeps a share rho of its
deviation from its sector's mean log productivity (over firms, unweighted: a sales-weighted mean would ratchet
up with the replicator) and takes an innovation sigma z - sigma^2 / 2, z standard normal from the firm's keyed
draws (common random numbers), so that the innovation is mean-zero in levels and the sector's mean growth
stays on F6. A firm hit by bad draws falls below the competitiveness floor or into losses and exits
(``firm_dynamics.select``): exit selects on productivity. Parameters (scenario ``firms``):
productivity_shock_sd (sigma, 1 (log)/yr; 0 = off, the default: docs/validation.md §4.0 shows why),
productivity_persistence (rho).
Sources: rho = 0.9 as used for Chinese and US manufacturing firms' TFP (a calibration that fixes it and matches
the stationary dispersion to Hsieh & Klenow 2009, QJE 124(4)); see docs/validation.md §4.0.
"""

from __future__ import annotations

import numpy as np


def standard_normal(model, rows: np.ndarray) -> np.ndarray:
    """One standard normal per firm row, fixed by (model key, year, row): Box-Muller from two keyed uniforms."""
    radius = np.sqrt(-2.0 * np.log(model.keyed_uniform("productivity", rows, model.year)))
    angle = 2.0 * np.pi * model.keyed_uniform("productivity_angle", rows, model.year)
    return radius * np.cos(angle)


def sector_mean_log(sector: np.ndarray, log_productivity: np.ndarray, weight: np.ndarray,
                    sectors: int) -> np.ndarray:
    """Each sector's ``weight``-weighted mean log productivity (0 where a sector has no weight)."""
    total_weight = np.bincount(sector, weights=weight, minlength=sectors)
    total = np.bincount(sector, weights=weight * log_productivity, minlength=sectors)
    return np.where(total_weight > 0, total / np.maximum(total_weight, 1e-300), 0.0)


def ar1_step(log_productivity: np.ndarray, sector_mean: np.ndarray, z: np.ndarray, persistence: float,
             shock_sd: float) -> np.ndarray:
    """log a' = mean + rho (log a - mean) + sigma z - sigma^2 / 2."""
    deviation = log_productivity - sector_mean
    return sector_mean + persistence * deviation + shock_sd * z - 0.5 * shock_sd**2


def shock_productivity(model, live: np.ndarray) -> None:
    """At the start of a year: every live firm's own productivity takes its AR(1) step (none at sigma = 0)."""
    p, firms = model.params.firms, model.firms
    if live.size == 0 or p.productivity_shock_sd == 0.0:  # no spread: the common F6 path, unchanged
        return
    log_productivity = np.log(firms.productivity[live])
    sector = firms.sector[live]
    mean = sector_mean_log(sector, log_productivity, np.ones(live.size), len(model.sector_ids))[sector]
    z = standard_normal(model, live)
    firms.productivity[live] = np.exp(ar1_step(log_productivity, mean, z, p.productivity_persistence,
                                               p.productivity_shock_sd))
