"""Where a scenario comes from when a Python user names it: a path or a shipped variant, plus keyword overrides.

``RegionModel("plan", **{"investment.projects_per_year": 130})`` and ``mesa.batch_run`` pass scenario keys as
keyword arguments; ``nest`` turns dotted names (and nested dicts) into the nested mapping that
``load_scenario`` merges and validates, so a bad key or value gives the usual one-line ScenarioError.
"""

from __future__ import annotations

from pathlib import Path

from sim.scenario.errors import ScenarioError
from sim.scenario.loader import deep_merge

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"  # the repository's scenarios/ (editable install)


def shipped_variants() -> list[str]:
    """Names of the variants in the repository's scenarios/ folder (plan, baseline, ...)."""
    return sorted(p.stem for p in SHIPPED.glob("*.yaml"))


def scenario_path(source: str | Path) -> Path:
    """A scenario file: ``source`` itself if it is a file, else a shipped variant name ("plan")."""
    path = Path(source)
    if path.is_file():
        return path
    if path.suffix == "" and len(path.parts) == 1:
        for folder in (Path("scenarios"), SHIPPED):  # the user's own scenarios/ first
            if (folder / f"{path.name}.yaml").is_file():
                return folder / f"{path.name}.yaml"
        raise ScenarioError(f"no scenario file or shipped variant named '{source}' (shipped: "
                            f"{', '.join(shipped_variants())})", file=str(source))
    raise ScenarioError("file not found", file=str(source))


def nest(overrides: dict) -> dict:
    """``{"investment.projects_per_year": 130, "pairing": {...}}`` -> nested mapping of scenario keys."""
    out: dict = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        if any(not part for part in parts):
            raise ScenarioError("an empty part in a dotted key name", file="<overrides>", key_path=str(key))
        for part in reversed(parts[1:]):
            value = {part: value}
        out = deep_merge(out, {parts[0]: value})
    return out
