from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from news.models import Article, ArticleSearchEntry, ArticleSearchLine, Category
from news.search import search_key
from tests.factories import ArticleFactory, CategoryFactory

NOW = timezone.make_aware(timezone.datetime(2026, 6, 1, 10, 0, 0))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("status", "published_at", "public"),
    [
        (Article.Status.PUBLISHED, NOW - timedelta(days=1), True),
        (Article.Status.PUBLISHED, NOW, True),  # exactly now
        (Article.Status.PUBLISHED, NOW + timedelta(seconds=1), False),  # scheduled
        (Article.Status.DRAFT, NOW - timedelta(days=1), False),
        (Article.Status.REVIEW, NOW - timedelta(days=1), False),
        (Article.Status.WITHDRAWN, NOW - timedelta(days=1), False),
    ],
)
def test_published_at_its_boundaries(status, published_at, public):
    article = ArticleFactory(status=status, published_at=published_at)
    assert (article in Article.objects.published()) is public
    assert article.is_public is public


@pytest.mark.django_db
def test_a_scheduled_article_becomes_public_at_its_time():
    article = ArticleFactory(published_at=timezone.now() + timedelta(minutes=5))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_the_address_does_not_change_with_the_category():
    article = ArticleFactory()
    url = article.get_absolute_url()
    article.category = CategoryFactory()
    article.save()
    assert article.get_absolute_url() == url == f"/articles/{article.pk}/"


@pytest.mark.django_db
def test_summary_is_derived_from_the_body_when_left_empty():
    article = ArticleFactory(body="<p>第一段，" + "很长的内容" * 40 + "</p><p>第二段</p>", summary="")
    assert article.summary.startswith("第一段，很长的内容")
    assert len(article.summary) <= 120
    assert "<" not in article.summary


@pytest.mark.django_db
def test_a_written_summary_is_kept():
    assert ArticleFactory(summary="编辑写的摘要").summary == "编辑写的摘要"


@pytest.mark.django_db
def test_the_automatic_summary_follows_the_body():
    article = ArticleFactory(body="<p>第一稿的开头。</p>", summary="")
    article = Article.objects.get(pk=article.pk)  # as the admin loads it
    article.body = "<p>改过的开头。</p>"
    article.save()
    assert article.summary == "改过的开头。"
    article.body = "<p>第三稿。</p>"  # the same instance, saved again
    article.save()
    assert Article.objects.get(pk=article.pk).summary == "第三稿。"


@pytest.mark.django_db
def test_a_summary_written_by_hand_stays_when_the_body_changes():
    article = ArticleFactory(body="<p>正文开头。</p>", summary="")
    article = Article.objects.get(pk=article.pk)
    article.summary = "编辑写的摘要"
    article.body = "<p>新的正文。</p>"
    article.save()
    article = Article.objects.get(pk=article.pk)
    article.body = "<p>又改了正文。</p>"
    article.save()
    assert Article.objects.get(pk=article.pk).summary == "编辑写的摘要"


@pytest.mark.django_db
def test_emptying_a_written_summary_makes_it_follow_the_body_again():
    article = ArticleFactory(body="<p>正文开头。</p>", summary="编辑写的摘要")
    article.summary = ""
    article.save()
    assert article.summary == "正文开头。"
    article.body = "<p>新的正文。</p>"
    article.save()
    assert article.summary == "新的正文。"


@pytest.mark.django_db
def test_an_article_loaded_without_its_body_keeps_following_it():
    article = ArticleFactory(body="<p>正文开头。</p>", summary="")
    listed = Article.objects.only("id", "title", "summary").get(pk=article.pk)
    listed.title = "改了标题"
    listed.save()
    assert Article.objects.get(pk=article.pk).summary == "正文开头。"
    article = Article.objects.get(pk=article.pk)
    article.body = "<p>新的正文。</p>"
    article.save()
    assert article.summary == "新的正文。"


@pytest.mark.django_db
def test_the_body_is_sanitised_on_every_save():
    article = ArticleFactory(body='<p onclick="alert(1)">正文</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>正文</p>"


@pytest.mark.django_db
def test_the_search_entry_follows_the_article():
    article = ArticleFactory(title="党建引领", subtitle="基层治理", source="区委组织部", body="<p>网格ＡＢＣ</p>")
    entry = ArticleSearchEntry.objects.get(article=article)
    assert entry.title == "党建引领 基层治理"
    assert "区委组织部" in entry.text and "网格abc" in entry.text
    article.title = "新的标题"
    article.save()
    entry.refresh_from_db()
    assert entry.title.startswith("新的标题")


def _stored_key_and_text(article):
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, text FROM news_articlesearchentry WHERE article_id = %s", [article.pk])
        return cursor.fetchone()


def _lines(article):
    """The search key's lines kept for `article` (the database's trigger), with their publication times."""
    lines = ArticleSearchLine.objects.filter(entry_id=article.pk).order_by("id")
    return [line.key for line in lines], {line.published_at for line in lines}


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_search_key_follows_the_text_on_every_save(reviewer):
    from review import rules as workflow

    article = ArticleFactory(
        title="年轻干部：坚持", body="<p>选树典型5个。年轻干部坚持</p>", status=Article.Status.REVIEW
    )
    key, text = _stored_key_and_text(article)
    assert key == search_key(text) and "个。年" in text and "。" not in key
    article.body = "<p>“三会一课”，落实</p>"
    article.save(update_fields=["body"])
    key, text = _stored_key_and_text(article)
    assert key == search_key(text) and "“三会一课”,落实" in text
    assert _lines(article) == ([line for line in key.split("\n") if line], {article.published_at})
    workflow.set_status(article, Article.Status.PUBLISHED, by=reviewer)  # the listing fields alone
    assert _stored_key_and_text(article) == (key, text)
    article.published_at = timezone.now() - timedelta(days=3)
    article.save(update_fields=["published_at"])  # QuerySet.update() of the entry
    assert _lines(article) == ([line for line in key.split("\n") if line], {article.published_at})
    Article.objects.filter(pk=article.pk).delete()
    assert _lines(article) == ([], set())


@pytest.mark.django_db
def test_every_field_has_a_chinese_verbose_name():
    for model in (Article, Category):
        for field in model._meta.get_fields():
            if field.concrete and not field.auto_created:
                assert any("\u4e00" <= ch <= "\u9fff" for ch in str(field.verbose_name)), field.name


@pytest.mark.django_db
def test_categories_have_two_levels_at_most():
    top = CategoryFactory()
    child = CategoryFactory(parent=top)
    grandchild = Category(name="孙栏目", slug="sun", parent=child)
    with pytest.raises(ValidationError) as refusal:
        grandchild.full_clean()
    assert "最多两级" in str(refusal.value)
    top.parent = child
    with pytest.raises(ValidationError):
        top.full_clean()


@pytest.mark.django_db
def test_category_slugs_are_ascii():
    category = Category(name="党建动态", slug="党建动态")
    with pytest.raises(ValidationError):
        category.full_clean()


@pytest.mark.django_db
def test_pins_lapse_at_pinned_until():
    article = ArticleFactory(is_pinned=True, pinned_until=timezone.now() + timedelta(hours=1))
    assert Article.objects.pinned().filter(pk=article.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert not Article.objects.pinned().filter(pk=article.pk).exists()
        assert not Article.objects.get(pk=article.pk).is_pinned_now
