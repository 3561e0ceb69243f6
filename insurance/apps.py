from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig, PeriodicJob


class InsuranceConfig(DomainAppConfig):
    name = "insurance"
    verbose_name = _("Insurance")
    admin_section = "finance"
    managers_may_use = True
    api_resources = (
        ApiResource("insurance-quotes", "insurance/quotes/", _("OSAGO and KASKO quotes")),
        ApiResource(
            "insurance-policies", "insurance/policies/", _("Insurance policies and claims")
        ),
    )
    periodic_jobs = (
        PeriodicJob(
            "insurance-unpaid-policies-lapse", "insurance.tasks.policies_unpaid_lapse_task", 300
        ),
    )

    def ready(self):
        from common.payables import payable_owner_provide
        from insurance import (
            handlers,  # noqa: F401  (registers the event consumers)
            selectors,
        )

        payable_owner_provide("policy", selectors.policy_payable_report)
