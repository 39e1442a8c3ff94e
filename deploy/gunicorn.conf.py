"""
gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py wuda_portal.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), e.g. for the benchmark.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers behind nginx, which buffers slow clients: (2 x cores) + 1 for the
# machine (deploy/stack.sh shares them out between the app servers it starts on one).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Load the application once before forking: faster start, memory shared between workers.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak can never grow without bound: days of
# ordinary traffic, a few minutes under full load. A recycled worker's first request opens
# its connections (4 ms to Redis), and a server whose workers all recycle at once has none
# for a moment; at 20,000 (+ up to 2,000) a benchmark's load recycled each worker every
# 27 s, an app server's two in the same second, and the p99 at 64 connections went from
# 41-44 ms to 51-58 ms (docs/benchmarks.md, "Stop 26"). The jitter, half the count, keeps
# one server's workers apart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 200_000))
max_requests_jitter = max_requests // 2
# Logs to stdout/stderr, where systemd's journal (or the container runtime) collects them.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-real-ip}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
# Only nginx on this machine may set X-Forwarded-* headers that gunicorn trusts.
forwarded_allow_ips = "127.0.0.1"
# No control socket (gunicorn 27 opens one in $HOME by default): systemd's signals suffice,
# and several instances on one machine (tests, benchmarks) would fight over its path.
control_socket_disable = True


def pre_fork(server, worker):
    # What the master loaded (preload_app) lives as long as the workers: frozen, the
    # collector never walks it again, in any worker (a full collection of it was a 60 ms
    # pause in the middle of a page, docs/benchmarks.md "Stop 24"), and the pages holding
    # it stay shared between the workers rather than copied on the collector's writes.
    gc.freeze()


def post_fork(server, worker):
    # Each response's header block leaves with its body, in one write: an app server killed
    # between the two would leave nginx a header it cannot retry on the other app server,
    # and the resident a broken page (wuda_portal/gunicorn_response.py).
    from wuda_portal.gunicorn_response import install

    install()


def post_request(worker, req, environ, resp):
    # A request read to its end is closed without waiting for nginx to close first
    # (wuda_portal/gunicorn_response.py).
    from wuda_portal.gunicorn_response import close_without_waiting

    close_without_waiting(worker, req, environ, resp)
