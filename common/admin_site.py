"""The admin as managers use it: the product's name and logo, English or Russian at each
user's choice, and an index grouped by the day's work rather than by app (docs/admin.md)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# The index's sections, in order: (title, the apps or models in it). A model listed on its
# own goes there rather than with its app.
SECTIONS = [
    (_("Sales"), ["orders", "catalog"]),
    (_("Payments"), ["payments"]),
    (_("Finance and insurance"), ["financing", "insurance"]),
    (_("Showroom"), ["showroom"]),
    (_("Customers"), ["crm", "accounts.user", "accounts.externalidentity"]),
    (_("Access and integrations"), ["accounts", "integrations", "auth", "token_blacklist"]),
]

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


def _section_of(label_lower: str) -> int:
    for index, (_title, members) in enumerate(SECTIONS):
        if label_lower in members:
            return index
    app_label = label_lower.split(".")[0]
    for index, (_title, members) in enumerate(SECTIONS):
        if app_label in members:
            return index
    return len(SECTIONS) - 1


class AutosalonAdminSite(admin.AdminSite):
    site_header = _("Autosalon")
    site_title = _("Autosalon admin")
    index_title = _("Today's work")

    def get_app_list(self, request, app_label=None):
        if app_label is not None:  # an app's own page stays as Django makes it
            return super().get_app_list(request, app_label)
        sections = [
            {"name": title, "app_label": f"section-{index}", "app_url": "", "models": []}
            for index, (title, _members) in enumerate(SECTIONS)
        ]
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                label = model["model"]._meta.label_lower
                model["name"] = MODEL_NAMES.get(label, model["name"])
                section = sections[_section_of(label)]
                section["app_url"] = section["app_url"] or app["app_url"]
                section["models"].append(model)
        return [section for section in sections if section["models"]]
