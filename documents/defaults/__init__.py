"""The templates the project ships: `<kind>.<language>.html` beside this file, loaded as
version 1 of each kind in each language where there is none (migration 0002; a test's
flushed database, documents/tests/conftest.py)."""

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
