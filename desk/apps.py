from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DeskConfig(AppConfig):
    """
    The editors' workbench (工作台): the admin's index for staff, showing what waits for
    them across every reviewed model (review.rules.reviewed_models).
    """

    default = True
    name = "desk"
    verbose_name = "工作台"


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (its index is the workbench)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin; "desk" is DeskConfig
    default_site = "desk.sites.PortalAdminSite"
