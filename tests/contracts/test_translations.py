"""The Russian catalogues are complete and current (docs/admin.md, "Languages"): the project's
(`locale/ru`, for config/, common/ and templates/) and each domain app's own. Nothing empty,
nothing fuzzy, three plural forms; `makemessages` run on a copy of the source finds nothing
marked in the code that the catalogues lack; each committed `.mo` is its `.po` compiled."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
RUSSIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
PROJECT_CATALOGUE = BASE / "locale" / "ru" / "LC_MESSAGES" / "django.po"
APP_CATALOGUES = {
    app: BASE / app / "locale" / "ru" / "LC_MESSAGES" / "django.po" for app in settings.DOMAIN_APPS
}
CATALOGUES = [PROJECT_CATALOGUE, *APP_CATALOGUES.values()]
# What the copy of the source tree leaves out: no translatable string lives there.
NOT_SOURCE = {".git", ".venv", "node_modules", "var", "test-artifacts", "__pycache__", "tests"}
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".po", ".mo"}


def _name(path: Path) -> str:
    return str(path.relative_to(BASE))


def _problems(catalogue: polib.POFile) -> list[str]:
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            forms = [entry.msgstr_plural.get(form, "") for form in range(3)]
            if not all(forms) or len(entry.msgstr_plural) != 3:
                problems.append(f"not three plural forms: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"empty: {entry.msgid!r}")
    return problems


@pytest.mark.parametrize("app", settings.DOMAIN_APPS)
def test_each_domain_app_has_its_own_russian_catalogue(app):
    assert APP_CATALOGUES[app].exists(), f"{app}: run makemessages -l ru in {app}/"
    assert APP_CATALOGUES[app].with_suffix(".mo").exists(), f"{app}: run compilemessages"


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_a_catalogue_has_every_entry_translated_with_russian_plural_forms(path):
    assert path.exists(), f"no catalogue at {path}"
    catalogue = polib.pofile(str(path))

    assert catalogue.metadata.get("Language") == "ru"
    assert catalogue.metadata.get("Plural-Forms") == RUSSIAN_PLURALS
    assert _problems(catalogue) == []


@pytest.mark.process
@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_a_compiled_catalogue_is_its_po_compiled(path, tmp_path):
    assert path.with_suffix(".mo").exists(), f"{path} is not compiled"
    compiled = tmp_path / "django.mo"
    # --check-format: a translation that drops or renames a placeholder fails here.
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(path)],
        check=True,
        capture_output=True,
    )

    assert _entries(polib.mofile(str(path.with_suffix(".mo")))) == _entries(
        polib.mofile(str(compiled))
    )


def _entries(catalogue: polib.MOFile) -> dict:
    return {
        (entry.msgctxt, entry.msgid): (entry.msgstr or tuple(sorted(entry.msgstr_plural.items())))
        for entry in catalogue
        if entry.msgid
    }


@pytest.mark.process
def test_makemessages_finds_nothing_untranslated_in_the_source(tmp_path):
    """`makemessages -l ru` over a copy of the source (each app's strings go to its own
    catalogue, the rest to the project's): every entry it writes is translated, so no string
    marked in the code is missing from a catalogue, and no changed one went fuzzy."""
    copy = tmp_path / "source"
    shutil.copytree(BASE, copy, ignore=_not_source)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "AUTOSALON_ENV_FILE": "/dev/null",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )

    problems = {
        _name(BASE / path.relative_to(copy)): _problems(polib.pofile(str(path)))
        for path in copy.rglob("locale/ru/LC_MESSAGES/django.po")
    }
    assert {name: found for name, found in problems.items() if found} == {}


def _not_source(directory, names):
    return [
        name
        for name in names
        if name in NOT_SOURCE
        or (Path(directory, name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)
    ]


# Words two catalogues translate differently: Django merges the catalogues, so one of the
# translations shows everywhere the word does (the project's catalogue first, then the apps' in
# INSTALLED_APPS order); the storefront's "Reserve" button once read "На резерве", a fuel
# gauge's word. A new word gets a context of its own (pgettext) instead. These were so when
# the check came; each one left is a place where a screen may read another app's word.
SHARED_WORDS_TRANSLATED_APART = frozenset({
    'Admin',
    'Approved',
    'At most %s.',
    'Booked',
    'Completed',
    'Confirmed',
    'Customer',
    'Declined',
    'E-mail',
    'Latest activity',
    'No such one.',
    'Released',
    'Reserved',
    'Showroom',
    'Showroom events',
    'Summary',
    'Taken',
    'active',
    'body',
    'booking',
    'created',
    'created by',
    'customer',
    'decided',
    'decided by',
    'description',
    'e-mail',
    'end',
    'event',
    'free',
    'from',
    'full name',
    'inbox event',
    'inbox events',
    'loan application',
    'notes',
    'occurred',
    'outbox event',
    'paid',
    'position',
    'provider',
    'role',
    'subject',
    'to',
    'total',
    'valid until',
    'year',
})  # fmt: skip


def _translations() -> dict[tuple[str | None, str], set[str]]:
    seen: dict[tuple[str | None, str], set[str]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.translated() and not entry.msgid_plural:
                seen.setdefault((entry.msgctxt, entry.msgid), set()).add(entry.msgstr)
    return seen


def test_no_new_word_is_translated_two_ways_by_two_catalogues():
    apart = {key for key, translations in _translations().items() if len(translations) > 1}

    new = {
        key for key in apart if key[0] is not None or key[1] not in SHARED_WORDS_TRANSLATED_APART
    }
    assert new == set(), "give each its own context (pgettext), or one translation"
