from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig


class CrmConfig(DomainAppConfig):
    name = "crm"
    verbose_name = _("CRM")
    admin_section = "customers"
    managers_may_use = True
    api_resources = (ApiResource("crm-clients", "crm/clients/", _("The CRM's clients (staff)")),)

    def ready(self):
        from crm import handlers  # noqa: F401  (registers the event consumers)
