"""
The project's own wording of the admin's Chinese (settings.LOCALE_PATHS, locale/zh_Hans):
the committed .mo files say what the .po files say, and the admin reads them.
"""

import json
import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
DJANGO = Path(django.__file__).resolve().parent


def entries(catalogue):
    """{(context, id, plural id): translation(s)} of the translated entries."""
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr_plural and dict(e.msgstr_plural)) or e.msgstr
        for e in catalogue
        if (e.msgstr or any(e.msgstr_plural.values())) and "fuzzy" not in e.flags
    }


def test_there_are_catalogues_for_django_and_its_javascript():
    assert [p.relative_to(LOCALE).as_posix() for p in CATALOGUES] == [
        "zh_Hans/LC_MESSAGES/django.po",
        "zh_Hans/LC_MESSAGES/djangojs.po",
    ]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.name)
def test_the_committed_mo_says_what_the_po_says(po_path):
    # A machine with only python3 has no msgfmt: the .mo files are committed, and
    # `manage.py compile_locale` (polib) writes them. This fails when one was forgotten.
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert entries(mo) == entries(po)
    assert len(entries(po)) == len(po), "every entry is translated and none is fuzzy"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.name)
def test_every_override_replaces_a_message_django_has(po_path):
    # An entry whose id Django no longer uses (after an upgrade) would silently do nothing.
    used = set()
    for source in DJANGO.rglob(f"locale/en/LC_MESSAGES/{po_path.stem}.po"):
        used |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(source))}
    missing = [(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if (e.msgctxt, e.msgid) not in used]
    assert not missing


def translations_of_django():
    """Every message of Django's zh_Hans catalogues the admin shows, as the portal says it."""
    sources = [DJANGO / "conf", DJANGO / "contrib/admin", DJANGO / "contrib/auth"]
    for source in sources:
        catalogue = polib.pofile(str(source / "locale/zh_Hans/LC_MESSAGES/django.po"))
        for entry in catalogue:
            if entry.msgid_plural:
                yield (
                    entry.msgid,
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                    if (entry.msgctxt)
                    else translation.ngettext(entry.msgid, entry.msgid_plural, 2),
                )
            elif entry.msgctxt:
                yield entry.msgid, translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                yield entry.msgid, translation.gettext(entry.msgid)


def test_no_chinese_message_of_the_admin_ends_or_breaks_with_an_english_full_stop():
    english_stop = re.compile(r"[\u4e00-\u9fff”）][.,](\s|$)")
    with translation.override("zh-hans"):
        wrong = [(msgid, text) for msgid, text in translations_of_django() if english_stop.search(text)]
    assert wrong == []


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Select %s to change", "选择要修改的%s"),
        ("Select %s to view", "选择要查看的%s"),
        ("Add %s", "增加%s"),
        ("You may edit it again below.", "可以在下面继续编辑。"),
        ("The {name} “{obj}” was changed successfully.", "已保存对{name}“{obj}”的修改。"),
        (":", "："),
        ("Error:", "错误："),  # the title of a form with errors (Django's zh_Hans lacks it)
    ],
)
def test_the_portal_wording_is_in_effect(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected


def test_every_message_of_the_admin_is_in_chinese():
    # Django's zh_Hans catalogue lags behind its English one: a message it lacks shows in
    # English (「Error: 修改文章」 over a form with errors). The portal's locale fills the gap.
    source = DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po"
    with translation.override("zh-hans"):
        english = [
            e.msgid
            for e in polib.pofile(str(source))
            if (translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)) == e.msgid
            and not e.msgid_plural
        ]
    assert english == []


@pytest.mark.django_db
def test_a_form_with_errors_is_titled_in_chinese(editor_client):
    from tests.factories import article_form_data

    response = editor_client.post(reverse("admin:news_article_add"), article_form_data(title=""))
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title.startswith("错误：") and "Error" not in title


@pytest.mark.django_db
def test_the_article_list_reads_naturally(reviewer_client):
    html = reviewer_client.get(reverse("admin:news_article_changelist")).content.decode()
    assert "<h1>选择要修改的文章</h1>" in html
    assert "选择 文章 来修改" not in html


@pytest.mark.django_db
def test_the_message_after_save_and_continue_has_chinese_full_stops(editor_client):
    from tests.factories import article_form_data

    response = editor_client.post(
        reverse("admin:news_article_add"), article_form_data(title="新文章", _continue="1"), follow=True
    )
    messages = [re.sub(r"<[^>]+>", "", str(m)) for m in response.context["messages"]]
    # (The space between the two sentences is Django's: it joins them in code.)
    assert "已添加文章“新文章”。 可以在下面继续编辑。" in messages


@pytest.mark.django_db
def test_the_calendar_weekdays_are_chinese(editor_client):
    # The admin's calendar reads Django's JavaScript catalogue (jsi18n).
    script = editor_client.get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    initials = [catalogue[f"one letter {day}\x04{day[0]}"] for day in days]
    assert initials == ["日", "一", "二", "三", "四", "五", "六"]
    assert '"FIRST_DAY_OF_WEEK": 1' in script  # Monday first: 一 … 日
