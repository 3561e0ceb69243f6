from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig


class AccountsConfig(DomainAppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    database = "default"  # with Django's auth, sessions and the token blacklist
    admin_model_sections = {"user": "customers", "externalidentity": "customers"}
    api_resources = (
        ApiResource(
            "auth",
            "auth/token",
            _("Sign in: an access and a refresh token (also register, refresh)"),
        ),
        ApiResource("me", "users/me", _("Your profile")),
    )

    def ready(self):
        from accounts import handlers, selectors  # the consumers
        from common.admin.people import people_directory_provide

        people_directory_provide(selectors)  # the people other apps' admins show

        post_migrate.connect(
            handlers.managers_group_sync_after_migrate, dispatch_uid="accounts.managers_group"
        )
        post_save.connect(
            handlers.user_cache_forget_on_save,
            sender=self.get_model("User"),
            dispatch_uid="accounts.user_cache",
        )
