"""TLS at nginx: HTTP only redirects, HSTS, TLS 1.2 and 1.3 only, HTTP/2."""

import http.client
import socket
import ssl

import pytest

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_plain_http_answers_301_to_the_same_path_on_https(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    connection.request("GET", "/search/?q=%E5%85%9A%E5%BB%BA&page=2", headers={"Host": f"127.0.0.1:{stack.http_port}"})
    answer = connection.getresponse()
    assert answer.status == 301
    assert answer.headers["Location"] == f"{stack.url}/search/?q=%E5%85%9A%E5%BB%BA&page=2"


def test_hsts_is_sent_on_pages_and_on_what_nginx_serves_itself(stack, demo):
    for path in ("/", "/static/css/site.css", "/no-such-page/"):
        response = stack.get(path)
        assert response.headers.get_all("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"], path


def handshake(stack, version):
    """The TLS version nginx agrees to when the client offers only `version`, or None."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # Let this client speak old versions, so that a refusal is nginx's, not OpenSSL's default.
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.minimum_version = context.maximum_version = version
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        try:
            with context.wrap_socket(raw) as tls:
                return tls.version()
        except (ssl.SSLError, ConnectionResetError):
            return None


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion:DeprecationWarning")
def test_only_tls_1_2_and_1_3_are_accepted(stack):
    assert handshake(stack, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
    assert handshake(stack, ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    assert handshake(stack, ssl.TLSVersion.TLSv1_1) is None
    assert handshake(stack, ssl.TLSVersion.TLSv1) is None


def test_http2_is_negotiated(stack):
    context = ssl.create_default_context(cafile=str(stack.certificate))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", stack.https_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.selected_alpn_protocol() == "h2"
