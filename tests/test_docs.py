"""The documentation stays in step with the code: the scenario key reference in docs/scenarios.md is the
output of ``xinhui-sim schema``, and docs/outputs.md documents every column that a run writes."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from sim.results import TABLES, run_tables
from sim.scenario import load_scenario
from sim.scenario.docs import schema_markdown

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS_MD = ROOT / "docs" / "scenarios.md"
OUTPUTS_MD = ROOT / "docs" / "outputs.md"
START, END = "<!-- schema:start -->", "<!-- schema:end -->"


def _between_markers(text: str) -> str:
    assert text.count(START) == 1 and text.count(END) == 1, \
        f"docs/scenarios.md must contain the lines {START} and {END} exactly once"
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_scenario_key_reference_is_generated_from_the_schema():
    documented = _between_markers(SCENARIOS_MD.read_text(encoding="utf-8"))
    generated = schema_markdown().strip()
    assert documented == generated, (
        "docs/scenarios.md is out of date with sim/scenario/schema.py: run `xinhui-sim schema` and paste its "
        f"output between the lines {START} and {END}")


@lru_cache(maxsize=1)
def _short_run() -> dict[str, dict]:
    return run_tables(load_scenario(ROOT / "scenarios" / "plan.yaml"), 1)


def _documented_columns(table: str) -> set[str]:
    """Names in the first column of the first Markdown table under the heading that names ``table.parquet``."""
    text = OUTPUTS_MD.read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    matching = [s for s in sections if s.splitlines() and f"`{table}.parquet`" in s.splitlines()[0]]
    assert len(matching) == 1, f"docs/outputs.md needs exactly one '## ... `{table}.parquet`' section"
    lines = matching[0].splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    rows = "\n".join(lines[start:end])
    return set(re.findall(r"^\| `([A-Za-z0-9_]+)` \|", rows, flags=re.MULTILINE))


@pytest.mark.parametrize("table", TABLES)
def test_every_output_column_is_documented(table):
    columns = list(_short_run()[table])
    assert columns, f"the run wrote no {table} rows"
    missing = [c for c in columns if c not in _documented_columns(table)]
    assert not missing, f"columns of {table}.parquet missing from docs/outputs.md: {missing}"


@pytest.mark.parametrize("table", TABLES)
def test_no_documented_column_is_stale(table):
    stale = sorted(_documented_columns(table) - set(_short_run()[table]))
    assert not stale, f"docs/outputs.md documents {table} columns that a run no longer writes: {stale}"


def test_sources_are_cited_inside_the_repository():
    """No doc, scenario or module points to ../shared/domain (which a user of the repository does not have);
    the cited notes are shipped in docs/sources/."""
    import subprocess

    files = subprocess.run(["git", "ls-files", "docs", "sim", "scenarios", "README.md", "analysis"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if name.startswith("docs/sources/") or not name.endswith((".md", ".py", ".yaml", ".ipynb")):
            continue
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "shared/domain" not in text, f"{name} cites shared/domain"
    for name in ("xinhui_facts.md", "literature.md", "towns.yaml", "plan_targets.yaml", "market_prices.md",
                 "README.md"):
        assert (ROOT / "docs" / "sources" / name).is_file(), name


def test_cited_price_rows_exist():
    """Every "prices Pn" (or "prices Pn-Pm", "prices Pn, Pm") a schema source cites is a row of
    docs/sources/market_prices.md."""
    from sim.scenario.schema import SCHEMA

    rows = set(re.findall(r"^\| (P\d+) \|", (ROOT / "docs" / "sources" / "market_prices.md").read_text(
        encoding="utf-8"), flags=re.MULTILINE))

    def sources(node):
        if isinstance(node, dict):
            for child in node.values():
                yield from sources(child)
        elif hasattr(node, "source"):
            yield node.source
        if hasattr(node, "fields"):
            yield from sources(node.fields)

    cited = set()
    for text in sources(SCHEMA):
        for group in re.findall(r"prices ((?:P\d+(?:[-–]P\d+)?(?:, )?)+)", text):
            for first, last in re.findall(r"P(\d+)(?:[-–]P(\d+))?", group):
                cited.update(f"P{n}" for n in range(int(first), int(last or first) + 1))
    assert cited, "no schema source cites docs/sources/market_prices.md"
    assert cited <= rows, f"schema cites rows missing from market_prices.md: {sorted(cited - rows)}"
