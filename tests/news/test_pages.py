"""Single pages (单页): the model, the public page, where pages show, the admin and the review rule in the form."""

import pytest
import reversion
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from core.models import SiteProfile
from demo import samples
from news.models import Page, pinyin_slug
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, page_form_data

from .test_views import text_of

pytestmark = pytest.mark.django_db

Status = Page.Status
CHANGELIST = reverse("admin:news_page_changelist")
ADD = reverse("admin:news_page_add")


# --- The model ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, slug",
    [("机构职能", "jigouzhineng"), ("联系我们", "lianxiwomen"), ("2026年 办事指南", "2026-nian-banshizhinan")],
)
def test_the_suggested_slug_is_the_titles_pinyin(title, slug):
    assert pinyin_slug(title) == slug


def test_the_body_is_sanitised_on_every_save():
    page = PageFactory(body='<p onclick="x()">职能</p><script>alert(1)</script>')
    page.refresh_from_db()
    assert page.body == "<p>职能</p>"


def test_only_published_pages_are_public():
    for status in Status:
        PageFactory(status=status, slug=f"page-{status}")
    assert list(Page.objects.published().values_list("slug", flat=True)) == ["page-published"]


def test_every_field_has_a_chinese_verbose_name():
    for field in Page._meta.get_fields():
        if hasattr(field, "verbose_name") and not field.auto_created:
            assert not field.verbose_name.isascii(), field.name


# --- The public page ----------------------------------------------------------------------


def test_a_published_page_shows_in_the_site_frame_with_its_breadcrumb(client):
    PageFactory(title="机构职能", slug="jigouzhineng", body="<p>负责全区党的组织建设。</p>")
    response = client.get("/pages/jigouzhineng/")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "当前位置： 首页 机构职能" in text
    assert "负责全区党的组织建设。" in text
    assert "版权所有：中共乌达区委组织部" in text  # the footer: the site frame
    assert "关怀模式" in text and "字号：" in text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.WITHDRAWN])
def test_an_unpublished_page_is_not_found_by_residents_and_previewed_by_staff(editor_client, status):
    PageFactory(title="领导分工", slug="lingdaofengong", status=status)
    assert Client().get("/pages/lingdaofengong/").status_code == 404
    preview = editor_client.get("/pages/lingdaofengong/")
    assert preview.status_code == 200
    assert "预览：这个单页当前状态为" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]


def test_an_address_that_names_no_page_is_a_404(client):
    assert client.get("/pages/no-such-page/").status_code == 404
    assert client.get("/pages/%E6%9C%BA%E6%9E%84/").status_code == 404  # not a slug: no such address


def test_the_print_view(client):
    PageFactory(title="办事指南", slug="banshizhinan", body="<p>党员组织关系转接</p>")
    response = client.get("/pages/banshizhinan/?print=1")
    html = response.content.decode()
    assert response.status_code == 200 and 'class="print-view' in html
    assert "党员组织关系转接" in html and 'name="robots" content="noindex"' in html


def test_a_category_showing_a_page_prints_it_as_the_page_does(client):
    page = PageFactory(title="机构职能", slug="jigouzhineng", body="<p>区委组织部主要职责</p>")
    CategoryFactory(name="机构设置", slug="jigou", shown_page=page)
    html = client.get("/news/jigou/?print=1").content.decode()
    assert 'class="print-view' in html and "区委组织部主要职责" in html
    assert 'class="print-view' not in client.get("/news/jigou/").content.decode()  # kept apart by the page cache


def test_care_mode_and_font_size_apply_to_a_page(client):
    PageFactory(slug="jigouzhineng")
    client.cookies["care_mode"] = "1"
    client.cookies["font_size"] = "large"
    html = client.get("/pages/jigouzhineng/").content.decode()
    assert '<html lang="zh-CN" class="font-large care-mode">' in html


def test_contacts_come_from_the_site_profile_that_the_footer_shows(client):
    PageFactory(title="联系我们", slug="lianxiwomen", body="<p>欢迎来信来电。</p>", show_contacts=True)
    profile = SiteProfile.load()
    profile.address, profile.postcode = "乌达区新华街 1 号", "016041"
    profile.phone, profile.email = "0473-3999999", "lianxi@example.cn"
    profile.save()
    html = Client().get("/pages/lianxiwomen/").content.decode()
    contacts = html[html.index('class="contacts"') : html.index("</section>", html.index('class="contacts"'))]
    for value in ("乌达区新华街 1 号", "016041", "0473-3999999", "lianxi@example.cn"):
        assert value in contacts
        assert html.count(value) >= 2  # the footer shows the same record
    assert '<dt>电话</dt><dd><a href="tel:04733999999">0473-3999999</a></dd>' in contacts  # a phone offers to call
    profile.phone = "0473-3888888"
    profile.save()
    assert "0473-3888888" in Client().get("/pages/lianxiwomen/").content.decode()  # not a copy


# --- Attachments --------------------------------------------------------------------------


def test_a_pages_attachments_are_listed_and_downloaded_while_it_is_published(client):
    page = PageFactory(title="办事指南", slug="banshizhinan")
    attachment = attachment_create(page=page, file=ContentFile(samples.pdf(), name="流动党员登记表.pdf"))
    html = client.get("/pages/banshizhinan/").content.decode()
    assert attachment.get_absolute_url() in html and "流动党员登记表" in html
    assert "流动党员登记表" in client.get("/pages/banshizhinan/?print=1").content.decode()
    assert client.get(attachment.get_absolute_url()).status_code == 200
    page.status = Status.WITHDRAWN
    page.save()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_an_attachment_belongs_to_exactly_one_owner():
    article, page = ArticleFactory(), PageFactory()
    attachment = attachment_create(page=page, file=ContentFile(samples.pdf(), name="a.pdf"))
    for article_id, page_id in ((article.pk, page.pk), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Attachment.objects.filter(pk=attachment.pk).update(article_id=article_id, page_id=page_id)
    with pytest.raises(TypeError):
        attachment_create(article=article, page=page, file=ContentFile(samples.pdf(), name="b.pdf"))


def test_the_attachments_inline_is_on_the_page_form(reviewer_client):
    html = reviewer_client.get(ADD).content.decode()
    assert 'name="attachments-TOTAL_FORMS"' in html


# --- Where a page shows -------------------------------------------------------------------


def nav_of(html):
    start = html.index('<nav class="main-nav"')
    return html[start : html.index("</nav>", start)]


def footer_of(html):
    return html[html.index('class="footer-links"') :]


def test_pages_take_their_place_in_the_navigation_and_the_footer(client):
    CategoryFactory(name="党建动态", order=1)
    CategoryFactory(name="党员教育", order=3)
    PageFactory(title="机构职能", slug="jigouzhineng", show_in_nav=True, nav_order=2)
    PageFactory(title="联系我们", slug="lianxiwomen", show_in_footer=True)
    PageFactory(title="草稿页", slug="caogao", show_in_nav=True, show_in_footer=True, status=Status.DRAFT)
    html = client.get("/").content.decode()
    nav = text_of(nav_of(html))
    assert nav == "首页 党建动态 机构职能 党员教育"
    assert "联系我们" in text_of(footer_of(html)) and "草稿页" not in footer_of(html)
    page = client.get("/pages/jigouzhineng/").content.decode()
    assert '<a href="/pages/jigouzhineng/" aria-current="page">机构职能</a>' in nav_of(page)


def test_a_page_removed_from_the_navigation_keeps_its_address_while_published(client):
    page = PageFactory(title="机构职能", slug="jigouzhineng", show_in_nav=True)
    assert "机构职能" in nav_of(client.get("/").content.decode())
    page.show_in_nav = False
    page.save()
    assert "机构职能" not in nav_of(client.get("/").content.decode())
    assert client.get("/pages/jigouzhineng/").status_code == 200
    page.status = Status.WITHDRAWN
    page.save()
    assert client.get("/pages/jigouzhineng/").status_code == 404


def test_a_page_under_a_category_is_in_its_sub_navigation_and_breadcrumb(client):
    category = CategoryFactory(name="组织工作", slug="zuzhi")
    PageFactory(title="办事指南", slug="banshizhinan", category=category)
    PageFactory(title="党费收缴", slug="dangfei", category=category)
    listing = client.get("/news/zuzhi/").content.decode()
    assert 'aria-label="子栏目"' in listing and "/pages/banshizhinan/" in listing
    html = client.get("/pages/banshizhinan/").content.decode()
    assert "当前位置： 首页 组织工作 办事指南" in text_of(html)
    assert 'aria-current="page">办事指南</a>' in html and "/pages/dangfei/" in html  # the sidebar


def test_a_category_shows_a_page_instead_of_a_list(client):
    page = PageFactory(title="机构职能", slug="jigouzhineng", body="<p>区委组织部主要职责</p>")
    category = CategoryFactory(name="机构设置", slug="jigou", shown_page=page)
    html = client.get("/news/jigou/").content.decode()
    assert "区委组织部主要职责" in html and "这个栏目还没有文章" not in html
    assert "当前位置： 首页 机构设置" in text_of(html)
    assert f'<a href="{category.get_absolute_url()}" aria-current="page">机构设置</a>' in nav_of(html)
    assert client.get("/news/jigou/?page=2").status_code == 404
    page.status = Status.WITHDRAWN
    page.save()
    assert "区委组织部主要职责" not in client.get("/news/jigou/").content.decode()  # its list again


def test_pages_are_in_the_site_map_the_sitemap_and_search(client):
    category = CategoryFactory(name="组织工作")
    PageFactory(title="机构职能", slug="jigouzhineng")
    PageFactory(title="办事指南", slug="banshizhinan", category=category)
    PageFactory(title="未发布的职能", slug="weifabu", status=Status.REVIEW)
    site_map = text_of(client.get("/sitemap/").content.decode())
    assert "机构职能 （单页）" in site_map and "办事指南 （单页）" in site_map and "未发布" not in site_map
    xml = client.get("/sitemap-single-pages.xml").content.decode()
    assert "/pages/jigouzhineng/" in xml and "/pages/banshizhinan/" in xml and "weifabu" not in xml
    assert "sitemap-single-pages.xml" in client.get("/sitemap.xml").content.decode()
    results = client.get("/search/?q=职能").content.decode()
    assert 'class="badge">单页</span><a href="/pages/jigouzhineng/">' in results
    assert "weifabu" not in results


def test_search_finds_a_page_by_its_body_marked_in_a_snippet(client):
    PageFactory(title="办事指南", slug="banshizhinan", body="<p>党员组织关系<b>转接</b>的办理流程。</p>")
    PageFactory(title="未发布的指南", slug="weifabu", body="<p>组织关系转接</p>", status=Status.REVIEW)
    html = client.get("/search/", {"q": "关系转接"}).content.decode()
    assert 'class="badge">单页</span><a href="/pages/banshizhinan/">办事指南</a>' in html
    assert '<p class="snippet">党员组织<mark>关系转接</mark>的办理流程。</p>' in html
    assert "weifabu" not in html


def test_an_edit_shows_on_the_next_request(client):
    page = PageFactory(title="机构职能", slug="jigouzhineng", show_in_nav=True)
    assert "机构职能" in client.get("/pages/jigouzhineng/").content.decode()
    page.title = "主要职能"
    page.save()
    html = client.get("/pages/jigouzhineng/").content.decode()
    assert "<h1" in html and "主要职能" in html and "机构职能" not in html


# --- The admin ----------------------------------------------------------------------------


def test_an_editor_creates_a_draft_with_the_slug_from_the_titles_pinyin(editor_client, editor):
    response = editor_client.post(ADD, page_form_data(title="联系我们", slug=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = Page.objects.get(title="联系我们")
    assert (page.slug, page.status, page.created_by) == ("lianxiwomen", Status.DRAFT, editor)


def test_a_slug_that_exists_is_a_chinese_error_on_the_form(reviewer_client):
    PageFactory(title="机构职能", slug="jigouzhineng")
    response = reviewer_client.post(ADD, page_form_data(title="另一个", slug="jigouzhineng"))
    assert response.status_code == 200
    assert "已有单页使用这个网址名，请换一个。" in response.content.decode()
    suggested = reviewer_client.post(ADD, page_form_data(title="机构职能", slug=""))
    html = suggested.content.decode()
    assert "已有单页使用这个网址名，请换一个。" in html and "按标题生成的网址名是 jigouzhineng。" in html
    assert Page.objects.count() == 1


def test_a_slug_that_is_not_ascii_is_refused(reviewer_client):
    response = reviewer_client.post(ADD, page_form_data(title="机构职能", slug="机构职能"))
    assert response.status_code == 200 and Page.objects.count() == 0
    assert "errorlist" in response.content.decode()


def test_a_title_with_no_pinyin_needs_a_slug(reviewer_client):
    response = reviewer_client.post(ADD, page_form_data(title="……", slug=""))
    assert "无法从标题生成网址名，请填写网址名。" in response.content.decode()


def test_the_form_offers_an_editor_only_draft_and_review(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert 'value="draft"' in html and 'value="review"' in html
    assert 'value="published"' not in html and 'value="withdrawn"' not in html


@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_a_crafted_post_cannot_publish(editor_client, status):
    editor_client.post(ADD, page_form_data(title="偷偷发布", slug="toutou", status=status))
    assert not Page.objects.filter(status=status).exists()


def test_a_reviewer_publishes_in_the_form_and_the_page_goes_public(reviewer_client):
    response = reviewer_client.post(ADD, page_form_data(title="办事指南", slug="", status="published"))
    assert response.status_code == 302
    assert Client().get("/pages/banshizhinan/").status_code == 200


def test_the_actions_follow_the_rule(editor, reviewer):
    editor_client, reviewer_client = Client(), Client()
    editor_client.force_login(editor)
    reviewer_client.force_login(reviewer)
    draft = PageFactory(status=Status.DRAFT)
    editor_client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [draft.pk]})
    editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    reviewer_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    history = Version.objects.get_for_object(draft)
    assert [v.revision.comment for v in history][:2] == ["发布", "提交审核"]


@pytest.mark.parametrize("user_fixture", ["editor_client", "reviewer_client"])
def test_every_admin_page_renders_for_both_groups(request, user_fixture):
    client = request.getfixturevalue(user_fixture)
    page = PageFactory(status=Status.DRAFT)
    with reversion.create_revision():
        page.save()
    for url in (
        CHANGELIST,
        ADD,
        reverse("admin:news_page_change", args=[page.pk]),
        reverse("admin:news_page_history", args=[page.pk]),
        f"{CHANGELIST}?q=单页",
    ):
        assert client.get(url).status_code == 200, url


def test_a_category_can_be_set_to_show_a_page_in_its_admin(reviewer, client):
    from django.contrib.auth.models import Permission

    reviewer.user_permissions.add(Permission.objects.get(codename="change_category"))
    client.force_login(reviewer)
    page = PageFactory(title="机构职能")
    category = CategoryFactory(name="机构设置", slug="jigou")
    response = client.post(
        reverse("admin:news_category_change", args=[category.pk]),
        {
            "name": "机构设置",
            "slug": "jigou",
            "parent": "",
            "order": "0",
            "show_in_nav": "on",
            "update_rule": "none",
            "shown_page": page.pk,
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.shown_page == page


def test_an_editor_reads_a_published_page_as_residents_will_see_it_not_as_html_source(editor_client):
    # As a published article's 查看 page does: the body rendered (not its HTML as text) and
    # the reason it cannot be edited at the top.
    page = PageFactory(body="<h2>主要职责</h2><table><tr><th>科室</th></tr></table>")
    html_page = editor_client.get(reverse("admin:news_page_change", args=[page.pk])).content.decode()
    assert "查看单页" in html_page
    assert "已发布的单页只能由审核发布人员修改。" in html_page
    assert "&lt;h2&gt;" not in html_page.split('srcdoc="')[0]  # no source before the rendered body
    assert 'class="article-body-view"' in html_page and 'sandbox="allow-same-origin"' in html_page
    assert "&lt;h2&gt;主要职责&lt;/h2&gt;" in html_page  # inside srcdoc: escaped once, as an attribute
    assert f'href="{page.get_absolute_url()}"' in html_page


def test_the_search_count_counts_the_single_pages_it_lists(client):
    # 「找到 0 篇包含“工作时间”的文章。」 above the single pages that hold it read as "nothing found".
    PageFactory(title="联系我们", slug="lianxiwomen", body="<p>工作时间：周一至周五。</p>")
    html = client.get("/search/", {"q": "工作时间"}).content.decode()
    assert "找到 1 个单页包含“工作时间”，没有包含它的文章。" in html
    ArticleFactory(title="调整工作时间的通知")
    html = client.get("/search/", {"q": "工作时间"}).content.decode()
    assert "找到 1 个单页和 1 篇文章包含“工作时间”。" in html
