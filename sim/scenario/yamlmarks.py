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
        line, problem = _parse_error(exc, text)
        raise ScenarioError(f"malformed YAML: {problem}", file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", file=str(path)) from None
    marks: Marks = {}
    data = _convert(node, (), marks, str(path)) if node is not None else {}
    return data, marks, text


def _parse_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to report and a one-line description of a YAML syntax error."""
    problem, context = exc.problem_mark, exc.context_mark
    mark = problem or context
    # an unclosed bracket or quote is only noticed at the end of the file: point at where it was opened
    if problem is not None and context is not None and problem.index >= len(text.rstrip()):
        mark = context
    line = mark.line + 1 if mark else None
    message = exc.problem or exc.context or "malformed YAML"
    if exc.problem and exc.context and context is not None and context.line + 1 != line:
        message += f" ({exc.context} that starts on line {context.line + 1})"
    return line, message


def _convert(node, key_path: tuple, marks: Marks, file: str, _open: frozenset = frozenset()):
    marks[key_path] = (file, node.start_mark.line + 1)
    if id(node) in _open:  # an alias inside the value it refers to (&a [*a])
        raise ScenarioError("recursive alias: the value contains itself", file=file,
                            line=node.start_mark.line + 1, key_path=format_path(key_path))
    _open = _open | {id(node)}
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError("a key must be a plain name, not a list or mapping", file=file,
                                    line=key_node.start_mark.line + 1, key_path=format_path(key_path))
            key = key_node.value  # keys stay strings, as written
            if key in out:
                raise ScenarioError(f"duplicate key '{key}'", file=file,
                                    line=key_node.start_mark.line + 1,
                                    key_path=format_path(key_path + (key,)))
            out[key] = _convert(value_node, key_path + (key,), marks, file, _open)
            # the key's own line, not its value's, is where a reader looks
            marks[key_path + (key,)] = (file, key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, key_path + (i,), marks, file, _open) for i, child in enumerate(node.value)]
    try:
        return _scalar(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:  # !!int abc, 2023-13-45, !unknown
        detail, value = (getattr(exc, "problem", None) or str(exc))[:80], repr(node.value)[:40]
        raise ScenarioError(f"cannot read value {value}: {detail}", file=file,
                            line=node.start_mark.line + 1, key_path=format_path(key_path)) from None


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
