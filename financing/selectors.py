"""Reads of the financing domain, scoped to who asks: a client sees only their own."""

from django.db.models import QuerySet
from django.http import Http404

from financing.models import LoanApplication, LoanInstallment


def application_list(*, user) -> QuerySet[LoanApplication]:
    applications = LoanApplication.objects.all()
    return applications if user.is_staff else applications.filter(customer_id=user.pk)


def application_get(*, user, application_id) -> LoanApplication:
    """Another client's application is a 404, exactly like a missing one."""
    application = application_list(user=user).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def application_schedule(*, user, application_id) -> QuerySet[LoanInstallment]:
    application = application_get(user=user, application_id=application_id)
    return LoanInstallment.objects.filter(application=application)
