"""A template version and a document's facts to an A4 PDF: Django's template engine writes
the HTML, WeasyPrint lays it out with the fonts the machine has (DejaVu for Cyrillic,
installed by `make install-system`, docs/operations.md "Documents")."""

from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from common.api.exceptions import ApplicationError
from documents.error_codes import DocumentErrorCode

# The page and the typography every document shares; a template's own CSS comes after.
BASE_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 20mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; color: #111; }
h1 { font-size: 14pt; margin: 0 0 4mm; text-align: center; }
h2 { font-size: 10.5pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #444; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; }
.plain td { border: 0; padding: 0.6mm 3mm 0.6mm 0; }
.signatures { margin-top: 12mm; }
.signatures td { border: 0; width: 50%; padding-top: 8mm; }
.small { font-size: 8pt; color: #333; }
"""

# Templates are written in the admin: they get Django's built-in tags and filters, `i18n`,
# and the documents' own filters (documents/templatetags/papers.py: rub, num, day, moment), and
# load nothing else: no other library, no other template, no file.
ENGINE = Engine(
    builtins=["django.templatetags.i18n", "documents.templatetags.papers"],
    autoescape=True,
)


# Templates are written in the admin: they may embed data: URIs (the QR code), and fetch
# nothing from the network or the disk.
DATA_ONLY = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def html_render(*, html: str, facts: dict[str, Any], language: str) -> str:
    try:
        template = ENGINE.from_string(html)
        with translation.override(language):
            return template.render(Context(facts))
    except (TemplateSyntaxError, KeyError, ValueError) as exc:
        raise ApplicationError(
            f"The template does not render: {exc}",
            code=DocumentErrorCode.TEMPLATE_INVALID,
            status=400,
        ) from exc


def pdf_render(*, html: str, css: str, facts: dict[str, Any], language: str) -> bytes:
    """The PDF of `html` (a template) with `facts`, in `language`'s number formats."""
    document = html_render(html=html, facts=facts, language=language)
    pdf = HTML(string=document, base_url=None, url_fetcher=DATA_ONLY).write_pdf(
        stylesheets=[CSS(string=BASE_CSS), CSS(string=css or "")]
    )
    assert pdf is not None  # written to memory, not a target
    return pdf
