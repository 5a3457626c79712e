"""Scenario and region files are parsed by libyaml where PyYAML has it (sim/scenario/yamlmarks.py): the same
values and key lines as PyYAML's own parser, and PyYAML's verdict wherever the two could disagree."""

from pathlib import Path

import pytest

from sim.scenario import yamlmarks
from sim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
needs_libyaml = pytest.mark.skipif(yamlmarks.CParser is None, reason="PyYAML built without libyaml")
SNIPPETS = ("a: 1e2\nb: [1, 2, {c: d}]\n", "x: &a [1, 2]\ny: *a\n", "k: |\n  two\n  lines\n", "'q': \"\\u00e9\"\n",
            "n: ~\nt: yes\nd: 2023-01-05\n", "# only a comment\n", "", "- 1\n- - 2\n  - 3\n", "s: 新会\n")


def parsed(compose, text: str):
    try:
        node = compose(text, "f.yaml")
    except ScenarioError as exc:
        return ("error", str(exc))
    marks: dict = {}
    return ("ok", yamlmarks._Converter(marks, "f.yaml").convert(node, ()) if node is not None else {}, marks)


@needs_libyaml
@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").rglob("*.yaml")))
def test_shipped_files_parse_the_same_with_libyaml(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert yamlmarks._compose_fast(text, "f.yaml") is not False
    assert parsed(yamlmarks._compose_fast, text) == parsed(yamlmarks._compose, text)


@needs_libyaml
@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_parse_the_same_with_libyaml(text):
    assert parsed(yamlmarks._compose_fast, text) == parsed(yamlmarks._compose, text)


@needs_libyaml
@pytest.mark.parametrize("text", ["a: 1\t# tab before a comment\n", "a: [1,\n b: 2\n", "a: \x07\n"])
def test_pyyaml_judges_what_libyaml_might_judge_otherwise(text):
    assert yamlmarks._compose_fast(text, "f.yaml") is False  # left to PyYAML's parser
    with pytest.raises(ScenarioError):
        yamlmarks.parse_text(text, "f.yaml")
