"""
Guards against what the review of issues 14 and 15 found: an image in a body may come from any path of this site, including addresses
that do something when fetched: /prefs/ (sets every reader's 关怀模式 and font size) and
/attachments/<id>/download/ (counts a download per page view).
"""

import pytest

from news.sanitize import sanitize_html


@pytest.mark.parametrize(
    "src",
    ["/prefs/?care=1&font=large&next=/", "/attachments/1/download/", "/search/?q=x", "/admin/logout/"],
)
def test_images_come_from_media_or_static_files_only(src):
    assert "src=" not in sanitize_html(f'<img src="{src}" alt="">')


@pytest.mark.parametrize("src", ["/media/editor/2026/01/0123456789abcdef0123456789abcdef.jpg", "/static/img/logo.png"])
def test_images_of_the_site_stay(src):
    assert f'src="{src}"' in sanitize_html(f'<img src="{src}" alt="">')
