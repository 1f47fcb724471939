"""Small server-drawn SVG charts that work under the strict CSP.

No inline style attributes: only SVG presentation attributes (fill, stroke,
stroke-dasharray, font-size) and classes. Every chart has a <title> and a
<desc>, role="img" and a viewBox so it scales to the width of its box. Series
are told apart by line pattern and marker shape as well as colour, and the
legend repeats both; the page shows the same numbers in a table beneath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
INK = "#1d1d24"
MUTED = "#55556a"
GRID = "#d9d9e3"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    colour: str
    dash: str = ""  # stroke-dasharray; "" = solid
    marker: str = "circle"  # circle | square | triangle
    width: float = 2.5


def _num(n: float) -> str:
    return f"{n:.1f}".rstrip("0").rstrip(".")


def _thousands(n: int) -> str:
    return f"{n:,}"


def nice_max(value: int, ticks: int = 4) -> tuple[int, int]:
    """(top of the axis, step) with a 1-2-5 step so gridlines land on round numbers."""
    if value <= 0:
        return ticks, 1
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * power
        if step >= raw and float(step).is_integer():
            break
    step = int(step)
    return step * math.ceil(value / step), step


def _marker(kind: str, x: float, y: float, colour: str, size: float = 4.5, tip: str = "") -> str:
    """A marker; with `tip`, a <title> inside it (a tooltip, and the value for assistive tech)."""

    def close(tag: str) -> str:
        return f"><title>{escape(tip)}</title></{tag}>" if tip else "/>"

    if kind == "square":
        s = size * 0.9
        return (
            f'<rect x="{_num(x - s)}" y="{_num(y - s)}" width="{_num(2 * s)}" height="{_num(2 * s)}" '
            f'fill="#fff" stroke="{colour}" stroke-width="2"' + close("rect")
        )
    if kind == "triangle":
        s = size * 1.15
        pts = f"{_num(x)},{_num(y - s)} {_num(x + s)},{_num(y + s * 0.8)} {_num(x - s)},{_num(y + s * 0.8)}"
        return f'<polygon points="{pts}" fill="{colour}" stroke="{colour}" stroke-width="1"' + close("polygon")
    return (
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(size)}" fill="{colour}" stroke="#fff" stroke-width="1"'
        + close("circle")
    )


def _open(width: int, height: int, title: str, desc: str, ident: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class={quoteattr(css_class)} '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" font-family={quoteattr(FONT)} font-size="15">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]


def line_chart(
    *,
    title: str,
    desc: str,
    labels: list[tuple[str, str]],
    series: list[Series],
    y_label: str = "People",
    point_names: list[str] | None = None,
    ident: str = "chart",
    width: int = 480,
    height: int = 320,
) -> str:
    """Lines with markers, one point per x label. labels: (first line, second
    line or "") — e.g. ("Mar", "2026"); point_names name each point in the
    markers' tooltips ("Tue 10 Mar 2026: Attended 120"). Narrow viewBox and large type so it
    stays readable when scaled down to a phone."""
    left, right, top, bottom = 52, 14, 62, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(labels)
    top_value, step = nice_max(max((v for s in series for v in s.values), default=0))

    def x_at(i: int) -> float:
        return left + plot_w / 2 if n == 1 else left + 10 + i * (plot_w - 20) / (n - 1)

    def y_at(v: float) -> float:
        return top + plot_h - (v / top_value) * plot_h

    out = _open(width, height, title, desc, ident, "chart chart-line")
    # Legend: a sample of each line with its marker, then its name.
    lx = left
    out.append('<g class="chart-legend">')
    for s in series:
        out.append(
            f'<line x1="{lx}" y1="16" x2="{lx + 28}" y2="16" stroke="{s.colour}" stroke-width="{s.width}"'
            + (f' stroke-dasharray="{s.dash}"' if s.dash else "")
            + "/>"
        )
        out.append(_marker(s.marker, lx + 14, 16, s.colour))
        out.append(f'<text x="{lx + 34}" y="21" fill="{INK}">{escape(s.name)}</text>')
        lx += 34 + int(len(s.name) * 8.2) + 22
    out.append("</g>")
    # Axis title and gridlines with values.
    out.append(f'<text x="{left - 44}" y="44" fill="{MUTED}" font-size="13">{escape(y_label)}</text>')
    out.append('<g class="chart-grid">')
    value = 0
    while value <= top_value:
        y = y_at(value)
        out.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{_num(y + 5)}" text-anchor="end" fill="{MUTED}" font-size="13">'
            f"{_thousands(value)}</text>"
        )
        value += step
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}" '
        'stroke-width="1.5"/>'
    )
    out.append("</g>")
    # x labels: every one when they fit, otherwise every other one.
    every = 1 if n <= 12 else 2
    out.append('<g class="chart-x">')
    previous_second = None
    for i, (first, second) in enumerate(labels):
        if i % every and i != n - 1:
            continue
        x = x_at(i)
        out.append(
            f'<text x="{_num(x)}" y="{top + plot_h + 19}" text-anchor="middle" fill="{INK}" font-size="13">'
            f"{escape(first)}</text>"
        )
        if second and second != previous_second:
            out.append(
                f'<text x="{_num(x)}" y="{top + plot_h + 37}" text-anchor="middle" fill="{MUTED}" font-size="12">'
                f"{escape(second)}</text>"
            )
            previous_second = second
    out.append("</g>")
    # The lines, then their markers on top.
    for s in series:
        points = " ".join(f"{_num(x_at(i))},{_num(y_at(v))}" for i, v in enumerate(s.values))
        out.append(f'<g class="chart-series"><title>{escape(s.name)}</title>')
        if n > 1:
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="{s.width}" '
                'stroke-linejoin="round"' + (f' stroke-dasharray="{s.dash}"' if s.dash else "") + "/>"
            )
        for i, v in enumerate(s.values):
            tip = f"{point_names[i]}: {s.name} {_thousands(v)}" if point_names else ""
            out.append(_marker(s.marker, x_at(i), y_at(v), s.colour, tip=tip))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(
    *,
    title: str,
    desc: str,
    rows: list[tuple[str, float, str]],
    ident: str = "bars",
    width: int = 480,
    colour: str = "#5b2a86",
) -> str:
    """Horizontal bars of shares (0–1), each labelled directly above its bar:
    rows are (label, share, value text such as "42% · 63 of 150")."""
    row_h, bar_h, left, right = 50, 16, 8, 8
    height = max(len(rows), 1) * row_h + 8
    track = width - left - right
    out = _open(width, height, title, desc, ident, "chart chart-bars")
    for i, (label, share, value_text) in enumerate(rows):
        y = 8 + i * row_h
        share = min(max(share, 0.0), 1.0)
        out.append("<g>")
        out.append(f'<text x="{left}" y="{y + 15}" fill="{INK}">{escape(label)}</text>')
        out.append(
            f'<text x="{width - right}" y="{y + 15}" text-anchor="end" fill="{INK}" font-weight="600">'
            f"{escape(value_text)}</text>"
        )
        out.append(f'<rect x="{left}" y="{y + 22}" width="{track}" height="{bar_h}" fill="#ececf3" stroke="{GRID}"/>')
        if share > 0:
            out.append(
                f'<rect x="{left}" y="{y + 22}" width="{_num(max(track * share, 2))}" height="{bar_h}" '
                f'fill="{colour}"/>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
