import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from news.models import Article
from news.prepublish import personal_numbers, prepublish_warnings, unbalanced_pairs
from tests.factories import ArticleFactory
from tests.factories import article_form_data as form_data

# The old page lost opening quotes: 推进实现一站式服务”“一门式办理”“最多跑一次的服务目标
LEGACY_SENTENCE = "推进实现一站式服务”“一门式办理”“最多跑一次的服务目标建成党群服务中心28个。"


def test_lost_opening_quotes_are_found():
    assert ("“", "”") in unbalanced_pairs(LEGACY_SENTENCE)


def test_balanced_quotes_and_brackets_pass():
    assert unbalanced_pairs("推进“一站式服务”“一门式办理”，镇（街道）党（工）委，《条例》【通知】") == []


def test_a_closing_bracket_before_its_opening_one_is_found():
    assert ("（", "）") in unbalanced_pairs("镇）街道（")


@pytest.mark.parametrize(
    "text",
    [
        "联系人身份证号11010519491231002X。",
        "请拨打13812345678咨询。",
        "手机：139-1234-5678",
    ],
)
def test_personal_numbers_are_found(text):
    assert personal_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        "共召开协调会议93期，解决问题300余件。",
        "电话：0473-3666882",
        "110105194912310021 不是有效校验位",
        "编号202612345678901234567",
    ],
)
def test_ordinary_numbers_are_not(text):
    assert personal_numbers(text) == []


@pytest.mark.django_db
def test_warnings_for_an_article():
    article = ArticleFactory(
        title="乌达区打造红色引擎”",
        body=f'<p>{LEGACY_SENTENCE}</p><p><img src="/media/a.png"></p><p>详见附件。联系电话13812345678。</p>',
    )
    warnings = prepublish_warnings(article)
    assert "标题中的双引号“”没有成对出现，可能漏掉了一个“或”。" in warnings
    assert "正文中的双引号“”没有成对出现，可能漏掉了一个“或”。" in warnings
    assert any("替代文字" in w for w in warnings)
    assert any("附件" in w for w in warnings)
    assert any("138****5678" in w for w in warnings)


@pytest.mark.django_db
def test_no_warnings_for_a_clean_article():
    article = ArticleFactory(
        title="乌达区打造“红色引擎”", body='<p>推进“一站式服务”。</p><p><img src="/a.png" alt="会场"></p>'
    )
    assert prepublish_warnings(article) == []


@pytest.mark.django_db
def test_the_editor_sees_warnings_after_saving_and_the_article_is_saved(editor_client):
    response = editor_client.post(
        reverse("admin:news_article_add"), form_data(title="缺引号”的标题", body="<p>正文</p>"), follow=True
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("发布前检查：") and "成对" in m for m in messages)
    assert Article.objects.filter(title="缺引号”的标题").exists()
