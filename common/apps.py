from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from django.test.signals import setting_changed

        from common import checks, jwtkeys, tasks  # noqa: F401  checks and tasks: registered

        jwtkeys.install()  # tokens signed and verified with the key ring
        setting_changed.connect(jwtkeys.settings_changed)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on the Autosalon site (common/admin/site.py)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "common.admin.site.AutosalonAdminSite"
