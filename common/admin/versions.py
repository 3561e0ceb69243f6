"""The admin of an app's versioned templates (the documents' and the notices'): a version is
never changed, "add" writes the next one, prefilled from the current one, and each version
has a preview (docs/admin.md, "Versioned templates")."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from common.admin.actions import DatabaseAdminMixin
from common.admin.display import display

_ModelT = TypeVar("_ModelT", bound=models.Model)


class VersionedTemplateAdmin(DatabaseAdminMixin[_ModelT]):
    """Versions are never changed: "add" writes the next version, prefilled from the current
    one of the fields in `version_of` (`?kind=&language=`); each version has a preview.

    An app's admin names `version_of` and says how its versions are read, written and shown:
    `version_current`, `version_create` and `preview`."""

    # The fields a template is versioned within: "new version" asks for them in the query.
    version_of: tuple[str, ...]
    # The preview link's text (the documents' is a PDF).
    preview_text: StrOrPromise = _("preview")

    def version_current(self, request: HttpRequest) -> Mapping[str, Any] | None:
        """The add form's fields prefilled from the current version the query asks for;
        None when it asks for none."""
        raise NotImplementedError

    def version_create(self, request: HttpRequest, data: Mapping[str, Any]) -> _ModelT:
        """The next version, written by the app's service from the form's data."""
        raise NotImplementedError

    def preview(self, template: _ModelT) -> HttpResponse:
        """The version rendered against a sample, as the customer would receive it."""
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        current = self.version_current(request)
        return initial if current is None else {**initial, **current}

    def save_model(self, request: HttpRequest, obj: _ModelT, form: Any, change: bool) -> None:
        # The service numbers and writes the version; the admin's message and redirect then
        # show the one it wrote.
        saved = self.version_create(request, form.cleaned_data)
        obj.pk = saved.pk
        obj.version = saved.version  # type: ignore[attr-defined]

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    @display(_("preview"))
    def preview_link(self, template: _ModelT) -> str:
        asked = "&".join(f"{name}={getattr(template, name)}" for name in self.version_of)
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}">{}</a>',
            reverse(f"admin:{self._url_name('preview')}", args=[template.pk]),
            self.preview_text,
            reverse(f"admin:{self._url_name('add')}") + f"?{asked}",
            _("new version"),
        )

    def get_urls(self) -> list[URLPattern]:
        converter = "uuid" if isinstance(self.opts.pk, models.UUIDField) else "int"
        return [
            path(
                f"<{converter}:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=self._url_name("preview"),
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: object) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.preview(get_object_or_404(self.model._default_manager.using(self.using), pk=pk))
