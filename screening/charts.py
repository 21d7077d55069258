"""Small server-rendered SVG charts for the staff dashboard: pure functions returning SVG text.

Series are told apart by pattern as well as colour, named in a legend, and every bar carries its
number as text (or a tooltip where there is no room), so nothing depends on colour alone.
Text uses ``currentColor`` and follows the admin's light or dark theme.
"""

import math
from collections.abc import Sequence

from django.utils.html import escape

WIDTH = 960
FONT = 12
# Fill and pattern per series, in legend order: plain, striped, cross-hatched.
STYLES = (
    ("#9ecae1", ""),
    ("#f4a259", '<path d="M0 0V6" stroke="#ffffff" stroke-width="2"/>'),
    ("#b2182b", '<path d="M0 0L6 6M6 0L0 6" stroke="#ffffff" stroke-width="1.2"/>'),
)


def nice_step(largest: int, ticks: int = 5) -> int:
    """A round step (1, 2, 5 × 10ⁿ) that divides 0..``largest`` into about ``ticks`` parts."""
    if largest <= ticks:
        return 1
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def _defs(chart_id: str) -> str:
    patterns = "".join(
        f'<pattern id="{chart_id}-s{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{fill}"/>{marks}</pattern>'
        for i, (fill, marks) in enumerate(STYLES)
    )
    return f"<defs>{patterns}</defs>"


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{chart_id}-s{index % len(STYLES)})"


def _legend(chart_id: str, names: Sequence[str], x: float, y: float) -> str:
    parts = []
    for i, name in enumerate(names):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11}" width="14" height="14" fill="{_fill(chart_id, i)}" '
            f'stroke="currentColor" stroke-width="0.5"/>'
            f'<text x="{x + 20:.1f}" y="{y}">{escape(name)}</text>'
        )
        # CJK characters are about twice as wide as Latin ones.
        x += 20 + sum(FONT if ord(c) > 0x2E80 else FONT * 0.6 for c in name) + 24
    return "".join(parts)


def _svg(chart_id: str, title: str, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title" '
        f'font-size="{FONT}" fill="currentColor">'
        f'<title id="{chart_id}-title">{escape(title)}</title>{_defs(chart_id)}{body}</svg>'
    )


def shorten(text: str, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits about ``width`` pixels."""
    used = 0.0
    for i, c in enumerate(text):
        used += FONT if ord(c) > 0x2E80 else FONT * 0.6
        if used > width:
            return text[: max(i - 1, 0)] + "…"
    return text


def column_chart(
    labels: Sequence[str],
    stacks: Sequence[Sequence[int]],
    legend: Sequence[str],
    *,
    title: str,
    chart_id: str = "columns",
    height: int = 320,
) -> str:
    """Stacked columns, one per label, with each column's total written above it.

    ``stacks[i]`` holds the values of column ``i`` in ``legend`` order.
    """
    left, right, top, bottom = 52, 12, 40, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    totals = [sum(stack) for stack in stacks]
    step = nice_step(max(totals, default=0))
    ceiling = max(step, math.ceil(max(totals, default=0) / step) * step)
    scale = plot_h / ceiling
    base = top + plot_h
    slot = plot_w / max(len(labels), 1)
    bar = min(slot * 0.72, 56)
    parts = [_legend(chart_id, legend, left, 18)]

    for value in range(0, ceiling + 1, step):
        y = base - value * scale
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="{0.6 if value == 0 else 0.15}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )

    digits = len(str(max(totals, default=0)))
    show_totals = slot >= digits * FONT * 0.6 + 4
    every = math.ceil(len(labels) / max(plot_w // 52, 1))
    for i, (label, stack, total) in enumerate(zip(labels, stacks, totals, strict=True)):
        x = left + i * slot + (slot - bar) / 2
        centre = x + bar / 2
        y = base
        for s, value in enumerate(stack):
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{_fill(chart_id, s)}"><title>{escape(label)} · {escape(legend[s])}: '
                f"{value}</title></rect>"
            )
        if show_totals and total:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle">{total}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{base + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return _svg(chart_id, title, height, "".join(parts))


def bar_chart(
    labels: Sequence[str],
    stacks: Sequence[Sequence[int]],
    legend: Sequence[str],
    *,
    title: str,
    chart_id: str = "bars",
) -> str:
    """Stacked horizontal bars, one per label, with each bar's total written after it."""
    left, right, top, row, bar = 240, 64, 40, 30, 20
    totals = [sum(stack) for stack in stacks]
    scale = (WIDTH - left - right) / max(max(totals, default=0), 1)
    height = top + row * len(labels) + 8
    parts = [_legend(chart_id, legend, left, 18)]
    for i, (label, stack, total) in enumerate(zip(labels, stacks, totals, strict=True)):
        y = top + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + bar / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(shorten(label, left - 16))}</text>"
        )
        x = float(left)
        for s, value in enumerate(stack):
            if not value:
                continue
            w = value * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                f'fill="{_fill(chart_id, s)}"><title>{escape(label)} · {escape(legend[s])}: '
                f"{value}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + bar / 2 + 4:.1f}">{total}</text>')
    return _svg(chart_id, title, height, "".join(parts))
