"""The admin's language switch, which also saves the choice on a signed-in user, so that their
next session, on any device, opens in it, and their e-mails come in it (docs/admin.md,
"Languages")."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.services import user_language_set


@require_POST
def set_language(request):
    """Django's `set_language` (the cookie, the redirect back), then the user's own setting."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
