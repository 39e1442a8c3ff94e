"""电话 as a tel: link (core.phones): the digits in the link, the text as the editor wrote it."""

import pytest

from core.phones import phone_links


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("0473-3666882", '<a href="tel:04733666882">0473-3666882</a>'),
        ("（0473）3666882 办公室", '<a href="tel:04733666882">（0473）3666882</a> 办公室'),
        ("+86 473 3666882", '<a href="tel:+864733666882">+86 473 3666882</a>'),
        ("０４７３－３６６６８８２", '<a href="tel:04733666882">０４７３－３６６６８８２</a>'),
        (
            "0473-3666882、0473-3666883",
            '<a href="tel:04733666882">0473-3666882</a>、<a href="tel:04733666883">0473-3666883</a>',
        ),
        (
            "0473-3666882 0473-3666883",
            '<a href="tel:04733666882">0473-3666882</a> <a href="tel:04733666883">0473-3666883</a>',
        ),
        # Split at its spaces, "0473" would stay text and the link dial 3666882 alone.
        ("0473 3666882 0473 3666883", "0473 3666882 0473 3666883"),
        ("0473-3666882 转 801", '<a href="tel:04733666882">0473-3666882</a> 转 801'),
        ("举报电话 12380", '举报电话 <a href="tel:12380">12380</a>'),
        ("工作日 8:30—17:30", "工作日 8:30—17:30"),
        ("<b>0473-3666882</b>", '&lt;b&gt;<a href="tel:04733666882">0473-3666882</a>&lt;/b&gt;'),
        ("", ""),
    ],
)
def test_each_number_is_a_tel_link_and_the_rest_stays_text(text, html):
    assert str(phone_links(text)) == html
