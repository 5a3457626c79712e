"""The explorer's page: SolaraViz over RegionModel with a variant selector, the levers, charts and a town map.

Run ``xinhui-sim explore`` (or ``solara run sim/explore/app.py``). Choosing a variant rebuilds the model and
sets the sliders to that variant's values; Reset rebuilds it with the sliders' values; Step simulates a quarter
and "Simulate a year" the rest of the year.
"""

from __future__ import annotations

import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update

from sim import explore
from sim.model import RegionModel
from sim.plotting import base as _fonts  # noqa: F401 (registers the shipped CJK font with matplotlib)
from sim.scenario.sources import scenario_path, shipped_variants

# the page's choices (Solara keeps module-level reactive values per browser session)
variant = solara.reactive("plan")
seed = solara.reactive(explore.DEFAULT_SEED)
levers = solara.reactive(explore.lever_values(scenario_path("plan")))


class ExplorerModel(RegionModel):
    """RegionModel built from the page's choices: SolaraViz's Reset calls ``ExplorerModel(scenario=...)``."""

    def __init__(self, **mesa_kwargs):
        super().__init__(variant.value, rng=seed.value, **levers.value, **mesa_kwargs)


ZONE_COLOURS = {"guifeng_huicheng": "#1b9e77", "yinzhouhu_east": "#d95f02", "tanjiang": "#7570b3",
                "yinzhouhu_west": "#e7298a"}


def _figure() -> tuple[Figure, object]:
    figure = Figure(figsize=(5.2, 3.4), layout="constrained")
    return figure, figure.subplots()


def gdp_chart(model):
    figure, ax = _figure()
    years, gdp = explore.district_series(model, "gdp_100m_cny")
    ax.plot(years, gdp, marker="o", label=f"model ({model.definition.name})")
    for i, (year, value, _target) in enumerate(explore.gdp_targets()):
        ax.scatter([year], [value], marker="*", s=120, color="crimson", zorder=3,
                   label="plan targets" if i == 0 else None)
        ax.annotate(f"target {value:,.0f}", (year, value), textcoords="offset points", xytext=(-20, 6), fontsize=7)
    ax.set(title="District GDP against the plan's targets", xlabel="year", ylabel="GDP (亿元 = 100 million CNY)",
           xlim=(model.first_year - 0.5, model.last_year + 0.5))
    ax.legend(loc="upper left", fontsize=8)
    return solara.Column([solara.FigureMatplotlib(figure), solara.Text(explore.status_line(model),
                                                                       classes=["xinhui-status"])])


def town_chart(model):
    figure, ax = _figure()
    values = explore.town_values(model)
    towns = [t.id for t in model.towns]
    ax.barh(towns, [values[t] for t in towns], color=[ZONE_COLOURS.get(model.zones[t.zone_index].id, "grey")
                                                       for t in model.towns])
    year = model.records.rows["towns"][-1]["year"] if model.records.rows["towns"] else 2022
    ax.set(title=f"Town GDP, {year}", xlabel="GDP (亿元)", ylabel="town")
    ax.invert_yaxis()
    return solara.FigureMatplotlib(figure)


def village_chart(model):
    figure, ax = _figure()
    for column, label in (("admin_villages_over_1m_cny", "> 100万"), ("admin_villages_over_10m_cny", "> 1000万"),
                          ("admin_villages_over_20m_cny", "> 2000万")):
        years, counts = explore.district_series(model, column)
        ax.plot(years, counts, marker=".", label=label)
    ax.set(title="Administrative villages by collective operating income", xlabel="year",
           ylabel="villages", xlim=(model.first_year - 0.5, model.last_year + 0.5))
    ax.legend(title="income a year", fontsize=8, loc="center left")
    return solara.FigureMatplotlib(figure)


def town_map(model):
    figure, ax = _figure()
    values = explore.town_values(model)
    where = explore.town_coordinates(model)
    for town in model.towns:
        lon, lat = where[town.id]
        zone = model.zones[town.zone_index].id
        ax.scatter([lon], [lat], s=20 + 2.5 * values[town.id], color=ZONE_COLOURS.get(zone, "grey"), alpha=0.7,
                   label=zone)
        ax.annotate(town.id, (lon, lat), fontsize=7, ha="center", va="bottom", xytext=(0, 5),
                    textcoords="offset points")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    legend = ax.legend(unique.values(), unique.keys(), title="zone", fontsize=7, loc="upper left",
                       bbox_to_anchor=(1.02, 1))
    for handle in legend.legend_handles:
        handle.set_sizes([40])  # one marker size in the legend, whatever the first town's GDP
    ax.set(title="Towns (area ~ GDP; positions approximate)", xlabel="longitude (°E)", ylabel="latitude (°N)")
    ax.set_aspect("equal")
    return solara.FigureMatplotlib(figure)


COMPONENTS = [(gdp_chart, 0), (town_map, 0), (town_chart, 0), (village_chart, 0)]


def simulate_year(model: solara.Reactive) -> None:
    """Step the current model to the end of its year (Mesa's Step runs one quarter) and redraw."""
    while model.value.running:
        model.value.step()
        if model.value.step_in_year == 0:
            break
    force_update()


def choose_variant(name: str, model: solara.Reactive) -> None:
    """Another variant: the sliders go to its values and the model is rebuilt."""
    variant.set(name)
    levers.set(explore.lever_values(scenario_path(name)))
    model.set(ExplorerModel())


@solara.component
def LeverSliders():
    for lever in explore.LEVERS:
        value = levers.value[lever.key]
        solara.SliderFloat(f"{lever.label}: {value:g}", value=value, min=lever.min, max=lever.max, step=lever.step,
                           on_value=lambda new, key=lever.key: levers.set({**levers.value, key: new}))
    solara.SliderInt(f"Seed: {seed.value}", value=seed.value, min=1, max=50, on_value=seed.set)
    solara.Text("Reset builds the model with these values.")


@solara.component
def Page():
    first = solara.use_memo(ExplorerModel, [])
    model = solara.use_reactive(first)  # SolaraViz's Reset replaces its value, a variant choice too
    with solara.Sidebar():
        with solara.Card("Variant"):
            solara.Select("variant", values=shipped_variants(), value=variant.value,
                          on_value=lambda name: choose_variant(name, model))
            solara.Text(model.value.definition.data.get("description", "") or "")  # Markdown would fetch KaTeX
            solara.Button("Simulate a year", color="primary", on_click=lambda: simulate_year(model))
        with solara.Card("Levers"):
            LeverSliders()
    SolaraViz(model, components=COMPONENTS, name="xinhui-sim explorer")


def _check_variants() -> None:
    scenario_path(variant.value)  # fail at import, not in the browser, when the shipped scenarios are missing


_check_variants()
