"""The page cache reads the forwarded scheme exactly as Django does (one parsed value)."""

from io import BytesIO

from django.core.handlers.wsgi import WSGIRequest
from hypothesis import given
from hypothesis import strategies as st

from core.network import forwarded_scheme

HEADER_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["https", "http", "https, http", "http, https", " https ,http", "HTTPS", "https,", ",https", ""]),
    st.text(alphabet="htps, \t", max_size=12),
)


@given(value=HEADER_VALUES, url_scheme=st.sampled_from(["http", "https"]), behind_proxy=st.booleans())
def test_forwarded_scheme_agrees_with_django(value, url_scheme, behind_proxy):
    from django.test import override_settings

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.input": BytesIO(),
        "wsgi.url_scheme": url_scheme,
    }
    if value is not None:
        environ["HTTP_X_FORWARDED_PROTO"] = value
    proxy = ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None
    with override_settings(SECURE_PROXY_SSL_HEADER=proxy):
        assert forwarded_scheme(environ) == WSGIRequest(environ).scheme
