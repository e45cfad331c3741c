"""Render the HTML report in a headless Chromium: it must draw something and show the level.

Needs Debian's chromium (``apt-get install -y chromium``); skipped when it is absent.
"""

from __future__ import annotations

import html
import zlib
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model import standards
from maturity_model.report import write_report
from tests.browser import chromium, needs_chromium

pytestmark = needs_chromium


def _png_colours(data: bytes) -> set[bytes]:
    """The distinct pixel values of an 8-bit, non-interlaced PNG (RGB or RGBA)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width = int.from_bytes(header[0:4], "big")
    height = int.from_bytes(header[4:8], "big")
    depth, colour_type, interlace = header[8], header[9], header[12]
    assert depth == 8 and interlace == 0 and colour_type in (2, 6)
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    previous = bytearray(stride)
    colours: set[bytes] = set()
    pos = 0
    for _ in range(height):
        filt = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if filt == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filt == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filt == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filt == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        previous = line
        if len(colours) < 4096:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 7))
    return colours


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, mm.Profile]:
    model = standards.load("caict-devops-cd")
    profile = mm.score(model, standards.example_assessment("caict-devops-cd"))
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, model, profile, target=3)
    return path, profile


def _overall_line(profile: mm.Profile) -> str:
    o = profile.overall
    assert o.level is not None and o.score is not None
    return f"Overall: Level {o.level} ({profile.scale.name(o.level)}), score {o.score:.2f}"


def test_screenshot_is_not_blank(tmp_path: Path, report_file: tuple[Path, mm.Profile]) -> None:
    path, _ = report_file
    png = tmp_path / "shot.png"
    run = chromium(tmp_path, "--window-size=1200,2000", f"--screenshot={png}", path.as_uri())
    assert png.is_file(), run.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    assert len(data) > 10_000
    assert len(_png_colours(data)) > 16


def test_dom_shows_the_overall_level(tmp_path: Path,
                                     report_file: tuple[Path, mm.Profile]) -> None:
    path, profile = report_file
    run = chromium(tmp_path, "--window-size=1200,2000", "--dump-dom", path.as_uri())
    dom = run.stdout.decode("utf-8", errors="replace")
    assert "<svg" in dom, run.stderr.decode(errors="replace")[-2000:]
    assert html.escape(_overall_line(profile)) in dom
    assert "Wave 1" in dom
