"""
Reading a page of the old site, as its text dumps have it (see
../shared/legacy/000_96a8498024b22a3f.txt):

    当前位置 :首页 > 首页 > 党建动态
    <blank>
    乌达区打造“红色引擎”                       title, over one line or two
    推动基层社会治理见实效
    <blank>
    来源 : … 作者 : … 创建时间 : 2021-08-23     meta (no-break spaces, ASCII or full-width colons)
    <blank>
    乌达区打造红色引擎                          the title again, sometimes in pieces
    推动基层社会治理见实效
    <paragraphs separated by blank lines, some holding only spaces>
    附件 : <names>                              optional
    友情链接 / 版权所有 … / 地址 … / 技术支持 …   boilerplate, sometimes twice
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

# Colons with any spacing around them, including no-break and ideographic spaces.
COLON = r"\s*[:：]\s*"
BREADCRUMB = re.compile(rf"^\s*当前位置{COLON}(?P<trail>.*)$")
META = re.compile(
    rf"^\s*来源{COLON}(?P<source>.*?)\s*作者{COLON}(?P<author>.*?)\s*(?:创建时间|发布时间|时间|日期){COLON}"
    r"(?P<date>\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})\s*日?"
)
ATTACHMENTS = re.compile(rf"^\s*附件{COLON}(?P<rest>.*)$")
BOILERPLATE = re.compile(r"^\s*(友情链接|版权所有)")
HOME = "首页"


class NotAnArticlePage(ValueError):
    """The file is not a page of the old site; the message says why (in Chinese)."""


@dataclass
class Footer:
    owner: str = ""
    icp_number: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    technical_support: str = ""

    def filled(self):
        return {name: value for name, value in self.__dict__.items() if value}


@dataclass
class LegacyPage:
    category: str
    title: str
    subtitle: str
    source: str
    author: str
    date: date
    paragraphs: list
    attachment_names: list = field(default_factory=list)
    footer: Footer = field(default_factory=Footer)


def decode(data):
    """
    Text of a page saved as UTF-8 (with or without BOM) or GBK/GB18030. A text that decodes
    but does not read as a page of the old site is refused rather than imported garbled.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "当前位置" in text or encoding == "gb18030":
            break
    else:
        raise NotAnArticlePage("无法识别文件的编码（既不是 UTF-8 也不是 GBK/GB18030）。")
    if "当前位置" not in text:
        raise NotAnArticlePage("找不到“当前位置”一行，不是旧站的文章页面（或编码无法识别）。")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blank(line):
    return not line.strip()


def _key(text):
    """Letters and digits only: how a repeated title is recognised without its punctuation."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


def _parse_date(value):
    numbers = [int(n) for n in re.findall(r"\d+", value)]
    try:
        return date(*numbers[:3])
    except (TypeError, ValueError):
        raise NotAnArticlePage(f"日期“{value}”无效。") from None


def _paragraphs(lines):
    """Blocks of text separated by blank (or space-only) lines, each joined into one line."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if _blank(line):
            if current:
                paragraphs.append("".join(part.strip() for part in current))
                current = []
        else:
            current.append(line)
    return paragraphs


def _drop_repeated_title(paragraphs, title, subtitle):
    """The body starts with the title again, whole or in pieces, often without its quotes."""
    target, title_key = _key(title) + _key(subtitle), _key(title)
    consumed, taken = "", 0
    for paragraph in paragraphs:
        candidate = consumed + _key(paragraph)
        if not candidate or not target.startswith(candidate):
            break
        consumed, taken = candidate, taken + 1
    if taken and len(consumed) >= len(title_key):
        return paragraphs[taken:]
    return paragraphs


def parse_footer(text):
    """The footer lines of the old site (版权所有, ICP, 地址, 邮编, 电话, email, 技术支持)."""

    def first(pattern):
        match = re.search(pattern, text, re.IGNORECASE)
        return match.group(1).strip() if match else ""

    icp_numbers = re.findall(r"[\u4e00-\u9fff]ICP[备证]\d+号(?:-\d+)?", text)
    return Footer(
        owner=first(rf"版权所有{COLON}([^\n(（]+)"),
        # The full number with its site suffix (…号-1) where the page shows one.
        icp_number=max(icp_numbers, key=len) if icp_numbers else "",
        address=first(rf"地址{COLON}(.+?)\s*(?=邮编|电话|$)"),
        postcode=first(rf"邮编{COLON}(\d{{6}})"),
        phone=first(rf"电话{COLON}([\d()（）-]+)"),
        email=first(rf"e-?mail{COLON}([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"),
        technical_support=first(r"技术支持[\s:：]*([^\n]+)"),
    )


def parse(text):
    """A LegacyPage from the text of a page; NotAnArticlePage with the reason otherwise."""
    lines = text.split("\n")
    index = next((i for i, line in enumerate(lines) if BREADCRUMB.match(line)), None)
    if index is None:
        raise NotAnArticlePage("找不到“当前位置”一行，不是旧站的文章页面。")
    trail = [part.strip() for part in re.split(r"[>＞]", BREADCRUMB.match(lines[index]).group("trail"))]
    trail = [part for part in trail if part and part != HOME]
    if not trail:
        raise NotAnArticlePage("“当前位置”一行里没有栏目名称。")

    meta_index = next((i for i in range(index + 1, len(lines)) if META.match(lines[i])), None)
    if meta_index is None:
        raise NotAnArticlePage("找不到“来源/作者/时间”一行，不是旧站的文章页面。")
    title_lines = [line.strip() for line in lines[index + 1 : meta_index] if not _blank(line)]
    if not title_lines:
        raise NotAnArticlePage("没有标题。")
    meta = META.match(lines[meta_index])

    body_lines, attachment_names, rest = [], [], []
    position = meta_index + 1
    while position < len(lines):
        line = lines[position]
        if ATTACHMENTS.match(line) or BOILERPLATE.match(line):
            break
        body_lines.append(line)
        position += 1
    if position < len(lines) and ATTACHMENTS.match(lines[position]):
        first_names = ATTACHMENTS.match(lines[position]).group("rest")
        attachment_names += [n.strip() for n in re.split(r"[、；;]|\s{2,}", first_names) if n.strip()]
        position += 1
        while position < len(lines) and not BOILERPLATE.match(lines[position]):
            if not _blank(lines[position]):
                attachment_names.append(lines[position].strip())
            position += 1
    rest = lines[position:]

    title, subtitle = title_lines[0], " ".join(title_lines[1:])
    paragraphs = _drop_repeated_title(_paragraphs(body_lines), title, subtitle)
    return LegacyPage(
        category=trail[-1],
        title=title,
        subtitle=subtitle,
        source=meta.group("source").strip(),
        author=meta.group("author").strip(),
        date=_parse_date(meta.group("date")),
        paragraphs=paragraphs,
        attachment_names=attachment_names,
        footer=parse_footer("\n".join(rest)),
    )
