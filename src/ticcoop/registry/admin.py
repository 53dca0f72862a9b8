from __future__ import annotations

from django.contrib import admin

from ticcoop.accounts.admin_scoping import ReadOnlyAdmin, RegionScopedAdmin
from ticcoop.registry.models import (
    Expert,
    ExpertTie,
    Institution,
    InstitutionMembership,
    InstitutionSite,
    RiskClassChange,
)


class InstitutionSiteInline(admin.TabularInline):
    model = InstitutionSite
    extra = 0


class ExpertTieInline(admin.TabularInline):
    model = ExpertTie
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(Institution)
class InstitutionAdmin(RegionScopedAdmin):
    inlines = [InstitutionSiteInline]
    list_display = ["name", "credit_code", "region", "status", "risk_class", "updated_at"]
    list_filter = ["region", "status", "risk_class"]
    search_fields = ["name", "credit_code", "address"]
    list_select_related = ["region"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Expert)
class ExpertAdmin(RegionScopedAdmin):
    inlines = [ExpertTieInline]
    list_display = ["name", "region", "employer_name", "is_assessor", "is_expert", "is_inspector"]
    list_filter = ["region", "is_assessor", "is_expert", "is_inspector"]
    search_fields = ["name", "employer_name", "specialties", "enforcement_certificate_no"]
    autocomplete_fields = ["employer", "user"]
    list_select_related = ["region"]


@admin.register(InstitutionMembership)
class InstitutionMembershipAdmin(RegionScopedAdmin):
    list_display = ["user", "institution"]
    search_fields = ["user__username", "institution__name", "institution__credit_code"]
    autocomplete_fields = ["user", "institution"]


@admin.register(InstitutionSite)
class InstitutionSiteAdmin(RegionScopedAdmin):
    list_display = ["institution", "region", "address", "is_main"]
    list_filter = ["region", "is_main"]
    search_fields = ["institution__name", "address"]
    autocomplete_fields = ["institution"]


@admin.register(ExpertTie)
class ExpertTieAdmin(RegionScopedAdmin):
    list_display = ["expert", "institution", "reason"]
    search_fields = ["expert__name", "institution__name"]
    autocomplete_fields = ["expert", "institution"]


@admin.register(RiskClassChange)
class RiskClassChangeAdmin(ReadOnlyAdmin):
    """History written by services only: read-only here."""

    list_display = ["institution", "from_class", "to_class", "source", "reason", "created_at"]
    list_filter = ["source", "to_class", "institution__region"]
    search_fields = ["institution__name", "institution__credit_code", "reason"]
