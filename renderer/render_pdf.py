"""A report's HTML (renderer.render_html) as a PDF, through WeasyPrint.

The print stylesheet travels inside the HTML (@media print in report.css):
A4, running header with the report's name and period, "Page 2 of 5" in the
footer, section headings kept with what follows, tiles and charts unsplit,
table headers repeated on every page.

What is the same for every report is prepared once per process and reused:
the font configuration (fonts looked up once) and the report stylesheet,
parsed and its selectors compiled once. The HTML keeps its inline <style> for
browsers and email; here that element (render_html.STYLE_ELEMENT, matched
exactly) is taken out and the pre-parsed copy given to WeasyPrint instead,
which saves parsing it on every report. HTML without that exact element (an
older template) is rendered with whatever styles it carries.
"""

from __future__ import annotations

import logging

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from renderer.render_html import REPORT_CSS, STYLE_ELEMENT

# WeasyPrint and fontTools report every unsupported CSS property and every
# font subset at INFO/WARNING; a daemon's log wants the report's own lines.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_FONTS = FontConfiguration()
_STYLESHEET = CSS(string=REPORT_CSS, font_config=_FONTS)


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of an HTML report: (PDF bytes, page count)."""
    stylesheets = []
    if STYLE_ELEMENT in html:
        html = html.replace(STYLE_ELEMENT, "", 1)
        stylesheets.append(_STYLESHEET)
    document = HTML(string=html, base_url=None).render(font_config=_FONTS, stylesheets=stylesheets)
    return document.write_pdf(), len(document.pages)
