"""The accounts domain's Celery tasks: the e-mail to an account's owner that someone tried to
register with its address (docs/security.md, "Account enumeration")."""

from celery import shared_task

from accounts.emails import registration_attempt_email_send
from accounts.models import User


@shared_task(acks_late=True)
def registration_attempt_email_task(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        registration_attempt_email_send(user=user)
