"""Read YAML while remembering the file and line of every key, so errors can point at them."""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.scenario.errors import ScenarioError

# key path (tuple of str/int) -> (file, line); line is 1-based
Marks = dict[tuple, tuple[str, int]]


def read_yaml(path: Path) -> tuple[object, Marks, str]:
    """Parse ``path``; return (data, marks, raw text). Raises ScenarioError on any failure."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read file: {exc}", file=str(path)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise ScenarioError(f"malformed YAML: {problem}", file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", file=str(path)) from None
    marks: Marks = {}
    data = _convert(node, (), marks, str(path)) if node is not None else {}
    return data, marks, text


def _convert(node, key_path: tuple, marks: Marks, file: str):
    marks[key_path] = (file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value  # keys stay strings, as written
            if key in out:
                raise ScenarioError(f"duplicate key '{key}'", file=file,
                                    line=key_node.start_mark.line + 1,
                                    key_path=format_path(key_path + (key,)))
            out[key] = _convert(value_node, key_path + (key,), marks, file)
            # the key's own line, not its value's, is where a reader looks
            marks[key_path + (key,)] = (file, key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, key_path + (i,), marks, file) for i, child in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode):
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def format_path(key_path: tuple) -> str:
    parts = []
    for part in key_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)
