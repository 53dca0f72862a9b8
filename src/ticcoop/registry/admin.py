from __future__ import annotations

from django.contrib import admin

from ticcoop.accounts.admin_scoping import RegionScopedAdmin
from ticcoop.registry import services
from ticcoop.registry.models import Expert, Institution, InstitutionMembership


@admin.register(Institution)
class InstitutionAdmin(RegionScopedAdmin):
    list_display = ["name", "credit_code", "region", "status", "risk_class", "updated_at"]
    list_filter = ["region", "status", "risk_class"]
    search_fields = ["name", "credit_code", "address"]
    list_select_related = ["region"]
    readonly_fields = ["created_at", "updated_at"]
    save_service = staticmethod(services.save_institution)
    delete_service = staticmethod(services.delete_institution)


@admin.register(Expert)
class ExpertAdmin(RegionScopedAdmin):
    list_display = ["name", "region", "employer_name", "is_assessor", "is_expert", "is_inspector"]
    list_filter = ["region", "is_assessor", "is_expert", "is_inspector"]
    search_fields = ["name", "employer_name", "specialties", "enforcement_certificate_no"]
    autocomplete_fields = ["employer", "user"]
    list_select_related = ["region"]
    save_service = staticmethod(services.save_expert)
    delete_service = staticmethod(services.delete_expert)


@admin.register(InstitutionMembership)
class InstitutionMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institution"]
    search_fields = ["user__username", "institution__name", "institution__credit_code"]
    autocomplete_fields = ["user", "institution"]
