"""The participation band of revenue sharing (利益共享): the revenue shares at which every town is at least as
well off inside the scheme as outside it (``xinhui-sim explain``, ``xinhui-sim validate``).

Town j's 一般公共预算收入 inside the scheme at share s is linear in s with the projects' placement held fixed (s
enters no decision): R_j(s) = R_j(s0) + (s - s0)(in_j - out_j), from a run at the plan's share s0 and the towns
table's ``shared_tax_in/out_100m_cny`` (``town_decisions.revenue_inside``). Town j joins if R_j(s) >= R_j^out,
its revenue outside the scheme (a variant without integration: ``fragmented``). A town that draws more than it
hosts (in > out) needs at least (R_j^out - R_j(0)) / (in - out); a host accepts at most that; the band is the
shares in [0, 1] that every town accepts. Revenues are means over replicates (expected revenue), either of the
last year (``last_year``) or summed over the years (``horizon``: what a town that joins for the whole plan
period weighs). A town worse off inside at every share in [0, 1] is named with the reason the tables give:
the revenue it loses against its industrial output lost and the tax it could be paid back.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.rules.town_decisions import participation_limits, revenue_inside

PERIODS = ("last_year", "horizon")
REVENUE = ("fiscal_revenue_100m_cny", "shared_tax_in_100m_cny", "shared_tax_out_100m_cny")


def _per_replicate(towns: pd.DataFrame, variant: str, period: str) -> pd.DataFrame:
    """Per replicate and town, the last year's values or their sums over the years."""
    rows = towns[towns.variant == variant]
    if "replicate" not in rows:
        rows = rows.assign(replicate=0)
    if period == "last_year":
        rows = rows[rows.year == rows.year.max()]
    columns = [c for c in (*REVENUE, "industrial_output_100m_cny") if c in rows]
    return rows.groupby(["replicate", "town"])[columns].sum()


def _gap_interval(inside: pd.DataFrame, outside: pd.DataFrame, share_now: float) -> pd.DataFrame:
    """Per town, the paired 95% t interval over replicates of R^out - R(0) (common random numbers)."""
    from sim.batch.compare import _t

    slope = inside.shared_tax_in_100m_cny - inside.shared_tax_out_100m_cny
    gap = (outside.fiscal_revenue_100m_cny - (inside.fiscal_revenue_100m_cny - share_now * slope)).dropna()
    by = gap.groupby("town")
    n, mean, sd = by.count(), by.mean(), by.std().fillna(0.0)
    half = _t(0.975, (n - 1).clip(lower=1)) * sd / np.sqrt(n)
    return pd.DataFrame({"gap_lo": (mean - half).where(n > 1, mean), "gap_hi": (mean + half).where(n > 1, mean)})


def town_table(towns: pd.DataFrame, inside: str, outside: str, share_now: float,
               period: str = "last_year") -> pd.DataFrame:
    """One row per town: expected revenue outside and inside (at ``share_now`` and at 0), shared tax in and out,
    the share it needs (``limit``: at least for a drawing town, at most for a host; ``limit_lo``/``limit_hi``
    from the paired 95% interval of its revenue gap), whether it is worse off inside at every share, and its
    industrial output inside minus outside (亿元; summed over the years for ``horizon``)."""
    each_in, each_out = _per_replicate(towns, inside, period), _per_replicate(towns, outside, period)
    i = each_in.groupby("town").mean()
    o = each_out.groupby("town").mean().reindex(i.index)
    slope = i.shared_tax_in_100m_cny - i.shared_tax_out_100m_cny
    at_zero = i.fiscal_revenue_100m_cny - share_now * slope
    args = (i.fiscal_revenue_100m_cny.to_numpy(), share_now, i.shared_tax_in_100m_cny.to_numpy(),
            i.shared_tax_out_100m_cny.to_numpy())
    best = np.maximum(revenue_inside(*args, 0.0), revenue_inside(*args, 1.0))
    gaps = _gap_interval(each_in, each_out.reindex(each_in.index), share_now).reindex(i.index)
    per = slope.where(slope != 0)
    ends = np.sort(np.column_stack([gaps.gap_lo / per, gaps.gap_hi / per]), axis=1)
    table = pd.DataFrame({
        "period": period, "revenue_outside_100m_cny": o.fiscal_revenue_100m_cny,
        "revenue_inside_100m_cny": i.fiscal_revenue_100m_cny, "revenue_at_share_0_100m_cny": at_zero,
        "shared_tax_in_100m_cny": i.shared_tax_in_100m_cny, "shared_tax_out_100m_cny": i.shared_tax_out_100m_cny,
        "side": np.where(slope > 0, "draws", np.where(slope < 0, "hosts", "neither")),
        "limit": ((o.fiscal_revenue_100m_cny - at_zero) / per).to_numpy(),
        "limit_lo": ends[:, 0], "limit_hi": ends[:, 1],
        "loss_at_share_0_100m_cny": o.fiscal_revenue_100m_cny - at_zero,
        "loss_lo_100m_cny": gaps.gap_lo, "loss_hi_100m_cny": gaps.gap_hi,
        "worse_off_at_every_share": best < o.fiscal_revenue_100m_cny.to_numpy()})
    if "industrial_output_100m_cny" in i:
        table["industrial_output_change_100m_cny"] = i.industrial_output_100m_cny - o.industrial_output_100m_cny
    return table.rename_axis("town").reset_index()


def band(table: pd.DataFrame) -> tuple[float, float]:
    """(low, high) as ``town_decisions.participation_limits`` gives them; the band is empty when low > high."""
    return participation_limits(table.revenue_at_share_0_100m_cny.to_numpy(), 0.0,
                                table.shared_tax_in_100m_cny.to_numpy(), table.shared_tax_out_100m_cny.to_numpy(),
                                table.revenue_outside_100m_cny.to_numpy())


def band_text(table: pd.DataFrame) -> str:
    """The band as text; when it is empty, the towns worse off at every share (whose limits are meaningless:
    no share pays them back) apart from the limits of the others, so each reason for the empty band shows."""
    low, high = band(table)
    if low <= high:
        return f"{low:.2f}-{high:.2f}"
    losers = table.worse_off_at_every_share
    if not losers.any():
        return f"none: drawing towns need >= {low:.2f}, hosts accept <= {high:.2f}"
    rest_low, rest_high = band(table[~losers])
    rest = f"the other towns' band is {rest_low:.2f}-{rest_high:.2f}" if rest_low <= rest_high else \
        f"the other towns' limits do not meet either (drawing towns need >= {rest_low:.2f}, hosts accept <= " \
        f"{rest_high:.2f})"
    return f"none: {', '.join(table.town[losers])} worse off inside at every share; {rest}"


def band_within_noise(table: pd.DataFrame) -> tuple[float, float]:
    """The shares that no town's paired 95% interval excludes: each drawing town's limit at the low end of its
    interval, each host's at the high end (a town with no shared tax counts only if its whole interval loses)."""
    draws, hosts = table[table.side == "draws"], table[table.side == "hosts"]
    low = max(0.0, float(draws.limit_lo.max())) if len(draws) else 0.0
    high = min(1.0, float(hosts.limit_hi.min())) if len(hosts) else 1.0
    if ((table.side == "neither") & (table.loss_lo_100m_cny > 0)).any():
        low = math.inf
    return low, high


def reason(row) -> str:
    """Why a town worse off at every share is: what it loses against what sharing can pay it back."""
    lost = f"{row.loss_at_share_0_100m_cny:.2f}亿 [95%: {row.loss_lo_100m_cny:.2f}, {row.loss_hi_100m_cny:.2f}]"
    output = getattr(row, "industrial_output_change_100m_cny", math.nan)
    made = f"; its industrial output {output:+.1f}亿" if math.isfinite(output) else ""
    if row.side == "draws":
        need = f"it would need a share of {row.limit:.2f}" if row.limit <= 10 else \
            "it draws about as much as it hosts: no share pays that back"
        return (f"{row.town} loses {lost} of revenue at share 0{made}, but its net shared tax is only "
                f"{row.shared_tax_in_100m_cny - row.shared_tax_out_100m_cny:+.2f}亿 ({need})")
    net = row.shared_tax_in_100m_cny - row.shared_tax_out_100m_cny
    return (f"{row.town} loses {lost} of revenue even at share 0, keeping all the tax of the firms it hosts"
            f"{made}; " + ("it draws as much as it hosts, so no share moves its revenue" if row.side == "neither" else
                           f"it hosts more than it draws (net shared tax {net:+.2f}亿), so a share can only lower "
                           "its revenue") + ": integration costs it through placement, which sharing does not pay back")


def participation_lines(tables: list[pd.DataFrame]) -> list[str]:
    """Terminal lines: per period the band or the limits that do not meet, the towns that set them and the
    towns worse off at every share with their reason."""
    lines = ["Participation band: revenue shares at which every town's expected revenue inside the scheme (plan) "
             "is at least its revenue outside it (fragmented), placement held fixed"]
    for table in tables:
        low, high = band(table)
        # the limits and their setters among the towns some share pays back (a balanced loser's limit means nothing)
        rest = table[~table.worse_off_at_every_share]
        rest_low, rest_high = band(rest)
        draws, hosts = rest[rest.side == "draws"], rest[rest.side == "hosts"]
        setter_low = draws.loc[draws.limit.idxmax(), "town"] if len(draws) else "-"
        setter_high = hosts.loc[hosts.limit.idxmin(), "town"] if len(hosts) else "-"
        losers = ", ".join(table.town[table.worse_off_at_every_share])
        limits = f"the other towns' band is {rest_low:.2f}-{rest_high:.2f}" if rest_low <= rest_high else \
            f"the drawing towns need a share >= {rest_low:.2f}, set by {_setter(table, setter_low)}; the hosts " \
            f"accept <= {rest_high:.2f}, set by {_setter(table, setter_high)}"
        text = f"{low:.2f}-{high:.2f}" if low <= high else \
            f"none ({losers + ' worse off at every share; ' if losers else ''}{limits})"
        near = band_within_noise(table)
        noise = f"{near[0]:.2f}-{near[1]:.2f}" if near[0] <= near[1] else "none"
        lines.append(f"  {table.period.iloc[0]}: {text}; shares no town's 95% interval excludes: {noise}")
        for row in table[table.worse_off_at_every_share].itertuples():
            lines.append(f"    worse off inside at every share: {reason(row)}")
    return lines


def _setter(table: pd.DataFrame, town: str) -> str:
    """The town that sets a limit, with its limit's 95% interval."""
    if town == "-":
        return town
    row = table.set_index("town").loc[town]
    return f"{town} [95%: {row.limit_lo:.2f}, {row.limit_hi:.2f}]"


def town_participation(towns: pd.DataFrame, inside: str, outside: str, share_now: float,
                       period: str = "last_year") -> tuple[float, float, list[str]]:
    """The limits (low, high) and the towns worse off inside at every share in [0, 1]."""
    table = town_table(towns, inside, outside, share_now, period)
    return (*band(table), list(table.town[table.worse_off_at_every_share]))
