"""Render the schema as Markdown (the generated body of docs/scenarios.md) and as a JSON Schema."""

from __future__ import annotations

from sim.scenario.limits import MAX_NAME_CHARS, MAX_PATH_CHARS, MAX_STRING_CHARS, MAX_WEIGHT
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


def schema_json() -> str:
    """A JSON Schema (draft 2020-12) of scenario files, for editors: keys, types, ranges, choices, defaults."""
    import json

    root = _json_section(SCHEMA)
    root["properties"]["extends"] = {"type": "string", "description": "Parent scenario file, relative to this one."}
    root["properties"]["sweep"] = {"type": "object", "description": "A batch sweep (docs/batch.md)."}
    root.update({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "xinhui-sim scenario"})
    return json.dumps(root, ensure_ascii=False, indent=1)


_MAX_CHARS = {"name": MAX_NAME_CHARS, "region": MAX_PATH_CHARS}
_JSON_TYPES = {"float": "number", "int": "integer", "year": "integer", "bool": "boolean", "str": "string"}


def _json_section(schema: dict) -> dict:
    properties = {}
    for key, node in schema.items():
        if isinstance(node, dict):
            properties[key] = _json_section(node)
        elif isinstance(node, RecordList):
            item = _json_section(node.fields)
            item["required"] = list(node.required)
            properties[key] = {"type": ["array", "null"], "items": item, "description": node.doc}
        elif isinstance(node, Weights):
            number = {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT}
            properties[key] = {"type": "object", "additionalProperties": number, "description": node.doc,
                               "default": dict(node.default)}
        else:
            properties[key] = _json_param(node)
            if node.kind == "str":
                properties[key]["maxLength"] = _MAX_CHARS.get(key, MAX_STRING_CHARS) if schema is SCHEMA \
                    else MAX_STRING_CHARS
    return {"type": "object", "additionalProperties": False, "properties": properties}


def _json_param(node: Param) -> dict:
    bounds = {k: v for k, v in (("minimum", node.min), ("maximum", node.max)) if v is not None}
    if node.kind == "float_list":
        out = {"type": "array", "minItems": 1, "items": {"type": "number", **bounds}}
    else:
        out = {"type": _JSON_TYPES[node.kind], **(bounds if node.kind in ("float", "int", "year") else {})}
    if node.choices:
        out["enum"] = list(node.choices)
    return {**out, "default": node.default, "description": f"{node.doc} [{node.unit}]" if node.unit else node.doc}


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
