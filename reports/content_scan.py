"""
The content scan of the compliance self-check (合规自查): links in published bodies to what is
gone (articles, attachments, images and files), attachments whose file is missing, and 错敏词
in published articles, single pages and topics. It reads every published article, so it is not run per request:
`python manage.py site_check` runs it through reports.compliance.run_check and keeps its
result (SiteCheck).
"""

import os
import re
from dataclasses import asdict, dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from attachments.models import Attachment
from news.models import Article, public
from wording import matching

from .wording_scan import scan_other_wording, scan_wording

_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ARTICLE_PATH = re.compile(r"^/articles/(\d+)/?$")
_ATTACHMENT_PATH = re.compile(r"^/attachments/(\d+)/download/?$")


def local_path(url):
    """The path of `url` if it points into this site, else None."""
    parts = urlsplit(url.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc:
        hosts = {h.lower() for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")}
        if parts.netloc.lower().split(":")[0] not in hosts:
            return None
    elif not parts.path.startswith("/"):
        return None
    return unquote(parts.path)


def media_prefix():
    prefix = settings.MEDIA_URL
    return prefix if prefix.startswith("/") else "/" + prefix


def _stored_files(folder):
    """The names of the files under `folder` of the local media storage, or None (another storage)."""
    try:
        root = default_storage.path(folder)
    except NotImplementedError:
        return None
    names = set()
    base = default_storage.path("")
    for directory, _, files in os.walk(root):
        for name in files:
            names.add(os.path.relpath(os.path.join(directory, name), base).replace(os.sep, "/"))
    return names


class FileIndex:
    """Whether stored files exist, with one walk of the local media folder (or a question each elsewhere)."""

    def __init__(self):
        self._local = {}

    def exists(self, name):
        folder = name.split("/", 1)[0] if "/" in name else ""
        if folder not in self._local:
            self._local[folder] = _stored_files(folder) if folder else None
        known = self._local[folder]
        return name in known if known is not None else default_storage.exists(name)


@dataclass(frozen=True)
class BrokenLink:
    article_id: int
    article_title: str
    url: str
    problem: str


def _link_problem(path, articles, attachments, files):
    """What is wrong with a link to `path` of this site (None: nothing, or not something this check knows)."""
    match = _ARTICLE_PATH.match(path)
    if match:
        state = articles.get(int(match.group(1)))
        if state is None:
            return "链接的文章不存在"
        if state == Article.Status.WITHDRAWN:
            return "链接的文章已撤回"
        if state != "public":
            return "链接的文章未发布"
        return None
    match = _ATTACHMENT_PATH.match(path)
    if match:
        attachment = attachments.get(int(match.group(1)))
        if attachment is None:
            return "链接的附件不存在"
        if not files.exists(attachment):
            return "链接的附件文件缺失"
        return None
    prefix = media_prefix()
    if path.startswith(prefix):
        if not files.exists(path[len(prefix) :]):
            return "链接的图片或文件不存在"
    return None


def _article_states():
    """{id: "public" | status} of every article (for the links): one query of two columns."""
    now = timezone.now()
    states = {}
    for pk, status, published_at in Article.objects.values_list("pk", "status", "published_at").iterator(10000):
        public_now = status == Article.Status.PUBLISHED and published_at is not None and published_at <= now
        states[pk] = "public" if public_now else status
    return states


def linking_bodies():
    """(id, title, body) of the public articles whose body may hold a link or an image, named by an index."""
    return Article.objects.filter(public()).may_link().order_by().values_list("pk", "title", "body")


def scan_links(files, attachment_files, *, chunk=2000):
    """Links in public bodies to what is gone (only bodies with a link or an image are read)."""
    broken = []
    articles = None  # read only if a body links to an article
    for pk, title, body in linking_bodies().iterator(chunk_size=chunk):
        for url in _LINK.findall(body):
            path = local_path(url)
            if path is None:
                continue
            if articles is None and _ARTICLE_PATH.match(path):
                articles = _article_states()
            problem = _link_problem(path, articles or {}, attachment_files, files)
            if problem:
                broken.append(asdict(BrokenLink(pk, title, url, problem)))
    return broken


def scan_content():
    """
    Every public article's links and 错敏词, and every attachment's file. Returns (findings
    as a JSON-ready dict, number of articles read).
    """
    files = FileIndex()
    attachment_files = dict(Attachment.objects.values_list("pk", "file"))
    broken = scan_links(files, attachment_files)
    wording, count = scan_wording()
    wording += scan_other_wording(matching.current_matcher())
    missing = [
        {"attachment_id": pk, "article_id": article_id, "title": title or original, "file": name}
        for pk, article_id, title, original, name in Attachment.objects.values_list(
            "pk", "article_id", "title", "original_name", "file"
        ).iterator(10000)
        if not files.exists(name)
    ]
    return {"broken_links": broken, "missing_files": missing, "wording": wording}, count
