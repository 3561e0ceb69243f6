"""A release that rewrites a shipped text (notifications/defaults.py, `REWRITTEN`) adds it as
the next version of each template that still says the old one, and leaves a text a manager
rewrote alone (docs/notifications.md, "Templates")."""

import pytest

from notifications.defaults import REWRITTEN, TEXTS, shipped_update
from notifications.models import Template

pytestmark = pytest.mark.django_db(databases="__all__")
NOTICE = "test_drive.booked"


def test_the_old_shipped_text_gets_the_new_as_its_next_version_and_an_edited_one_stays():
    Template.objects.filter(notice=NOTICE).delete()
    old_subject, old_text, old_sms = REWRITTEN[(NOTICE, "ru")]
    Template.objects.create(
        notice=NOTICE, channel="email", language="ru", version=1, subject=old_subject, body=old_text
    )
    Template.objects.create(notice=NOTICE, channel="sms", language="ru", version=1, body=old_sms)
    edited = Template.objects.create(
        notice=NOTICE, channel="email", language="en", version=3, subject="Test drive", body="Ours"
    )

    assert shipped_update(Template) == 2
    assert shipped_update(Template) == 0  # once

    latest = {
        (row.channel, row.language): row
        for row in Template.objects.filter(notice=NOTICE).order_by("version")
    }
    new_subject, new_text, new_sms = TEXTS[NOTICE]["ru"]
    assert (latest["email", "ru"].version, latest["email", "ru"].body) == (2, new_text)
    assert latest["email", "ru"].subject == new_subject and "{{ place }}" in new_text
    assert (latest["sms", "ru"].version, latest["sms", "ru"].body) == (2, new_sms)
    assert latest["email", "en"] == edited and latest["email", "en"].body == "Ours"
