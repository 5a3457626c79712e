"""Hostile and careless input: a corpus of cases, each refused with one line, exit 2, nothing written (issue 15).

Each case asserts exit 2 (or 0 for the valid cases of the corpus), exactly one ``error: FILE[:LINE]: [KEY] ...``
line on stderr naming the file, line and key or the limit, no traceback, no raw control character, and no
``--out`` directory. Most cases run in this process through ``sim.cli.main`` (fast); the cases that would hang
or fill the memory without their limit (YAML bombs, deep nesting, FIFOs, devices, the endless village draw,
runs asking for GBs) run as subprocesses under a 1 GB address-space limit and a 20 s hang guard.
Every file is generated in ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import limits
from sim.scenario.schema import SCHEMA
from sim.scenario.spec import Param, RecordList

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "plan.yaml"
REGION = ROOT / "scenarios" / "regions" / "xinhui.yaml"
ERROR_LINE = re.compile(r"^error: (?P<file>.+?)(?::(?P<line>\d+))?: (?:\[(?P<key>.+?)\] )?(?P<message>\S.*)$")
ANY = object()  # an expectation not checked
CLI, SET, OVERRIDES = "<command line>", "--set", "<overrides>"
MEMORY_LIMIT = 1 << 30
HANG_GUARD_S = 20


@dataclass
class Case:
    """Files to write (name -> text, bytes or a callable(path)), the command, and the expected error."""

    id: str
    files: dict = field(default_factory=dict)
    argv: tuple = ("run", "{tmp}/s.yaml", "--out", "{out}")
    file: str | object = "s.yaml"  # a name in tmp_path, or CLI, SET, OVERRIDES, an absolute path, ANY
    line: int | None | object = ANY
    key: str | None | object = ANY
    fragment: str = ""
    exit: int = 2
    subprocess: bool = False


def scen(body: str, region: bool = True) -> dict:
    """One scenario file s.yaml; line 1 sets the shipped region, so the body starts on line 2."""
    return {"s.yaml": (f"region: {REGION}\n" if region else "") + body}


CASES: list[Case] = []


def case(*args, **kwargs) -> None:
    CASES.append(Case(*args, **kwargs))


# ---------------------------------------------------------------- malformed YAML and odd files
case("unclosed-flow", scen("investment: {projects_per_year: 3\nfirms: {}\n"), line=ANY, fragment="malformed YAML")
case("unclosed-quote", scen('name: "open\n'), fragment="malformed YAML")
case("tab-before-comment", scen("name: tabbed\t# a comment\n"), line=2, fragment="'\\t'")
case("tab-indent", scen("investment:\n\tprojects_per_year: 3\n"), line=3, fragment="'\\t'")
case("bad-indent", scen("investment:\n  projects_per_year: 3\n   landing_rate: 0.9\n"), line=4, fragment="malformed")
case("duplicate-top", scen("name: a\nname: b\n"), line=3, key="name", fragment="duplicate key")
case("duplicate-nested", scen("firms:\n  entry_rate_per_year: 0.1\n  entry_rate_per_year: 0.2\n"), line=4,
     key="firms.entry_rate_per_year", fragment="duplicate key")
case("unknown-tag", scen("name: !custom x\n"), line=2, key="name", fragment="!custom")
case("python-tag", scen("name: !!python/object/apply:os.system [echo hi]\n"), line=2, key="name",
     fragment="python/object")
case("bad-int-tag", scen("scale: !!int abc\n"), line=2, key="scale", fragment="'abc'")
case("impossible-date", scen("name: 2023-13-45\n"), line=2, key="name", fragment="2023-13-45")
case("recursive-alias", scen("firms: &f\n  x: *f\n"), line=2, key="firms.x", fragment="recursive alias")
case("undefined-alias", scen("firms: *nowhere\n"), line=2, fragment="undefined alias")
case("duplicate-anchor", scen("a: &x 1\nb: &x 2\n"), line=ANY, fragment="anchor")
case("list-key", scen("? [a, b]\n: 1\n"), line=2, fragment="plain name")
case("mapping-key", scen("? {a: 1}\n: 1\n"), line=2, fragment="plain name")
case("merge-key", scen("base: &b {entry_rate_per_year: 0.1}\nfirms:\n  <<: *b\n"), line=2, key="base",
     fragment="unknown key")
case("two-documents", scen("name: a\n---\nname: b\n"), line=ANY, fragment="single document")
case("list-document", {"s.yaml": "- a\n- b\n"}, line=1, key=None, fragment="must be a mapping")
case("scalar-document", {"s.yaml": "42\n"}, line=1, key=None, fragment="must be a mapping")
case("empty-file", {"s.yaml": ""}, key="region", fragment="region file not found")
case("only-comments", {"s.yaml": "# nothing here\n"}, key="region", fragment="region file not found")
case("binary-garbage", {"s.yaml": bytes(range(128, 256)) * 4}, line=1, key=None, fragment="not UTF-8")
case("utf16-file", {"s.yaml": "name: x\n".encode("utf-16")}, key=None, fragment="not UTF-8")
case("raw-nul-byte", {"s.yaml": f"region: {REGION}\nname: a\x00b\n"}, line=2, fragment="control character")
case("raw-escape-byte", {"s.yaml": f"region: {REGION}\nname: a\x1b[31mb\n"}, line=2, fragment="control character")
case("raw-del-byte", {"s.yaml": f"region: {REGION}\nname: a\x7fb\n"}, line=2, fragment="control character")
case("big-file", {"s.yaml": f"region: {REGION}\n" + "#" * (limits.MAX_SCENARIO_BYTES + 10) + "\n"}, line=None,
     fragment="MAX_SCENARIO_BYTES")
case("directory-scenario", {"s.yaml": lambda p: p.mkdir()}, fragment="directory")
case("missing-scenario", {}, line=None, fragment="file not found")
case("dangling-symlink", {"s.yaml": lambda p: p.symlink_to(p.parent / "nowhere.yaml")}, fragment="not found")
case("symlink-loop", {"s.yaml": lambda p: (p.symlink_to(p.parent / "t.yaml"),
                                          (p.parent / "t.yaml").symlink_to(p))}, fragment="symlink loop")

# ---------------------------------------------------------------- bombs and blocking files: subprocesses
_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))
case("billion-laughs", scen(_LAUGHS), line=ANY, fragment="MAX_YAML_NODES", subprocess=True)
case("quadratic-blowup", scen("x: &x [" + ", ".join(["1"] * 2000) + "]\ny: [" + ", ".join(["*x"] * 2000) + "]\n"),
     line=2, fragment="MAX_YAML_NODES", subprocess=True)
case("flow-nesting-10000", scen("name: " + "[" * 10000 + "]" * 10000 + "\n"), line=2,
     fragment="MAX_NESTING_DEPTH", subprocess=True)
case("flow-nesting-3000-mappings", scen("name: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n"), line=2,
     fragment="MAX_NESTING_DEPTH", subprocess=True)
case("block-nesting-1000", scen("".join(" " * i + f"k{i}:\n" for i in range(1000))), line=ANY,
     fragment="MAX_NESTING_DEPTH", subprocess=True)
case("alias-nesting", scen("a: &a [[[[[[[[[[1]]]]]]]]]]\nb: &b [[[[[[[[[[*a]]]]]]]]]]\nc: &c [[[[[[[[[[*b]]]]]]]]]]\n"
                           "d: [[[[[[[[[[*c]]]]]]]]]]\n"), line=ANY, fragment="MAX_NESTING_DEPTH", subprocess=True)
case("fifo-scenario", {"s.yaml": lambda p: os.mkfifo(p)}, line=None, fragment="FIFO", subprocess=True)
case("dev-zero-scenario", {}, argv=("run", "/dev/zero", "--out", "{out}"), file="/dev/zero", line=None,
     fragment="character device", subprocess=True)
case("dev-zero-extends", scen("extends: /dev/zero\n"), line=2, key="extends", fragment="character device",
     subprocess=True)
case("fifo-extends", {**scen("extends: pipe.yaml\n"), "pipe.yaml": lambda p: os.mkfifo(p)}, line=2,
     key="extends", fragment="FIFO", subprocess=True)
case("fifo-region", {"s.yaml": "region: pipe.yaml\n", "pipe.yaml": lambda p: os.mkfifo(p)}, line=1,
     key="region", fragment="FIFO", subprocess=True)
case("dev-zero-region", {"s.yaml": "region: /dev/zero\n"}, line=1, key="region", fragment="character device",
     subprocess=True)
case("endless-village-draw", scen("villages: {minimum_operating_income_10k_cny: 20000}\n"), line=2,
     key="villages.minimum_operating_income_10k_cny", fragment="must not exceed", subprocess=True)
case("projects-at-scale-500", scen("scale: 500\ninvestment: {projects_per_year: 10000}\n"), line=3,
     key="investment.projects_per_year", fragment="MAX_PROJECTS_PER_YEAR", subprocess=True)
case("firms-at-scale-500", scen("scale: 500\nfirms: {entry_rate_per_year: 0.5}\n"), line=2, key="scale",
     fragment="MAX_FIRMS", subprocess=True)
case("growing-inflow", scen("horizon: {last_year: 2043}\ninvestment: {projects_per_year: 10000, "
                            "inflow_growth_per_year: 1}\n"), line=3, key="investment.projects_per_year",
     fragment="MAX_PROJECTS_PER_YEAR", subprocess=True)
case("megabyte-name", scen('name: "' + "x" * 1_000_000 + '"\n'), line=2, key="name", fragment="MAX_STRING_CHARS",
     subprocess=True)
case("grid-of-millions", scen("sweep:\n  grid:\n" + "".join(
    f"    firms.{k}: [{', '.join(str(0.01 * i) for i in range(40))}]\n"
    for k in ("entry_rate_per_year", "tech_upgrade_rate_per_year", "high_tech_loss_rate",
              "high_tech_certification_rate"))), argv=("check", "{tmp}/s.yaml"), line=3, key="sweep.grid",
     fragment="MAX_SWEEP_POINTS", subprocess=True)

# ---------------------------------------------------------------- extends and region paths
for n in (17, 1500):
    chain = {f"c{i}.yaml": f"extends: c{i + 1}.yaml\n" for i in range(n - 1)}
    chain[f"c{n - 1}.yaml"] = f"region: {REGION}\n"
    case(f"extends-chain-{n}", chain, argv=("run", "{tmp}/c0.yaml", "--out", "{out}"),
         file=f"c{limits.MAX_EXTENDS_CHAIN - 1}.yaml", line=1, key="extends", fragment="MAX_EXTENDS_CHAIN")
_ok_chain = {f"c{i}.yaml": f"extends: c{i + 1}.yaml\n" for i in range(limits.MAX_EXTENDS_CHAIN - 1)}
_ok_chain[f"c{limits.MAX_EXTENDS_CHAIN - 1}.yaml"] = f"region: {REGION}\n"
case("extends-chain-at-limit", _ok_chain, argv=("check", "{tmp}/c0.yaml"), exit=0)
case("extends-cycle", {**scen("extends: t.yaml\n"), "t.yaml": "extends: s.yaml\n"}, file="t.yaml", line=1,
     key="extends", fragment="extends cycle")
case("extends-self", scen("extends: s.yaml\n"), line=2, key="extends", fragment="extends cycle")
case("extends-missing", scen("extends: nowhere.yaml\n"), line=2, key="extends", fragment="not found")
case("extends-directory", scen("extends: .\n"), line=2, key="extends", fragment="directory")
case("extends-list", scen("extends: [a.yaml]\n"), line=2, key="extends", fragment="must be a file name")
case("extends-nul", scen('extends: "a\\0b.yaml"\n'), line=2, key="extends", fragment="NUL")
case("extends-5000-chars", scen(f"extends: {'x' * 5000}\n"), line=2, key="extends", fragment="MAX_PATH_CHARS")
case("extends-long-component", scen(f"extends: {'x' * 300}.yaml\n"), line=2, key="extends",
     fragment="file name too long")
case("extends-symlink-loop", {**scen("extends: loop.yaml\n"),
                              "loop.yaml": lambda p: (p.symlink_to(p.parent / "loop2.yaml"),
                                                      (p.parent / "loop2.yaml").symlink_to(p))},
     line=2, key="extends", fragment="symlink loop")
case("extends-error-in-parent", {**scen("extends: t.yaml\n"), "t.yaml": "firms:\n  entry_rate_per_year: x\n"},
     file="t.yaml", line=2, key="firms.entry_rate_per_year", fragment="must be a number")
case("region-nul", {"s.yaml": 'region: "a\\0b.yaml"\n'}, line=1, key="region", fragment="NUL")
case("region-5000-chars", {"s.yaml": f"region: {'x' * 5000}\n"}, line=1, key="region", fragment="MAX_PATH_CHARS")
case("region-long-component", {"s.yaml": f"region: {'x' * 300}.yaml\n"}, line=1, key="region",
     fragment="file name too long")
case("region-missing", {"s.yaml": "region: regions/nowhere.yaml\n"}, line=1, key="region", fragment="not found")
case("region-directory", {"s.yaml": f"region: {REGION.parent}\n"}, line=1, key="region", fragment="directory")
case("region-number", {"s.yaml": "region: 5\n"}, line=1, key="region", fragment="must be a string")
case("region-symlink-loop", {"s.yaml": "region: loop.yaml\n",
                             "loop.yaml": lambda p: (p.symlink_to(p.parent / "loop2.yaml"),
                                                     (p.parent / "loop2.yaml").symlink_to(p))},
     line=1, key="region", fragment="symlink loop")
case("region-binary", {"s.yaml": "region: r.yaml\n", "r.yaml": b"\xff\xfe\x00garbage"}, file="r.yaml",
     fragment="not UTF-8")
case("region-too-big", {"s.yaml": "region: r.yaml\n", "r.yaml": "#" * (limits.MAX_REGION_BYTES + 1)},
     file="r.yaml", line=None, fragment="MAX_REGION_BYTES")
case("region-not-mapping", {"s.yaml": "region: r.yaml\n", "r.yaml": "- a\n"}, file="r.yaml",
     fragment="must be a mapping")
case("region-alias-bomb", {"s.yaml": "region: r.yaml\n", "r.yaml": _LAUGHS}, file="r.yaml",
     fragment="MAX_YAML_NODES", subprocess=True)
case("region-empty", {"s.yaml": "region: r.yaml\n", "r.yaml": ""}, file="r.yaml", key="sectors",
     fragment="non-empty list")

# ---------------------------------------------------------------- names and strings
case("name-5000-chars", scen(f"name: {'x' * 5000}\n"), line=2, key="name", fragment="MAX_NAME_CHARS")
case("name-lone-surrogate", scen('name: "\\ud800"\n'), line=2, key="name", fragment="lone surrogate")
case("name-nul", scen('name: "a\\0b"\n'), line=2, key="name", fragment="NUL")
case("name-escape", scen('name: "\\e[31mred"\n'), line=2, key="name", fragment="control characters")
case("name-line-break", scen('name: "a\\nb"\n'), line=2, key="name", fragment="control characters")
case("description-too-long", scen(f"description: {'y' * (limits.MAX_STRING_CHARS + 1)}\n"), line=2,
     key="description", fragment="MAX_STRING_CHARS")
case("key-too-long", scen(f"{'k' * 300}: 1\n"), line=2, fragment="MAX_KEY_CHARS")
case("key-escape", scen('"\\e[2J\\e[31mboom": 1\n'), line=2, fragment="unknown key")
case("key-lone-surrogate", scen('"\\udfff": 1\n'), line=2, fragment="lone surrogate")
case("value-lone-surrogate", scen('investment: {focus_sectors: "new_energy\\ud800"}\n'), line=2,
     key="investment.focus_sectors", fragment="lone surrogate")
case("name-number", scen("name: 5\n"), line=2, key="name", fragment="must be a string")

# ---------------------------------------------------------------- unknown keys at every level
case("unknown-top", scen("scenery: 1\n"), line=2, key="scenery", fragment="unknown key")
for section, node in SCHEMA.items():
    if isinstance(node, dict):
        case(f"unknown-in-{section}", scen(f"{section}:\n  no_such_key: 1\n"), line=3,
             key=f"{section}.no_such_key", fragment="unknown key 'no_such_key'")
_RECORDS = {("clustering", "new_parks"): "{id: np1, town: siqian, sectors: new_energy",
            ("integration", "transport_projects"): "{town: siqian, year: 2025",
            ("pairing", "pairs"): "{donor: x, recipient: siqian"}
for (section, records), start in _RECORDS.items():
    case(f"unknown-in-{records}", scen(f"{section}:\n  {records}:\n    - {start}, no_such_key: 1}}\n"), line=4,
         key=f"{section}.{records}[0].no_such_key", fragment="unknown key")
    case(f"record-not-mapping-{records}", scen(f"{section}:\n  {records}:\n    - 5\n"), line=4,
         key=f"{section}.{records}[0]", fragment="must be a mapping")
    case(f"records-not-list-{records}", scen(f"{section}:\n  {records}: {start}}}\n"), line=3,
         key=f"{section}.{records}", fragment="list of records")
case("too-many-records", scen("pairing:\n  pairs: [" + ", ".join(["{donor: x, recipient: siqian}"] * 1001) + "]\n"),
     line=3, key="pairing.pairs", fragment="MAX_RECORDS")
case("too-many-new-parks", scen("clustering:\n  new_parks: [" + ", ".join(
    f"{{id: p{i}, town: siqian, sectors: new_energy}}" for i in range(101)) + "]\n"), line=3,
     key="clustering.new_parks", fragment="MAX_NEW_PARKS")
case("record-missing-required", scen("pairing:\n  pairs:\n    - {donor: x}\n"), line=4, key="pairing.pairs[0]",
     fragment="missing required key 'recipient'")

# ---------------------------------------------------------------- wrong types
for body, key, fragment in [
    ("scale: high", "scale", "must be a number"),
    ("scale: true", "scale", "must be a number"),
    ("scale: [1]", "scale", "must be a number"),
    ("scale: null", "scale", "must be a number"),
    ("horizon: {steps_per_year: 2.5}", "horizon.steps_per_year", "whole number"),
    ("horizon: {last_year: '2030'}", "horizon.last_year", "a year"),
    ("integration: {unified_land_planning: 1}", "integration.unified_land_planning", "true or false"),
    ("investment: {focus_sectors: 5}", "investment.focus_sectors", "must be a string"),
    ("firms: {exit_hazard_by_age: []}", "firms.exit_hazard_by_age", "list of numbers"),
    ("firms: {exit_hazard_by_age: 0.1}", "firms.exit_hazard_by_age", "list of numbers"),
    ("firms: {exit_hazard_by_age: [a, b]}", "firms.exit_hazard_by_age", "list of numbers"),
    ("firms: [1, 2]", "firms", "must be a mapping"),
    ("investment: {sector_mix: [new_energy]}", "investment.sector_mix", "mapping of ids"),
    ("investment: {sector_mix: {new_energy: lots}}", "investment.sector_mix.new_energy", "must be a number"),
    ("pairing: {pairs: [{donor: x, recipient: siqian, instrument: loan}]}", "pairing.pairs[0].instrument",
     "must be one of"),
    ("scale: 0x1FF", "scale", "must be <= 500"),
]:
    case(f"type-{key}-{body.split(':')[-1].strip(' }')[:12]}", scen(body + "\n"), line=2, key=key, fragment=fragment)

# ---------------------------------------------------------------- impossible and unbounded numbers


def _numeric_params(schema: dict = SCHEMA, path: tuple = ()):
    for key, node in schema.items():
        if isinstance(node, dict):
            yield from _numeric_params(node, path + (key,))
        elif isinstance(node, RecordList):
            continue
        elif isinstance(node, Param) and node.kind in ("float", "int", "year") and node.max is not None:
            yield path + (key,), node


def _nested(path: tuple, value: str) -> str:
    """YAML for one key path at a value, block style: the key sits on line len(path) + 1 of s.yaml."""
    return "".join("  " * i + f"{part}:" + ("\n" if i < len(path) - 1 else f" {value}\n")
                   for i, part in enumerate(path))


for path, param in _numeric_params():  # every bounded key of whatever schema there is, just above its max
    above = param.max + 1 if param.kind in ("int", "year") else param.max * 2 + 1
    case(f"above-max-{'.'.join(path)}", scen(_nested(path, repr(above))), argv=("check", "{tmp}/s.yaml"),
         line=len(path) + 1, key=".".join(path), fragment=f"must be <= {param.max}")
for value, fragment in [(".nan", "finite"), (".inf", "finite"), ("-.inf", "finite"), ("1e400", "finite"),
                        ("1" + "0" * 400, "finite"), ("-1", ">="), ("1.0e308", "<="), ("-1e308", ">=")]:
    case(f"projects-{value[:8]}", scen(f"investment:\n  projects_per_year: {value}\n"), line=3,
         key="investment.projects_per_year", fragment=fragment)
case("negative-count", scen("pairing: {weakest_villages_paired: -1}\n"), line=2,
     key="pairing.weakest_villages_paired", fragment=">= 0")
case("huge-weight", scen("investment: {sector_mix: {new_energy: 1e308}}\n"), line=2,
     key="investment.sector_mix.new_energy", fragment="<=")
case("negative-weight", scen("investment: {sector_mix: {new_energy: -1}}\n"), line=2,
     key="investment.sector_mix.new_energy", fragment=">= 0")
case("zero-weights", scen("investment: {sector_mix: {new_energy: 0}}\n"), line=2, key="investment.sector_mix",
     fragment="must not all be zero")
case("unknown-sector-weight", scen("investment: {sector_mix: {new_enrgy: 1}}\n"), line=2,
     key="investment.sector_mix.new_enrgy", fragment="did you mean 'new_energy'")
case("hazard-list-too-long", scen(f"firms: {{exit_hazard_by_age: [{', '.join(['0.05'] * 1001)}]}}\n"), line=2,
     key="firms.exit_hazard_by_age", fragment="MAX_RECORDS")
case("hazard-above-one", scen("firms: {exit_hazard_by_age: [0.1, 1.5]}\n"), line=2, key="firms.exit_hazard_by_age",
     fragment="<= 1")

# ---------------------------------------------------------------- relations and the horizon
case("construction-min-above-max", scen("investment:\n  construction_quarters_min: 12\n  construction_quarters_max: 4\n"),
     line=4, key="investment.construction_quarters_max", fragment="must not exceed")
case("project-size-min-above-max", scen("investment: {project_size_min_100m_cny: 300}\n"), line=2,
     key="investment.project_size_min_100m_cny", fragment="must not exceed")
case("beautiful-2027-above-2033", scen("villages: {beautiful_demo_villages_by_2027: 5}\n"), line=2,
     key="villages.beautiful_demo_villages_by_2027", fragment="must not exceed")
case("pair-ends-before-start", scen("pairing: {pairs: [{donor: x, recipient: siqian, start_year: 2030, "
                                    "end_year: 2025}]}\n"), line=2, key="pairing.pairs[0].end_year",
     fragment="before start_year")
case("pair-starts-after-horizon", scen("pairing: {pairs: [{donor: x, recipient: siqian, start_year: 2040}]}\n"),
     line=2, key="pairing.pairs[0].start_year", fragment="outside the horizon")
case("year-after-short-horizon", scen("horizon: {last_year: 2024}\npairing: {cobuilt_park_open_year: 2027}\n"),
     line=3, key="pairing.cobuilt_park_open_year", fragment="outside the horizon 2023-2024")
case("transport-before-horizon", scen("integration: {transport_projects: [{town: siqian, year: 2020}]}\n"), line=2,
     key="integration.transport_projects[0].year", fragment="outside the horizon")
case("unknown-town", scen("pairing: {pairs: [{donor: x, recipient: atlantis}]}\n"), line=2,
     key="pairing.pairs[0].recipient", fragment="unknown town or village")

# ---------------------------------------------------------------- sweeps
_sweep_cases = [
    ("lhs-too-many", "sweep: {method: lhs, n: 20000, ranges: {scale: [0.5, 1]}}", "sweep.n", "MAX_SWEEP_POINTS"),
    ("sobol-too-many", "sweep: {method: sobol, n: 4096, ranges: {scale: [0.5, 1], firms.entry_rate_per_year: "
     "[0, 0.1]}}", "sweep.n", "MAX_SWEEP_POINTS"),
    ("morris-too-many", "sweep: {method: morris, n: 6000, ranges: {scale: [0.5, 1]}}", "sweep.n", "MAX_SWEEP_POINTS"),
    ("unknown-method", "sweep: {method: monte_carlo}", "sweep.method", "must be one of"),
    ("not-numeric", "sweep: {grid: {name: [a, b]}}", "sweep.grid.name", "not a numeric scenario parameter"),
    ("low-above-high", "sweep: {method: lhs, n: 4, ranges: {scale: [1, 0.5]}}", "sweep.ranges.scale",
     "low must be below high"),
    ("grid-out-of-range", "sweep: {grid: {scale: [1, 1000]}}", "sweep.grid.scale[1]", "<= 500"),
    ("grid-empty-list", "sweep: {grid: {scale: []}}", "sweep.grid.scale", "non-empty list"),
    ("seed-too-big", f"sweep: {{method: lhs, n: 4, seed: {2 ** 64}, ranges: {{scale: [0.5, 1]}}}}", "sweep.seed",
     "must be <="),
    ("seed-negative", "sweep: {method: lhs, n: 4, seed: -1, ranges: {scale: [0.5, 1]}}", "sweep.seed", ">= 0"),
    ("sobol-not-power-of-two", "sweep: {method: sobol, n: 6, ranges: {scale: [0.5, 1]}}", "sweep.n", "power of 2"),
    ("sweep-not-mapping", "sweep: [1, 2]", "sweep", "must be a mapping"),
]
for name, body, key, fragment in _sweep_cases:
    case(f"sweep-{name}", scen(body + "\n"), argv=("check", "{tmp}/s.yaml"), line=2, key=key, fragment=fragment)

# ---------------------------------------------------------------- command-line arguments
_PLAN = str(PLAN)
for name, argv, key, fragment in [
    ("run-seed-negative", ("run", _PLAN, "--seed", "-1", "--out", "{out}"), "--seed", ">= 0"),
    ("run-seed-huge", ("run", _PLAN, "--seed", str(2 ** 70), "--out", "{out}"), "--seed", "<="),
    ("run-scale-zero", ("run", _PLAN, "--scale", "0", "--out", "{out}"), "scale", ">= 0.01"),
    ("run-scale-nan", ("run", _PLAN, "--scale", "nan", "--out", "{out}"), "scale", "finite"),
    ("run-scale-inf", ("run", _PLAN, "--scale", "inf", "--out", "{out}"), "scale", "finite"),
    ("run-scale-huge", ("run", _PLAN, "--scale", "1e9", "--out", "{out}"), "scale", "<= 500"),
    ("batch-reps-zero", ("batch", _PLAN, "--reps", "0", "--out", "{out}"), "--reps", ">= 1"),
    ("batch-reps-billion", ("batch", _PLAN, "--reps", str(10 ** 9), "--out", "{out}"), "--reps", "<= 10000"),
    ("batch-workers-zero", ("batch", _PLAN, "--workers", "0", "--out", "{out}"), "--workers", ">= 1"),
    ("batch-workers-1000", ("batch", _PLAN, "--workers", "1000", "--out", "{out}"), "--workers", "cores"),
    ("batch-workers-1000-dask", ("batch", _PLAN, "--workers", "1000", "--executor", "dask", "--out", "{out}"),
     "--workers", "cores"),
    ("batch-seed-negative", ("batch", _PLAN, "--seed", "-3", "--out", "{out}"), "--seed", ">= 0"),
    ("validate-workers-negative", ("validate", "--workers", "-1", "--out", "{out}"), "--workers", ">= 1"),
    ("validate-firm-reps-negative", ("validate", "--firm-reps", "-5", "--out", "{out}"), "--firm-reps", ">= 1"),
    ("validate-reps-one", ("validate", "--reps", "1", "--out", "{out}"), "--reps", ">= 2"),
    ("validate-reps-huge", ("validate", "--reps", "100000", "--out", "{out}"), "--reps", "<= 10000"),
    ("sensitivity-workers-negative", ("sensitivity", "--workers", "-1", "--out", "{out}"), "--workers", ">= 1"),
    ("sensitivity-n-one", ("sensitivity", "--n", "1", "--out", "{out}"), "--n", ">= 2"),
    ("sensitivity-n-huge", ("sensitivity", "--n", "100000", "--out", "{out}"), "--n", "MAX_SWEEP_POINTS"),
    ("sensitivity-sobol-n-huge", ("sensitivity", "--method", "sobol", "--n", "8192", "--out", "{out}"), "--n",
     "MAX_SWEEP_POINTS"),
    ("sensitivity-runs-huge", ("sensitivity", "--n", "500", "--reps", "20", "--out", "{out}"), "--reps", "MAX_RUNS"),
    ("sensitivity-reps-zero", ("sensitivity", "--reps", "0", "--out", "{out}"), "--reps", ">= 1"),
]:
    file = OVERRIDES if key == "scale" else CLI
    case(name, {}, argv=argv, file=file, line=None, key=key, fragment=fragment)
for name, argv, fragment in [
    ("reps-not-a-number", ("batch", _PLAN, "--reps", "abc", "--out", "{out}"), "invalid int value"),
    ("missing-out", ("run", _PLAN), "required"),
    ("unknown-option", ("run", _PLAN, "--out", "{out}", "--turbo"), "unrecognized arguments"),
    ("unknown-command", ("fly",), "invalid choice"),
    ("bad-method", ("sensitivity", "--method", "guess", "--out", "{out}"), "invalid choice"),
]:
    case(f"argparse-{name}", {}, argv=argv, file=CLI, line=None, key=None, fragment=fragment)
case("batch-path-too-long", {}, argv=("batch", "{tmp}/" + "x" * 300 + ".yaml", "--out", "{out}"), file=ANY, line=None,
     fragment="too long")
case("batch-path-symlink-loop", {"s.yaml": lambda p: (p.symlink_to(p.parent / "t.yaml"),
                                                     (p.parent / "t.yaml").symlink_to(p))},
     argv=("batch", "{tmp}/s.yaml", "--out", "{out}"), fragment="symlink loop")
case("batch-runs-over-limit", scen("sweep: {method: lhs, n: 5000, ranges: {scale: [0.5, 1]}}\n"),
     argv=("batch", "{tmp}/s.yaml", "--reps", "100", "--out", "{out}"), file=CLI, line=None, key="--reps",
     fragment="MAX_RUNS", subprocess=True)

# ---------------------------------------------------------------- --set
for name, sets, key, fragment in [
    ("no-equals", ["investment.projects_per_year"], None, "KEY=VALUE"),
    ("empty-key", ["=3"], None, "KEY=VALUE"),
    ("key-with-space", ["investment. projects=3"], None, "KEY=VALUE"),
    ("unknown-key", ["investment.projects_per_yer=3"], "investment.projects_per_yer", "did you mean"),
    ("out-of-range", ["investment.projects_per_year=1e9"], "investment.projects_per_year", "<= 10000"),
    ("wrong-type", ["investment.projects_per_year=many"], "investment.projects_per_year", "must be a number"),
    ("malformed-value", ["investment.sector_mix={new_energy: 1"], "investment.sector_mix", "malformed YAML"),
    ("set-twice", ["scale=2", "scale=3"], "scale", "set twice"),
    ("section-and-value", ["investment=3", "investment.projects_per_year=3"], "investment", "set twice"),
    ("sweep", ["sweep={grid: {scale: [1, 2]}}"], "sweep", "unknown key"),
    ("extends", ["extends=baseline.yaml"], "extends", "unknown key"),
    ("name-too-long", ["name=" + "n" * 500], "name", "MAX_NAME_CHARS"),
    ("name-escape", ['name="\\e[31m"'], "name", "control characters"),
    ("region-missing", ["region=nowhere.yaml"], "region", "not found"),
    ("relation", ["investment.construction_quarters_min=20"], "investment.construction_quarters_min",
     "must not exceed"),
    ("python-tag", ["name=!!python/object/apply:os.system [echo]"], "name", "python"),
    ("undecodable-byte", ["name=a\udcffb"], "name", "control character"),  # a non-UTF-8 byte in argv
    ("work", ["scale=500", "investment.projects_per_year=10000"], "investment.projects_per_year",
     "MAX_PROJECTS_PER_YEAR"),
]:
    argv = ("run", _PLAN, *[a for s in sets for a in ("--set", s)], "--out", "{out}")
    case(f"set-{name}", {}, argv=argv, file=SET, line=ANY, key=key, fragment=fragment)
case("set-in-batch", {}, argv=("batch", _PLAN, "--set", "scale=0", "--out", "{out}"), file=SET, line=None,
     key="scale", fragment=">= 0.01")

# ---------------------------------------------------------------- valid input that must stay valid
for name, files in [
    ("utf8-bom", {"s.yaml": "\ufeff" + f"region: {REGION}\nname: bom\n"}),
    ("crlf", {"s.yaml": f"region: {REGION}\r\nname: crlf\r\nfirms:\r\n  entry_rate_per_year: 0.07\r\n"}),
    ("yaml12-numbers", scen("investment: {projects_per_year: 1e2, inflow_growth_per_year: 1.0e-2}\n")),
    ("short-horizon-with-default-years", scen("horizon: {last_year: 2024}\n")),
    ("chinese-name", scen("name: 新会方案\ndescription: 区镇一体\n")),
    ("name-at-limit", scen(f"name: {'n' * limits.MAX_NAME_CHARS}\n")),
    ("null-records", scen("pairing:\n  pairs:\n")),
    ("aliases-within-limits", scen("pairing:\n  pairs:\n    - &p {donor: x, recipient: siqian}\n    - *p\n")),
    ("extends-plan", scen(f"extends: {PLAN}\nname: variant\n")),
    ("underscored-int", scen("pairing: {weakest_villages_paired: 1_0}\n")),
]:
    case(f"valid-{name}", files, argv=("check", "{tmp}/s.yaml"), exit=0)


# ---------------------------------------------------------------- running the corpus


def _write(tmp_path: Path, files: dict) -> None:
    for name, content in files.items():
        path = tmp_path / name
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8", "surrogatepass"))


def _argv(case: Case, tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)).replace("{out}", str(tmp_path / "out")) for a in case.argv]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _in_subprocess(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "sim.cli", *argv], capture_output=True, text=True, cwd=cwd,
                          env=env, preexec_fn=_limit_memory, timeout=HANG_GUARD_S, errors="backslashreplace")
    return proc.returncode, proc.stdout, proc.stderr


def _in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _check_error(case: Case, tmp_path: Path, err: str) -> None:
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one error line, got {err!r}"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", lines[0]), f"raw control character in {lines[0]!r}"
    match = ERROR_LINE.match(lines[0])
    assert match, lines[0]
    assert len(lines[0]) - len(match["file"]) < 300, lines[0]  # the file's path is the user's; the rest is short
    if case.file is not ANY:
        expected = case.file if case.file in (CLI, SET, OVERRIDES) or case.file.startswith("/") \
            else str(tmp_path / case.file)
        reported = match["file"]
        assert reported == expected or Path(reported).resolve() == Path(expected).resolve(), (reported, expected)
    if case.line is not ANY:
        assert (int(match["line"]) if match["line"] else None) == case.line, lines[0]
    if case.key is not ANY:
        assert match["key"] == case.key, lines[0]
    assert case.fragment in match["message"], (case.fragment, lines[0])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, case.files)
    argv = _argv(case, tmp_path)
    # XINHUI_CORPUS_SUBPROCESS=1 runs every case under the guards (to try the corpus on code that may hang)
    isolated = case.subprocess or os.environ.get("XINHUI_CORPUS_SUBPROCESS") == "1"
    code, out, err = _in_subprocess(argv, tmp_path) if isolated else _in_process(argv, capsys)
    assert code == case.exit, (code, out, err)
    if case.exit == 0:
        assert err == "", err
    else:
        _check_error(case, tmp_path, err)
        assert out == "", out
    assert not (tmp_path / "out").exists(), "something was written in --out"


def test_the_corpus_is_large_and_its_ids_unique():
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
    assert sum(c.exit == 0 for c in CASES) >= 5
