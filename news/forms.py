"""The admin's article form: the 栏目 as a tree and the publication time's two ways."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Article, Category

AUTOMATIC_TIME_NOTE = "发布时自动使用发布的时刻"


class CategoryChoiceField(forms.ModelChoiceField):
    """The 栏目 as the tree shows them: 基层党建 › 社区党建."""

    def label_from_instance(self, category):
        return category.tree_label


def unscheduled_note(article):
    """What time the article gets without 定时发布 (the rules are Article's)."""
    first = article.first_publication_time if article is not None and article.pk else None
    if first is None:
        return AUTOMATIC_TIME_NOTE
    return f"保留首次发布的时间 {timezone.localtime(first):%Y-%m-%d %H:%M}"


class ArticleAdminForm(forms.ModelForm):
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
