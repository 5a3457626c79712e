"""``xinhui-sim report DIR`` on a small batch (2 variants x 3 replicates, shared with tests/test_notebooks.py):
one self-contained UTF-8 HTML file whose every <img> is an embedded SVG, the same SVGs and 200 dpi PNGs in
DIR/report/, the executive summary in Chinese as the first table, Chinese names that render (the embedded font covers every character;
matplotlib reports no missing glyph), every chart with a title, labelled axes with units and a legend where
it has several series; bad input exits 2 with one line. With Chromium installed, a real headless browser
loads the page, finds every image and the font, and the summary table inside the first 1300 x 900 screen
(skipped, with the reason, when it is not installed, except in CI, where the test fails instead)."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BATCH_SCENARIOS = ("plan.yaml", "fragmented.yaml")
REPS = 3
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHROMIUM = Path("/usr/bin/chromium")
CHINESE = ("圭峰会城", "银洲湖东岸", "新材料", "新能源", "规上工业总产值", "新会柑", "到2025年 全区GDP达到1300亿元")

_BATCH: dict[str, Path] = {}


def small_batch(tmp_path_factory) -> Path:
    """One batch for the whole test session (this module and tests/test_notebooks.py): plan and fragmented,
    3 replicates each, 2023-2033."""
    if "dir" not in _BATCH:
        from sim.batch.runner import run_batch

        out = tmp_path_factory.mktemp("small_batch") / "batch"
        summary = run_batch([str(SCENARIOS / s) for s in BATCH_SCENARIOS], REPS, 11, out, workers=2,
                            progress=False)
        assert summary.failed == 0, summary.errors
        _BATCH["dir"] = out
    return _BATCH["dir"]


def morris_table() -> pd.DataFrame:
    """A small sensitivity table in the format of sim/validation/sensitivity.py (Morris)."""
    rows = []
    for output in ("gdp_100m_cny", "theil_town_gdp_per_capita", "admin_villages_over_10m_cny"):
        for i, parameter in enumerate(("investment.projects_per_year", "firms.capital_output_ratio",
                                       "pairing.yield_per_year")):
            rows.append({"output": output, "parameter": parameter, "mu_star": 3.0 - i, "mu_star_conf": 0.2,
                         "sigma": 1.0 + i / 2, "rank": i + 1})
    return pd.DataFrame(rows)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A copy of the shared batch with a Morris sensitivity table in DIR/sensitivity/ (the notebook tests
    need the original without one)."""
    copy = tmp_path_factory.mktemp("report") / "batch"
    shutil.copytree(small_batch(tmp_path_factory), copy)
    (copy / "sensitivity").mkdir()
    morris_table().to_csv(copy / "sensitivity" / "sensitivity.csv", index=False)
    return copy


@pytest.fixture(scope="module")
def report(batch):
    proc = cli("report", str(batch))
    assert proc.returncode == 0, proc.stderr
    html_path = batch / "report" / "report.html"
    return proc, html_path, html_path.read_bytes()


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.text, self.styles, self._skip = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        (self.styles if self._skip else self.text).append(data)


def _page(raw: bytes) -> _Page:
    page = _Page()
    page.feed(raw.decode("utf-8"))
    return page


def _is_png(data: bytes) -> tuple[int, int]:
    from PIL import Image

    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_report_writes_one_html_and_the_charts_as_svg_and_200_dpi_png(report):
    proc, html_path, _ = report
    assert html_path.is_file()
    assert str(html_path) in proc.stdout
    pngs = sorted(html_path.parent.glob("*.png"))
    svgs = sorted(html_path.parent.glob("*.svg"))
    assert len(pngs) == len(svgs) == 18  # the map, 16 charts and the sensitivity ranking
    assert [p.stem for p in pngs] == [p.stem for p in svgs]
    for png in pngs:
        width, height = _is_png(png.read_bytes())
        assert width > 1000 and height > 600, png.name
        from PIL import Image

        with Image.open(png) as image:
            assert round(image.info["dpi"][0]) == 200, png.name
    assert not list(html_path.parent.parent.glob(".report.*")), "a temporary report directory was left behind"


def test_every_image_is_an_embedded_svg_identical_to_the_file(report):
    _, html_path, raw = report
    page = _page(raw)
    assert page.images, "the report has no images"
    files = {p.read_bytes() for p in html_path.parent.glob("*.svg")}
    for img in page.images:
        src = img.get("src", "")
        assert src.startswith("data:image/svg+xml;base64,"), src[:60]
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data.lstrip().startswith(b"<?xml") and b"<svg" in data[:2000]
        assert data in files, "the embedded image differs from the SVG file beside the HTML"
        assert img.get("alt"), "an image without alt text"
    assert len(page.images) == len(files)
    assert not re.search(rb"<img[^>]+src=\"(?!data:)", raw), "an image that is not embedded"


def test_html_is_utf8_with_the_chinese_names(report):
    _, _, raw = report
    text = raw.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert '<meta charset="utf-8">' in text
    assert "\ufffd" not in text
    for word in CHINESE:
        assert word in text, word


def test_embedded_font_covers_every_character_of_the_page(report):
    from fontTools.ttLib import TTFont

    _, _, raw = report
    page = _page(raw)
    match = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", "".join(page.styles))
    assert match, "no embedded font"
    cmap = TTFont(io.BytesIO(base64.b64decode(match.group(1)))).getBestCmap()
    shown = set("".join(page.text)) - set(" \n\t\r")
    missing = sorted(c for c in shown if ord(c) not in cmap)
    assert not missing, f"characters without a glyph in the embedded font: {missing}"
    assert any(ord(c) > 0x4E00 for c in shown) and all(ord(c) in cmap for c in "新会圭峰")


def test_no_chart_misses_a_glyph(report):
    proc, _, _ = report
    assert "missing from font" not in proc.stderr, proc.stderr
    assert "Glyph" not in proc.stderr, proc.stderr


def test_first_table_is_the_executive_summary_in_chinese(batch, report):
    from sim.batch.summary import HEADERS, STATUS, summary_of_batch

    _, _, raw = report
    text = raw.decode("utf-8")
    first = re.search(r"<table[^>]*>(.*?)</table>", text, re.S)
    assert 'class="summary"' in first.group(0)
    for header in HEADERS["zh"]:
        assert f"<th>{header}</th>" in first.group(1), header
    summary = summary_of_batch(batch, "plan", ["plan", "fragmented"])
    rows = re.findall(r"<tr class=\"(\w+)\">", first.group(1))
    assert rows == list(summary.rows.status)  # one row per target and part, in the order of the summary
    gdp = summary.rows[summary.rows.target == "gdp_2033"].iloc[0]
    assert f"{gdp['median']:,.0f}亿" in first.group(1)  # the model's value, not a hard-coded one
    assert STATUS[gdp.status][0] in first.group(1)
    assert '<html lang="zh-CN">' in text and "如何理解不确定性" in text and "以1/3 = 33%为步长" in text


def test_english_report_and_variant_descriptions(batch, tmp_path):
    import yaml

    copy = tmp_path / "batch"
    shutil.copytree(batch, copy)
    proc = cli("report", str(copy), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    text = (copy / "report" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "Executive summary" in text and "How to read the uncertainty" in text
    for variant in ("plan", "fragmented"):
        description = yaml.safe_load((SCENARIOS / f"{variant}.yaml").read_text(encoding="utf-8"))["description"]
        assert description.split(" - ")[0].replace("&", "&amp;") in text, variant


def test_target_statements_match_compare(batch):
    from sim.batch.compare import compare
    from sim.report import target_statements
    from sim.results import load

    _, targets = compare(batch, "plan")
    statements = {s.phrase: s for s in target_statements(load(batch).targets, ["plan", "fragmented"])}
    gdp = statements["GDP reaches 1,300亿 in 2025"]
    p = targets.query("target == 'gdp_2025' and variant == 'fragmented'").probability_met.iloc[0]
    assert gdp.sentences[1] == f"Under fragmented, GDP reaches 1,300亿 in 2025 in {p:.0%} of 3 replicates."


def _has_units(label: str) -> bool:
    return bool(re.search(r"\(.+\)", label))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_has_title_axis_labels_units_and_legend(batch, lang):
    from matplotlib import pyplot as plt

    from sim import plotting as xp
    from sim.batch.compare import compare
    from sim.report import chart_specs
    from sim.results import load

    results = load(batch)
    indicators, targets = compare(batch, "plan")
    specs = chart_specs(results, indicators, targets, morris_table(), lang=lang)
    assert len(specs) == 18
    for _, key, _, _, make in specs:
        fig = make()
        try:
            suptitle = fig._suptitle.get_text() if fig._suptitle else ""
            sup_x = fig._supxlabel.get_text() if fig._supxlabel else ""
            sup_y = fig._supylabel.get_text() if fig._supylabel else ""
            axes = [ax for ax in fig.axes if ax.get_visible() and not hasattr(ax, "_colorbar")]
            assert axes, key
            labels, series = [sup_x, sup_y], set()
            for ax in axes:
                assert suptitle or ax.get_title(), f"{key}: no title"
                assert ax.get_xlabel() or sup_x, f"{key}: an axis without an x label"
                assert ax.get_ylabel() or sup_y, f"{key}: an axis without a y label"
                labels += [ax.get_xlabel(), ax.get_ylabel()]
                series |= {label for label in ax.get_legend_handles_labels()[1] if not label.startswith("_")}
            labels += [ax.get_ylabel() for ax in fig.axes if hasattr(ax, "_colorbar")]
            assert any(_has_units(label) for label in labels), f"{key}: no axis label with a unit: {labels}"
            if len(series) > 1:
                assert fig.legends or any(ax.get_legend() for ax in axes), f"{key}: {len(series)} series, no legend"
            if lang == "zh":
                title = re.sub(r"plan|fragmented|Morris", "", suptitle or axes[0].get_title())  # names stay
                assert re.search(r"[\u4e00-\u9fff]", title) and not re.search(r"[a-z]{4}", title), f"{key}: {title}"
                assert not any(label == "year" for label in labels), key
        finally:
            xp.close(fig)
    assert not plt.get_fignums()


def test_shipped_font_is_registered_and_covers_the_region_names():
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager, rcParams

    from sim import plotting as xp
    from sim.indicators import load_targets

    assert xp.FONT_FAMILY == "Noto Sans SC Xinhui"
    assert rcParams["font.sans-serif"][0] == xp.FONT_FAMILY
    assert Path(font_manager.findfont(xp.FONT_FAMILY, fallback_to_default=False)) == xp.FONT_FILE
    assert (xp.FONT_DIR / "OFL.txt").is_file()
    cmap = TTFont(str(xp.FONT_FILE)).getBestCmap()
    names = xp.region_names()
    text = "".join(v for kind in ("zones", "towns", "sectors", "parks") for v in names[kind].values())
    text += "".join(t["text"] for t in load_targets())
    missing = sorted({c for c in text if ord(c) > 0x2E7F and ord(c) not in cmap})
    assert not missing, f"characters of the region and plan missing from sim/fonts: {missing}"


@pytest.mark.parametrize("args, message", [
    (("report", "{tmp}/missing"), "is not a directory"),
    (("report", "{tmp}"), "is not a batch directory"),
    (("report", "{batch}", "--baseline", "nope"), "unknown variant 'nope'"),
])
def test_bad_input_exits_2_with_one_line(batch, tmp_path, args, message):
    args = [a.format(tmp=tmp_path, batch=batch) for a in args]
    before = sorted(p.name for p in batch.iterdir())
    proc = cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr, proc.stderr
    assert not (tmp_path / "report").exists()
    assert sorted(p.name for p in batch.iterdir()) == before


def test_the_map_shows_the_11_towns_and_4_zones_with_the_parks():
    from sim import plotting as xp

    places = xp.region_places()
    assert len(places["towns"]) == 11 and len(places["zones"]) == 4 and len(places["parks"]) >= 12
    fig = xp.town_map()
    try:
        ax = fig.axes[0]
        towns = {a.get_gid() for a in ax.texts if (a.get_gid() or "").startswith("town:")}
        assert towns == {f"town:{t['id']}" for t in places["towns"]}
        shown = {a.get_text() for a in ax.texts}
        assert {"会城街道", "大鳌镇", "崖门镇"} <= shown
        zones = [label for label in ax.get_legend_handles_labels()[1] if "(zone)" in label]
        assert len(zones) == 4 and "圭峰会城 (zone)" in zones
        assert "°E" in ax.get_xlabel() and "°N" in ax.get_ylabel() and ax.get_title()
    finally:
        xp.close(fig)


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing in CI (.ci/run installs it: apt-get install chromium)")
    pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium); the HTML is still checked above")


def _flags(tmp_path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"]


def test_first_screen_holds_the_summary_table_in_chinese(report, tmp_path):
    from PIL import Image

    _chromium_or_skip()
    _, html_path, _ = report
    url = html_path.resolve().as_uri()
    dom = subprocess.run([str(CHROMIUM), *_flags(tmp_path), "--window-size=1300,900", "--virtual-time-budget=15000",
                          "--dump-dom", url], capture_output=True, text=True, timeout=120)
    match = re.search(r'data-summary-bottom="(\d+)"', dom.stdout[:400])
    assert match, (dom.stdout[:400], dom.stderr[-2000:])
    assert 0 < int(match.group(1)) <= 900, f"the summary table ends at {match.group(1)} px, below the first screen"
    assert "<th>达标概率</th>" in dom.stdout
    shot = tmp_path / "first_screen.png"
    subprocess.run([str(CHROMIUM), *_flags(tmp_path), f"--screenshot={shot}", "--window-size=1300,900", url],
                   capture_output=True, timeout=120)
    with Image.open(shot) as image:
        assert image.size == (1300, 900)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50, "a blank screenshot"
        assert any(c == (251, 227, 225) for _, c in colours), "no row of the summary table on the first screen"


def test_real_browser_loads_every_image_and_the_font(report, tmp_path):
    from PIL import Image

    _chromium_or_skip()
    _, html_path, raw = report
    flags = _flags(tmp_path)
    url = html_path.resolve().as_uri()
    dom = subprocess.run([str(CHROMIUM), *flags, "--virtual-time-budget=15000", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    head = dom.stdout[:300]
    images = len(_page(raw).images)
    assert f'data-images="{images}"' in head, (head, dom.stderr[-2000:])
    assert 'data-broken-images="0"' in head, head
    assert 'data-font="loaded"' in head, head
    shot = tmp_path / "report.png"
    subprocess.run([str(CHROMIUM), *flags, f"--screenshot={shot}", "--window-size=1280,2400", url],
                   capture_output=True, timeout=120)
    assert shot.is_file()
    with Image.open(shot) as image:
        assert image.size == (1280, 2400)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50, "a blank screenshot"


def test_charts_stay_printable_for_a_sweep_of_50_points(batch):
    """50 variants (the plan's rows copied under 50 names): no chart grows past a printable size, per-variant
    charts draw at most PANEL_VARIANTS variants and say so, every figure legend is in 8
    columns at most, and the page has no sentence listing the variants."""
    from dataclasses import replace

    from sim import plotting as xp
    from sim.batch.compare import summarize
    from sim.batch.summary import summarize_targets
    from sim.report.charts import PANEL_VARIANTS, chart_specs
    from sim.report.page import summary_html
    from sim.results import load

    results = load(batch)
    names = [f"p{i:02d}" for i in range(50)]

    def fan(frame):
        plan = frame[frame.variant == "plan"]
        return pd.concat([plan.assign(variant=v) for v in names], ignore_index=True)

    many = replace(results, **{t: fan(getattr(results, t)) for t in ("district", "zones", "towns", "villages",
                                                                        "clusters", "parks", "targets")})
    from sim.batch.compare import HEADLINES

    values = pd.concat([pd.DataFrame({"indicator": c, "scope": "district", "year": y, "variant": many.district.variant,
                                      "replicate": many.district.replicate, "value": many.district[c]})
                        [many.district.year == y] for t, c, ys in HEADLINES if t == "district" for y in ys])
    indicators = summarize(values, "p00")
    indicators.insert(3, "baseline", "p00")
    targets = many.targets[many.targets.met.notna()].assign(met=lambda f: f.met.astype(float))
    probabilities = targets.groupby(["target", "part", "year", "variant"], sort=False).met.agg(
        probability_met="mean", n="count").reset_index()
    for _, key, _, caption, make in chart_specs(many, indicators, probabilities):
        fig = make()
        try:
            width, height = fig.get_size_inches()
            assert width <= 24 and height <= 36, f"{key}: {width:.0f} x {height:.0f} in"
            for legend in fig.legends:
                assert legend._ncols <= 8, key
            for ax in fig.axes:
                assert len([label for label in ax.get_legend_handles_labels()[1] if label in names]) <= \
                    max(PANEL_VARIANTS, 0) or key in ("target_probabilities", "headline_differences"), key
            if key not in ("target_probabilities", "headline_differences", "town_map"):
                assert f"first {PANEL_VARIANTS} of 50 variants" in caption, key
        finally:
            xp.close(fig)
    testable = many.targets[many.targets.met.notna()].assign(met=lambda f: f.met.astype(bool),
                                                             part=lambda f: f.part.fillna(""))
    page = summary_html(summarize_targets(testable, "p00", names), "zh", xp.region_names())
    assert "p49" not in page.split("</table>")[0].split("<tbody>")[0]  # the headline names no variant list


def test_browser_tests_fail_in_ci_and_skip_elsewhere_without_chromium(monkeypatch, tmp_path):
    import tests.test_report as this

    monkeypatch.setattr(this, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="missing in CI"):
        this._chromium_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        this._chromium_or_skip()
