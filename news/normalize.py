"""
The site's paragraph convention, applied to what the sanitiser keeps.

Chinese government sites indent every body paragraph by two characters; the public
stylesheet does that (static/css/site.css, `.article-body p`), so a body never carries its
own indent. Editors and the programs they paste from indent by hand instead: Word writes
`text-indent:32pt; mso-char-indent-count:2`, web pages `text-indent:2em`, and many type two
full-width spaces. The sanitiser drops the indent styles (news.sanitize); this module drops
the spaces typed at the start of a block, so that a paragraph is indented once, by the site.

The editor's paste filter and 「一键排版」 (static/admin/portal/ckeditor/portaltypeset/
plugin.js, `normalizeBlocks`) apply the same rule in the browser, so that the editor shows
what will be stored; tests/news/fixtures/normalize_cases.json holds the cases both pass.
"""

import re
from html.parser import HTMLParser

# Where typed spaces are an indent: the start of a paragraph-like block.
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "caption", "figcaption", "blockquote"}
# Content that ends the start of a block although it is not text.
CONTENT_TAGS = {"img", "br", "hr", "table", "figure"}
# Spaces editors type or programs write as an indent: ASCII, no-break, en, em, ideographic.
LEADING_SPACES = " \t\n\r\f\u00a0\u2002\u2003\u3000"
_SPACE_ENTITIES = {"nbsp", "ensp", "emsp"}
# A block's start tag, then only tags, then a space or a character reference: where the
# parser below may have work. Bodies already stored by the rule skip it (it runs on every
# page that shows a body, news.sanitize.safe_html). Attributes are matched as nh3 writes
# them, double-quoted, so a ">" inside a value does not end a tag early.
_TAG = r'</?[a-z][a-z0-9]*(?:\s+[^\s=>/]+(?:="[^"]*")?)*\s*/?>'
_MAY_START_WITH_SPACE = re.compile(
    rf"<(?:{'|'.join(sorted(BLOCKS))})\b(?:\s+[^\s=>/]+(?:=\"[^\"]*\")?)*\s*>(?:{_TAG})*"
    rf"(?:[{LEADING_SPACES}]|&(?:nbsp|ensp|emsp|#))"
)


class _LeadingSpaceRemover(HTMLParser):
    """
    Rewrites sanitised HTML (nh3's output: well formed, quoted, lower-case) token by token,
    keeping every token as written except spaces at the start of a block. A block with
    nothing but spaces (CKEditor's blank line, `<p>&nbsp;</p>`) keeps them.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.at_start = False
        self.removed = []

    def _content(self):
        self.at_start = False
        self.removed = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.at_start, self.removed = True, []
        elif tag in CONTENT_TAGS:
            self._content()
        self.out.append(self.get_starttag_text())

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in BLOCKS and self.at_start:
            self.out.extend(self.removed)  # nothing but spaces: a blank line, kept as it was
            self._content()
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.at_start:
            text = data.lstrip(LEADING_SPACES)
            self.removed.append(data[: len(data) - len(text)])
            if not text:
                return
            self._content()
            data = text
        self.out.append(data)

    def _reference(self, raw, is_space):
        if self.at_start and is_space:
            self.removed.append(raw)
            return
        if self.at_start:
            self._content()
        self.out.append(raw)

    def handle_entityref(self, name):
        self._reference(f"&{name};", name in _SPACE_ENTITIES)

    def handle_charref(self, name):
        try:
            char = chr(int(name[1:], 16) if name[:1] in "xX" else int(name))
        except (ValueError, OverflowError):
            char = ""
        self._reference(f"&#{name};", char != "" and char in LEADING_SPACES)

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


def remove_leading_spaces(value):
    """`value` (sanitised HTML) without the spaces typed at the start of its blocks."""
    if not value or not _MAY_START_WITH_SPACE.search(value):
        return value
    remover = _LeadingSpaceRemover()
    remover.feed(value)
    remover.close()
    return "".join(remover.out) + remover.rawdata
