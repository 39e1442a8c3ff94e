"""
gunicorn's response, sending its header block in the same write as the first body bytes
(deploy/gunicorn.conf.py installs it in every worker).

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
"""

from gunicorn.http import wsgi


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
