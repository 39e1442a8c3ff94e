"""
Requests nginx refuses itself get pages in the site's look (deploy/nginx.conf's error_page,
`manage.py render_error_pages`), never nginx's default page; Django's own refusals pass
through as they are; plain HTTP sent to the HTTPS port is sent on to the right address.

Over HTTP/1.1 (as these tests speak): over HTTP/2, nginx answers a header field over 8 KB
(an address or a cookie) by closing the connection, with no page to show.
"""

import http.client
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "method, path, headers, status, heading",
    [
        ("TRACE", "/", {}, 405, "不支持这种访问方式"),
        ("POST", "/static/css/site.css", {}, 405, "不支持这种访问方式"),  # a file takes no form
        ("GET", "/" + "长" * 3000, {}, 414, "网址太长"),  # 27,000 bytes, percent-encoded
        ("GET", "/", {"Cookie": "x=" + "a" * 20_000}, 400, "请求有误"),  # nginx's 494
        ("GET", "/", {"Host": "a b"}, 400, "请求有误"),
    ],
    ids=["trace", "post-to-a-static-file", "address-too-long", "cookie-too-large", "malformed-host"],
)
def test_a_request_nginx_refuses_gets_a_page_in_the_site_s_look(stack, method, path, headers, status, heading):
    response = stack.request(method, quote(path), headers=headers)
    assert response.status == status
    assert response.body == (stack.error_pages / f"{status}.html").read_bytes()
    assert heading in response.text and "版权所有" in response.text
    assert response.headers.get_all("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]


def test_django_s_own_refusals_pass_through_as_django_made_them(stack, demo):
    response = stack.request("POST", "/", body=b"")
    assert response.status == 405 and response.headers["Allow"] == "GET, HEAD"  # nginx's has no Allow
    assert "不支持这种访问方式" in response.text
    assert response.body != (stack.error_pages / "405.html").read_bytes()


def test_plain_http_sent_to_the_https_port_is_redirected_to_https(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.https_port, timeout=10)
    try:
        connection.request("GET", "/search/?q=%E5%85%9A%E5%BB%BA", headers={"Host": f"127.0.0.1:{stack.https_port}"})
        answer = connection.getresponse()
        status, location = answer.status, answer.headers["Location"]
    finally:
        connection.close()
    assert status == 301
    assert location == f"{stack.url}/search/?q=%E5%85%9A%E5%BB%BA"
