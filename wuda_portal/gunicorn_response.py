"""
gunicorn's response, sending its header block in the same write as the first body bytes,
and the close after it, which does not wait for nginx when nothing of the request is left
to read (deploy/gunicorn.conf.py installs both in every worker).

gunicorn writes the header block and the body with two sendall() calls, and its listening
socket has TCP_NODELAY: nginx may read the header of a response whose body never comes,
when the app server dies in between (killed, or the OOM killer). nginx has then begun
its answer to the client and cannot try the other app server (proxy_next_upstream only
covers failures before a response's header); it closes the client's connection halfway, a
broken page. Written together, a response is in the kernel whole or not at all: the
kernel still delivers what a killed process had written, and a request whose answer had
not begun is repeated on the other app server (GET and HEAD, deploy/nginx.conf).

Responses longer than the socket's send buffer, and later pieces of a streamed body, still
leave in several writes; the portal's pages are one piece of a few dozen kilobytes.

After the response, a sync worker closes the connection as RFC 9112 section 9.6 says: it
sends its FIN, then reads until the client closes too (up to 2 s or 64 KiB), so that request
bytes it never read cannot make the kernel reset the connection and cut off the response's
end. When the whole request has been read there is nothing to protect (nginx sends nothing
after its one request), yet the worker still waited until nginx, busy with its TLS
clients, got round to closing: 29 % of a worker's time under load. Closing at once, a
page-cache hit through the stack at 64 connections serves 6 % more requests per second,
p99 8 % lower (docs/benchmarks.md, "Stop 28"). A connection whose request was not read to
its end (an upload Django refused unread) still waits.
"""

import fcntl
import socket
import ssl
import struct
import termios

from gunicorn.http import wsgi
from gunicorn.http.body import LengthReader


class _Collected:
    """Stands in for the socket while a write is put together: keeps what it is given."""

    def __init__(self):
        self.parts = []

    def sendall(self, data):
        self.parts.append(bytes(data))


class HeaderWithBodyResponse(wsgi.Response):
    """A gunicorn Response whose first write() sends the header block and its bytes at once."""

    def write(self, arg):
        if self.headers_sent:
            return super().write(arg)
        # Everything gunicorn's own write() would send (the header block, then the body
        # framed as it frames it), collected and sent in one call.
        socket, collected = self.sock, _Collected()
        self.sock = collected
        try:
            return super().write(arg)
        finally:
            self.sock = socket
            if collected.parts:
                socket.sendall(b"".join(collected.parts))


def install():
    """Make gunicorn's workers answer with HeaderWithBodyResponse (wsgi.create builds the response)."""
    wsgi.Response = HeaderWithBodyResponse


def close_without_waiting(worker, req, environ, resp):
    """
    gunicorn's post_request hook: when the request was read to its end and nothing more of
    the client's waits in the kernel, shut the socket's reading side, so that the worker's
    close does not wait for the client's FIN (gunicorn.util.close_graceful reads until it
    gets b"", which a shut reading side answers at once). A connection kept alive for the
    next request (a worker class other than sync) is left as it is.
    """
    body = getattr(req, "body", None)
    reader = getattr(body, "reader", None)
    # A body of known length read to its end (a GET's is of length 0); a chunked or failed
    # body, or anything unforeseen, keeps gunicorn's waiting close.
    if resp is None or not isinstance(reader, LengthReader) or reader.length or body.failed:
        return
    try:
        if not resp.should_close():
            return
        client = resp.sock
        if isinstance(client, ssl.SSLSocket):
            return  # gunicorn's own TLS (not used behind nginx): a shut SSLSocket would send in clear
        unread = struct.unpack("i", fcntl.ioctl(client.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
        if unread == 0:
            client.shutdown(socket.SHUT_RD)
    except (OSError, ValueError, AttributeError):
        pass  # closed already, or no socket: gunicorn's close handles it as before
