"""Admin forms that write through a service (docs/conventions.md, "One door for each state
change"): a record created or edited in the admin is checked and its event emitted exactly as
through the API.

The service is first run in a savepoint rolled back at once, while the form is validated: what
it refuses shows as the form's errors and nothing it wrote is kept (its outbox row and its
on-commit pushes go with the savepoint). The admin's save then runs it for real, in the
transaction of the admin's request."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from common.api.exceptions import ApplicationError

_ModelT = TypeVar("_ModelT", bound=models.Model)


class _DryRun(Exception):
    """Rolls the service's savepoint back once it has done its checks."""


class ServiceForm(forms.ModelForm[models.Model]):
    """A model form whose writes are a service's. A subclass names its database (`using`),
    calls `dry_run(call)` from `clean()` and makes the call for real in `saved()`.
    `admin_request` is the admin's request; `details_fields` names the form field of a detail
    the service reports under another name."""

    using: str
    admin_request: HttpRequest | None = None
    details_fields: dict[str, str] = {}

    def dry_run(self, call: Callable[[], object]) -> None:
        try:
            with transaction.atomic(using=self.using):
                call()
                raise _DryRun
        except _DryRun:
            pass
        except ApplicationError as exc:
            self.service_errors_add(exc)

    def service_errors_add(self, exc: ApplicationError) -> None:
        for name, problems in exc.details.items():
            field = self.details_fields.get(name, name)
            if field in self.fields and isinstance(problems, list):
                self.add_error(field, [str(problem) for problem in problems])
        self.add_error(None, str(exc.message))

    def saved(self) -> models.Model | None:
        """The service's call for real, from the admin's `save_model`: the record."""
        raise NotImplementedError


class ServiceFormAdminMixin(admin.ModelAdmin[_ModelT]):
    """A ModelAdmin whose form is a `ServiceForm`: it saves through the service. Should the
    service refuse at the save what it accepted at the check (a race with another request),
    the page says so and nothing is saved."""

    def get_form(
        self, request: HttpRequest, obj: _ModelT | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[_ModelT]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        with_request = type(form.__name__, (form,), {"admin_request": request})
        assert issubclass(with_request, form)  # made as one just above
        return with_request

    def save_model(
        self, request: HttpRequest, obj: _ModelT, form: ServiceForm, change: bool
    ) -> None:
        saved = form.saved()
        if saved is not None:
            obj.pk = saved.pk

    def save_related(
        self,
        request: HttpRequest,
        form: ServiceForm,
        formsets: Iterable[forms.BaseFormSet[Any]],
        change: bool,
    ) -> None:
        """The service wrote the record's relations (a client's tags, say); only inlines are
        saved here."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            # The message as text now, in this request's language, as the messages would
            # store it at the end of the request.
            self.message_user(request, str(exc.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
