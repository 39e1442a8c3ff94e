"""
The admin's forms for reviewed content in news: the 错敏词 check every such form runs
(WordingCheckedForm, also the topics' form's base), the slug from the title's pinyin that
the forms of single pages and topics share (PinyinSlugMixin), and the article form: the
栏目 as a tree and the publication time's two ways.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from review.rules import Status

from . import wordcheck
from .models import Article, Category, pinyin_slug

AUTOMATIC_TIME_NOTE = "发布时自动使用发布的时刻"


class CategoryChoiceField(forms.ModelChoiceField):
    """The 栏目 as the tree shows them: 基层党建 › 社区党建."""

    def label_from_instance(self, category):
        return category.tree_label


class PinyinSlugMixin:
    """
    A ModelForm's `slug` may be left empty: it is then the title's pinyin (联系我们 →
    lianxiwomen), checked like a typed one by the model (unique, reserved names), and an error
    on it says what it was, so that the editor knows.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and "slug" not in self.errors:
            max_length = self._meta.model._meta.get_field("slug").max_length
            suggested = pinyin_slug(cleaned.get("title", ""), max_length)
            if not suggested:
                self.add_error("slug", ValidationError("无法从标题生成网址名，请填写网址名。", code="slug_required"))
            else:
                cleaned["slug"] = self.suggested_slug = suggested
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        suggested = getattr(self, "suggested_slug", None)
        if suggested and "slug" in self.errors:
            self.errors["slug"].append(f"按标题生成的网址名是 {suggested}。")


def unscheduled_note(article):
    """What time the article gets without 定时发布 (the rules are Article's)."""
    first = article.first_publication_time if article is not None and article.pk else None
    if first is None:
        return AUTOMATIC_TIME_NOTE
    return f"保留首次发布的时间 {timezone.localtime(first):%Y-%m-%d %H:%M}"


class WordingCheckedForm(forms.ModelForm):
    """
    The form of reviewed content checked for 错敏词 (news.wordcheck): publishing it with a
    serious finding no reviewer confirmed is an error on the form, on every path that shows
    one (adding, changing, restoring a version, recovering a deleted one); review.rules
    refuses it anyway. `wording_fields` are the form's fields the check reads.
    """

    wording_fields = ()

    # Not a model field: ticking it records the serious 错敏词 the object has now as checked
    # (its `wording_confirmed`). Only reviewers see it; the admin honours it for them only.
    confirm_wording = forms.BooleanField(
        label="已核对错敏词",
        required=False,
        help_text="文中有“严重”错敏词（见发布前检查）时，审核发布人员核对无误（例如原文引用）后勾选，方可发布。",
    )
    may_confirm_wording = False  # set by the admin for reviewers (news.admin.wording)

    def clean(self):
        cleaned = super().clean()
        self.check_wording(cleaned)
        return cleaned

    def wording_draft(self, cleaned):
        """An unsaved copy of the object with what the form would save of the checked fields."""
        return type(self.instance)(
            **{name: cleaned.get(name) or "" for name in self.wording_fields},
            wording_confirmed=self.instance.wording_confirmed,
        )

    def check_wording(self, cleaned):
        """Publishing with a serious 错敏词 not confirmed: an error on the form (review.rules refuses it anyway)."""
        if cleaned.get("status") != Status.PUBLISHED or self.errors:
            return
        if cleaned.get("confirm_wording") and self.may_confirm_wording:
            return
        open_findings = wordcheck.unconfirmed_serious(self.wording_draft(cleaned))
        if open_findings:
            forms_found = "、".join(dict.fromkeys(f"“{f.entry.wrong}”（应为“{f.entry.right}”）" for f in open_findings))
            message = f"文中有严重错敏词 {forms_found}。请改正；如确认无误，由审核发布人员勾选「已核对错敏词」后发布。"
            field = "confirm_wording" if "confirm_wording" in self.fields and self.may_confirm_wording else None
            self.add_error(field, ValidationError(message, code="serious_wording"))


class ArticleAdminForm(WordingCheckedForm):
    """
    定时发布 decides whether the 发布时间 in the form counts (workflow.settle_publication_time);
    a small script shows the time inputs only when it is checked, and says what time the
    article gets otherwise. Without the script both are shown, with their help texts.
    """

    class Meta:
        model = Article
        fields = (
            "title", "subtitle", "category", "external_url", "body", "source", "author", "responsible_editor",
            "status", "is_scheduled", "published_at", "summary", "cover", "is_headline", "is_pinned", "pinned_until",
        )  # fmt: skip
        field_classes = {"category": CategoryChoiceField}
        # A text input that says it wants an address (no scheme is assumed, unlike URLField's).
        widgets = {"external_url": forms.URLInput(attrs={"placeholder": "https://", "class": "vURLField"})}

    wording_fields = ("title", "subtitle", "summary", "body")

    class Media:
        js = ("js/publication-time.js",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.in_tree_order()
        if "is_scheduled" in self.fields:
            self.fields["is_scheduled"].widget.attrs["data-unscheduled-note"] = unscheduled_note(self.instance)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_scheduled") and not cleaned.get("published_at") and "published_at" not in self.errors:
            self.add_error(
                "published_at", ValidationError("勾选了“定时发布”，请填写发布时间。", code="scheduled_without_time")
            )
        return cleaned

    def wording_draft(self, cleaned):
        draft = super().wording_draft(cleaned)
        draft._saved_body = self.instance.body if self.instance.pk else None  # for summary_follows_body()
        return draft
