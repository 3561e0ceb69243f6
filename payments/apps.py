from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from common.health import register_component_check
        from payments import handlers  # noqa: F401  (registers the event consumers)
        from payments.breaker import breaker_state

        register_component_check("breaker:payment_provider", breaker_state)
