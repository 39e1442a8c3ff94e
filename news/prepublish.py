"""
Checks an article, a single page or a topic gets before it is published. They warn the
editor and never block: a reviewer decides. The one exception is a 严重 错敏词
(news.wordcheck), which the review rule holds until a reviewer confirms it.
"""

import re
from html.parser import HTMLParser

from . import wordcheck
from .sanitize import html_to_text

QUOTE_PAIRS = [("“", "”"), ("‘", "’"), ("（", "）"), ("《", "》"), ("【", "】"), ("「", "」"), ("『", "』")]
PAIR_NAMES = {
    "“": "双引号",
    "‘": "单引号",
    "（": "括号",
    "《": "书名号",
    "【": "方头括号",
    "「": "直角引号",
    "『": "双直角引号",
}

# Mainland resident ID: 6-digit area, birth date, 3-digit sequence, check digit.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])"
)
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
# Mainland mobile numbers: 11 digits starting 13-19, optionally written 138-1234-5678.
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")


def unbalanced_pairs(text):
    """The quote and bracket pairs that don't pair up in `text`, as (open, close) tuples."""
    problems = []
    for opening, closing in QUOTE_PAIRS:
        depth = 0
        for char in text:
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth < 0:
                    break
        if depth != 0:
            problems.append((opening, closing))
    return problems


def _valid_id_card(number):
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def personal_numbers(text):
    """Strings in `text` that look like a resident ID card or a mobile phone number."""
    found = [m for m in _ID_CARD.findall(text) if _valid_id_card(m)]
    found += _MOBILE.findall(text)
    return found


class _ImageAltCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.missing = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.missing += 1


def images_without_alt(html):
    collector = _ImageAltCollector()
    collector.feed(html or "")
    return collector.missing


def _mask(number):
    digits = number.replace("-", "").replace(" ", "")
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _texts(obj):
    """(heading, label of the main text, main text, its HTML or "") of an article, a single page or a topic."""
    heading = "\n".join([obj.title, getattr(obj, "subtitle", "")])
    if hasattr(obj, "body"):
        return heading, "正文", html_to_text(obj.body), obj.body
    return heading, "简介", getattr(obj, "description", ""), ""  # a topic (topics.Topic)


def prepublish_warnings(obj, *, has_attachments=None):
    """Warnings for `obj` (an article, a single page, a topic), in Chinese, for the editor and the reviewer."""
    warnings = []
    heading, text_label, text, html = _texts(obj)
    for field_label, checked in (("标题", heading), (text_label, text)):
        for opening, closing in unbalanced_pairs(checked):
            warnings.append(
                f"{field_label}中的{PAIR_NAMES[opening]}{opening}{closing}没有成对出现，可能漏掉了一个{opening}或{closing}。"
            )
    missing_alt = images_without_alt(html)
    if missing_alt:
        warnings.append(f"正文中有 {missing_alt} 张图片没有替代文字（alt），读屏软件的用户无法知道图片内容。")
    if hasattr(obj, "attachments") and "附件" in text:
        if has_attachments is None:
            has_attachments = obj.pk is not None and obj.attachments.exists()
        if not has_attachments:
            warnings.append(f"正文提到了“附件”，但这篇{obj._meta.verbose_name}还没有上传附件。")
    numbers = personal_numbers(f"{heading}\n{text}")
    if numbers:
        shown = "、".join(_mask(n) for n in numbers[:5])
        warnings.append(f"文中有疑似身份证号或手机号（{shown}），公开发布前请确认不含个人信息。")
    warnings += wording_warnings(obj, text if html else None)
    return warnings


def wording_warnings(obj, body_text=None):
    """The 错敏词 found in `obj`, and what a serious one not yet confirmed needs."""
    found = wordcheck.findings(obj, body_text=body_text)
    confirmed = wordcheck.confirmed_forms(obj)
    warnings = [
        finding.describe() + ("（已核对）" if finding.is_serious and finding.entry.wrong in confirmed else "")
        for finding in found
    ]
    if wordcheck.unconfirmed_serious(obj, found):
        warnings.append(wordcheck.SERIOUS_HINT)
    return warnings
