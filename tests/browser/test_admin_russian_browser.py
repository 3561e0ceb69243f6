"""The admin in Russian, every page of it (issue 34, "Russian, completely"): an admin whose
saved language is Russian walks, in headless Chromium, the list and the add and change forms
of every model of the project's apps registered in the admin, and reads what a manager reads:
column titles, filter titles, field labels, fieldset and inline titles, breadcrumbs. Not one
may be the English name of a field, a model or an app of the project's (docs/admin.md,
"Languages"). The walk is made on a 390 px phone, where Russian's longer words are the
likeliest to push a page wider than the screen: no page may scroll sideways."""

import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connections
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import capfirst

from accounts.tests.factories import UserFactory
from tests.browser.pages import SCREENSHOTS, chromium_page, sign_in, snap

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

# What a manager reads as a name of something, on a list or a form.
LABELS = ", ".join(
    [
        "#result_list thead th",
        "#changelist-filter summary",
        "#changelist-filter h3",
        "#content-main form label",
        "#content-main fieldset h2",
        "#content-main fieldset legend",
        ".inline-group h2",
        ".inline-group thead th",
        ".breadcrumbs a",
        "#content h1",
    ]
)
# A name that reads the same in both languages: an abbreviation such as ID, VIN or SKU, or
# a word Russian writes so too.
LANGUAGE_NEUTRAL = re.compile(r"^[^a-z]*$")
ALSO_RUSSIAN = {"e-mail"}


def english_names() -> dict[str, set[str]]:
    """Each English name of a field of the project's models (its verbose name, as the admin
    shows it), of a model and of an app (the breadcrumbs), with where it comes from: the
    words that must not show in Russian."""
    names: dict[str, set[str]] = {}

    def add(name, where):
        name = str(capfirst(name))
        if not LANGUAGE_NEUTRAL.match(name) and name.lower() not in ALSO_RUSSIAN:
            names.setdefault(name.lower(), set()).add(where)

    with translation.override("en"):
        for app_label in settings.DOMAIN_APPS:
            config = apps.get_app_config(app_label)
            add(config.verbose_name, app_label)
            for model in config.get_models():
                opts = model._meta
                add(opts.verbose_name, opts.label)
                add(opts.verbose_name_plural, opts.label)
                for field in opts.get_fields():
                    # A relation's other end (ForeignObjectRel) has none.
                    verbose_name = getattr(field, "verbose_name", None)
                    if verbose_name:
                        add(verbose_name, opts.label)
    return names


def admin_pages() -> list[tuple[str, str, str]]:
    """(model, list URL, add URL) of every model in the admin."""
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        try:
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        except NoReverseMatch:
            add = ""
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        pages.append((opts.label, changelist, add))
    return sorted(pages)


def labels_on(page) -> list[str]:
    texts = page.locator(LABELS).all_inner_texts()
    return [" ".join(text.split()).rstrip(":").strip() for text in texts if text.strip()]


def test_every_admin_page_of_the_projects_models_is_russian(chromium, server, sale):
    english = english_names()
    pages = admin_pages()
    chief = UserFactory(role="admin", language="ru")
    connections.close_all()
    seen: dict[str, list[str]] = {}
    widths: dict[str, int] = {}

    def read(where: str) -> None:
        seen[where] = labels_on(page)
        widths[where] = page.evaluate("document.documentElement.scrollWidth")

    with chromium_page(chromium, viewport={"width": 390, "height": 844}) as page:
        sign_in(server, page, chief)
        for label, changelist, add in pages:
            response = page.goto(f"{server.url}{changelist}")
            assert response.ok, (label, response.status)
            read(f"{label} list")
            snap(page, f"admin-ru-walk-{label}", full_page=False)
            change = page.evaluate(
                "() => [...document.querySelectorAll('#result_list tbody tr a')]"
                ".map((link) => link.getAttribute('href'))"
                f".find((href) => href && href.startsWith('{changelist}'))"
            )
            if change:
                page.goto(f"{server.url}{change}")
                read(f"{label} change")
            if add:
                response = page.goto(f"{server.url}{add}")
                # A form for what is never added by hand (a payment, an event) is refused.
                assert response.ok or response.status == 403, (add, response.status)
                if response.ok:
                    read(f"{label} add")

    untranslated = {
        where: sorted({text for text in texts if text.lower() in english})
        for where, texts in seen.items()
    }
    untranslated = {where: texts for where, texts in untranslated.items() if texts}
    # The list of what is left, for whoever translates it next.
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "admin-ru-untranslated.json").write_text(
        json.dumps(untranslated, ensure_ascii=False, indent=2)
    )
    assert untranslated == {}
    assert len([where for where in seen if where.endswith(" list")]) == len(pages)
    assert any(where.endswith(" change") for where in seen)
    assert {where: width for where, width in widths.items() if width > 390} == {}
