"""Sheets fetched through their URLs and read back with poppler; the answers they are made of."""

import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

MILD = (1, 1, 1, 1, 1, 1, 0, 0, 0)  # total 6
MODERATE = (2, 2, 2, 2, 2, 2, 2, 0, 0)  # total 14, the moderate tier's highest
CRISIS = (0, 0, 0, 0, 0, 0, 0, 0, 1)  # total 1, item 9 above 0
# A moderate sheet lists the week's sessions, and the demo's expert hours fall on Tuesday evenings
# and Saturday mornings: what it prints depends on the day, so tests that list any fix the day.
MONDAY_NOON = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
WEEK = [MONDAY_NOON + timedelta(days=n) for n in range(7)]


def submit(api, values, **headers) -> str:
    answers = {f"phq9_{i}": v for i, v in enumerate(values, 1)}
    response = api.post(
        "/api/v1/questionnaires/phq-9/submissions/",
        {"answers": answers, "channel": "demo"},
        format="json",
        **headers,
    )
    assert response.status_code == 201
    return response.json()["token"]


def get_pdf(client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    return response


def poppler(tmp_path, tool: str, pdf: bytes, *args: str) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def squeeze(text: str) -> str:
    """Text without any whitespace: CJK lines wrap anywhere, and -layout pads columns."""
    return "".join(text.split())


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return squeeze(gettext(message))


def page_count(tmp_path, pdf: bytes) -> int:
    info = poppler(tmp_path, "pdfinfo", pdf)
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def page_image(tmp_path, pdf: bytes, dpi: int = 100) -> Image.Image:
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-png", "-singlefile",
         str(tmp_path / "sheet.pdf"), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    return Image.open(tmp_path / "page.png").convert("L")


def dark_pixels(image: Image.Image) -> list[bool]:
    return [value < 128 for value in image.tobytes()]
