"""Bad input through the real CLI: one error line naming file, line and key path; exit 2; nothing written.

The cases the contract lists run ``python -m sim.cli run SCENARIO --seed 1 --out OUT`` in a subprocess and
check that OUT (and any temporary sibling) does not exist afterwards; the many smaller cases run
``python -m sim.cli check SCENARIO``, which goes through the same loader without importing the model stack.
Bad scenario files are written into ``tmp_path``; the ones that extend the shipped scenarios use absolute
paths, and all set ``region:`` to the absolute path of the shipped region file (the default
``regions/xinhui.yaml`` is looked up next to the scenario file and in its parent folders).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
REGION = SCENARIOS / "regions" / "xinhui.yaml"
PLAN = SCENARIOS / "plan.yaml"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))

# FILE[:LINE]: [key.path] message  (ScenarioError's str(), after the CLI's "error: ")
ERROR_LINE = re.compile(r"^error: (?P<file>.+?)(?::(?P<line>\d+))?: (?:\[(?P<key>.+?)\] )?(?P<message>\S.*)$")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def scenario(tmp_path: Path, body: str, name: str = "bad.yaml") -> Path:
    """A scenario file with the region set absolutely, then ``body`` (dedented); line 1 is ``region:``."""
    return write(tmp_path / name, f"region: {REGION}\n" + textwrap.dedent(body).lstrip("\n"))


def line_of(path: Path, needle: str) -> int:
    """1-based number of the only line of ``path`` that contains ``needle``."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


@dataclass
class Error:
    file: str
    line: int | None
    key: str | None
    message: str
    stderr: str


def parse_error(proc: subprocess.CompletedProcess) -> Error:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one error line, got: {proc.stderr!r}"
    assert len(lines[0]) < 300, lines[0]
    match = ERROR_LINE.match(lines[0])
    assert match, lines[0]
    line = int(match["line"]) if match["line"] else None
    return Error(match["file"], line, match["key"], match["message"], proc.stderr)


def run_bad(scen: Path, tmp_path: Path) -> Error:
    """Run a bad scenario; check exit 2, one line, no traceback, no output directory nor sibling."""
    runs = tmp_path / "runs"
    runs.mkdir(exist_ok=True)
    out = runs / "out"
    proc = cli("run", str(scen), "--seed", "1", "--out", str(out))
    error = parse_error(proc)
    assert proc.stdout == ""
    assert not out.exists()
    assert list(runs.iterdir()) == [], "a temporary sibling of --out was left behind"
    return error


def check_bad(scen: Path) -> Error:
    """The same validation through ``check`` (which never imports the model): for the many smaller cases."""
    proc = cli("check", str(scen))
    error = parse_error(proc)
    assert proc.stdout == ""
    return error


def same_file(reported: str, expected: Path) -> bool:
    return Path(reported).resolve() == expected.resolve()


def check(error: Error, file: Path, line: int | None, key: str | None, *fragments: str) -> None:
    assert same_file(error.file, file), (error.file, file)
    assert file.name in error.stderr
    assert error.line == line, error.stderr
    assert error.key == key, error.stderr
    for fragment in fragments:
        assert fragment in error.message, (fragment, error.stderr)


# ---------------------------------------------------------------- 1. malformed YAML


def test_unclosed_bracket_reports_the_line_where_the_parser_stops_and_where_it_opened(tmp_path):
    scen = scenario(tmp_path, """
        name: broken
        investment: {projects_per_year: 3, steering_share: 0.1
        firms: {entry_rate_per_year: 0.05}
        """)
    error = run_bad(scen, tmp_path)
    opened = line_of(scen, "investment:")
    check(error, scen, line_of(scen, "firms:"), None, "malformed YAML", "expected ',' or '}'",
          f"starts on line {opened}")


def test_unclosed_bracket_at_end_of_file_points_at_the_bracket_not_past_the_end(tmp_path):
    scen = scenario(tmp_path, """
        name: broken
        pairing: {pairs: [{donor: x, recipient: siqian}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, line_of(scen, "pairing:"), None, "malformed YAML")


@pytest.mark.parametrize("body, needle, fragment", [
    ("investment:\n  projects_per_year: 3\n\tsteering_share: 0.1\n", "steering_share", "'\\t'"),
    ("name: \"unclosed\n", "name:", "malformed YAML"),
    ("investment:\n  projects_per_year: 3\n   steering_share: 0.1\n", "steering_share", "not allowed here"),
], ids=["tab", "unclosed-quote", "bad-indent"])
def test_other_syntax_errors_name_their_line(tmp_path, body, needle, fragment):
    scen = scenario(tmp_path, body)
    error = check_bad(scen)
    check(error, scen, line_of(scen, needle), None, fragment)


def test_duplicate_key(tmp_path):
    scen = scenario(tmp_path, """
        investment:
          projects_per_year: 3
          steering_share: 0.1
          projects_per_year: 4   # second
        """)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# second"), "investment.projects_per_year", "duplicate key")


@pytest.mark.parametrize("body, key, fragment", [
    ("investment:\n  projects_per_year: !!int abc   # here\n", "investment.projects_per_year", "'abc'"),
    ("investment:\n  projects_per_year: !custom 3   # here\n", "investment.projects_per_year", "'!custom'"),
    ("integration:\n  unified_attraction_start_year: 2023-13-45   # here\n",
     "integration.unified_attraction_start_year", "'2023-13-45'"),
    ("name: !!python/name:os.system x   # here\n", "name", "python/name"),
    ("investment: &loop   # here\n  projects_per_year: *loop\n", "investment.projects_per_year", "recursive"),
], ids=["bad-int-tag", "unknown-tag", "impossible-date", "python-tag", "recursive-alias"])
def test_values_yaml_cannot_construct(tmp_path, body, key, fragment):
    scen = scenario(tmp_path, body)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), key, fragment)


def test_key_that_is_a_list(tmp_path):
    scen = scenario(tmp_path, "investment:\n  ? [projects_per_year, steering_share]   # here\n  : 3\n")
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), "investment", "plain name")


def test_line_break_inside_a_key_stays_on_one_error_line(tmp_path):
    scen = scenario(tmp_path, 'investment:\n  "projects\\nper_year": 3   # here\n')
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), "investment.projects\\nper_year", "unknown key")


def test_scenario_that_is_not_a_mapping(tmp_path):
    scen = write(tmp_path / "list.yaml", "- investment\n- firms\n")
    error = check_bad(scen)
    check(error, scen, 1, None, "must be a mapping")


# ---------------------------------------------------------------- 2. unknown keys


def test_unknown_key_suggests_the_close_match(tmp_path):
    scen = scenario(tmp_path, """
        name: typo
        investment: {projects_per_yaer: 3}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, line_of(scen, "projects_per_yaer"), "investment.projects_per_yaer",
          "unknown key 'projects_per_yaer'", "did you mean 'projects_per_year'")


def test_unknown_section_in_block_style_names_its_own_line(tmp_path):
    scen = scenario(tmp_path, """
        name: typo
        investment:
          projects_per_year: 3
        clustring:
          renewal_mu_per_year: 5
        """)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "clustring:"), "clustring", "did you mean 'clustering'")


def test_unknown_key_without_a_close_match_has_no_suggestion(tmp_path):
    scen = scenario(tmp_path, "firms:\n  zzzz: 1\n")
    error = check_bad(scen)
    check(error, scen, 3, "firms.zzzz", "unknown key 'zzzz'")
    assert "did you mean" not in error.message


def test_unknown_key_in_a_variant_of_the_shipped_plan(tmp_path):
    scen = scenario(tmp_path, f"""
        extends: {PLAN}
        pairing:
          weakest_villages_pared: 10
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, line_of(scen, "weakest_villages_pared"), "pairing.weakest_villages_pared",
          "did you mean 'weakest_villages_paired'")


# ---------------------------------------------------------------- 3. wrong types


def test_string_where_a_number_belongs(tmp_path):
    scen = scenario(tmp_path, """
        firms: {entry_rate_per_year: "high"}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, 2, "firms.entry_rate_per_year", "must be a number", "'high'")


@pytest.mark.parametrize("body, key, fragment", [
    ("integration:\n  unified_land_planning: \"yes\"   # here\n", "integration.unified_land_planning",
     "true or false"),
    ("horizon:\n  steps_per_year: 2.5   # here\n", "horizon.steps_per_year", "whole number"),
    ("pairing:\n  pairs: {donor: x, recipient: siqian}   # here\n", "pairing.pairs", "list of records"),
    ("pairing:\n  pairs:\n    - {donor: x, recipient: siqian, instrument: loan}   # here\n",
     "pairing.pairs[0].instrument", "must be one of transfer, capacity, steered_project"),
    ("pairing:\n  pairs:\n    - {donor: x}   # here\n", "pairing.pairs[0]", "missing required key 'recipient'"),
    ("firms: 3   # here\n", "firms", "must be a mapping"),
    ("investment:\n  sector_mix: {new_energy: lots}   # here\n", "investment.sector_mix.new_energy",
     "must be a number"),
    ("investment:\n  projects_per_year: \"" + "9" * 200 + "\"   # here\n", "investment.projects_per_year",
     "must be a number"),
], ids=["bool", "int", "records", "choice", "required", "section", "weights", "long-value"])
def test_wrong_types(tmp_path, body, key, fragment):
    scen = scenario(tmp_path, body)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), key, fragment)


# ---------------------------------------------------------------- 4. impossible values


def test_negative_land_in_a_scenario(tmp_path):
    scen = scenario(tmp_path, f"""
        extends: {PLAN}
        clustering: {{renewal_mu_per_year: -5}}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, 3, "clustering.renewal_mu_per_year", "must be >= 0", "-5")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1" + "0" * 400], ids=["nan", "inf", "-inf", "huge-int"])
def test_non_finite_numbers_are_rejected(tmp_path, value):
    scen = scenario(tmp_path, f"investment:\n  projects_per_year: {value}   # here\n")
    error = run_bad(scen, tmp_path)
    check(error, scen, line_of(scen, "# here"), "investment.projects_per_year", "finite")


def test_share_above_one(tmp_path):
    scen = scenario(tmp_path, "integration:\n  revenue_share: 1.5   # here\n")
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), "integration.revenue_share", "must be <= 1", "1.5")


def region_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = REGION.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    return write(tmp_path / "regions" / "bad_region.yaml", text.replace(old, new, 1))


def first_park_line(region: Path, key: str) -> tuple[int, str]:
    lines = region.read_text(encoding="utf-8").splitlines()
    start = lines.index("parks:")
    for i in range(start, len(lines)):
        if lines[i].strip().startswith(f"{key}:"):
            return i + 1, lines[i]
    raise AssertionError(key)


def test_negative_park_land_in_the_region_file(tmp_path):
    _, original = first_park_line(REGION, "land_total_mu")
    region = region_copy(tmp_path, original, original.replace("land_total_mu: ", "land_total_mu: -"))
    scen = write(tmp_path / "uses_bad_region.yaml", f"region: {region}\n")
    error = run_bad(scen, tmp_path)
    line, _ = first_park_line(region, "land_total_mu")
    check(error, region, line, "parks[0].land_total_mu", "must be >= 0")


@pytest.mark.parametrize("key, replacement, path, fragment", [
    ("land_total_mu", "land_total_mu: .nan", "parks[0].land_total_mu", "finite"),
    ("land_used_2022_mu", "land_used_2022_mu: 999999", "parks[0].land_used_2022_mu", "exceeds total land"),
    ("sectors", "sectors: 5", "parks[0].sectors", "list of sector ids"),
    ("town", "town: nowhere", "parks[0].town", "unknown town 'nowhere'"),
], ids=["nan", "used-over-total", "sectors-not-list", "unknown-town"])
def test_other_bad_park_values_in_the_region_file(tmp_path, key, replacement, path, fragment):
    _, original = first_park_line(REGION, key)
    indent = original[: len(original) - len(original.lstrip())]
    region = region_copy(tmp_path, original, indent + replacement)
    scen = write(tmp_path / "uses_bad_region.yaml", f"region: {region}\n")
    error = check_bad(scen)
    check(error, region, first_park_line(region, key)[0], path, fragment)


@pytest.mark.parametrize("old, new, key, fragment", [
    ("base_year: 2022", "base_year: soon", "base_year", "must be a number"),
    ("village_income_mix: {leasing: 0.75,", "village_income_mix: {leasing: high,",
     "towns[0].village_income_mix.leasing", "must be a number"),
    ("sector_mix: {agri_food: 0.48,", "sector_mix: {agri_food: -0.48,", "towns[0].sector_mix.agri_food",
     "must be >= 0"),
    ("operating_income_2023_10k_cny: 6000", "operating_income_2023_10k_cny: lots",
     "named_villages[0].operating_income_2023_10k_cny", "must be a number"),
    ("  - id: qibang", "  - idd: qibang", "named_villages[0]", "missing key 'id'"),
], ids=["base-year", "income-mix", "sector-mix", "village-income", "village-id"])
def test_bad_values_elsewhere_in_the_region_file(tmp_path, old, new, key, fragment):
    region = region_copy(tmp_path, old, new)
    scen = write(tmp_path / "uses_bad_region.yaml", f"region: {region}\n")
    error = check_bad(scen)
    assert same_file(error.file, region)
    assert error.line == line_of(region, new.strip())
    assert error.key == key
    assert fragment in error.message, error.stderr


def test_missing_region_file(tmp_path):
    scen = write(tmp_path / "no_region.yaml", "name: x\nregion: regions/nowhere.yaml\n")
    error = run_bad(scen, tmp_path)
    check(error, scen, 2, "region", "region file not found", "regions/nowhere.yaml")


def test_region_that_is_a_directory(tmp_path):
    scen = write(tmp_path / "dir_region.yaml", f"name: x\nregion: {REGION.parent}\n")
    error = check_bad(scen)
    check(error, scen, 2, "region", "not a file")


# ---------------------------------------------------------------- 5./6. extends


def test_missing_extends_target(tmp_path):
    scen = scenario(tmp_path, """
        name: orphan
        extends: nowhere.yaml
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, 3, "extends", "extends target not found", "nowhere.yaml")


def test_extends_target_that_is_a_directory(tmp_path):
    scen = scenario(tmp_path, "extends: .\n")
    error = check_bad(scen)
    check(error, scen, 2, "extends", "not a file")


def test_extends_cycle(tmp_path):
    a = scenario(tmp_path, "extends: b.yaml\nname: a\n", name="a.yaml")
    b = write(tmp_path / "b.yaml", "name: b\nextends: a.yaml\n")
    error = run_bad(a, tmp_path)
    check(error, b, 2, "extends", "extends cycle", "a.yaml -> b.yaml -> a.yaml")
    assert "a.yaml" in error.stderr


def test_file_that_extends_itself(tmp_path):
    scen = scenario(tmp_path, "extends: self.yaml\n", name="self.yaml")
    error = check_bad(scen)
    check(error, scen, 2, "extends", "extends cycle")


def test_error_in_a_parent_names_the_parent_file(tmp_path):
    parent = write(tmp_path / "parent.yaml", "firms:\n  entry_rate_per_year: high\n")
    child = scenario(tmp_path, "extends: parent.yaml\nname: child\n", name="child.yaml")
    error = check_bad(child)
    check(error, parent, 2, "firms.entry_rate_per_year", "must be a number")


# ---------------------------------------------------------------- 7. unknown towns


def test_unknown_town_in_a_pair(tmp_path):
    scen = scenario(tmp_path, """
        pairing: {pairs: [{donor: x, recipient: nowhere}]}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, 2, "pairing.pairs[0].recipient", "unknown town or village 'nowhere'")


def test_unknown_town_in_a_block_style_pair_with_a_suggestion(tmp_path):
    scen = scenario(tmp_path, """
        pairing:
          pairs:
            - donor: district
              recipient: siqian
            - donor: soe
              recipient: siqan   # here
        """)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), "pairing.pairs[1].recipient", "'siqan'",
          "did you mean 'siqian'")


def test_unknown_town_in_transport_projects(tmp_path):
    scen = scenario(tmp_path, f"""
        extends: {PLAN}
        integration:
          transport_projects:
            - {{town: siqian, year: 2026}}
            - {{town: atlantis, year: 2026}}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, line_of(scen, "atlantis"), "integration.transport_projects[1].town",
          "unknown town 'atlantis'")


def test_steered_project_needs_a_town(tmp_path):
    scen = scenario(tmp_path, """
        pairing:
          pairs:
            - {donor: x, recipient: huicheng_c01, instrument: steered_project}
        """)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "huicheng_c01"), "pairing.pairs[0].recipient", "needs a town")


def test_unknown_sector(tmp_path):
    scen = scenario(tmp_path, "investment:\n  sector_mix: {new_enrgy: 1.0}   # here\n")
    error = check_bad(scen)
    check(error, scen, line_of(scen, "# here"), "investment.sector_mix.new_enrgy", "did you mean 'new_energy'")


# ---------------------------------------------------------------- 8. years outside the horizon


def test_pair_starting_after_the_horizon(tmp_path):
    scen = scenario(tmp_path, """
        pairing:
          pairs:
            - donor: x
              recipient: siqian
              start_year: 2040
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, line_of(scen, "start_year"), "pairing.pairs[0].start_year",
          "year 2040 is outside the horizon 2023-2033")


def test_section_year_outside_the_horizon(tmp_path):
    scen = scenario(tmp_path, """
        integration: {unified_attraction_start_year: 2050}
        """)
    error = run_bad(scen, tmp_path)
    check(error, scen, 2, "integration.unified_attraction_start_year", "2050", "outside the horizon")


def test_year_inside_a_longer_horizon_is_fine_but_outside_a_shorter_one_is_not(tmp_path):
    scen = scenario(tmp_path, f"""
        extends: {PLAN}
        horizon: {{last_year: 2026}}
        """)
    error = check_bad(scen)  # plan.yaml opens the yamen link in 2027
    check(error, PLAN, line_of(PLAN, "{town: yamen"), "integration.transport_projects[3].year",
          "year 2027 is outside the horizon 2023-2026")


def test_pair_ending_before_it_starts(tmp_path):
    scen = scenario(tmp_path, """
        pairing:
          pairs:
            - {donor: x, recipient: siqian, start_year: 2030, end_year: 2025}
        """)
    error = check_bad(scen)
    check(error, scen, line_of(scen, "end_year"), "pairing.pairs[0].end_year", "before start_year")


# ---------------------------------------------------------------- 9. missing scenario file, command line


def test_missing_scenario_file(tmp_path):
    missing = tmp_path / "no_such_scenario.yaml"
    error = run_bad(missing, tmp_path)
    assert same_file(error.file, missing)
    assert "no_such_scenario.yaml" in error.stderr
    assert error.line is None
    assert "file not found" in error.message


def test_scenario_path_that_is_a_directory(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    error = check_bad(folder)
    assert same_file(error.file, folder)
    assert "cannot read file" in error.message


def test_bad_scale_override_points_at_the_override_not_the_file(tmp_path):
    scen = scenario(tmp_path, "scale: 2\n")
    out = tmp_path / "out"
    error = parse_error(cli("run", str(scen), "--seed", "1", "--out", str(out), "--scale", "0"))
    assert error.file == "<overrides>" and error.line is None and error.key == "scale"
    assert "must be >= 0.01" in error.message
    assert not out.exists()


def test_negative_seed(tmp_path):
    out = tmp_path / "out"
    error = parse_error(cli("run", str(PLAN), "--seed", "-1", "--out", str(out)))
    assert error.file == "<command line>" and "--seed" in error.message
    assert not out.exists()


def test_out_that_is_a_file_is_rejected_before_running(tmp_path):
    out = tmp_path / "out"
    out.write_text("precious", encoding="utf-8")
    for target in (out, out / "sub"):
        proc = cli("run", str(PLAN), "--seed", "1", "--out", str(target))
        error = parse_error(proc)
        assert error.key == "--out" and "not a directory" in error.message
        assert proc.stdout == ""
    assert out.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------- output directories are left alone


def test_existing_out_directory_is_untouched_by_bad_input(tmp_path):
    out = tmp_path / "runs" / "previous"
    write(out / "manifest.json", '{"seed": 7}\n')
    write(out / "district.parquet", "not really parquet")
    before = {p.relative_to(out): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*")}
    scen = scenario(tmp_path, "investment: {projects_per_yaer: 3}\n")
    error = parse_error(cli("run", str(scen), "--seed", "1", "--out", str(out)))
    check(error, scen, 2, "investment.projects_per_yaer", "did you mean")
    after = {p.relative_to(out): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*")}
    assert after == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["previous"], "a temporary sibling was left"


def test_missing_parent_folders_of_out_are_not_created_by_bad_input(tmp_path):
    scen = scenario(tmp_path, "firms: {entry_rate_per_year: high}\n")
    out = tmp_path / "new" / "deeper" / "out"
    parse_error(cli("run", str(scen), "--seed", "1", "--out", str(out)))
    assert not (tmp_path / "new").exists()


# ---------------------------------------------------------------- 10. check


def test_check_rejects_a_bad_file(tmp_path):
    scen = scenario(tmp_path, "investment: {projects_per_yaer: 3}\n")
    proc = cli("check", str(scen))
    error = parse_error(proc)
    check(error, scen, 2, "investment.projects_per_yaer", "did you mean 'projects_per_year'")


def test_check_stops_with_status_2_when_any_file_is_bad(tmp_path):
    bad = scenario(tmp_path, "integration: {unified_attraction_start_year: 2050}\n")
    proc = cli("check", str(PLAN), str(bad))
    assert proc.returncode == 2
    assert f"ok: {PLAN}" in proc.stdout
    check(parse_error(proc), bad, 2, "integration.unified_attraction_start_year", "outside the horizon")


def test_check_accepts_every_shipped_scenario():
    assert len(SHIPPED) >= 6
    proc = cli("check", *map(str, SHIPPED))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    oks = [line for line in proc.stdout.splitlines() if line.startswith("ok: ")]
    assert len(oks) == len(SHIPPED)
    for path in SHIPPED:
        assert any(line.startswith(f"ok: {path} ({path.stem})") for line in oks), path


@pytest.mark.parametrize("shock, key, fragment", [
    ("{sector: textiles, first_year: 2025, last_year: 2027, growth_change_per_year: -0.3}", "demand.shocks[0].sector",
     "unknown sector 'textiles'"),
    ("{sector: light_textile, first_year: 2027, last_year: 2025, growth_change_per_year: -0.3}",
     "demand.shocks[0].last_year", "before first_year"),
    ("{sector: light_textile, first_year: 2025, last_year: 2027, growth_change_per_year: -3}",
     "demand.shocks[0].growth_change_per_year", ">= -1.0"),
])
def test_bad_demand_shock_is_named(tmp_path, shock, key, fragment):
    scen = write(tmp_path / "shock.yaml", f"""
        extends: {PLAN}
        region: {REGION}
        demand:
          shocks:
            - {shock}
        """)
    check(check_bad(scen), scen, 5, key, fragment)
