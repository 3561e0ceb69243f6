"""Admin building blocks shared by the domain apps."""


class DatabaseAdminMixin:
    """A ModelAdmin for a model that lives in another database than `default`."""

    using: str

    def get_queryset(self, request):
        return super().get_queryset(request).using(self.using)


class ReadOnlyAdminMixin:
    """Shows records without letting the admin write them: their changes go through the
    app's services (with history rows and events), not through a form."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
