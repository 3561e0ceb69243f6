from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/token/verify", views.TokenVerifyView.as_view(), name="auth-token-verify"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all", views.LogoutEverywhereView.as_view(), name="auth-logout-all"),
    path("auth/ws-ticket", views.WsTicketView.as_view(), name="auth-ws-ticket"),
    path("auth/password/change", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/password/reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/google/start", views.GoogleStartView.as_view(), name="auth-google-start"),
    path("auth/google/callback", views.GoogleCallbackView.as_view(), name="auth-google-callback"),
    path(
        "auth/identity-link/confirm",
        views.IdentityLinkConfirmView.as_view(),
        name="auth-identity-link-confirm",
    ),
    path("auth/email/verify", views.EmailVerifyView.as_view(), name="auth-email-verify"),
    path(
        "auth/email/change/confirm",
        views.EmailChangeConfirmView.as_view(),
        name="auth-email-change-confirm",
    ),
    path(
        "auth/email/verify/resend",
        views.EmailVerifyResendView.as_view(),
        name="auth-email-verify-resend",
    ),
    path("users/me", views.UserMeView.as_view(), name="users-me"),
    path("users/", views.UserListView.as_view(), name="users-list"),
    path("users/<uuid:pk>", views.UserDetailView.as_view(), name="users-detail"),
    path("users/<uuid:pk>/role", views.UserRoleView.as_view(), name="users-role"),
    path("users/<uuid:pk>/deactivate", views.UserDeactivateView.as_view(), name="users-deactivate"),
    path("users/<uuid:pk>/activate", views.UserActivateView.as_view(), name="users-activate"),
    path("users/<uuid:pk>/activity", views.UserActivityView.as_view(), name="users-activity"),
    path(
        "users/<uuid:pk>/integrations",
        views.UserIntegrationsView.as_view(),
        name="users-integrations",
    ),
    path(
        "users/<uuid:pk>/integrations/<uuid:identity_id>",
        views.UserIntegrationView.as_view(),
        name="users-integration",
    ),
]
