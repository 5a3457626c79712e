"""Load a scenario: follow ``extends``, deep-merge onto the schema defaults, validate every key.

A scenario file holds only what differs from its parent (or from the schema defaults); mappings merge
key by key, lists replace. Every problem raises ScenarioError with file, line and key path.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from pathlib import Path

from sim.scenario import files
from sim.scenario.errors import ScenarioError
from sim.scenario.limits import (
    MAX_EXTENDS_CHAIN,
    MAX_NAME_CHARS,
    MAX_NEW_PARKS,
    MAX_PATH_CHARS,
    MAX_RECORDS,
    MAX_WEIGHT,
)
from sim.scenario.schema import SCHEMA
from sim.scenario.spec import Param, RecordList, Weights
from sim.scenario.yamlmarks import Marks, format_path, read_yaml, short

_TYPE_NAMES = {"float": "a number", "int": "a whole number", "bool": "true or false", "str": "a string",
               "year": "a year (whole number)", "float_list": "a list of numbers"}


def read_chain(path: Path, _seen: tuple = ()) -> tuple[dict, Marks, list[tuple[str, str]]]:
    """Read ``path`` and its ``extends`` ancestors; return merged data, marks and (file, text) pairs."""
    path = files.resolve(path)
    data, marks, text = read_yaml(path)
    if not isinstance(data, dict):
        raise ScenarioError("a scenario must be a mapping of keys to values", file=str(path), line=1)
    texts = [(str(path), text)]
    parent = data.pop("extends", None)
    if parent is None:
        return data, marks, texts
    file, line = marks[("extends",)]
    parent_path = _parent_path(path, parent, _seen, file, line)
    base, base_marks, base_texts = read_chain(parent_path, (*_seen, path))
    merged_marks = dict(base_marks)
    merged_marks.update(marks)
    return deep_merge(base, data), merged_marks, base_texts + texts


def _parent_path(path: Path, parent, seen: tuple, file: str, line: int) -> Path:
    """The file an ``extends`` names, checked: a short path to a regular file, no cycle, a bounded chain."""
    def fail(message):
        raise ScenarioError(message, file=file, line=line, key_path="extends")

    if not isinstance(parent, str):
        fail("'extends' must be a file name")
    if len(parent) > MAX_PATH_CHARS:
        fail(f"path longer than {MAX_PATH_CHARS:,} characters (MAX_PATH_CHARS)")
    if len(seen) + 1 >= MAX_EXTENDS_CHAIN:
        fail(f"extends chain longer than {MAX_EXTENDS_CHAIN} files (MAX_EXTENDS_CHAIN)")
    parent_path = files.resolve(path.parent / parent, file, line, "extends")
    if parent_path == path or parent_path in seen:
        fail(f"extends cycle: {' -> '.join(Path(p).name for p in (*seen, path, parent_path))}")
    problem = files.problem(parent_path)
    if problem == "file not found":
        fail(f"extends target not found: {short(parent)}")
    if problem:
        fail(f"extends target is not a file ({problem}): {short(parent)}")
    return parent_path


def deep_merge(base: dict, override: dict) -> dict:
    """Mappings merge key by key; anything else in ``override`` replaces what ``base`` had."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def defaults(schema: dict = SCHEMA) -> dict:
    """The complete default scenario, as plain data."""
    out = {}
    for key, node in schema.items():
        if isinstance(node, dict):
            out[key] = defaults(node)
        elif isinstance(node, Weights):
            out[key] = dict(node.default)
        elif isinstance(node, RecordList):
            out[key] = [dict(r) for r in node.default]
        else:
            out[key] = copy.deepcopy(node.default)
    return out


class Validator:
    """Checks user data against the schema and fills defaults; knows where each key was written."""

    def __init__(self, marks: Marks, default_file: str):
        self.marks = marks
        self.default_file = default_file

    def fail(self, key_path: tuple, message: str):
        file, line = self._locate(key_path)
        raise ScenarioError(message, file=file, line=line, key_path=format_path(key_path))

    def _locate(self, key_path: tuple):
        for n in range(len(key_path), -1, -1):
            if key_path[:n] in self.marks:
                return self.marks[key_path[:n]]
        return self.default_file, None

    def section(self, data, schema: dict, key_path: tuple) -> dict:
        if not isinstance(data, dict):
            self.fail(key_path, "must be a mapping of keys to values")
        for key in data:
            if key not in schema:
                close = difflib.get_close_matches(str(key), [str(k) for k in schema], n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.fail(key_path + (key,), f"unknown key '{short(str(key))}'{hint}")
        out = {}
        for key, node in schema.items():
            path = key_path + (key,)
            present = key in data
            if isinstance(node, dict):
                out[key] = self.section(data[key] if present else {}, node, path)
            elif isinstance(node, RecordList):
                out[key] = self.records(data[key], node, path) if present else list(node.default)
            elif isinstance(node, Weights):
                out[key] = self.weights(data[key], path) if present else dict(node.default)
            else:
                out[key] = self.value(data[key], node, path) if present else copy.deepcopy(node.default)
        return out

    def records(self, data, node: RecordList, key_path: tuple) -> list[dict]:
        if data is None:
            return []
        if not isinstance(data, list):
            self.fail(key_path, "must be a list of records")
        limit, name = _RECORD_LIMITS.get(key_path, (MAX_RECORDS, "MAX_RECORDS"))
        if len(data) > limit:
            self.fail(key_path, f"more than {limit:,} records ({name})")
        out = []
        for i, record in enumerate(data):
            path = key_path + (i,)
            if not isinstance(record, dict):
                self.fail(path, "must be a mapping")
            for req in node.required:
                if req not in record:
                    self.fail(path, f"missing required key '{req}'")
            out.append(self.section(record, node.fields, path))
        return out

    def weights(self, data, key_path: tuple) -> dict:
        if not isinstance(data, dict):
            self.fail(key_path, "must be a mapping of ids to numbers")
        out = {}
        for key, value in data.items():
            number = self.value(value, Param(0.0, "", "", "", min=0, max=MAX_WEIGHT), key_path + (key,))
            out[str(key)] = number
        return out

    def value(self, value, param: Param, key_path: tuple):
        kind = param.kind
        ok = {
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "year": isinstance(value, int) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "str": isinstance(value, str),
            "float_list": isinstance(value, list) and len(value) > 0 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value),
        }[kind]
        if not ok:
            self.fail(key_path, f"must be {_TYPE_NAMES[kind]}, got {_show(value)}")
        if kind == "float_list" and len(value) > MAX_RECORDS:
            self.fail(key_path, f"more than {MAX_RECORDS:,} values (MAX_RECORDS)")
        numbers = value if kind == "float_list" else [value] if kind in ("float", "int", "year") else []
        for number in numbers:
            if not _finite(number):  # .nan passes every min/max test, .inf breaks the model
                self.fail(key_path, f"must be a finite number, got {_show(number)}")
            if param.min is not None and number < param.min:
                self.fail(key_path, f"must be >= {param.min}, got {number}")
            if param.max is not None and number > param.max:
                self.fail(key_path, f"must be <= {param.max}, got {number}")
        if kind == "str":
            self.text(value, key_path)
        if param.choices and value not in param.choices:
            self.fail(key_path, f"must be one of {', '.join(param.choices)}, got {_show(value)}")
        return float(value) if kind == "float" else [float(v) for v in value] if kind == "float_list" \
            else value


    def text(self, value: str, key_path: tuple) -> None:
        """Names label tables and terminal lines, paths are opened: both short, names without control characters."""
        limit, name = _STRING_LIMITS.get(key_path, (None, None))
        if limit is not None and len(value) > limit:
            self.fail(key_path, f"longer than {limit:,} characters ({name})")
        if key_path == ("name",) and _CONTROL.search(value):
            self.fail(key_path, f"must not contain control characters, got {_show(value)}")


_STRING_LIMITS = {("name",): (MAX_NAME_CHARS, "MAX_NAME_CHARS"), ("region",): (MAX_PATH_CHARS, "MAX_PATH_CHARS")}
_RECORD_LIMITS = {("clustering", "new_parks"): (MAX_NEW_PARKS, "MAX_NEW_PARKS")}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _finite(number) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an int too large for a float
        return False


def _show(value, limit: int = 60) -> str:
    """repr of a bad value, cut short so the error stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def validate(data: dict, marks: Marks, file: str) -> dict:
    """Validate ``data`` (already merged over its parents) and return it complete with defaults."""
    return Validator(marks, file).section(data, SCHEMA, ())
