"""import_legacy: the old site's page and variants of it."""

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import SiteProfile
from demo import samples
from legacy.parser import NotAnArticlePage, decode, parse
from news.models import Article, Category
from tests.conftest import LEGACY_DIR

SAMPLE = LEGACY_DIR / "000_96a8498024b22a3f.txt"
NBSP = "\u00a0"


@pytest.fixture
def sample_text():
    return SAMPLE.read_text(encoding="utf-8")


def run(*args):
    out = io.StringIO()
    try:
        call_command("import_legacy", *map(str, args), stdout=out)
    except CommandError as failure:
        return out.getvalue(), failure
    return out.getvalue(), None


def variant(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


PAGE = """当前位置{nb}:首页 > 首页 > {category}

{title_lines}

来源{nb}:{nb}{source}{nb}作者{nb}:{nb}{author}{nb}创建时间{nb}:{nb}{date}

{title_repeat}

{nb}{nb}

{body}

附件{nb}:{nb}{attachments}



友情链接

版权所有{nb}:{nb}中共乌达区委组织部(蒙ICP备16000679号)地址{nb}:{nb}内蒙古乌海市乌达区行政中心

邮编{nb}:{nb}016040电话{nb}:{nb}0473-3666882email{nb}:{nb}wdqwzzb2007@163.com

蒙ICP备16000679号-1{nb}{nb}技术支持:{nb}:{nb}鄂尔多斯市海瑞科技有限责任公司
"""


def page(**fields):
    values = {
        "nb": NBSP,
        "category": "通知公告",
        "title_lines": "关于开展优秀共产党员评选的通知",
        "source": "乌达区委组织部",
        "author": "组工宣",
        "date": "2024-06-03",
        "title_repeat": "关于开展优秀共产党员评选的通知",
        "body": "各镇、街道党（工）委：\n\n现将有关事项通知如下。\n\n请于6月20日前报送材料。",
        "attachments": "",
    }
    values.update(fields)
    return PAGE.format(**values)


# --- The old site's own page --------------------------------------------------------------


@pytest.mark.legacy_sample
@pytest.mark.django_db
def test_the_old_page_imports_as_it_should():
    out, failure = run(SAMPLE)
    assert failure is None, out
    article = Article.objects.get()
    assert article.category.name == "党建动态"
    assert article.category.slug == "dangjian-dongtai"
    assert article.title == "乌达区打造“红色引擎”"
    assert article.subtitle == "推动基层社会治理见实效"
    assert article.published_at.isoformat() == "2021-08-22T16:00:00+00:00"  # 2021-08-23 00:00 in Shanghai
    assert article.source == "" and article.author == ""
    assert article.status == Article.Status.DRAFT
    text = article.body_text
    assert text.startswith("乌达区牢固树立")
    assert "一镇七办" in text
    for boilerplate in ("版权所有", "友情链接", "ICP", "技术支持", "邮编"):
        assert boilerplate not in article.body
    assert article.body.count("<p>") == 4
    assert "双引号“”没有成对出现" in out  # the lost opening quotes are reported
    assert "新建 1，更新 0，未变 0，失败 0" in out


@pytest.mark.legacy_sample
@pytest.mark.django_db
def test_importing_twice_leaves_one_article_and_a_changed_copy_updates_it(tmp_path, sample_text):
    run(SAMPLE)
    out, _ = run(SAMPLE)
    assert Article.objects.count() == 1
    assert "新建 0，更新 0，未变 1" in out
    changed = variant(tmp_path, "changed.txt", sample_text.replace("一镇七办", "一镇七个街道办事处"))
    out, _ = run(changed)
    assert Article.objects.count() == 1
    assert "更新 1" in out
    assert "一镇七个街道办事处" in Article.objects.get().body


@pytest.mark.legacy_sample
@pytest.mark.django_db
def test_an_update_keeps_what_reviewers_set(tmp_path, sample_text):
    run(SAMPLE)
    Article.objects.update(status=Article.Status.PUBLISHED, is_pinned=True)
    run(variant(tmp_path, "changed.txt", sample_text.replace("一镇七办", "一镇七街")))
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and article.is_pinned


@pytest.mark.legacy_sample
@pytest.mark.django_db
def test_footer_fills_the_site_profile():
    SiteProfile.objects.update(phone="", technical_support="")
    run(SAMPLE, "--footer")
    profile = SiteProfile.load()
    assert profile.owner == "中共乌达区委组织部"
    assert profile.icp_number == "蒙ICP备16000679号-1"
    assert profile.address == "内蒙古乌海市乌达区行政中心"
    assert (profile.postcode, profile.phone, profile.email) == ("016040", "0473-3666882", "wdqwzzb2007@163.com")
    assert profile.technical_support == "鄂尔多斯市海瑞科技有限责任公司"


@pytest.mark.legacy_sample
@pytest.mark.django_db
def test_dry_run_changes_nothing():
    out, _ = run(SAMPLE, "--dry-run")
    assert "新建 1" in out and "试运行" in out
    assert not Article.objects.exists() and not Category.objects.filter(name="党建动态").exists()


@pytest.mark.legacy_sample
@pytest.mark.django_db
def test_status_published():
    run(SAMPLE, "--status", "published")
    assert Article.objects.published().count() == 1


# --- Variants ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_filled_source_and_author(tmp_path):
    run(variant(tmp_path, "a.txt", page()))
    article = Article.objects.get()
    assert (article.source, article.author) == ("乌达区委组织部", "组工宣")
    assert article.subtitle == ""
    assert article.body_text.startswith("各镇、街道党（工）委：")


@pytest.mark.django_db
def test_one_line_title_repeated_in_pieces_is_dropped(tmp_path):
    run(variant(tmp_path, "a.txt", page(title_repeat="关于开展优秀\n\n共产党员评选的通知")))
    assert Article.objects.get().body_text.startswith("各镇、街道党（工）委：")


@pytest.mark.django_db
def test_full_width_colons(tmp_path):
    text = page().replace(f"{NBSP}:{NBSP}", "：").replace(f"{NBSP}:", "：").replace(":", "：")
    assert ":" not in text
    out, failure = run(variant(tmp_path, "a.txt", text))
    assert failure is None, out
    article = Article.objects.get()
    assert (article.category.name, article.source, article.author) == ("通知公告", "乌达区委组织部", "组工宣")


@pytest.mark.django_db
def test_crlf_line_endings(tmp_path):
    run(variant(tmp_path, "a.txt", page().replace("\n", "\r\n")))
    article = Article.objects.get()
    assert article.body.count("<p>") == 3 and "\r" not in article.body


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_and_bom_files(tmp_path, encoding):
    text = page() if encoding.startswith("utf") else page().replace(NBSP, " ")  # GBK has no no-break space
    run(variant(tmp_path, "a.txt", text, encoding=encoding))
    article = Article.objects.get()
    assert article.title == "关于开展优秀共产党员评选的通知"
    assert article.category.name == "通知公告"


def test_garbled_text_is_refused_not_imported():
    garbled = page().encode("utf-8").decode("latin-1").encode("utf-8")  # UTF-8 read as Latin-1, saved again
    with pytest.raises(NotAnArticlePage):
        decode(garbled)
    with pytest.raises(NotAnArticlePage):
        decode(b"\xff\xfe\x00\x00binary\x00")


@pytest.mark.django_db
def test_attachments_line_with_an_attachments_dir(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "评选推荐表.docx").write_bytes(samples.docx())
    (files / "汇总表.xlsx").write_bytes(samples.xlsx())
    (files / "伪装.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    text = page(attachments="评选推荐表.docx\n汇总表.xlsx\n伪装.pdf\n不存在.pdf")
    path = variant(tmp_path, "a.txt", text)
    out, failure = run(path, "--attachments-dir", files)
    assert failure is None, out
    article = Article.objects.get()
    assert sorted(article.attachments.values_list("original_name", flat=True)) == ["汇总表.xlsx", "评选推荐表.docx"]
    assert "附件“伪装.pdf”未导入" in out and "内容与扩展名" in out
    assert "缺少附件文件：不存在.pdf" in out
    run(path, "--attachments-dir", files)
    assert article.attachments.count() == 2  # not attached twice


@pytest.mark.django_db
def test_an_attachment_name_longer_than_the_display_name_column_is_shortened(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    name = "2024-work-plan-of-the-party-branches-" * 6 + ".pdf"  # 226 characters, 226 bytes
    (files / name).write_bytes(samples.pdf())
    path = variant(tmp_path, "a.txt", page(attachments=name))
    out, failure = run(path, "--attachments-dir", files)
    assert failure is None, out
    attachment = Article.objects.get().attachments.get()
    assert attachment.original_name == name
    assert len(attachment.title) == 200 and attachment.title.endswith("….pdf")
    run(path, "--attachments-dir", files)
    assert Article.objects.get().attachments.count() == 1  # not attached twice


@pytest.mark.django_db
def test_without_an_attachments_dir_the_names_are_reported_missing(tmp_path):
    out, _ = run(variant(tmp_path, "a.txt", page(attachments="评选推荐表.docx")))
    assert "缺少附件文件：评选推荐表.docx" in out
    assert not Article.objects.get().attachments.exists()


@pytest.mark.django_db
def test_a_page_without_footer(tmp_path):
    text = page().split("友情链接")[0]
    out, failure = run(variant(tmp_path, "a.txt", text))
    assert failure is None, out
    assert Article.objects.get().body_text.endswith("请于6月20日前报送材料。")


@pytest.mark.django_db
def test_a_file_that_is_not_an_article_page_fails_and_the_others_still_import(tmp_path):
    folder = tmp_path / "dump"
    (folder / "sub").mkdir(parents=True)
    variant(folder, "1.txt", page(title_lines="第一篇文章的标题", title_repeat=""))
    variant(folder, "2.txt", "这只是一个普通的文本文件。\n没有当前位置，也没有来源。")
    variant(folder / "sub", "3.txt", page(title_lines="第三篇文章的标题", title_repeat="", date="2023-01-05"))
    variant(folder, "4.txt", "当前位置 : 首页 > 通知公告\n\n只有标题\n\n没有来源作者时间\n")
    out, failure = run(folder)
    assert failure is not None  # exit status 1
    assert "2.txt：找不到“当前位置”一行" in out
    assert "4.txt：找不到“来源/作者/时间”一行" in out
    assert set(Article.objects.values_list("title", flat=True)) == {"第一篇文章的标题", "第三篇文章的标题"}
    assert "新建 2，更新 0，未变 0，失败 2" in out


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_a_page_dated_in_a_year_no_article_may_have_is_refused(tmp_path, dry_run):
    # Year 1 would be stored as 1 BC, and no page listing the article could read it back.
    refused = variant(tmp_path, "a.txt", page(date="0001-01-01"))
    fine = variant(tmp_path, "b.txt", page(title_lines="补录的旧文章", title_repeat="", date="1998-07-01"))
    out, failure = run(refused, fine, *(["--dry-run"] if dry_run else []))
    assert failure is not None  # exit status 1
    assert "a.txt：日期“0001-01-01”：年份 1 有误，请填写 1949 年至 2099 年之间的时间。已拒绝导入这一页。" in out
    assert "新建 1，更新 0，未变 0，失败 1" in out
    if not dry_run:
        assert list(Article.objects.values_list("title", flat=True)) == ["补录的旧文章"]


@pytest.mark.django_db
def test_imported_bodies_go_through_the_sanitiser(tmp_path):
    run(variant(tmp_path, "a.txt", page(body="<script>alert(1)</script>正文\n\n<img src=x onerror=alert(1)>")))
    body = Article.objects.get().body
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;" in body  # shown as the text it was


def test_parser_reads_a_two_line_title_and_the_date():
    parsed = parse(page(title_lines="乌达区打造“红色引擎”\n推动基层社会治理见实效", date="2021-8-3"))
    assert (parsed.title, parsed.subtitle) == ("乌达区打造“红色引擎”", "推动基层社会治理见实效")
    assert parsed.date.isoformat() == "2021-08-03"


def test_a_new_category_gets_a_pinyin_slug(db):
    from legacy.importer import category_slug

    assert category_slug("党建动态") == "dangjian-dongtai"
    assert category_slug("通知公告（2021）") == "tongzhi-gonggao-2021"
    Category.objects.create(name="x", slug="dangjian-dongtai")
    assert category_slug("党建动态") == "dangjian-dongtai-2"


def test_a_progress_bar_on_a_terminal_and_plain_lines_otherwise(tmp_path):
    """Run the command as ops would: once on a terminal (a pty), once into a pipe."""
    project = Path(__file__).resolve().parents[2]
    folder = tmp_path / "dump"
    folder.mkdir()
    for i in range(3):
        variant(folder, f"{i}.txt", page(title_lines=f"第{i}篇文章的标题", title_repeat=""))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=project, env=env, check=True, timeout=120)

    piped = subprocess.run(
        [*manage, "import_legacy", str(folder)], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.count("[新建]") == 3 and "%|" not in piped.stdout + piped.stderr

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    process = subprocess.Popen(
        [*manage, "import_legacy", str(folder), "--dry-run"],
        cwd=project,
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=120) == 0
    text = output.decode("utf-8", "replace")
    assert "100%|" in text and "3/3" in text
    assert "未变 3" in text


@pytest.fixture
def secret_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.pdf"
    secret.write_bytes(samples.pdf("SECRET"))
    return secret


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_a_symlink_out_of_the_attachments_dir_is_refused_as_a_failure(tmp_path, secret_outside, media_root, dry_run):
    files = tmp_path / "files"
    files.mkdir()
    (files / "通知.pdf").symlink_to(secret_outside)
    (files / "表格.xlsx").write_bytes(samples.xlsx())
    refused = variant(tmp_path, "a.txt", page(attachments="表格.xlsx\n通知.pdf"))
    fine = variant(tmp_path, "b.txt", page(title_lines="另一篇文章", title_repeat="", attachments="表格.xlsx"))
    out, failure = run(refused, fine, "--attachments-dir", files, *(["--dry-run"] if dry_run else []))
    stored = [p.read_bytes() for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    assert not any(b"SECRET" in data for data in stored)  # the file outside was not attached
    assert failure is not None  # exit status 1
    assert "a.txt：附件“通知.pdf”指向附件目录之外" in out
    assert "新建 1，更新 0，未变 0，失败 1" in out
    if not dry_run:
        assert list(Article.objects.values_list("title", flat=True)) == ["另一篇文章"]  # the other page imports


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../secret.pdf", "/etc/hostname", "sub/../../secret.pdf"])
def test_a_name_that_leads_out_of_the_attachments_dir_is_refused(tmp_path, secret_outside, name):
    files = tmp_path / "files"
    (files / "sub").mkdir(parents=True)
    (tmp_path / "secret.pdf").write_bytes(samples.pdf("SECRET"))
    out, failure = run(variant(tmp_path, "a.txt", page(attachments=name)), "--attachments-dir", files)
    assert failure is not None
    assert "指向附件目录之外" in out and "失败 1" in out
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_symlink_within_the_attachments_dir_is_followed(tmp_path):
    files = tmp_path / "files"
    (files / "2024").mkdir(parents=True)
    (files / "2024" / "表格.xlsx").write_bytes(samples.xlsx())
    (files / "汇总表.xlsx").symlink_to(files / "2024" / "表格.xlsx")
    out, failure = run(variant(tmp_path, "a.txt", page(attachments="汇总表.xlsx")), "--attachments-dir", files)
    assert failure is None, out
    assert Article.objects.get().attachments.get().original_name == "汇总表.xlsx"


@pytest.mark.django_db
def test_an_imported_page_keeps_its_date_when_a_reviewer_publishes_it(tmp_path):
    import time_machine
    from django.utils import timezone

    from review import rules as workflow
    from tests.factories import UserFactory

    out, failure = run(variant(tmp_path, "old.txt", page(date="2021-08-23")))
    assert failure is None, out
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.is_scheduled  # the date was given
    with time_machine.travel(timezone.now() + timezone.timedelta(days=3), tick=False):
        workflow.set_status(article, Article.Status.PUBLISHED, by=UserFactory(group="审核发布"))
    article.refresh_from_db()
    assert timezone.localtime(article.published_at).isoformat() == "2021-08-23T00:00:00+08:00"


@pytest.mark.django_db
def test_wording_findings_are_in_the_output_and_new_categories_get_their_update_rule(tmp_path):
    out, failure = run(variant(tmp_path, "a.txt", page(body="各镇、街道党（工）委：\n\n请认真布署落实。")))
    assert failure is None, out
    assert "    发布前检查：错敏词（一般）：正文第 16 字起“布署”应为“部署”" in out
    assert Article.objects.get().category.update_rule == "6m"  # 通知公告
