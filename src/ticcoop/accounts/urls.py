from __future__ import annotations

from django.urls import path

from ticcoop.accounts import views

# The middleware lets unverified sessions reach everything under /account/two-factor/.
urlpatterns = [
    path("two-factor/verify/", views.second_factor_verify, name="two-factor-verify"),
    path("two-factor/setup/", views.second_factor_setup, name="two-factor-setup"),
    path("two-factor/qr.svg", views.second_factor_qr, name="two-factor-qr"),
    path(
        "two-factor/recovery-codes/",
        views.second_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
]
