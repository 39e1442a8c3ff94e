"""deploy/stack.sh itself: up twice, up with a port taken, status."""

import socket

import pytest

from tests.stack.running import Stack, stack_environment

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def pids(stack):
    return {name: stack.pid(name) for name in ("nginx", "app1", "app2")}


def test_up_again_is_harmless(stack, demo):
    before = pids(stack)
    assert all(before.values())
    again = stack.script("up")
    assert "app1 is running already" in again.stdout and "nginx is running already" in again.stdout
    assert pids(stack) == before  # nothing restarted, nothing started twice
    status = stack.script("status")
    assert status.stdout.count(" running ") == 3
    assert stack.get("/healthz").status == 200


def test_up_with_the_https_port_taken_says_so_and_starts_nothing(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        blocked = Stack(tmp_path / "stack", stack_environment())
        blocked.https_port = taken
        blocked.env["STACK_HTTPS_PORT"] = str(taken)
        result = blocked.script("up", check=False)
    assert result.returncode != 0
    assert f"port {taken} already in use" in result.stderr
    assert not (tmp_path / "stack" / "run").exists()  # no pid file: nothing was started
    for port in (blocked.http_port, *blocked.app_ports):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))  # still free
    assert blocked.script("status", check=False).returncode == 3
