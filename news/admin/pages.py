"""The single-page admin: the review rule (review.admin), the editor's desk, the slug from the title's pinyin."""

from django.contrib import admin
from django.utils.html import format_html

from core.admin_desk import DeskAdminMixin
from review import rules
from review.admin import ReviewedAdmin
from review.stored import stored_object

from ..forms import CategoryChoiceField, PinyinSlugMixin, WordingCheckedForm
from ..models import Category, Page
from .body_images import BodyImagesAdmin
from .read_only import body_as_residents_see_it, reason_html
from .wording import WordingCheckedAdmin


class PageAdminForm(PinyinSlugMixin, WordingCheckedForm):
    """网址名 may be left empty: it is then the title's pinyin (联系我们 → lianxiwomen)."""

    wording_fields = ("title", "body")

    class Meta:
        model = Page
        fields = ("title", "slug", "body", "status", "show_in_nav", "nav_order", "show_in_footer", "category",
                  "show_contacts")  # fmt: skip
        field_classes = {"category": CategoryChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.in_tree_order()


# Inlines other apps add to the page form (add_page_inline): the attachments app's, as on
# the article form (news.admin.add_article_inline).
_page_inlines = []


def add_page_inline(inline):
    """Show `inline` (an InlineModelAdmin of a model related to Page) on the single-page form."""
    if inline not in _page_inlines:
        _page_inlines.append(inline)


@admin.register(Page)
class PageAdmin(BodyImagesAdmin, DeskAdminMixin, WordingCheckedAdmin, ReviewedAdmin):
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
    readonly_fields = ("prepublish_report", "created_by", "created_at", "updated_by", "updated_at", "rendered_body")
    counted_fields = ("title",)
    wide_fields = ("title",)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *_page_inlines]

    def get_fieldsets(self, request, obj=None):
        if obj is None or self.has_change_permission(request, obj):
            return super().get_fieldsets(request, obj)
        # Django's 查看 page, as for an article (news.admin.articles): the body as residents
        # will see it, not its HTML as text, and the reason at the top.
        reason = rules.edit_refusal_reason(request.user, stored_object(request, obj) or obj)
        first = {"fields": ("title", "slug", "rendered_body", "status"), "description": reason_html(reason)}
        return self.with_review_fieldsets(request, obj, ((None, first), *self.fieldsets[1:]))

    @admin.display(description="正文")
    def rendered_body(self, obj):
        return body_as_residents_see_it(obj, "在网站上打开这个单页")

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
