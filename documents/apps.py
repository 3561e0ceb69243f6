from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig


class DocumentsConfig(DomainAppConfig):
    name = "documents"
    verbose_name = _("Documents")
    admin_section = "finance"
    managers_may_use = True
    api_resources = (ApiResource("documents", "documents/", _("The deal's documents (PDF)")),)

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from common.admin.references import reference_choices_provide
        from common.sellers import sellers_provide
        from documents import (  # noqa: F401  (registers the consumers and the task)
            handlers,
            tasks,
        )
        from documents.models import LegalEntity
        from documents.selectors import (
            legal_entity_choices,
            seller_contacts_forget,
            seller_of_showroom,
        )

        reference_choices_provide("legal_entity", legal_entity_choices)
        # Payments' fiscal receipts name the showroom's legal entity (docs/showrooms.md).
        sellers_provide(seller_of_showroom)

        # The storefront's footer shows the seller as it is now, not a minute ago.
        for signal in (post_save, post_delete):
            signal.connect(seller_contacts_forget, sender=LegalEntity)
