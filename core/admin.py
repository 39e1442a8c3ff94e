from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from .models import FriendLink, SiteProfile


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    """One record: the list page goes straight to it; it can be neither added nor deleted."""

    fieldsets = (
        (None, {"fields": ("site_name", "description")}),
        ("页脚", {"fields": ("owner", "icp_number", "address", "postcode", "phone", "email", "technical_support")}),
    )

    def changelist_view(self, request, extra_context=None):
        profile = SiteProfile.load()
        if profile.pk is None:
            profile.save()
        return redirect(reverse("admin:wuda_portal_siteprofile_change", args=[profile.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FriendLink)
class FriendLinkAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "url")
