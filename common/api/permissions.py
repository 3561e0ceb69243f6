from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


def _is_staff(request: Request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.is_staff)


class IsStaffRole(BasePermission):
    """Managers and admins."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _is_staff(request)


class IsAdminRole(BasePermission):
    """Admins only: users and roles are theirs alone (docs/api.md, "Roles")."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)


class IsStaffOrReadOnly(BasePermission):
    """Anyone reads; managers and admins write."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in SAFE_METHODS or _is_staff(request)
