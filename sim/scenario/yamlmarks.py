"""Read YAML while remembering the file and line of every key, so errors can point at them.

Reading is bounded (``sim.scenario.limits``): only regular files up to a size, nesting up to a depth, values up
to a count after alias expansion, strings up to a length and without NUL or lone surrogates. Numbers follow
YAML 1.2 as well as 1.1: ``1e2`` and ``1.0e308`` are numbers, not strings.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from sim.scenario import files, limits
from sim.scenario.errors import ScenarioError

# key path (tuple of str/int) -> (file, line); line is 1-based
Marks = dict[tuple, tuple[str, int]]

# YAML 1.2 core schema floats: an exponent without a dot or without a sign (1e2, 1.0e308), which YAML 1.1
# (PyYAML's resolver) reads as strings; tried after 1.1's own int and float patterns
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")

try:
    from yaml._yaml import CParser  # libyaml, if PyYAML was built with it
except ImportError:
    CParser = None


class _Bounded:
    """A composer that refuses deep nesting while composing (PyYAML's composer recurses once per level: 3,000
    levels would be a RecursionError)."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > limits.MAX_NESTING_DEPTH:
                mark = self.peek_event().start_mark
                raise ScenarioError(f"nesting deeper than {limits.MAX_NESTING_DEPTH} levels (MAX_NESTING_DEPTH)",
                                    file=self.name, line=mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Bounded, yaml.SafeLoader):
    """SafeLoader that also reads YAML 1.2 exponent forms as floats and refuses deep nesting while composing."""


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789."))

if CParser is not None:
    class _FastLoader(_Bounded, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
                      yaml.resolver.Resolver):
        """_Loader with libyaml's parser (C, a state machine: no recursion) under the same Python composer and
        resolver; the pure-Python parser took most of a scenario's loading (0.03 s, the region file)."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

        def __init__(self, text: str):
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def read_yaml(path: Path, max_bytes: int = limits.MAX_SCENARIO_BYTES,
              limit: str = "MAX_SCENARIO_BYTES") -> tuple[object, Marks, str]:
    """Parse ``path``; return (data, marks, raw text). Raises ScenarioError on any failure."""
    path = Path(path)
    return parse_text(files.read_text(path, max_bytes, limit), str(path))


def parse_text(text: str, file: str) -> tuple[object, Marks, str]:
    """Parse YAML ``text`` read from ``file`` (a path, or ``--set``); an empty document gives {}."""
    node = _compose_fast(text, file)
    if node is False:  # libyaml is missing or refused the text: PyYAML's parser reports why, in its words
        node = _compose(text, file)
    marks: Marks = {}
    data = _Converter(marks, file).convert(node, ()) if node is not None else {}
    return data, marks, text


def _compose_fast(text: str, file: str):
    """The node tree (None for an empty document) parsed by libyaml, after the same check of characters as
    PyYAML's reader; False if libyaml is missing, finds an error or the text has a tab (``_compose`` then
    parses it). tests/test_hostile_inputs.py holds the two parsers to the same verdicts."""
    if CParser is None or "\t" in text:  # libyaml accepts tabs where PyYAML refuses them
        return False
    loader = None
    try:
        yaml.reader.Reader(text)  # the control characters PyYAML refuses before parsing
        loader = _FastLoader(text)
        loader.name = file
        return loader.get_single_node()
    except Exception:  # noqa: BLE001 -- any refusal (also our nesting bound): PyYAML's parser gives the verdict
        return False
    finally:
        if loader is not None:
            loader.dispose()


def _compose(text: str, file: str):
    """The node tree by PyYAML's own parser; raises ScenarioError on any failure."""
    loader = None
    try:
        loader = _Loader(text)  # refuses control characters here, before parsing
        loader.name = file
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line, problem = _parse_error(exc, text)
        raise ScenarioError(f"malformed YAML: {problem}", file=file, line=line) from None
    except yaml.reader.ReaderError as exc:  # a control character, before any parsing
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise ScenarioError(f"malformed YAML: control character {character!r} is not allowed", file=file,
                            line=text[:exc.position].count("\n") + 1) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", file=file) from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


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


class _Converter:
    """Nodes to plain data with marks; counts values as aliases expand them and checks every string."""

    def __init__(self, marks: Marks, file: str):
        self.marks, self.file, self.count = marks, file, 0
        self.open: set[int] = set()  # the nodes being converted, from the root down: an alias into one recurses
        self.constructor = yaml.SafeLoader("")  # builds scalars (ints, floats, dates) as PyYAML would

    def fail(self, node, message: str, key_path: tuple):
        raise ScenarioError(message, file=self.file, line=node.start_mark.line + 1, key_path=format_path(key_path))

    def convert(self, node, key_path: tuple):
        self.marks[key_path] = (self.file, node.start_mark.line + 1)
        self.count += 1
        if self.count > limits.MAX_YAML_NODES:  # a billion laughs or one list aliased 10^4 times
            self.fail(node, f"more than {limits.MAX_YAML_NODES:,} values after expanding aliases "
                      "(MAX_YAML_NODES)", key_path)
        if len(key_path) > limits.MAX_NESTING_DEPTH:  # aliases nest what they refer to
            self.fail(node, f"nesting deeper than {limits.MAX_NESTING_DEPTH} levels (MAX_NESTING_DEPTH)", key_path)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, key_path)
        if node.tag not in _PLAIN_TAGS:  # !!python/object [..], !!set {..}: never constructed, so refused
            self.fail(node, f"cannot read value: tag {short(node.tag)!r} is not allowed", key_path)
        if id(node) in self.open:  # an alias inside the value it refers to (&a [*a])
            self.fail(node, "recursive alias: the value contains itself", key_path)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, key_path)
            return [self.convert(child, key_path + (i,)) for i, child in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def scalar(self, node, key_path: tuple):
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:  # !!int abc, 2023-13-45, !unknown
            detail, value = (getattr(exc, "problem", None) or str(exc))[:80], repr(node.value)[:40]
            self.fail(node, f"cannot read value {value}: {detail}", key_path)
        if isinstance(value, str):
            self.check_string(node, value, key_path, limits.MAX_STRING_CHARS, "MAX_STRING_CHARS", "value")
        return value

    def mapping(self, node, key_path: tuple) -> dict:
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a key must be a plain name, not a list or mapping", key_path)
            key = key_node.value  # keys stay strings, as written
            self.check_string(key_node, key, key_path, limits.MAX_KEY_CHARS, "MAX_KEY_CHARS", "key")
            if key in out:
                self.fail(key_node, f"duplicate key '{key}'", key_path + (key,))
            out[key] = self.convert(value_node, key_path + (key,))
            # the key's own line, not its value's, is where a reader looks
            self.marks[key_path + (key,)] = (self.file, key_node.start_mark.line + 1)
        return out

    def check_string(self, node, text: str, key_path: tuple, limit: int, name: str, what: str) -> None:
        if len(text) > limit:
            self.fail(node, f"{what} longer than {limit:,} characters ({name})", key_path)
        bad = _BAD_CHARACTER.search(text)
        if bad:
            kind = "a NUL character" if bad.group() == "\x00" else "a lone surrogate"
            self.fail(node, f"{what} contains {kind} ({bad.group()!r} at position {bad.start()})", key_path)


def format_path(key_path: tuple) -> str:
    parts = []
    for part in key_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + short(str(part)))
    return "".join(parts)


def short(text: str, limit: int = 60) -> str:
    """A key or value cut short for an error message, so the error stays one readable line."""
    return text if len(text) <= limit else text[:limit - 3] + "..."
