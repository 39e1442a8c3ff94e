"""
The paragraph convention on the server (news.normalize, through news.sanitize): what is
stored whatever the editor's browser did. The same cases run in the editor's JavaScript
(tests/browser/test_paste.py), so both sides keep one rule.
"""

import json
import re
from pathlib import Path

import pytest

from news import normalize, sanitize
from news.models import Article
from news.normalize import remove_leading_spaces
from news.sanitize import sanitize_html
from tests.factories import ArticleFactory

FIXTURES = Path(__file__).parent / "fixtures"
NORMALIZE_CASES = json.loads((FIXTURES / "normalize_cases.json").read_text(encoding="utf-8"))
PASTES = sorted((FIXTURES / "paste").glob("*.html"))
# A block whose text begins with spaces (a blank line, or spaces before a nested block, are not text).
_INLINE = r"(?:</?(?:span|strong|b|em|i|u)(?:\s[^>]*)?>)*"
LEADING_SPACE = re.compile(
    rf"<(?:p|h[1-6]|li|td|th|div)(?:\s[^>]*)?>{_INLINE}(?:\s|&nbsp;|\u3000)+{_INLINE}[^\s<&\u3000]"
)


@pytest.mark.parametrize("case", NORMALIZE_CASES, ids=[case["name"] for case in NORMALIZE_CASES])
def test_the_paragraph_convention(case):
    assert sanitize_html(case["html"]) == case["normalized"]


def test_normalising_twice_changes_nothing():
    for case in NORMALIZE_CASES:
        assert sanitize_html(case["normalized"]) == case["normalized"]


def test_markup_around_the_spaces_is_kept_as_written():
    html = '<p><a href="/x?a=1&amp;b=2" title="a &quot;b&quot;">\u3000链接</a> &lt;正文&gt; &#169;</p>'
    assert (
        remove_leading_spaces(html)
        == '<p><a href="/x?a=1&amp;b=2" title="a &quot;b&quot;">链接</a> &lt;正文&gt; &#169;</p>'
    )


def test_a_character_reference_for_a_space_counts_as_one():
    assert remove_leading_spaces("<p>&#12288;&#x3000;&#160;&ensp;正文</p>") == "<p>正文</p>"
    assert remove_leading_spaces("<p>&#12288;&#x3000;</p>") == "<p>&#12288;&#x3000;</p>"


def test_the_quick_check_never_skips_a_body_with_work(monkeypatch):
    """Bodies the quick check lets through unparsed are exactly those the parser keeps as they are."""
    monkeypatch.setattr(sanitize, "remove_leading_spaces", lambda value: value)
    sources = [case["html"] for case in NORMALIZE_CASES] + [path.read_text(encoding="utf-8") for path in PASTES]
    sources += ['<p><a href="/x" title="a>b">\u3000链接</a></p>', "<ul><li><strong></strong>&#12288;一项</li></ul>"]
    cleaned = [sanitize.sanitize_html(source) for source in sources]
    monkeypatch.undo()
    for body in cleaned:
        assert remove_leading_spaces(body) == normalize._parse(body), body


def test_no_other_class_survives():
    assert sanitize_html('<p class="no-indent MsoNormal">说明</p><h2 class="no-indent">标题</h2>') == (
        '<p class="no-indent">说明</p><h2>标题</h2>'
    )


def test_there_are_enough_paste_fixtures():
    names = [path.stem for path in PASTES]
    assert len(names) >= 12
    for source in ("word_", "wps_", "web_"):
        assert sum(name.startswith(source) for name in names) >= 3, source
    # What each one stores through the editor (tests/browser/test_paste.py).
    expected = json.loads((FIXTURES / "paste" / "expected.json").read_text(encoding="utf-8"))
    assert sorted(expected) == names


@pytest.mark.parametrize("path", PASTES, ids=[path.stem for path in PASTES])
def test_a_paste_posted_as_the_clipboard_held_it_is_stored_clean(path):
    """
    What the server stores when the clipboard's HTML reaches it unchanged (a browser without
    the editor's paste filter, a crafted POST): text kept, the clutter and the indents gone.
    """
    raw = path.read_text(encoding="utf-8")
    stored = sanitize_html(raw)
    for gone in (
        "mso-",
        "class=",
        "<o:p",
        "font-",
        "color",
        "text-indent",
        "justify",
        "<font",
        "<!--",
        "<style",
        "@font-face",
        "仿宋",
        "宋体",
    ):
        assert gone not in stored, (gone, stored)
    assert not LEADING_SPACE.search(stored), stored
    assert sanitize_html(stored) == stored
    # Every Chinese character of what was copied is still there, in order.
    copied = raw.split("<!--StartFragment-->")[1].split("<!--EndFragment-->")[0]
    assert chinese_text(stored) == chinese_text(copied)


def chinese_text(html):
    return "".join(re.findall(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", html)))


@pytest.mark.django_db
def test_a_body_that_reached_the_table_unsaved_is_shown_by_the_rule(client):
    """
    A row written around the model (a bulk import, a manual UPDATE) still shows one indent:
    the body is sanitised, and normalised, again on output.
    """
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    Article.objects.filter(pk=article.pk).update(
        body='<p style="text-indent:32pt;text-align:justify">\u3000\u3000正文。</p><p align="center">题</p>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>正文。</p><p>题</p>" in html
