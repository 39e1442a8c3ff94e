"""The admin site of the portal: Django's, with the workbench (工作台) as its index."""

from django.contrib import admin

from .workbench import workbench_for


class PortalAdminSite(admin.AdminSite):
    site_header = "乌达党建 内容管理"
    site_title = "乌达党建 内容管理"
    index_title = "工作台"
    index_template = "desk/workbench.html"

    def index(self, request, extra_context=None):
        context = {"workbench": workbench_for(request), **(extra_context or {})}
        return super().index(request, context)
