from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class PaymentsConfig(DomainAppConfig):
    name = "payments"
    verbose_name = _("Payments")
    admin_section = "payments"
    managers_may_use = True
    api_resources = (ApiResource("payments", "payments/", _("Payments of orders and event seats")),)
    periodic_jobs = (
        # Often enough that a dead worker's payment settles within three minutes (the sweep's
        # threshold, PAYMENTS_PENDING_SWEEP_AFTER_SECONDS, plus this); the sweep's query
        # finds nothing most of the time.
        PeriodicJob(
            "payments-pending-sweep",
            "payments.tasks.payments_pending_sweep_task",
            10,
            setting="PAYMENTS_PENDING_SWEEP_INTERVAL_SECONDS",
        ),
    )

    def ready(self):
        from common.ops.health import register_component_check
        from common.ops.metrics import register_breaker
        from common.payables import order_received_provide
        from payments import handlers, tasks  # noqa: F401  (register the consumers and tasks)
        from payments.breaker import breaker_state, provider_breaker
        from payments.selectors import received

        order_received_provide(received)
        register_component_check("breaker:payment_provider", breaker_state)
        register_breaker(
            "autosalon_payments_provider_breaker_state",
            "The payment provider's circuit breaker: 1 for its current state, 0 for the others.",
            source="breaker:payment_provider",
            state=lambda: provider_breaker().current_state,
        )
