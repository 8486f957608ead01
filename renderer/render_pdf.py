"""A report's HTML (renderer.render_html) as a PDF, through WeasyPrint.

The print stylesheet travels inside the HTML (@media print in report.css):
A4, running header with the report's name and period, "Page 2 of 5" in the
footer, section headings kept with what follows, tiles and charts unsplit,
table headers repeated on every page.

The font configuration is made once per process and reused, so fonts are
looked up once, not per report.
"""

from __future__ import annotations

import logging

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

_FONTS = FontConfiguration()

# WeasyPrint and fontTools report every unsupported CSS property and every
# font subset at INFO/WARNING; a daemon's log wants the report's own lines.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of an HTML report: (PDF bytes, page count)."""
    document = HTML(string=html, base_url=None).render(font_config=_FONTS)
    return document.write_pdf(), len(document.pages)
