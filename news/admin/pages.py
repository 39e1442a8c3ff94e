"""The single-page admin: the review rule (review.admin), the editor's desk, the slug from the title's pinyin."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from core.admin_desk import DeskAdminMixin
from review.admin import ReviewedAdmin

from ..forms import CategoryChoiceField, WordingCheckedForm
from ..models import Category, Page, pinyin_slug
from .wording import WordingCheckedAdmin


class PageAdminForm(WordingCheckedForm):
    """网址名 may be left empty: it is then the title's pinyin (联系我们 → lianxiwomen)."""

    wording_fields = ("title", "body")

    class Meta:
        model = Page
        fields = ("title", "slug", "body", "status", "show_in_nav", "nav_order", "show_in_footer", "category",
                  "show_contacts")  # fmt: skip
        field_classes = {"category": CategoryChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.in_tree_order()

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and "slug" not in self.errors:
            suggested = pinyin_slug(cleaned.get("title", ""))
            if not suggested:
                self.add_error("slug", ValidationError("无法从标题生成网址名，请填写网址名。", code="slug_required"))
            else:
                # The suggestion is checked like a typed one (validate_unique): a taken one
                # is refused with the same message, and the editor picks another.
                cleaned["slug"] = self.suggested_slug = suggested
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # An error on a slug the form made up says what it was, so that the editor knows.
        suggested = getattr(self, "suggested_slug", None)
        if suggested and "slug" in self.errors:
            self.errors["slug"].append(f"按标题生成的网址名是 {suggested}。")


# Inlines other apps add to the page form (add_page_inline): the attachments app's, as on
# the article form (news.admin.add_article_inline).
_page_inlines = []


def add_page_inline(inline):
    """Show `inline` (an InlineModelAdmin of a model related to Page) on the single-page form."""
    if inline not in _page_inlines:
        _page_inlines.append(inline)


@admin.register(Page)
class PageAdmin(DeskAdminMixin, WordingCheckedAdmin, ReviewedAdmin):
    form = PageAdminForm
    list_display = ("title", "slug", "status_column", "placement_column", "nav_order", "updated_at")
    list_filter = ("status", "show_in_nav", "show_in_footer")
    search_fields = ("title", "slug")
    list_select_related = ("category",)
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("title", "slug", "body", "status", "prepublish_report", "confirm_wording")}),
        (
            "显示位置",
            {
                "description": "单页发布后总可以通过自己的网址访问；这里决定它还出现在哪里。"
                "要让栏目直接显示单页，请在栏目中设置“栏目显示单页”。",
                "fields": ("show_in_nav", "nav_order", "show_in_footer", "category", "show_contacts"),
            },
        ),
        ("记录", {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_by", "updated_at")}),
    )
    readonly_fields = ("prepublish_report", "created_by", "created_at", "updated_by", "updated_at")
    counted_fields = ("title",)
    wide_fields = ("title",)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *_page_inlines]

    @admin.display(description="状态", ordering="status")
    def status_column(self, obj):
        return obj.get_status_display()

    @admin.display(description="显示位置")
    def placement_column(self, obj):
        places = [
            *(["主导航"] if obj.show_in_nav else []),
            *(["页脚"] if obj.show_in_footer else []),
            *([f"栏目“{obj.category.name}”"] if obj.category_id else []),
        ]
        return format_html("{}", "、".join(places) or "仅自己的网址")
