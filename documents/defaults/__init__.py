"""The templates the project ships: `<kind>.<language>.html` beside this file, loaded as
version 1 of each kind in each language where there is none (migration 0002; a test's
flushed database, documents/tests/conftest.py), and a later change to one as its kind's
next version (`shipped_update`, from a migration)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def shipped_load(template_model, *, using: str) -> int:
    """Each shipped template with no version yet in its kind and language, as version 1;
    how many. `template_model` is DocumentTemplate, or a migration's historical one."""
    loaded = 0
    for path in sorted(HERE.glob("*.html")):
        kind, language = path.stem.split(".")
        versions = template_model.objects.using(using).filter(kind=kind, language=language)
        if not versions.exists():
            template_model.objects.using(using).create(
                kind=kind, language=language, version=1, html=path.read_text(), note="As shipped"
            )
            loaded += 1
    return loaded


def shipped_update(template_model, *, using: str, kinds: list[str], note: str) -> int:
    """The shipped templates of `kinds`, in every language, as the next version of each
    whose current version says something else; how many. The versions before, the admin's
    included, stay, and the documents made from them keep them."""
    added = 0
    for kind in kinds:
        for path in sorted(HERE.glob(f"{kind}.*.html")):
            language = path.stem.split(".")[1]
            current = (
                template_model.objects.using(using)
                .filter(kind=kind, language=language)
                .order_by("-version")
                .first()
            )
            html = path.read_text()
            if current is not None and current.html == html:
                continue
            template_model.objects.using(using).create(
                kind=kind,
                language=language,
                version=current.version + 1 if current else 1,
                html=html,
                css=current.css if current else "",
                note=note,
            )
            added += 1
    return added
