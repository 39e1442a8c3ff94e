"""
gunicorn sends a response's header block and its body in one write (wuda_portal.gunicorn_response):
an app server killed between two writes would leave nginx a header it cannot retry elsewhere.
And a worker closes a connection whose request it read to its end without waiting for the
client to close first; one with request bytes left unread still waits.
"""

import os
import socket
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from gunicorn.config import Config
from gunicorn.http.body import Body, ChunkedReader, LengthReader

from tests.gunicorn_probe import BODY_SIZE
from tests.servers import fetch, gunicorn
from wuda_portal.gunicorn_response import HeaderWithBodyResponse, close_without_waiting


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


@pytest.fixture
def connection():
    """(the worker's end, the client's end) of a connection."""
    worker_end, client_end = socket.socketpair()
    yield worker_end, client_end
    worker_end.close()
    client_end.close()


def after_request(worker_end, reader, *, failed=False, closes=True):
    body = Body(reader)
    body.failed = failed
    response = SimpleNamespace(sock=worker_end, should_close=lambda: closes)
    close_without_waiting(None, SimpleNamespace(body=body), {}, response)


def reading_side_is_shut(worker_end):
    """True when a read returns at once with nothing (shut), False when it would wait for the client."""
    worker_end.setblocking(False)
    try:
        return worker_end.recv(1) == b""
    except BlockingIOError:
        return False


def test_a_request_read_to_its_end_does_not_wait_for_the_client(connection):
    worker_end, client_end = connection
    after_request(worker_end, LengthReader(None, 0))
    assert reading_side_is_shut(worker_end)
    # The response still reaches the client, and then the worker's end of it.
    worker_end.sendall(b"page")
    worker_end.shutdown(socket.SHUT_WR)
    assert client_end.recv(10) == b"page" and client_end.recv(10) == b""


@pytest.mark.parametrize(
    "reader, failed",
    [
        (LengthReader(None, 30_000), False),  # a body the application never read
        (LengthReader(None, 0), True),  # reading the body failed halfway
        (ChunkedReader(SimpleNamespace(), None), False),  # where a chunked body ends is unknown
    ],
    ids=["unread-body", "failed-body", "chunked"],
)
def test_a_request_not_read_to_its_end_keeps_the_waiting_close(connection, reader, failed):
    worker_end, _ = connection
    after_request(worker_end, reader, failed=failed)
    assert not reading_side_is_shut(worker_end)


def test_a_connection_kept_alive_for_the_next_request_is_left_open(connection):
    worker_end, _ = connection
    after_request(worker_end, LengthReader(None, 0), closes=False)  # a gthread worker's keep-alive
    assert not reading_side_is_shut(worker_end)


def test_bytes_the_client_sent_beyond_the_request_keep_the_waiting_close(connection):
    worker_end, client_end = connection
    client_end.sendall(b"GET /more/ HTTP/1.0\r\n\r\n")
    after_request(worker_end, LengthReader(None, 0))
    assert worker_end.recv(3) == b"GET"  # still there to be drained, not thrown away


def test_no_response_or_a_closed_socket_changes_nothing(connection):
    worker_end, _ = connection
    close_without_waiting(None, SimpleNamespace(body=Body(LengthReader(None, 0))), {}, None)
    worker_end.close()
    after_request(worker_end, LengthReader(None, 0))  # no error


def raw_exchange(base, request, timeout, pause=0):
    """
    The whole answer to `request` (bytes) on a new connection, read until the server closes,
    after `pause` seconds: a connection reset meanwhile raises ConnectionResetError.
    """
    address = urlsplit(base)
    client = socket.create_connection((address.hostname, address.port), timeout=timeout)
    client.sendall(request)
    time.sleep(pause)
    answer = b""
    while chunk := client.recv(65536):
        answer += chunk
    return client, answer


@pytest.mark.server
def test_a_worker_is_free_for_the_next_request_before_the_client_closes(tmp_path):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | {"PROBE_LOG": str(tmp_path / "log")}
    with gunicorn(env, workers=1, app="tests.gunicorn_probe:app") as base:
        # The first client has its whole answer but keeps its end open, as nginx does until
        # it gets round to closing. gunicorn's waiting close would hold the only worker for
        # 2 s; the next request is answered well within that.
        first, answer = raw_exchange(base, b"GET /first/ HTTP/1.0\r\n\r\n", timeout=10)
        try:
            assert answer.startswith(b"HTTP/1.0 200") and len(answer) > BODY_SIZE
            second, answer = raw_exchange(base, b"GET /second/ HTTP/1.0\r\n\r\n", timeout=1.5)
            second.close()
            assert answer.startswith(b"HTTP/1.0 200") and len(answer) > BODY_SIZE
        finally:
            first.close()


@pytest.mark.server
def test_a_request_whose_body_was_not_read_still_gets_its_whole_answer(tmp_path):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | {"PROBE_LOG": str(tmp_path / "log")}
    # The probe never reads it: a worker closing at once would make its kernel reset the
    # connection, and a client that reads its answer a little later gets a reset.
    body = b"x" * 30_000
    request = b"POST /form/ HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    with gunicorn(env, workers=1, app="tests.gunicorn_probe:app") as base:
        for _ in range(5):
            client, answer = raw_exchange(base, request, timeout=10, pause=0.2)
            client.close()
            assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"x" * 100) and len(answer) > BODY_SIZE
