from django.utils.translation import gettext_lazy as _

from common.registry import ApiResource, DomainAppConfig


class DocumentsConfig(DomainAppConfig):
    name = "documents"
    verbose_name = _("Documents")
    admin_section = "finance"
    managers_may_use = True
    api_resources = (ApiResource("documents", "documents/", _("The deal's documents (PDF)")),)

    def ready(self):
        from documents import (  # noqa: F401  (registers the consumers and the task)
            handlers,
            tasks,
        )
