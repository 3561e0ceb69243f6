from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def password_reset_email_send_task(user_id: str) -> None:
    from accounts.emails import password_reset_email_send
    from accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    password_reset_email_send(user=user)
