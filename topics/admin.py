"""
The topic admin: a reviewed model (review.admin) whose sections and articles are edited on
the topic's form, under the topic's review rule. 编辑 draft a topic and its sections and
choose articles for them, then submit it for review; 审核发布 publish it, and alone change
a published one or where it shows on the home page.

Articles for a section of any topic, a running one included, are also proposed one by one
(专题文章, TopicArticleAdmin): each proposal is a reviewed row of its own, in review until a
审核发布 publishes (accepts) it, so an 编辑 adds to a running topic without changing what
is public in it.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from core.admin_conflict_rows import EditConflictInlineMixin
from core.admin_desk import LengthLimitsMixin
from news.admin.wording import WordingCheckedAdmin
from news.forms import PinyinSlugMixin, WordingCheckedForm
from news.presenters import minute_text, status_text
from review.admin import ReviewedAdmin
from review.stored import editable

from .models import Topic, TopicArticle, TopicSection

PROPOSAL_NOTE = "推荐的文章提交审核后，由审核发布人员发布（采用），之后才显示在专题中。"


def not_public_note(article):
    """
    Why an entry of `article` shows nowhere yet: a topic lists the accepted entries whose
    article is public (topics.selectors), so accepting one of a draft is allowed (it shows
    once the article is published, as when an article is chosen on the topic's own form)
    but must not look as if it were shown now. None for a public article.
    """
    if article.is_public:
        return None
    return f"这篇文章目前是“{status_text(article)}”，公众还看不到：专题中只显示已公开的文章，要等这篇文章发布后才会显示在专题中。"


def read_link(article):
    """A link to read the article (staff see a draft's preview at its address), in a new tab."""
    label = "阅读文章" if article.is_public else "预览文章"
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), label)


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


class TopicArticleInline(EditConflictInlineMixin, TopicPartInline):
    # Rows are also changed on their own form (专题文章, TopicArticleAdmin), which the
    # topic's token does not see: each row carries its own (core.admin_conflict).
    model = TopicArticle
    fields = ("section", "article", "order", "status")
    # A row's own review state is that of a proposal (TopicArticleAdmin); rows made here are
    # part of the topic and go public with it.
    readonly_fields = ("status",)
    # Titles searched through the articles' search index (news.admin.ArticleAdmin), fast at 100,000.
    autocomplete_fields = ("article",)
    extra = 3
    verbose_name_plural = "专题文章（先保存栏目，再为栏目选择文章）"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic", "section", "article")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this topic's sections (none before the topic and its sections are saved).
        section = formset.form.base_fields["section"]
        section.queryset = TopicSection.objects.filter(topic=obj) if obj is not None else TopicSection.objects.none()
        return formset


class TopicAdminForm(PinyinSlugMixin, WordingCheckedForm):
    """
    The topic's form: 地址名称 may be left empty (it is then the title's pinyin, as for single
    pages), and its title and 简介 are checked for 错敏词 (news.wordcheck).
    """

    wording_fields = ("title", "description")

    class Meta:
        model = Topic
        fields = ("title", "slug", "banner", "description", "start_date", "end_date", "status", "show_on_home", "order")
        help_texts = {
            "slug": "专题网址中的英文名称，例如 “jiceng-zhili”（网址为 /topics/jiceng-zhili/）。只能使用字母、数字、连字符和下划线。"
            "留空时按标题的拼音生成，例如“基层治理”生成 jicengzhili。"
        }


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
        ("推荐文章", {"fields": ("proposal_link",)}),
        ("记录", {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_by", "updated_at")}),
    )
    readonly_fields = ("prepublish_report", "proposal_link", "created_by", "created_at", "updated_by", "updated_at")

    @admin.display(description="为栏目推荐文章")
    def proposal_link(self, obj):
        if obj is None or obj.pk is None:
            return "保存专题和栏目后，可以为栏目推荐文章。"
        url = reverse("admin:topics_topicarticle_add") + f"?topic={obj.pk}"
        return format_html('<a href="{}">推荐文章</a><p class="help">{}</p>', url, PROPOSAL_NOTE)


class SectionChoiceField(forms.ModelChoiceField):
    """A section as the proposal form offers it, with its topic: 基层治理年 › 中央精神."""

    def label_from_instance(self, section):
        return f"{section.topic.title} › {section.title}"


class TopicArticleForm(forms.ModelForm):
    """A proposal names a section; its topic is the section's."""

    class Meta:
        model = TopicArticle
        fields = ("section", "article", "order", "status")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("section") is not None:
            self.instance.topic_id = cleaned["section"].topic_id
        return cleaned


@admin.register(TopicArticle)
class TopicArticleAdmin(LengthLimitsMixin, ReviewedAdmin):
    """专题文章: every article in a topic's sections, and the proposals waiting to be accepted."""

    form = TopicArticleForm
    list_display = ("article", "article_state_column", "topic", "section", "status", "created_by", "updated_column")
    # The newest first: what a reviewer comes here for is the proposals just made (a topic's
    # own order of sections and articles is on the topic's form).
    ordering = ("-updated_at", "-id")
    list_filter = ("status", "topic")
    list_select_related = ("topic", "section", "article", "created_by")
    search_fields = ("article__title",)
    autocomplete_fields = ("article",)
    fieldsets = (
        (None, {"description": PROPOSAL_NOTE, "fields": ("section", "article", "article_state", "order", "status")}),
        ("记录", {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_by", "updated_at")}),
    )
    readonly_fields = ("article_state", "created_by", "created_at", "updated_by", "updated_at")

    @admin.display(description="文章状态")
    def article_state(self, obj):
        if obj is None or obj.article_id is None:
            return "保存后在这里显示所选文章的状态和阅读链接。"
        note = not_public_note(obj.article)
        return format_html(
            "<strong>{}</strong>　{}{}",
            status_text(obj.article),
            read_link(obj.article),
            format_html('<p class="help">{}</p>', note) if note else "",
        )

    @admin.display(description="文章状态")
    def article_state_column(self, obj):
        shown_later = obj.status == TopicArticle.Status.PUBLISHED and not obj.article.is_public
        return format_html(
            "{}{}　{}",
            status_text(obj.article),
            "（发布后才在专题中显示）" if shown_later else "",
            read_link(obj.article),
        )

    @admin.display(description="修改时间", ordering="updated_at")
    def updated_column(self, obj):
        return minute_text(obj.updated_at)  # 2026-12-01 08:24, as the article list's times

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.warn_of_articles_not_public(request, [obj])

    @admin.action(description="发布所选内容", permissions=["publish"])
    def publish(self, request, queryset):
        # Only those it accepts now: one accepted before was warned of then.
        accepted = self.set_status_of(request, queryset, TopicArticle.Status.PUBLISHED, "发布")
        self.warn_of_articles_not_public(request, accepted)

    def warn_of_articles_not_public(self, request, entries):
        """Published (accepted) entries whose article is not public: 已发布 in the list, shown nowhere yet."""
        for entry in entries:
            note = not_public_note(entry.article) if entry.status == TopicArticle.Status.PUBLISHED else None
            if note:
                self.message_user(request, f"“{entry.article}”已采用到“{entry.section}”，但{note}", messages.WARNING)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("topic", "section", "article")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            sections = TopicSection.objects.select_related("topic").order_by("topic__order", "topic_id", "order", "id")
            topic = request.GET.get("topic", "")
            # Started from a topic's form (?topic=): that topic's sections.
            started_from = topic.isascii() and topic.isdigit() and len(topic) <= 9
            kwargs["queryset"] = sections.filter(topic_id=int(topic)) if started_from else sections
            kwargs["form_class"] = SectionChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        # Proposed, in review: an 编辑 may not publish, and a reviewer's proposal is reviewed too.
        return {"status": TopicArticle.Status.REVIEW, **super().get_changeform_initial_data(request)}
