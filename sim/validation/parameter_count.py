"""The count of scenario parameters by origin, read from the table of docs/validation.md §6.

The table has one row per scenario key (a row whose key ends in ``.*`` stands for every key under it, e.g. one
outside-demand growth rate per sector) and its class in the fourth column: data, literature, plan, calibrated,
free or technical, or two of them ("literature / free": the form from the first, the value from the second).
``summary`` writes the sentence of §6 that states the counts; tests/test_parameter_count.py checks that the
document states it and that every schema key has a row. Run ``python -m sim.validation.parameter_count`` to
print the sentence after editing the table.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from sim.scenario.schema import SCHEMA
from sim.scenario.spec import Param, RecordList, Weights

CLASSES = ("free", "data", "literature", "plan", "calibrated", "technical")
META_KEYS = ("name", "description", "region")  # what a scenario file is, not parameters of the model
SECTION_HEADING = "## 6. Where every parameter comes from"
VALIDATION_MD = Path(__file__).resolve().parents[2] / "docs" / "validation.md"


def schema_keys(schema: dict = SCHEMA, prefix: str = "") -> list[str]:
    """Every key a table row must cover: parameters, weight sets, record lists and the fields of a record that
    are parameters (not the ``scenario`` fields that say which town or year a record is about)."""
    keys = []
    for name, node in schema.items():
        path = f"{prefix}{name}"
        if not prefix and name in META_KEYS:
            continue
        if isinstance(node, dict):
            keys += schema_keys(node, path + ".")
        elif isinstance(node, RecordList):
            keys.append(path)
            keys += [f"{path}[].{f}" for f, field in node.fields.items() if field.source != "scenario"]
        elif isinstance(node, (Param, Weights)):
            keys.append(path)
    return keys


def table_rows(text: str) -> list[tuple[str, str]]:
    """(key, class) of each row of the parameter table in ``text`` (the validation document)."""
    section = text.split(SECTION_HEADING, 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| key |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((re.search(r"`([^`]+)`", cells[0]).group(1), cells[3]))
    return rows


def classes_of(cell: str) -> tuple[str, ...]:
    """'literature / free' -> ('literature', 'free'); ';' is read as '/'."""
    return tuple(part.strip() for part in re.split(r"[/;]", cell) if part.strip())


def covered(key: str, keys: list[str]) -> list[str]:
    """The schema keys a row stands for: itself, or every key under a ``prefix.*`` row."""
    if key.endswith(".*"):
        return [k for k in keys if k.startswith(key[:-1])]
    return [key] if key in keys else []


def count(rows: list[tuple[str, str]], keys: list[str]) -> Counter:
    """Keys by class (a mixed class as 'a / b'), each row weighted by the number of keys it covers."""
    counts = Counter()
    for key, cell in rows:
        counts[" / ".join(classes_of(cell))] += max(len(covered(key, keys)), 1)
    return counts


def summary(text: str, keys: list[str] | None = None) -> str:
    """The sentence of §6 that states the counts of the table in ``text``."""
    keys = schema_keys() if keys is None else keys
    rows = table_rows(text)
    counts = count(rows, keys)
    mixed = sorted(((n, c) for c, n in counts.items() if c not in CLASSES), key=lambda m: (-m[0], m[1]))
    parts = ", ".join(f"{n} {c}" for n, c in mixed)
    return (f"Of the {sum(counts.values())} keys ({len(rows)} rows in the table below; a row whose key ends in "
            f"`.*` counts each key it covers), **{counts['free']} are free estimates**, {counts['data']} come from "
            f"data, {counts['literature']} from the literature, {counts['plan']} from the plan, "
            f"{counts['calibrated']} are calibrated by hand, {counts['technical']} are technical, and "
            f"{sum(n for n, _ in mixed)} mix two classes ({parts}).")


def unknown_classes(rows: list[tuple[str, str]]) -> list[str]:
    return [key for key, cell in rows if not classes_of(cell) or any(c not in CLASSES for c in classes_of(cell))]


if __name__ == "__main__":
    print(summary(VALIDATION_MD.read_text(encoding="utf-8")))
