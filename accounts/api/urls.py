from django.urls import path

from accounts.api import auth, users

urlpatterns = [
    path("auth/register", auth.RegisterView.as_view(), name="auth-register"),
    path("auth/token", auth.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh", auth.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/token/verify", auth.TokenVerifyView.as_view(), name="auth-token-verify"),
    path("auth/logout", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all", auth.LogoutEverywhereView.as_view(), name="auth-logout-all"),
    path("auth/ws-ticket", auth.WsTicketView.as_view(), name="auth-ws-ticket"),
    path("auth/password/change", auth.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset", auth.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm",
        auth.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/google/start", auth.GoogleStartView.as_view(), name="auth-google-start"),
    path("auth/google/callback", auth.GoogleCallbackView.as_view(), name="auth-google-callback"),
    path(
        "auth/identity-link/confirm",
        auth.IdentityLinkConfirmView.as_view(),
        name="auth-identity-link-confirm",
    ),
    path("auth/email/verify", auth.EmailVerifyView.as_view(), name="auth-email-verify"),
    path(
        "auth/email/change/confirm",
        auth.EmailChangeConfirmView.as_view(),
        name="auth-email-change-confirm",
    ),
    path(
        "auth/email/verify/resend",
        auth.EmailVerifyResendView.as_view(),
        name="auth-email-verify-resend",
    ),
    path("users/me", users.UserMeView.as_view(), name="users-me"),
    path("users/", users.UserListView.as_view(), name="users-list"),
    path("users/<uuid:pk>", users.UserDetailView.as_view(), name="users-detail"),
    path("users/<uuid:pk>/role", users.UserRoleView.as_view(), name="users-role"),
    path("users/<uuid:pk>/deactivate", users.UserDeactivateView.as_view(), name="users-deactivate"),
    path("users/<uuid:pk>/activate", users.UserActivateView.as_view(), name="users-activate"),
    path("users/<uuid:pk>/activity", users.UserActivityView.as_view(), name="users-activity"),
    path(
        "users/<uuid:pk>/integrations",
        users.UserIntegrationsView.as_view(),
        name="users-integrations",
    ),
    path(
        "users/<uuid:pk>/integrations/<uuid:identity_id>",
        users.UserIntegrationView.as_view(),
        name="users-integration",
    ),
]
