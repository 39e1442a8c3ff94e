"""
The editor's desk: what an admin change form needs so that no work is lost and the form
explains itself. A ModelAdmin opts in by inheriting DeskAdminMixin (the article form does;
the single-page form will).

- **Autosave** in the browser (static/admin/portal/desk.js): the form is kept in the
  browser's localStorage every 30 seconds and when the page is left, per user and object,
  and offered back (「恢复 HH:MM 自动保存的内容」) when the form opens again. The copy never
  leaves the editor's browser, so it reaches neither the public nor the revision history;
  it is removed once the server has saved the form (SAVED_COOKIE below).
- **Session end**: a warning five minutes before (core.admin_session), and a save
  after the end goes to the login page with what was typed kept, restored after logging in.
- **Lengths** (LengthLimitsMixin, for inlines too): no field cuts pasted text silently (the
  browser's maxlength attribute is not sent); the server refuses a value that is too long,
  naming the limit and the length; `counted_fields` get a character counter, `wide_fields`
  a box wide enough for a long title.
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.urls import reverse

from .admin_session import WARNING_SECONDS

# Set on the answer to a successful save: "<form key>|<page id>". desk.js removes the copy
# that page kept, on whichever admin page comes next (the list, or the form again).
SAVED_COOKIE = "desk_saved"
SAVED_COOKIE_SECONDS = 10 * 60
# desk.js sends the id of the page a form was submitted from (a random hex string).
PAGE_FIELD = "_desk_page"


class LengthLimit(MaxLengthValidator):
    """The limit of a text field, said as an editor counts: characters, line breaks as one."""

    message = "最多 %(limit_value)d 个字，现在有 %(show_value)d 个字，请删减后再保存。"

    def clean(self, x):
        # Browsers send a line break typed in a text area as two characters (CR LF).
        return len(x.replace("\r\n", "\n"))


class LengthLimitsMixin:
    """
    For a ModelAdmin or an inline: text boxes take all that is typed or pasted (the
    browser's maxlength attribute cuts a paste without a word), and the server refuses a
    value that is too long, saying the limit and the length.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        limit = getattr(field, "max_length", None)
        if limit:
            field.widget.attrs.pop("maxlength", None)
            field.validators = [
                LengthLimit(limit) if isinstance(validator, MaxLengthValidator) else validator
                for validator in field.validators
            ]
        return field


class DeskAdminMixin(LengthLimitsMixin):
    """Autosave, the session warning, counters and honest length limits for a change form."""

    counted_fields = ()
    wide_fields = ()

    @property
    def media(self):
        # On the list too: that is where the page after 保存 shows, and clears the copy.
        return super().media + forms.Media(js=["admin/portal/desk.js"])

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is None:
            return None
        limit = getattr(field, "max_length", None)
        if db_field.name in self.counted_fields:
            field.widget.attrs["data-desk-count"] = limit or ""
        if db_field.name in self.wide_fields:
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} desk-wide".strip()
        return field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["desk"] = self.desk_context(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def desk_context(self, request, obj):
        """What desk.js needs to know about this form (rendered as data attributes)."""
        return {
            "key": self.autosave_key(obj) if self.keeps_copy(request, obj) else "",
            "user": request.user.pk,
            "version": self.autosave_version(obj),
            "session_url": reverse("admin-session"),
            "login_url": reverse("admin:login"),
            "warn_before": WARNING_SECONDS,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            # What the browser checks before sending: Django refuses more (core.oversized).
            "upload_limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        }

    def keeps_copy(self, request, obj):
        """Whether the form of this request keeps a copy in the browser (`obj` None: a new one)."""
        opts = self.model._meta
        url_name = request.resolver_match.url_name if request.resolver_match else ""
        # The forms that restore an old version (django-reversion) keep no copy: what they
        # show is the version, not the editor's work. Nor does a read-only page (published
        # since the editor opened it): it would find the copy kept by the editor's form
        # unlike anything it shows, and drop it.
        editing = url_name in (f"{opts.app_label}_{opts.model_name}_add", f"{opts.app_label}_{opts.model_name}_change")
        if obj is None:
            return editing and self.has_add_permission(request)
        return editing and self.has_change_permission(request, obj)

    def autosave_key(self, obj):
        """Which form a copy belongs to: the model and the object (or 'add')."""
        opts = self.model._meta
        return f"{opts.app_label}.{opts.model_name}:{obj.pk if obj is not None and obj.pk else 'add'}"

    def autosave_version(self, obj):
        """
        The object as saved, so that an older copy can say the object changed since it was
        made. The last modification time where the model keeps one.
        """
        updated_at = getattr(obj, "updated_at", None)
        return updated_at.isoformat() if updated_at else ""

    # --- A successful save tells the browser to drop its copy ---------------------------

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._saved(request, response, self.autosave_key(None))

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._saved(request, response, self.autosave_key(obj))

    def _saved(self, request, response, key):
        page = request.POST.get(PAGE_FIELD, "")
        if page.isascii() and page.isalnum() and len(page) <= 32:
            response.set_cookie(
                SAVED_COOKIE,
                f"{key}|{page}",
                max_age=SAVED_COOKIE_SECONDS,
                path=f"/{settings.ADMIN_URL}",
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
