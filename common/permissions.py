from rest_framework.permissions import BasePermission


class IsStaffRole(BasePermission):
    """Managers and admins."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class IsAdminRole(BasePermission):
    """Admins only: users and roles are theirs alone (DESIGN.md §3.6)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)
