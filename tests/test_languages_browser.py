"""A report in Chinese, rendered in a headless Chromium: the CJK text is drawn, not boxes.

Needs Debian's chromium and a font with Chinese characters (``fonts-noto-cjk`` or
``fonts-wqy-microhei``); skipped with a reason when either is absent.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model import standards
from maturity_model._report_html import _CSS
from maturity_model.report import write_report
from tests.browser import chromium, needs_chromium


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                           timeout=60, check=False)
    return bool(found.stdout.strip())


pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not _has_cjk_font(),
                       reason="needs a font with Chinese characters "
                              "(apt-get install -y fonts-noto-cjk)"),
]


def _shot(tmp_path: Path, name: str, text: str) -> bytes:
    """A screenshot of ``text`` drawn large with the report's own CSS and font stack."""
    page = tmp_path / f"{name}.html"
    page.write_text(f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><style>'
                    f"{_CSS}</style></head><body><p style=\"font-size:64px;margin:0\">{text}"
                    "</p></body></html>", encoding="utf-8")
    png = tmp_path / f"{name}.png"
    run = chromium(tmp_path, f"--screenshot={png}", "--window-size=800,400", page.as_uri())
    assert png.is_file(), run.stderr.decode(errors="replace")[-2000:]
    return png.read_bytes()


def test_chinese_names_are_drawn_not_boxes(tmp_path: Path) -> None:
    # Private-use characters have no glyph anywhere: Chromium draws its empty boxes for
    # them. Chinese drawn with the report's font stack must look different.
    chinese = _shot(tmp_path, "chinese", "配置管理")
    boxes = _shot(tmp_path, "boxes", "\ue000\ue001\ue002\ue003")
    assert chinese != boxes


def test_chinese_report_shows_chinese_names_in_text_and_svg(tmp_path: Path) -> None:
    model = standards.load("caict-devops-cd")
    profile = mm.score(model, standards.example_assessment("caict-devops-cd"))
    path = tmp_path / "report.html"
    write_report(path, model, profile, target=3, lang="zh")
    run = chromium(tmp_path, "--dump-dom", path.as_uri())
    dom = run.stdout.decode("utf-8", errors="replace")
    assert '<html lang="zh">' in dom, run.stderr.decode(errors="replace")[-2000:]
    svg = dom[dom.index("<svg"):dom.rindex("</svg>")]
    assert "配置管理" in svg
    assert "总体：第 1 级（初始级），得分 2.34" in dom
    assert "成熟度报告：<bdi>研发运营一体化（DevOps）能力成熟度模型 第3部分：持续交付</bdi>" in dom
    assert "第 1 批" in dom
    png = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,1400", path.as_uri())
    assert png.is_file() and len(png.read_bytes()) > 10_000
