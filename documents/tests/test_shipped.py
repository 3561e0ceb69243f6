"""A change to a shipped template reaches the databases as its kind's next version, leaving
every version before it, the admin's included (docs/documents.md, "Templates")."""

import pytest

from documents.defaults import HERE, shipped_update
from documents.models import DocumentTemplate

pytestmark = pytest.mark.django_db(databases=["documents"])


def versions(kind, language):
    rows = DocumentTemplate.objects.filter(kind=kind, language=language).order_by("version")
    return [(row.version, row.note) for row in rows]


def test_a_changed_shipped_template_is_the_next_version_and_the_admins_stays():
    DocumentTemplate.objects.create(
        kind="offer", language="ru", version=2, html="<p>Админ</p>", note="admin's"
    )

    added = shipped_update(DocumentTemplate, using="documents", kinds=["offer"], note="shipped")
    again = shipped_update(DocumentTemplate, using="documents", kinds=["offer"], note="shipped")

    assert (added, again) == (1, 0)
    assert versions("offer", "ru") == [(1, "As shipped"), (2, "admin's"), (3, "shipped")]
    assert versions("offer", "en") == [(1, "As shipped")]  # the same as shipped: left alone
    current = DocumentTemplate.objects.filter(kind="offer", language="ru").first()
    assert current is not None and current.html == (HERE / "offer.ru.html").read_text()
    assert "Предоплата для бронирования" in current.html
