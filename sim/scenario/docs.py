"""Render the schema as Markdown: the generated body of docs/scenarios.md."""

from __future__ import annotations

from sim.scenario.schema import SCHEMA
from sim.scenario.spec import Param, RecordList, Weights


def schema_markdown() -> str:
    lines = ["| key | default | unit | meaning | source |", "|---|---|---|---|---|"]
    _rows(SCHEMA, "", lines)
    return "\n".join(lines)


def _rows(schema: dict, prefix: str, lines: list[str]) -> None:
    for key, node in schema.items():
        path = f"{prefix}{key}"
        if isinstance(node, dict):
            _rows(node, path + ".", lines)
        elif isinstance(node, RecordList):
            lines.append(f"| `{path}` | `[]` | list | {node.doc} Each record: | |")
            _rows(node.fields, path + "[].", lines)
        elif isinstance(node, Weights):
            default = ", ".join(f"{k}: {v}" for k, v in node.default.items())
            lines.append(f"| `{path}` | {default} | {node.unit} by {node.of} | {node.doc} | {node.source} |")
        elif isinstance(node, Param):
            choices = f" One of: {', '.join(node.choices)}." if node.choices else ""
            bounds = _bounds(node)
            lines.append(f"| `{path}` | `{node.default!r}` | {node.unit} | {node.doc}{choices}{bounds} | "
                         f"{node.source} |")


def _bounds(node: Param) -> str:
    if node.min is None and node.max is None:
        return ""
    low = "" if node.min is None else f"{node.min} <= "
    high = "" if node.max is None else f" <= {node.max}"
    return f" ({low}value{high})"


def update_file(path: str) -> None:
    """Replace the text between the schema markers of ``path`` (docs/scenarios.md) with the schema table."""
    from pathlib import Path

    file = Path(path)
    text = file.read_text(encoding="utf-8")
    start = text.index("<!-- schema:start -->") + len("<!-- schema:start -->")
    end = text.index("<!-- schema:end -->")
    file.write_text(text[:start] + "\n" + schema_markdown() + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":  # python -m sim.scenario.docs docs/scenarios.md
    import sys

    update_file(sys.argv[1] if len(sys.argv) > 1 else "docs/scenarios.md")
