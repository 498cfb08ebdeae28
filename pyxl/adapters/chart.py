"""A small attainment bar chart as PNG bytes, drawn with Pillow so a thousand emails stay quick."""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pyxl.views.formatting import percent_text

# Drawn large: mail apps shrink a 600 px image to a phone's width, and labels must stay legible.
WIDTH, ROW, TOP, LABEL = 600, 40, 14, 260
LABEL_SIZE, VALUE_SIZE = 19, 16
EXPECTED_COLOUR = (31, 41, 51)
COLOURS = {"good": (99, 190, 123), "warn": (255, 192, 0), "bad": (232, 93, 93), "idle": (190, 190, 190)}
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@functools.lru_cache(maxsize=4)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font that can show Chinese names where the system has one."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def attainment_chart(
    labels: Sequence[str],
    attainments: Sequence[float | None],
    tones: Sequence[str],
    expected: Sequence[float | None] | None = None,
) -> bytes:
    """Horizontal bars of attainment with a line at 100%, one bar per label, and a tick where each
    bar was expected to be by today (expected ÷ target), so mid-period bars are read fairly."""
    count = max(len(labels), 1)
    expected = expected if expected is not None else [None] * len(labels)
    height = TOP * 2 + ROW * count + 26
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    finite = [a for a in attainments if a is not None and math.isfinite(a)]
    scale_max = max(1.2, min(max(finite, default=1.0) * 1.05, 3.0))
    plot_left, plot_right = LABEL, WIDTH - 60
    full = plot_right - plot_left

    def x_of(value: float) -> int:
        return plot_left + int(full * min(value, scale_max) / scale_max)

    rows = zip(labels, attainments, tones, expected, strict=True)
    for index, (label, value, tone, due) in enumerate(rows):
        y = TOP + index * ROW
        _paste_text(image, (8, y + 8), label, LABEL_SIZE, LABEL - 16, (31, 41, 51))
        draw.rectangle([plot_left, y + 5, plot_right, y + ROW - 7], fill=(240, 243, 247))
        if value is not None and math.isfinite(value):
            draw.rectangle(
                [plot_left, y + 5, max(x_of(value), plot_left + 1), y + ROW - 7],
                fill=COLOURS.get(tone, COLOURS["idle"]),
            )
            _paste_text(image, (plot_right + 6, y + 9), percent_text(value), VALUE_SIZE, 60, (31, 41, 51))
        if due is not None and math.isfinite(due) and 0 < due < 1:
            due_x = x_of(due)
            draw.rectangle([due_x - 2, y + 1, due_x + 1, y + ROW - 3], fill=EXPECTED_COLOUR)
    target_x = x_of(1.0)
    draw.line([target_x, TOP - 4, target_x, TOP + ROW * count], fill=(31, 78, 120), width=2)
    _paste_text(image, (target_x - 18, TOP + ROW * count + 3), "100%", VALUE_SIZE, 60, (31, 78, 120))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False, compress_level=1)
    return buffer.getvalue()


_FREETYPE = threading.Lock()  # a FreeType face must not render on two threads at once


@functools.lru_cache(maxsize=4096)
def _text_mask(text: str, size: int, width: int) -> Image.Image:
    """The text drawn once as a mask; labels and percentages repeat across a thousand charts."""
    with _FREETYPE:
        return _draw_text(text, size, width)


def _draw_text(text: str, size: int, width: int) -> Image.Image:
    chosen = font(size)
    text = " ".join(text.split())
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    if measure.textlength(text, font=chosen) > width:
        # The longest prefix that fits with an ellipsis, found by halving rather than char by char.
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if measure.textlength(text[:middle] + "…", font=chosen) <= width:
                low = middle
            else:
                high = middle - 1
        text = text[:low] + "…"
    mask = Image.new("L", (width, size + 6), 0)
    ImageDraw.Draw(mask).text((0, 0), text, fill=255, font=chosen)
    return mask


def _paste_text(image: Image.Image, at: tuple[int, int], text: str, size: int, width: int, colour) -> None:
    mask = _text_mask(text, size, width)
    image.paste(colour, (*at, at[0] + mask.width, at[1] + mask.height), mask)
