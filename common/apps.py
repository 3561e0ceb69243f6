from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self):
        from django.test.signals import setting_changed

        from common import jwtkeys

        jwtkeys.install()  # tokens signed and verified with the key ring
        setting_changed.connect(jwtkeys.settings_changed)
