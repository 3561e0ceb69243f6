from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from common.health import register_component_check
        from payments import handlers, tasks  # noqa: F401  (register the consumers and tasks)
        from payments.breaker import breaker_state

        register_component_check("breaker:payment_provider", breaker_state)
