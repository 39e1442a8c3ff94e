"""
The topic admin: a reviewed model (review.admin) whose sections and articles are edited on
the topic's form, under the topic's review rule. 编辑 draft a topic and its sections and
propose articles for them, then submit it for review; 审核发布 publish it, and alone change
a published one or where it shows on the home page.
"""

from django.contrib import admin

from core.admin_desk import LengthLimitsMixin
from news.admin.wording import WordingCheckedAdmin
from news.forms import WordingCheckedForm
from review.admin import ReviewedAdmin
from review.stored import editable

from .models import Topic, TopicArticle, TopicSection


class TopicPartInline(LengthLimitsMixin, admin.TabularInline):
    """A part of a topic: who may not edit the topic (as stored) may not change it."""

    def has_add_permission(self, request, obj=None):
        return editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return editable(request, obj) and super().has_delete_permission(request, obj)


class TopicSectionInline(TopicPartInline):
    model = TopicSection
    fields = ("title", "order", "ordering")
    extra = 1


class TopicArticleInline(TopicPartInline):
    model = TopicArticle
    fields = ("section", "article", "order")
    # Titles searched through the articles' search index (news.admin.ArticleAdmin), fast at 100,000.
    autocomplete_fields = ("article",)
    extra = 3
    verbose_name_plural = "专题文章（先保存栏目，再为栏目选择文章）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "article")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this topic's sections (none before the topic and its sections are saved).
        section = formset.form.base_fields["section"]
        section.queryset = TopicSection.objects.filter(topic=obj) if obj is not None else TopicSection.objects.none()
        return formset


class TopicAdminForm(WordingCheckedForm):
    """The topic's form, checked for 错敏词 in its title and 简介 (news.wordcheck)."""

    wording_fields = ("title", "description")


@admin.register(Topic)
class TopicAdmin(WordingCheckedAdmin, ReviewedAdmin):
    form = TopicAdminForm
    list_display = ("title", "slug", "start_date", "end_date", "status", "show_on_home", "order")
    list_filter = ("status", "show_on_home")
    search_fields = ("title", "slug")
    inlines = (TopicSectionInline, TopicArticleInline)
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("title", "slug", "banner", "description")}),
        ("时间与发布", {"fields": ("start_date", "end_date", "status", "prepublish_report", "confirm_wording")}),
        ("首页展示", {"fields": ("show_on_home", "order")}),
        ("记录", {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_by", "updated_at")}),
    )
    readonly_fields = ("prepublish_report", "created_by", "created_at", "updated_by", "updated_at")
