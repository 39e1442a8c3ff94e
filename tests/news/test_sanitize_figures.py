"""
The sanitiser's rules for images (issue 20 §3): it keeps exactly what CKEditor's enhanced
image (image2, as CKEDITOR_CONFIGS sets it up) writes, and nothing else of the kind.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from news.sanitize import ALLOWED_CLASSES, IMAGE_ALIGN_CLASSES, sanitize_html

IMG = '<img alt="会议现场" height="1200" src="/media/editor/2026/11/a.jpg" width="1600">'
CAPTIONED = f'<figure class="image">{IMG}<figcaption>图注：党员志愿者在社区服务</figcaption></figure>'

# What image2 writes, by alignment and caption (the markup of its downcast).
IMAGE2_OUTPUT = {
    "plain": f"<p>{IMG}</p>",
    "captioned": CAPTIONED,
    "captioned, centred": f'<div class="image-style-align-center">{CAPTIONED}</div>',
    "captioned, left": CAPTIONED.replace('class="image"', 'class="image image-style-align-left"'),
    "captioned, right": CAPTIONED.replace('class="image"', 'class="image image-style-align-right"'),
    "centred": f'<p class="image-style-align-center">{IMG}</p>',
    "left": "<p>" + IMG.replace("<img ", '<img class="image-style-align-left" ') + "</p>",
    "right": "<p>" + IMG.replace("<img ", '<img class="image-style-align-right" ') + "</p>",
    "caption with its allowed markup": (
        '<figure class="image">' + IMG + "<figcaption><strong>图注</strong>：<em>2026年</em>摄<br>"
        '<a href="https://www.12371.cn/">来源</a> H<sub>2</sub>O x<sup>2</sup> <u>下划</u> <s>删除</s>'
        "</figcaption></figure>"
    ),
}


@pytest.mark.parametrize("html", IMAGE2_OUTPUT.values(), ids=IMAGE2_OUTPUT.keys())
def test_what_image2_writes_is_kept_as_it_is(html):
    expected = html.replace(
        '<a href="https://www.12371.cn/">', '<a href="https://www.12371.cn/" rel="noopener noreferrer">'
    )
    assert sanitize_html(html) == expected


def test_the_align_classes_are_the_editors():
    # The same three, in the same order (left, centre, right), as the editor is told to write.
    assert list(IMAGE_ALIGN_CLASSES) == settings.CKEDITOR_CONFIGS["default"]["image2_alignClasses"]
    assert settings.CKEDITOR_CONFIGS["default"]["image2_captionedClass"] == "image"
    assert ALLOWED_CLASSES == {
        "figure": {"image", IMAGE_ALIGN_CLASSES[0], IMAGE_ALIGN_CLASSES[2]},
        "img": {IMAGE_ALIGN_CLASSES[0], IMAGE_ALIGN_CLASSES[2]},
        "div": {IMAGE_ALIGN_CLASSES[1]},
        "p": {IMAGE_ALIGN_CLASSES[1], "no-indent"},  # and 首行缩进 off (tests/news/test_normalize.py)
    }


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Other classes, on figures or anywhere else, are dropped (the site's own classes
        # could hide text, place it over the page or look like the site's notices).
        (
            '<figure class="image preview-notice">' + IMG + "</figure>",
            '<figure class="image">' + IMG + "</figure>",
        ),
        ('<figure class="sr-only">' + IMG + "</figure>", "<figure>" + IMG + "</figure>"),
        ('<p class="MsoNormal">正文</p>', "<p>正文</p>"),
        ('<p class="image-style-align-left">正文</p>', "<p>正文</p>"),
        (
            '<div class=" image-style-align-center  image-style-align-center ">x</div>',
            '<div class="image-style-align-center">x</div>',
        ),
        ('<span class="image-style-align-center">字</span>', "<span>字</span>"),
        ('<figcaption class="image">图注</figcaption>', "<figcaption>图注</figcaption>"),
        ('<h2 class="image-style-align-center">标题</h2>', "<h2>标题</h2>"),
        (
            IMG.replace('width="1600">', 'width="1600" class="image-style-align-center image">'),
            IMG,
        ),
        # Attributes image2 does not write.
        (
            '<figure class="image" id="x" data-cke-widget="1" title="t" onclick="alert(1)">' + IMG + "</figure>",
            '<figure class="image">' + IMG + "</figure>",
        ),
        (
            '<figcaption id="c" lang="en" onmouseover="alert(1)">图注</figcaption>',
            "<figcaption>图注</figcaption>",
        ),
        (
            '<img src="/media/a.jpg" srcset="https://evil.example/t.png 2x" loading="lazy" onerror="alert(1)"'
            ' usemap="#m" ismap>',
            '<img src="/media/a.jpg">',
        ),
        # Images from elsewhere go, inside a figure as anywhere (its caption stays as words).
        (
            '<figure class="image"><img src="https://evil.example/t.png" alt="x"><figcaption>图</figcaption></figure>',
            "<p>图</p>",
        ),
        # Styles beyond layout, and scripts, in a figure or its caption.
        (
            '<figure class="image" style="position:fixed;top:0;width:100%">' + IMG + "</figure>",
            '<figure class="image" style="width:100%">' + IMG + "</figure>",
        ),
        (
            '<figure class="image">' + IMG + "<figcaption>图注<script>alert(1)</script><iframe src=x></iframe>"
            "</figcaption></figure>",
            '<figure class="image">' + IMG + "<figcaption>图注</figcaption></figure>",
        ),
    ],
)
def test_what_image2_does_not_write_is_refused(html, expected):
    assert sanitize_html(html) == expected


def test_sanitising_a_figure_twice_changes_nothing():
    for html in IMAGE2_OUTPUT.values():
        once = sanitize_html(html)
        assert sanitize_html(once) == once


PASTED = '<img src="file:///C:/Users/wang/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg" alt="图">'


@pytest.mark.parametrize(
    "html, expected",
    [
        # A caption under nothing: its words stay, as a paragraph, and no empty frame.
        (CAPTIONED.replace(IMG, PASTED), "<p>图注：党员志愿者在社区服务</p>"),
        (
            f'<div class="image-style-align-center">{CAPTIONED.replace(IMG, PASTED)}</div>',
            '<div class="image-style-align-center"><p>图注：党员志愿者在社区服务</p></div>',
        ),
        # Nothing but the image: what held it goes with it.
        (f'<div class="image-style-align-center"><figure class="image">{PASTED}</figure></div>', ""),
        (
            f'<p>会议开始。</p><p class="image-style-align-center">{PASTED}</p><p>会议结束。</p>',
            "<p>会议开始。</p><p>会议结束。</p>",
        ),
        # An editor's spacer paragraphs are not what held it.
        (f"<p>&nbsp;</p><p>\u3000</p><p>{PASTED}</p>", "<p>&nbsp;</p><p>\u3000</p>"),
        # A caption keeps its alignment; one with blocks in it becomes a block; an empty one goes.
        (
            f'<figure class="image">{PASTED}<figcaption style="text-align:center">新华社记者 摄</figcaption></figure>'
            "<p>第一段正文。</p>",
            '<p style="text-align:center">新华社记者 摄</p><p>第一段正文。</p>',
        ),
        (f'<figure class="image">{PASTED}<figcaption><p>图注</p></figcaption></figure>', "<div><p>图注</p></div>"),
        (f'<figure class="image">{PASTED}<figcaption> </figcaption></figure><p>正文</p>', "<p>正文</p>"),
        # What Word writes around a pasted picture, and CKEditor's new lines between blocks.
        (
            f'<p style="text-align:center"><span lang="EN-US">{PASTED}</span></p>\n\n<p>会议结束。</p>',
            "<p>会议结束。</p>",
        ),
        # A figure or an empty paragraph elsewhere is not what held it.
        (
            f"<figure><figcaption>仅有图注</figcaption></figure><p></p><p>{PASTED}</p>",
            "<figure><figcaption>仅有图注</figcaption></figure><p></p>",
        ),
        # A figure whose image stays is left as it is, beside one whose image goes.
        (CAPTIONED + CAPTIONED.replace(IMG, PASTED), CAPTIONED + "<p>图注：党员志愿者在社区服务</p>"),
    ],
    ids=[
        "captioned",
        "captioned-centred",
        "uncaptioned-centred",
        "own-paragraph",
        "spacers",
        "styled-caption",
        "caption-with-blocks",
        "empty-caption",
        "word-paste",
        "other-figures-and-paragraphs",
        "beside-a-kept-one",
    ],  # fmt: skip,
)
def test_what_held_an_image_the_site_cannot_show_does_not_stay_empty(html, expected):
    cleaned = sanitize_html(html)
    assert cleaned == expected
    assert sanitize_html(cleaned) == cleaned  # sanitised again on output: unchanged


# Bodies made of what editors' HTML is made of, with images the site shows and images it drops.
_TEXT = st.sampled_from(["字", "图注", "  ", "\u3000", "&nbsp;", "\n", " 正文 ", PASTED, PASTED, IMG])
_ATTRIBUTES = st.sampled_from(["", ' style="text-align:center"', ' class="image"', ' class="image-style-align-center"'])
_TAGS = st.sampled_from(["p", "div", "figure", "figure", "figcaption", "span", "strong", "h2", "blockquote"])


def _element(children):
    return st.builds(
        lambda tag, attributes, inner: f"<{tag}{attributes}>{''.join(inner)}</{tag}>",
        _TAGS,
        _ATTRIBUTES,
        st.lists(children, max_size=3),
    )


_BODIES = st.lists(st.recursive(_TEXT, _element, max_leaves=12), min_size=1, max_size=4).map("".join)


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open, self.wrong = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("img", "br", "hr"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.wrong.append(tag)


def _visible_text(value):
    return re.sub(r"[\s\u3000]", "", unescape(re.sub(r"<[^>]*>", "", value)))


@hypothesis_settings(max_examples=300, deadline=None)
@given(body=_BODIES)
def test_dropping_images_keeps_bodies_well_formed_stable_and_every_word(body):
    cleaned = sanitize_html(body)
    assert sanitize_html(cleaned) == cleaned
    balance = _Balance()
    balance.feed(cleaned)
    assert not balance.open and not balance.wrong, cleaned
    # The same words as the body whose dropped images were never there.
    assert _visible_text(cleaned) == _visible_text(sanitize_html(body.replace(PASTED, "")))
