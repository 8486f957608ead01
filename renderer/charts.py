"""Chart sections drawn server-side as inline SVG (matplotlib, no JavaScript).

A chart spec comes from the snapshot (internal.report_datasets):
{"type": "bar" | "line" | "stacked_bar", "x": {"key", "label"},
 "series": [{"key", "label", "unit"}]} with the points in the section's rows.
The figures are plotted as they are; nothing is summed or derived here
(stacked bars stack the series the dataset gives).

matplotlib is set up once at import: the SVG backend through Figure objects
(no pyplot, so no global figure registry), DejaVu Sans, text kept as <text>
(smaller SVG, selectable in the PDF) and fixed ids.
"""

from __future__ import annotations

import io
import itertools
import re
import xml.etree.ElementTree as ET

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from renderer import formatting

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "svg.fonttype": "none",
        "svg.hashsalt": "nightcap",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#9ca3af",
        "axes.labelcolor": "#374151",
        "xtick.color": "#374151",
        "ytick.color": "#374151",
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#e5e7eb",
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
        "legend.frameon": False,
    }
)

WIDTH_IN, HEIGHT_IN = 7.0, 2.7
SECONDARY = ["#64748b", "#d97706", "#0e7490", "#be123c", "#4d7c0f", "#7c3aed", "#a16207"]
_ID = re.compile(r'(id="|url\(#|href="#)')

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"
_NUMBER = re.compile(r"-?[\d.]+")


def _tint(colour: str, amount: float) -> str:
    """The colour mixed with white (amount 0..1), for a series next to the brand's."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def palette(brand: str, count: int) -> list[str]:
    """The brand colour first, a lighter tint of it second, then distinct colours."""
    colours = [brand, _tint(brand, 0.5), *SECONDARY]
    return list(itertools.islice(itertools.cycle(colours), count))


def _axis_formatter(unit: str | None, currency: str) -> FuncFormatter:
    symbol = formatting.CURRENCY_SYMBOLS.get(currency, "")

    def tick(value: float, _position: int) -> str:
        if unit == "ratio":
            return f"{value * 100:.0f}%"
        sign = formatting.MINUS if value < 0 else ""
        prefix = symbol if unit == "currency" else ""
        magnitude = abs(value)
        if magnitude >= 1_000_000:
            return f"{sign}{prefix}{magnitude / 1_000_000:.1f}m".replace(".0m", "m")
        if magnitude >= 10_000:
            return f"{sign}{prefix}{magnitude / 1000:.0f}k"
        if magnitude >= 1000:
            return f"{sign}{prefix}{magnitude / 1000:.1f}k".replace(".0k", "k")
        return f"{sign}{prefix}{magnitude:g}"

    return FuncFormatter(tick)


def _x_labels(values: list, x_type: str | None, year: int | None) -> list[str]:
    """Category labels; dates as "Sat 21 Nov", or "21 Nov" when all share a weekday (weeks)."""
    days = [formatting.parse_date(v) for v in values] if x_type == "date" else []
    if days and all(days):
        same_weekday = len({d.weekday() for d in days}) == 1 and len(days) > 1
        return [
            f"{d.day} {d:%b}" if same_weekday else formatting.format_date(d, year=year)
            for d in days
        ]
    return [formatting.format_text(v) if v is not None else "" for v in values]


def render_chart_svg(
    spec: dict,
    rows: list[dict],
    *,
    brand: str,
    currency: str = "GBP",
    year: int | None = None,
    x_type: str | None = None,
    chart_id: str = "c",
) -> str:
    """One chart as an <svg> element ready to inline in HTML."""
    kind = spec.get("type", "bar")
    x_key = spec["x"]["key"]
    series = spec.get("series") or []
    labels = _x_labels([row.get(x_key) for row in rows], x_type, year)
    positions = list(range(len(rows)))
    colours = palette(brand, len(series))
    units = {s.get("unit") for s in series}
    unit = units.pop() if len(units) == 1 else None

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    FigureCanvasSVG(fig)
    ax = fig.add_subplot()
    if kind == "line":
        for item, colour in zip(series, colours, strict=True):
            values = [row.get(item["key"]) for row in rows]
            points = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
            ax.plot(
                [p for p, _ in points],
                [v for _, v in points],
                color=colour,
                marker="o",
                markersize=3.5,
                linewidth=1.8,
                label=item["label"],
            )
        ax.margins(x=0.04)
    elif kind == "stacked_bar":
        bottoms = [0.0] * len(rows)
        for item, colour in zip(series, colours, strict=True):
            values = [row.get(item["key"]) or 0 for row in rows]
            ax.bar(positions, values, 0.7, bottom=bottoms, color=colour, label=item["label"])
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    else:
        width = 0.8 / max(len(series), 1)
        for index, (item, colour) in enumerate(zip(series, colours, strict=True)):
            offset = (index - (len(series) - 1) / 2) * width
            values = [row.get(item["key"]) or 0 for row in rows]
            ax.bar(
                [p + offset for p in positions],
                values,
                width * 0.92,
                color=colour,
                label=item["label"],
            )

    ax.set_xticks(positions, labels)
    bottom = 0.17
    if len(rows) > 10 or max((len(label) for label in labels), default=0) * len(rows) > 90:
        ax.tick_params(axis="x", labelrotation=35)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
        bottom = 0.3
    ax.tick_params(axis="both", length=0, pad=4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=unit in ("count", "people")))
    ax.yaxis.set_major_formatter(_axis_formatter(unit, currency))
    if ax.get_ylim()[0] > 0:
        ax.set_ylim(bottom=0)  # from zero, so a dip is drawn to scale
    if spec["x"].get("label"):
        ax.set_xlabel(spec["x"]["label"], labelpad=6)
    if len(series) > 1:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=len(series), fontsize=7.5)
    # Fixed margins, not tight_layout (which draws the figure once more).
    fig.subplots_adjust(
        left=0.075, right=0.975, top=0.88 if len(series) > 1 else 0.97, bottom=bottom
    )

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # Ids made unique per chart: several charts share one HTML document.
    svg = _ID.sub(lambda m: f"{m.group(1)}{chart_id}-", svg)
    # Scale with the page: the width fills the column, the height follows.
    svg = re.sub(r'width="[\d.]+pt" height="[\d.]+pt"', 'width="100%"', svg, count=1)
    return _simplified(svg)


def _simplified(svg: str) -> str:
    """The same drawing in fewer elements.

    matplotlib wraps every artist in a <g id=...> (many of them empty: tick
    marks of length 0) and draws a zero-height rectangle for every zero in a
    bar series. Both draw nothing, yet the PDF renderer parses, styles and
    walks each of them: the busy Saturday's chart had 183 elements, 51 of
    which draw. Groups that carry nothing but an id are replaced by their
    children; rectangles of no area with no stroke are left out.
    """
    root = ET.fromstring(svg)
    _flatten(root)
    # Written back with the prefixes matplotlib used ("xlink:href" is the one
    # prefixed attribute HTML parsers read in inline SVG), not ElementTree's ns0.
    for element in root.iter():
        element.tag = element.tag.removeprefix(_SVG)
        element.tail = "\n"  # the indentation of the groups that went
        if len(element):
            element.text = "\n"
        for name in [n for n in element.attrib if n.startswith(_XLINK)]:
            element.set("xlink:" + name.removeprefix(_XLINK), element.attrib.pop(name))
    root.set("xmlns", _SVG.strip("{}"))
    root.set("xmlns:xlink", _XLINK.strip("{}"))
    text = ET.tostring(root, encoding="unicode")
    # A label's rotate(-0 x y) is no transform.
    return re.sub(r' transform="rotate\(-0 [\d.]+ [\d.]+\)"', "", text)


def _flatten(element: ET.Element) -> None:
    children: list[ET.Element] = []
    for child in element:
        _flatten(child)
        if child.tag == _SVG + "g" and set(child.attrib) <= {"id"}:
            children.extend(child)
        elif not (child.tag == _SVG + "path" and _draws_nothing(child)):
            children.append(child)
    element[:] = children


def _draws_nothing(path: ET.Element) -> bool:
    """A filled rectangle (M, three L, z) of zero width or height, not stroked."""
    style = path.get("style", "")
    if "stroke:" in style.replace("stroke: none", "") or path.get("stroke"):
        return False
    d = path.get("d", "")
    if not re.fullmatch(r"\s*M[^A-Za-z]*(L[^A-Za-z]*){3}z\s*", d):
        return False
    numbers = [float(n) for n in _NUMBER.findall(d)]
    xs, ys = set(numbers[0::2]), set(numbers[1::2])
    return len(numbers) == 8 and (len(xs) == 1 or len(ys) == 1)
