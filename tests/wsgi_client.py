"""
A small client for the WSGI application itself (wuda_portal.wsgi.application), for what
Django's test client does not reach: the page cache wraps Django from the outside.
"""

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from io import BytesIO
from urllib.parse import urlsplit

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.encoding import iri_to_uri


@dataclass
class Answer:
    status_code: int
    headers: dict
    content: bytes
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    def __getitem__(self, name):
        return self.headers[name.lower()]

    def __contains__(self, name):
        return name.lower() in self.headers


class WSGIClient:
    def __init__(self, application, host="testserver"):
        self.application = application
        self.host = host
        self.cookies = {}

    def get(self, url, method="GET", **extra):
        parts = urlsplit(url)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": parts.path,
            "QUERY_STRING": iri_to_uri(parts.query),  # as a browser sends it: percent-encoded
            "SERVER_NAME": self.host,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": self.host,
            "wsgi.input": BytesIO(),
            "wsgi.errors": BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            **extra,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers

        # As Django's test client does: the test's database connection, inside the test's
        # transaction, must not be closed by the end-of-request signal.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.application(environ, start_response)
            try:
                content = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        headers, cookies = {}, SimpleCookie()
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                cookies.load(value)
            headers[name.lower()] = value
        return Answer(int(started["status"].split()[0]), headers, content, cookies)
