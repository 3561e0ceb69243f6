from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class OrdersConfig(DomainAppConfig):
    name = "orders"
    verbose_name = _("Orders")
    admin_section = "sales"
    managers_may_use = True
    api_resources = (ApiResource("orders", "orders/", _("Your orders; staff see all")),)
    periodic_jobs = (
        PeriodicJob("orders-reservations-sweep", "orders.tasks.order_reservations_sweep_task", 300),
        PeriodicJob("orders-unpaid-expire", "orders.tasks.orders_unpaid_expire_task", 900),
    )

    def ready(self):
        from common.admin.references import reference_labels_provide
        from orders import (
            handlers,  # noqa: F401  (registers the event consumers)
            selectors,
        )

        # Other apps' admins name an order by its number (payments', loans', policies').
        reference_labels_provide("order", selectors.order_numbers)
