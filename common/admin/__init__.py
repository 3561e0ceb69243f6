"""The admin's building blocks that the apps' admin modules share: actions and mixins,
display helpers, list exports and totals, forms, the people it shows, the versioned templates'
admin and the site itself (docs/admin.md)."""

from common.admin.actions import (
    AwaitingSecondApproval,
    DatabaseAdminMixin,
    GroupChangesAdminMixin,
    ReadOnlyAdminMixin,
    ReasonForm,
    ShowroomScopedAdminMixin,
    reason_action,
    service_action,
)
from common.admin.display import (
    CreatedColumnMixin,
    DecisionTrailInline,
    ReadOnlyInline,
    admin_link,
    awaiting_second_approval_filter,
    changelist_link,
    display,
    id_column,
    money_column,
    short_id,
)
from common.admin.lists import (
    ExportCSV,
    ExportMixin,
    ExportResource,
    ExportXLSX,
    TotalsMixin,
    date_range_filter,
)
from common.admin.versions import VersionedTemplateAdmin

__all__ = [
    "AwaitingSecondApproval",
    "CreatedColumnMixin",
    "DatabaseAdminMixin",
    "DecisionTrailInline",
    "ExportCSV",
    "ExportMixin",
    "ExportResource",
    "ExportXLSX",
    "GroupChangesAdminMixin",
    "ReadOnlyAdminMixin",
    "ReadOnlyInline",
    "ReasonForm",
    "ShowroomScopedAdminMixin",
    "TotalsMixin",
    "VersionedTemplateAdmin",
    "admin_link",
    "awaiting_second_approval_filter",
    "changelist_link",
    "date_range_filter",
    "display",
    "id_column",
    "money_column",
    "reason_action",
    "service_action",
    "short_id",
]
