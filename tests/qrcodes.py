"""QR codes read back as a phone camera would: from a PDF page rendered by poppler, or an image."""

import io
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def qr_codes_in(image: Image.Image | bytes) -> list[str]:
    """The text of every QR code found in ``image`` (a PIL image or PNG bytes)."""
    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]


def qr_codes_on_page(pdf: bytes, tmp_path: Path, page: int = 1, dpi: int = 100) -> list[str]:
    """QR codes on ``page`` of ``pdf``, printed at ``dpi`` in greyscale."""
    (tmp_path / "qr.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png",
         "-singlefile", str(tmp_path / "qr.pdf"), str(tmp_path / "qr")],
        check=True,
    )  # fmt: skip
    return qr_codes_in(Image.open(tmp_path / "qr.png"))
