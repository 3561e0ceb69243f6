"""A template version and a document's facts to an A4 PDF: Django's template engine writes
the HTML, WeasyPrint lays it out with the fonts the machine has (DejaVu for Cyrillic,
installed by `make install-system`, docs/operations.md "Documents")."""

import functools
from typing import Any

import tinycss2
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import gettext as _

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


@functools.cache
def data_only_fetcher():
    """Templates are written in the admin: they may embed data: URIs (the QR code), and fetch
    nothing from the network or the disk. Every HTML and every stylesheet is given this
    fetcher: a CSS object made without one would fetch with WeasyPrint's default, which reads
    `file:` and `http:` (docs/documents.md, "Templates").

    WeasyPrint is imported here, at the first document, not at module level: it and its font
    tables take 0.7 s to import, which every process (web, worker, relay, `manage.py`) paid
    at start-up through the admin."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


# The CSS functions whose string argument is an address.
_ADDRESS_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}


def css_check(css: str) -> None:
    """Refuse a template's CSS that names any address but a `data:` one: an `@import`, or a
    `url(…)` of anything else. The fetcher would fetch none of them; saying so at once tells
    the template's author why their stylesheet does nothing."""
    if problem := _css_problem(tinycss2.parse_stylesheet(css or "")):
        raise ApplicationError(
            _("The template's CSS may name only data: addresses: %(problem)s")
            % {"problem": problem},
            code=DocumentErrorCode.TEMPLATE_CSS_REFUSED,
            status=400,
            details={"css": [str(problem)]},
        )


def _css_problem(nodes: Any) -> str:
    """The first address that is not `data:` in parsed CSS, at any depth: tinycss2 has undone
    the escapes (`@\\69mport` is an `@import`)."""
    for node in nodes or ():
        kind = getattr(node, "type", "")
        if (kind == "at-rule" and node.lower_at_keyword == "import") or (
            kind == "at-keyword" and node.lower_value == "import"
        ):
            return "@import"
        if kind == "url" and not _data(node.value):
            return f"url({node.value})"
        if kind == "function" and node.lower_name in _ADDRESS_FUNCTIONS:
            for argument in node.arguments:
                if argument.type == "string" and not _data(argument.value):
                    return f"{node.lower_name}({argument.value})"
        for children in ("prelude", "content", "arguments", "value"):
            inner = getattr(node, children, None)
            if isinstance(inner, list) and (problem := _css_problem(inner)):
                return problem
    return ""


def _data(address: str) -> bool:
    return address.strip().lower().startswith("data:")


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
    from weasyprint import CSS, HTML

    document = html_render(html=html, facts=facts, language=language)
    fetcher = data_only_fetcher()
    pdf = HTML(string=document, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[
            CSS(string=BASE_CSS, url_fetcher=fetcher),
            CSS(string=css or "", url_fetcher=fetcher),
        ]
    )
    assert pdf is not None  # written to memory, not a target
    return pdf
