"""The admin site of the portal: Django's, with the workbench (工作台) as its index."""

import logging
from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from .workbench import workbench_for

logger = logging.getLogger(__name__)


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

    def admin_view(self, view, cacheable=False):
        if getattr(view, "__name__", "") == "changelist_view":
            view = refusing_values_out_of_range(view)
        return super().admin_view(view, cacheable)


def refusing_values_out_of_range(changelist_view):
    """
    A list's address may filter on any field of its model (?published_at__year=0). Django
    checks the lookup, not its value: a year it cannot represent (0, 10000) fails only when
    the list's query runs, a 500. Such a list gets what Django gives a lookup it refuses, the
    list without its filters (?e=1), and a message saying why.
    """

    @wraps(changelist_view)
    def view(request, *args, **kwargs):
        try:
            response = changelist_view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # the list's rows are read while rendering
            return response
        except (ValueError, OverflowError):
            if ERROR_FLAG in request.GET:
                raise
            logger.warning("List filter out of range: %s", request.get_full_path(), exc_info=True)
            messages.error(request, "筛选条件中的日期或数值超出范围，已取消筛选，显示全部内容。")
            popup = f"&{IS_POPUP_VAR}=1" if IS_POPUP_VAR in request.GET else ""
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1{popup}")

    return view
