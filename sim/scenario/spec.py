"""The vocabulary of the scenario schema: a parameter, a list of records, a free mapping.

The schema itself (``sim.scenario.schema``) is written with these; the loader validates against it and
``docs/scenarios.md`` is generated from it, so the schema is the single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Param:
    """One scenario key: its default, unit, meaning, source and allowed values."""

    default: Any
    unit: str
    doc: str
    source: str
    kind: str = "float"  # float | int | bool | str | year | float_list
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RecordList:
    """A list of records (e.g. pairing pairs), each validated against ``fields``."""

    fields: dict[str, Param]
    doc: str
    default: tuple = ()
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Weights:
    """A mapping from ids of a region set (sectors, towns, ...) to non-negative numbers."""

    of: str  # "sectors" | "towns" | "parks"
    default: dict[str, float] = field(default_factory=dict)
    unit: str = "weight"
    doc: str = ""
    source: str = ""


def is_section(node) -> bool:
    return isinstance(node, dict)
