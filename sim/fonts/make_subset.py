"""Rebuild ``NotoSansSC-Xinhui.otf``, the subset of Noto Sans SC that sim.plotting and sim.report use.

Noto Sans SC Regular 2.004 (SIL Open Font License 1.1, OFL.txt beside this file) comes from PyPI, where the
package ``pylopdf-fonts-zh-cn`` ships it unchanged from https://github.com/notofonts/noto-cjk::

    pip download --no-deps -d /tmp/font pylopdf-fonts-zh-cn
    unzip -o /tmp/font/pylopdf_fonts_zh_cn-*.whl -d /tmp/font
    python sim/fonts/make_subset.py /tmp/font/pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf

The subset keeps ASCII, Latin-1, general punctuation, arrows and mathematical operators, CJK punctuation,
full-width forms, all 6,763 hanzi of GB 2312 and every other character found in the project's text files
(scenarios, plan targets, docs), so every Chinese name in the region file and the plan renders. It is
renamed (family "Noto Sans SC Xinhui") so that it never shadows a full Noto Sans SC installed on the system.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "NotoSansSC-Xinhui.otf"
FAMILY = "Noto Sans SC Xinhui"
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x214F),
          (0x2150, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F),
          (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def gb2312() -> set[int]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def project_chars() -> set[int]:
    chars = set()
    for pattern in ("scenarios/**/*.yaml", "sim/plan_targets.yaml", "docs/*.md", "README.md", "sim/**/*.py"):
        for path in ROOT.glob(pattern):
            chars |= {ord(c) for c in path.read_text(encoding="utf-8") if ord(c) > 0x2E7F}
    return chars


def main(source: str) -> None:
    font = TTFont(source)
    wanted = gb2312() | project_chars() | {c for lo, hi in RANGES for c in range(lo, hi + 1)}
    cmap = font.getBestCmap()
    unicodes = sorted(c for c in wanted if c in cmap)
    options = subset.Options()
    options.layout_features = ["kern", "liga", "locl", "palt", "halt", "vert"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG", "BASE", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 3:
            record.string = "2.004;NotoSansSCXinhui-Regular;subset"
        elif record.nameID == 6:
            record.string = "NotoSansSCXinhui-Regular"
    font["CFF "].cff.fontNames = ["NotoSansSCXinhui-Regular"]
    font.save(OUT)
    print(f"{OUT}: {len(unicodes)} characters, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
