"""The admin as managers use it: the product's name and logo, English or Russian at each
user's choice, and an index grouped by the day's work rather than by app (docs/admin.md)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.registry import domain_apps

# The index's sections, in order. A domain app names its section in its AppConfig
# (`admin_section`, and `admin_model_sections` for a model shown elsewhere,
# common/registry.py); every other app's models (auth, the token blacklist) go to the last.
SECTIONS = {
    "sales": _("Sales"),
    "payments": _("Payments"),
    "finance": _("Finance and insurance"),
    "showroom": _("Showroom"),
    "customers": _("Customers"),
    "access": _("Access and integrations"),
}

# The models' names in the index, in the user's language.
MODEL_NAMES = {
    "orders.order": _("Orders"),
    "catalog.product": _("Vehicles and accessories"),
    "catalog.category": _("Categories"),
    "catalog.stockreservation": _("Stock reservations"),
    "payments.payment": _("Payments"),
    "payments.refund": _("Refunds"),
    "payments.ledgertransaction": _("Ledger"),
    "payments.providernotification": _("Provider notifications"),
    "financing.loanapplication": _("Loan applications"),
    "financing.loaninstallment": _("Loan installments"),
    "insurance.quote": _("Insurance quotes"),
    "insurance.policy": _("Insurance policies"),
    "insurance.claim": _("Insurance claims"),
    "showroom.event": _("Showroom events"),
    "showroom.eventcategory": _("Event categories"),
    "showroom.registration": _("Event registrations"),
    "showroom.testdrive": _("Test drives"),
    "showroom.resource": _("Demo cars, bays and rooms"),
    "showroom.resourcetype": _("Resource types"),
    "showroom.allocation": _("Resource allocations"),
    "crm.client": _("Clients"),
    "crm.tag": _("Client tags"),
    "crm.erasure": _("Erasures"),
    "accounts.user": _("Users"),
    "accounts.externalidentity": _("Linked sign-ins"),
    "accounts.activitylog": _("Account activity"),
    "integrations.webhooksubscription": _("Webhook subscriptions"),
    "integrations.webhookdelivery": _("Webhook deliveries"),
}


def _section_of(label_lower: str) -> str:
    app_label, model_name = label_lower.split(".")
    for config in domain_apps():
        if config.label == app_label:
            return config.admin_model_sections.get(model_name, config.admin_section)
    return list(SECTIONS)[-1]


class AutosalonAdminSite(admin.AdminSite):
    site_header = _("Autosalon")
    site_title = _("Autosalon admin")
    index_title = _("Today's work")

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        """The index's apps, as the template takes them: each section a dict of its name,
        label, URL and models (dicts as Django makes them)."""
        if app_label is not None:  # an app's own page stays as Django makes it
            return super().get_app_list(request, app_label)
        sections: dict[str, dict[str, Any]] = {
            key: {"name": title, "app_label": f"section-{index}", "app_url": "", "models": []}
            for index, (key, title) in enumerate(SECTIONS.items())
        }
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                label = model["model"]._meta.label_lower
                model["name"] = MODEL_NAMES.get(label, model["name"])
                section = sections[_section_of(label)]
                section["app_url"] = section["app_url"] or app["app_url"]
                section["models"].append(model)
        return [section for section in sections.values() if section["models"]]
