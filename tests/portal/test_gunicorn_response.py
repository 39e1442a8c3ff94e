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


def probe_env(log):
    """The environment of a gunicorn serving tests.gunicorn_probe, which logs its writes to `log`."""
    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | {"PROBE_LOG": str(log)}


@pytest.mark.server
def test_the_workers_of_the_deployed_config_send_header_and_page_in_one_write(tmp_path):
    log = tmp_path / "sendall.log"
    with gunicorn(probe_env(log), workers=1, app="tests.gunicorn_probe:app") as base:
        status, headers, body = fetch(base + "/page/")
    assert (status, len(body)) == (200, BODY_SIZE)
    # What the master loaded is frozen before the fork: no worker's collector walks it.
    assert int(headers["X-Frozen"]) > 1000
    sizes = [int(size) for path, size in map(str.split, log.read_text().splitlines()) if path == "/page/"]
    assert len(sizes) == 1 and sizes[0] > BODY_SIZE, sizes


@pytest.fixture
def connection():
    """(the worker's end, the client's end) of a TCP connection on the loopback, as nginx's."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client_end = socket.create_connection(listener.getsockname())
        worker_end, _ = listener.accept()
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
    time.sleep(0.05)  # on the worker's side of the loopback
    after_request(worker_end, LengthReader(None, 0))
    assert worker_end.recv(3) == b"GET"
    # Not shut: what the client sends next is still waited for and drained, not reset.
    worker_end.recv(100)
    assert not reading_side_is_shut(worker_end)


def test_no_response_or_a_closed_socket_changes_nothing(connection):
    worker_end, _ = connection
    close_without_waiting(None, SimpleNamespace(body=Body(LengthReader(None, 0))), {}, None)
    worker_end.close()
    after_request(worker_end, LengthReader(None, 0))  # no error


def read_to_the_end(client):
    answer = b""
    while chunk := client.recv(65536):
        answer += chunk
    return answer


@pytest.mark.server
def test_a_worker_is_free_for_the_next_request_before_the_client_closes(tmp_path):
    with gunicorn(probe_env(tmp_path / "log"), workers=1, app="tests.gunicorn_probe:app") as base:
        address = urlsplit(base).hostname, urlsplit(base).port
        # The first client has its whole answer but keeps its end open, as nginx does until
        # it gets round to closing. gunicorn's waiting close would hold the only worker for
        # 2 s; the next request is answered well within that.
        with socket.create_connection(address, timeout=10) as first:
            first.sendall(b"GET /first/ HTTP/1.0\r\n\r\n")
            answer = read_to_the_end(first)
            assert answer.startswith(b"HTTP/1.0 200") and len(answer) > BODY_SIZE
            asked = time.monotonic()
            with socket.create_connection(address, timeout=10) as second:
                second.sendall(b"GET /second/ HTTP/1.0\r\n\r\n")
                answer = read_to_the_end(second)
            waited = time.monotonic() - asked
        assert answer.startswith(b"HTTP/1.0 200") and len(answer) > BODY_SIZE
        assert waited < 1.5, f"the second request waited {waited:.1f} s for the worker to stop waiting on the first"


@pytest.mark.server
def test_a_request_whose_body_was_not_read_still_gets_its_whole_answer(tmp_path):
    # The probe answers without reading the body. The end of the body arrives after the
    # answer has gone: a worker that stopped reading (or closed) by then would make its
    # kernel reset the connection, and the client, reading slowly through a small buffer,
    # would lose the rest of its answer.
    body = b"x" * 30_000
    head = b"POST /form/ HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % len(body)
    with gunicorn(probe_env(tmp_path / "log"), workers=1, app="tests.gunicorn_probe:app") as base:
        for _ in range(3):
            with socket.socket() as client:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                client.settimeout(10)
                client.connect((urlsplit(base).hostname, urlsplit(base).port))
                client.sendall(head + body[:-1000])
                time.sleep(0.3)
                client.sendall(body[-1000:])
                time.sleep(0.3)
                answer = read_to_the_end(client)
            assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"x" * 100) and len(answer) > BODY_SIZE
