from django.utils.translation import gettext_lazy as _

from common.registry import DomainAppConfig, PeriodicJob


class OnecConfig(DomainAppConfig):
    name = "onec"
    verbose_name = _("Exchange with 1C")
    admin_section = "access"
    periodic_jobs = (
        # The parts of files already imported, and of sessions long over, are let go.
        PeriodicJob(
            "onec-files-purge", "onec.tasks.files_purge_task", 3600, setting="ONEC_PURGE_SECONDS"
        ),
    )

    def ready(self):
        from onec import tasks  # noqa: F401  (the tasks by name)
