"""A report's HTML (renderer.render_html) as a PDF, through WeasyPrint.

The print stylesheet travels inside the HTML (@media print in report.css):
A4, running header with the report's name and period, "Page 2 of 5" in the
footer, section headings kept with what follows, tiles and charts unsplit,
table headers repeated on every page.

What is the same for every report is prepared once per process and reused:

- the font configuration, so fonts are looked up once;
- the report stylesheet, parsed and its selectors compiled once. The HTML
  keeps its inline <style> for browsers and email; here that element
  (render_html.STYLE_ELEMENT, matched exactly) is taken out and the parsed
  copy given to WeasyPrint instead. HTML without that exact element is
  rendered with whatever styles it carries;
- WeasyPrint's HTML user-agent stylesheet with its pseudo-element rules
  scoped (see _user_agent_stylesheet), which saves the computed styles of
  six pseudo-elements of every element of the report.

The templates' indentation between blocks is taken out before WeasyPrint
parses the HTML: it never shows, yet each run of it became a box.
"""

from __future__ import annotations

import logging
import re

import weasyprint.html
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration

from renderer.render_html import REPORT_CSS, STYLE_ELEMENT

# WeasyPrint and fontTools report every unsupported CSS property and every
# font subset at INFO/WARNING; a daemon's log wants the report's own lines.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.ERROR)

# WeasyPrint's user-agent stylesheet gives ::marker, ::footnote-call,
# ::footnote-marker, ::note-call, ::note-marker and ::note-callback rules
# that match every element, so WeasyPrint computes six pseudo-element styles
# for each of a report's ~1,000 elements: 6,800 computed styles instead of
# 970, two thirds of the time spent on styles. Reports have no footnotes or
# notes, and only <li> is a list item (has a marker), so the marker rule is
# scoped to <li> and the footnote and note rules are left out: the same
# pages, 100-170 ms less CPU a report. Each edit must match the installed
# WeasyPrint's stylesheet exactly once, else the stock one is used (slower,
# same pages; a test says so).
_UA_EDITS = (
    (r"^::marker \{", "li::marker {"),
    (r"^::footnote-call \{[^}]*\}\n", ""),
    (r"^::footnote-marker \{[^}]*\}\n", ""),
    (r"^::note-call \{[^}]*\}\n", ""),
    (r"^::note-marker \{[^}]*\}\n", ""),
    (r"^::note-callback \{[^}]*\}\n", ""),
)


def _user_agent_stylesheet() -> CSS | None:
    """WeasyPrint's HTML user-agent stylesheet with _UA_EDITS, or None if one does not apply."""
    text = weasyprint.html.UA
    for pattern, replacement in _UA_EDITS:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if count != 1:
            return None
    return CSS(string=text, counter_style=CounterStyle())


_FONTS = FontConfiguration()
_STYLESHEET = CSS(string=REPORT_CSS, font_config=_FONTS)
_USER_AGENT_STYLESHEET = _user_agent_stylesheet()


class _ReportHTML(HTML):
    """HTML with the scoped user-agent stylesheet (when it could be made)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        if forms or _USER_AGENT_STYLESHEET is None:
            return super()._ua_stylesheets(forms)
        return [_USER_AGENT_STYLESHEET]


# The templates' indentation before a block-level or table tag: whitespace
# that never shows (it collapses at a line's end or between blocks), yet
# WeasyPrint makes a text node and a box of each run of it.
_INDENTATION = re.compile(
    r">\s+<(/?(?:html|head|body|meta|title|style|div|p|ul|li|section|header|footer"
    r"|figure|h1|h2|table|thead|tbody|tr|td|th)\b)"
)


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of an HTML report: (PDF bytes, page count)."""
    stylesheets = []
    if STYLE_ELEMENT in html:
        html = html.replace(STYLE_ELEMENT, "", 1)
        stylesheets.append(_STYLESHEET)
    html = _INDENTATION.sub(r"><\1", html)
    document = _ReportHTML(string=html, base_url=None).render(
        font_config=_FONTS, stylesheets=stylesheets
    )
    return document.write_pdf(), len(document.pages)
