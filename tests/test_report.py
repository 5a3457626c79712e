"""``xinhui-sim report DIR`` on a small batch (2 variants x 3 replicates, shared with tests/test_notebooks.py):
one self-contained UTF-8 HTML file whose every <img> is an embedded PNG, the same PNGs in DIR/report/, the
target probabilities in plain words, Chinese names that render (the embedded font covers every character;
matplotlib reports no missing glyph), every chart with a title, labelled axes with units and a legend where
it has several series; bad input exits 2 with one line. With Chromium installed, a real headless browser
loads the page and finds every image and the font (skipped, with the reason, when it is not installed)."""

from __future__ import annotations

import base64
import io
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


def test_report_writes_one_html_and_the_pngs(report):
    proc, html_path, _ = report
    assert html_path.is_file()
    assert str(html_path) in proc.stdout
    pngs = sorted(html_path.parent.glob("*.png"))
    assert len(pngs) == 16  # 15 charts and the sensitivity ranking
    for png in pngs:
        width, height = _is_png(png.read_bytes())
        assert width > 300 and height > 200, png.name
    assert not list(html_path.parent.parent.glob(".report.*")), "a temporary report directory was left behind"


def test_every_image_is_an_embedded_png_that_decodes(report):
    _, html_path, raw = report
    page = _page(raw)
    assert page.images, "the report has no images"
    files = {p.read_bytes() for p in html_path.parent.glob("*.png")}
    for img in page.images:
        src = img.get("src", "")
        assert src.startswith("data:image/png;base64,"), src[:60]
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data, "empty data: URI"
        _is_png(data)
        assert data in files, "the embedded image differs from the PNG file beside the HTML"
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


def test_targets_in_plain_words(report):
    _, _, raw = report
    text = raw.decode("utf-8")
    assert re.search(r"Under plan, GDP reaches 1,300亿 in 2025 in \d+% of 3 replicates; under fragmented in \d+%",
                     text)
    assert re.search(r"Under plan, GDP reaches 3,300亿 in 2033 in \d+% of 3 replicates", text)
    assert re.search(r"Under plan, 规上工业总产值 of 圭峰会城 reaches 600亿 in 2025 in \d+% of 3 replicates", text)
    assert re.search(r"100 or more firms start a technical upgrade in every year 2023–2033 in \d+% of 3", text)
    assert "the plan gives no number" in text


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


def test_every_chart_has_title_axis_labels_units_and_legend(batch):
    from matplotlib import pyplot as plt

    from sim import plotting as xp
    from sim.batch.compare import compare
    from sim.report import chart_specs
    from sim.results import load

    results = load(batch)
    indicators, targets = compare(batch, "plan")
    specs = chart_specs(results, indicators, targets, morris_table())
    assert len(specs) == 16
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


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium); "
                    "the HTML is still checked by the tests above")
def test_real_browser_loads_every_image_and_the_font(report, tmp_path):
    from PIL import Image

    _, html_path, raw = report
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"]
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
