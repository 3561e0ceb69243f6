"""The notices' templates: the version a delivery uses, and a new version checked against the
notice's variables (docs/notifications.md, "Templates")."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from common.api.exceptions import ApplicationError
from common.types import Actor
from notifications import defaults, rendering
from notifications.catalogue import NOTICES
from notifications.error_codes import NotificationErrorCode
from notifications.models import Template

DB = "notifications"


def template_current(*, notice: str, channel: str, language: str) -> Template | None:
    """The latest version for the language, else the dealership's language's. A notice
    with no version yet (a test's emptied database) gets the shipped ones first."""
    versions = Template.objects.using(DB).filter(notice=notice, channel=channel)
    if not versions.exists():
        defaults.shipped_load(Template)
    return (
        versions.filter(language=language).order_by("-version").first()
        or versions.filter(language=settings.DEALERSHIP_LANGUAGE).order_by("-version").first()
    )


def template_problems(*, notice: str, subject: str, body: str) -> list[str]:
    variables = set(NOTICES[notice].variables)
    return rendering.problems(subject, variables) + rendering.problems(body, variables)


def template_version_create(
    *, notice: str, channel: str, language: str, subject: str, body: str, user: Actor | None
) -> Template:
    """A new version, used by the next delivery; one naming an undocumented variable, or
    using a tag other than `if`, is refused."""
    if found := template_problems(notice=notice, subject=subject, body=body):
        raise ApplicationError(
            "; ".join(found),
            code=NotificationErrorCode.TEMPLATE_INVALID,
            status=400,
            details={"body": found},
        )
    with transaction.atomic(using=DB):
        versions = (
            Template.objects.using(DB)
            .select_for_update()
            .filter(notice=notice, channel=channel, language=language)
        )
        latest = versions.aggregate(latest=Max("version"))["latest"] or 0
        return Template.objects.using(DB).create(
            notice=notice,
            channel=channel,
            language=language,
            version=latest + 1,
            subject=subject,
            body=body,
            created_by_id=getattr(user, "pk", None),
        )
