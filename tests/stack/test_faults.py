"""
A stack of its own on a PostgreSQL cluster of its own: the first `up` on an empty database,
the database going away, both app servers going away, and `down`.
"""

import os
import signal
import socket
import time

import pytest

from tests.servers import ThrowawayPostgres
from tests.stack.running import Stack, stack_environment

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def own_postgres():
    cluster = ThrowawayPostgres()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def lone_stack(own_postgres, stack, tmp_path_factory):
    url = own_postgres.url.rsplit("/", 1)[0] + "/wuda_stack"  # a database stack.sh creates
    # Nothing cached: every page asks the database.
    env = stack_environment(
        DATABASE_URL=url,
        PAGE_CACHE_SECONDS=0,
        OBJECT_CACHE_SECONDS=0,
        STATIC_ROOT=stack.static_root,  # the session stack's: same code, collected once
    )
    running = Stack(tmp_path_factory.mktemp("lone-stack"), env)
    try:
        yield running.up()
    finally:
        running.down()


def test_the_first_up_fills_an_empty_database_and_prints_the_address_and_accounts(lone_stack):
    output = lone_stack.output
    assert "created the database wuda_stack" in output
    assert "演示内容已就绪" in output
    assert f"乌达党建 is running: https://127.0.0.1:{lone_stack.https_port}/" in output
    for account in ("admin", "editor", "reviewer"):
        assert any(line.split()[:1] == [account] and "密码 " in line for line in output.splitlines()), account
    page = lone_stack.get("/")
    assert page.status == 200 and "乌达区召开基层党建工作重点任务推进会" in page.text


def test_postgresql_down_behind_nginx_gives_the_styled_503(lone_stack, own_postgres):
    own_postgres.stop()
    try:
        for path in ("/", "/news/dangjian-dongtai/", "/articles/1/"):
            page = lone_stack.get(path)
            assert page.status == 503, path
            assert page.headers["Retry-After"] == "30"
            assert "网站暂时无法访问" in page.text and "版权所有" in page.text
            assert "nginx" not in page.text
    finally:
        own_postgres.start()
    assert lone_stack.get("/").status == 200


def wait_gone(pid):
    for _ in range(300):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"process {pid} still running")


def test_both_app_servers_down_gives_the_styled_502_and_up_brings_them_back(lone_stack):
    for name in ("app1", "app2"):
        pid = lone_stack.pid(name)
        os.kill(pid, signal.SIGTERM)
        wait_gone(pid)
    page = lone_stack.get("/")
    assert page.status == 502
    assert page.body == (lone_stack.error_pages / "502.html").read_bytes()
    assert "网站暂时无法访问" in page.text and "版权所有" in page.text
    assert lone_stack.script("status", check=False).returncode == 3

    lone_stack.script("up")
    assert lone_stack.script("status").returncode == 0
    # nginx leaves a server that failed alone for up to 5 s (max_fails=1 fail_timeout=5s).
    deadline = time.monotonic() + 10
    while (status := lone_stack.get("/").status) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200


def test_down_stops_exactly_what_up_started(lone_stack):
    started = {name: lone_stack.pid(name) for name in ("nginx", "app1", "app2")}
    lone_stack.script("down")
    for pid in started.values():
        wait_gone(pid)
    assert not list((lone_stack.dir / "run").glob("*.pid"))
    for port in (lone_stack.http_port, lone_stack.https_port, *lone_stack.app_ports):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
