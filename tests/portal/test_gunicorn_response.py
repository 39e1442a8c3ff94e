"""
gunicorn sends a response's header block and its body in one write (wuda_portal.gunicorn_response):
an app server killed between two writes would leave nginx a header it cannot retry elsewhere.
"""

import os
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from tests.gunicorn_probe import BODY_SIZE
from tests.servers import fetch, gunicorn
from wuda_portal.gunicorn_response import HeaderWithBodyResponse


class Recorder:
    def __init__(self):
        self.writes = []

    def sendall(self, data):
        self.writes.append(bytes(data))


def respond(method="GET", headers=(("Content-Type", "text/html"), ("Content-Length", "11")), version=(1, 0)):
    socket = Recorder()
    request = SimpleNamespace(version=version, method=method, should_close=lambda: True)
    response = HeaderWithBodyResponse(request, socket, Config())
    response.force_close()
    response.start_response("200 OK", list(headers))
    return response, socket.writes


def test_the_header_block_leaves_with_the_first_body_bytes():
    response, writes = respond()
    response.write(b"hello ")
    response.write(b"world")
    response.close()
    assert len(writes) == 2
    head, _, body = writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK\r\n") and b"Content-Length: 11" in head
    assert body == b"hello "
    assert writes[1] == b"world"


def test_a_chunked_body_is_framed_as_gunicorn_frames_it():
    response, writes = respond(headers=[("Content-Type", "text/html")], version=(1, 1))
    response.write(b"hello")
    response.close()
    head, _, body = writes[0].partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head and body == b"5\r\nhello\r\n"
    assert writes[1:] == [b"0\r\n\r\n"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_response_without_body_bytes_still_sends_its_header_once(method):
    response, writes = respond(method, headers=[("Content-Length", "0")])
    response.write(b"")
    response.close()
    assert len(writes) == 1 and writes[0].endswith(b"Content-Length: 0\r\n\r\n")


@pytest.mark.server
def test_the_workers_of_the_deployed_config_send_header_and_page_in_one_write(tmp_path):
    log = tmp_path / "sendall.log"
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | {"PROBE_LOG": str(log)}
    with gunicorn(env, workers=1, app="tests.gunicorn_probe:app") as base:
        status, headers, body = fetch(base + "/page/")
    assert (status, len(body)) == (200, BODY_SIZE)
    # What the master loaded is frozen before the fork: no worker's collector walks it.
    assert int(headers["X-Frozen"]) > 1000
    sizes = [int(size) for path, size in map(str.split, log.read_text().splitlines()) if path == "/page/"]
    assert len(sizes) == 1 and sizes[0] > BODY_SIZE, sizes
