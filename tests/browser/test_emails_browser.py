"""Every e-mail a customer can receive, walked in Chromium in both languages at a phone's width
and a desktop's (docs/notifications.md): each notice's current template with its catalogue's
sample, rendered as it is delivered (`notifications.services.email_html`), signed by the
seller. Nothing runs off the screen, no word of the site's English reaches a Russian e-mail,
no id shows; `make screenshots` saves each one to test-artifacts/."""

import re

import pytest
from django.utils import translation

from documents.tests.factories import legal_entity_make
from notifications import services
from notifications.catalogue import NOTICES
from notifications.choices import Channel
from tests.browser.pages import chromium_browser, snap
from tests.browser.test_dashboard_browser import FULL_UUID
from tests.browser.test_storefront_browser import DESKTOP, ENGLISH, PHONE

pytestmark = pytest.mark.django_db(databases="__all__")

# An amount the Russian way, `2 100 000,00`: never in an English e-mail.
RUSSIAN_FIGURE = re.compile(r"\d[\u00a0 ]\d{3},\d{2}")


def emails(language: str) -> dict[str, str]:
    """Each notice sent by e-mail, as its HTML part reads in `language`."""
    shown = {}
    for key, notice in NOTICES.items():
        if Channel.EMAIL not in notice.channels:
            continue
        template = services.template_current(notice=key, channel=Channel.EMAIL, language=language)
        assert template is not None and template.language == language, key
        with translation.override(language):  # the samples as the language writes them
            variables = notice.variables
        shown[key] = services.email_html(template.body, variables, language=language)
    return shown


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_email_reads_whole_on_a_phone_and_a_desktop(chromium, language):
    seller = legal_entity_make()
    shown = emails(language)
    assert len(shown) >= 20  # every notice by e-mail: none lost from the walk
    widths, texts = {}, {}
    with chromium_browser(chromium) as browser:
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = browser.new_context(viewport=viewport, locale=language)
            page = context.new_page()
            for key, html in shown.items():
                page.set_content(html)
                widths[(name, key)] = page.evaluate("document.documentElement.scrollWidth")
                texts[key] = page.locator("body").inner_text()
                snap(page, f"email-{language}-{name}-{key.replace('.', '-')}")
            context.close()

    limit = {"phone": PHONE["width"], "desktop": DESKTOP["width"]}
    assert {key: width for key, width in widths.items() if width > limit[key[0]]} == {}
    assert {
        key: FULL_UUID.findall(text) for key, text in texts.items() if FULL_UUID.search(text)
    } == {}
    assert all(seller.short_name in text and seller.phone in text for text in texts.values())
    if language == "ru":
        english = {key: ENGLISH.findall(text) for key, text in texts.items()}
        assert {key: words for key, words in english.items() if words} == {}
    else:
        russian = {key: RUSSIAN_FIGURE.findall(text) for key, text in texts.items()}
        assert {key: figures for key, figures in russian.items() if figures} == {}
        assert "2,100,000.00" in texts["order.created"]
