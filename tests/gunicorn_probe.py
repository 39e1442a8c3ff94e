"""
A WSGI app for tests/portal/test_gunicorn_response.py: it answers a page of BODY_SIZE bytes
(saying in X-Frozen how many objects its worker has frozen) and logs, to the file $PROBE_LOG, the path and the size of every sendall() its worker makes
on the client's socket for it, one line each.
"""

import gc
import os

BODY_SIZE = 40_000


class _CountingSocket:
    def __init__(self, socket, log, path):
        self.socket, self.log, self.path = socket, log, path

    def sendall(self, data):
        with open(self.log, "a") as log:
            log.write(f"{self.path} {len(data)}\n")
        return self.socket.sendall(data)

    def __getattr__(self, name):  # fileno(), shutdown(): the worker's own socket
        return getattr(self.socket, name)


def app(environ, start_response):
    # start_response is a method of the worker's response object, which writes to .sock.
    response = start_response.__self__
    response.sock = _CountingSocket(response.sock, os.environ["PROBE_LOG"], environ["PATH_INFO"])
    body = b"x" * BODY_SIZE
    # How many objects the worker has frozen out of the collector's way (gunicorn.conf.py's pre_fork).
    frozen = ("X-Frozen", str(gc.get_freeze_count()))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), frozen])
    return [body]
