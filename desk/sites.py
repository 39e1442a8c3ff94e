"""The admin site of the portal: Django's, with the workbench (工作台) as its index."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from .workbench import workbench_for


class PortalLoginForm(AdminAuthenticationForm):
    """
    Django's login form sets the username's max_length after the field is built, so it is
    never checked: a longer name went on to authenticate() and to django-axes, whose
    column of failed attempts holds 255 characters (a 500 on the login page).
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit is not None and len(username) > limit:
            raise ValidationError(f"用户名最多 {limit} 个字符。", code="max_length")
        return username


class PortalAdminSite(admin.AdminSite):
    site_header = "乌达党建 内容管理"
    site_title = "乌达党建 内容管理"
    index_title = "工作台"
    index_template = "desk/workbench.html"
    login_form = PortalLoginForm

    def index(self, request, extra_context=None):
        context = {"workbench": workbench_for(request), **(extra_context or {})}
        return super().index(request, context)
