"""deploy/stack.sh shares gunicorn's 2 x cores + 1 sync workers out between the app servers of one machine."""

import runpy
import subprocess
from pathlib import Path

import pytest

STACK_SH = Path(__file__).resolve().parents[2] / "deploy" / "stack.sh"


def app_workers(cores, app_ports, workers=None):
    # Sourced as deploy/release.sh sources it; nproc stands in for the machine's cores.
    script = f'source "{STACK_SH}"; nproc() {{ echo {cores}; }}; app_ports=({app_ports}); app_workers'
    env = {"PATH": "/usr/bin:/bin"}
    if workers is not None:
        env["GUNICORN_WORKERS"] = workers
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize(
    ("cores", "app_ports", "expected"),
    [
        (2, "8001 8002", "2"),  # this machine: 4 workers in all, not 10
        (8, "8001 8002", "8"),  # 17 shared out: 8 each
        (2, "8001", "5"),  # one app server has the machine to itself
        (1, "8001 8002", "2"),  # never fewer than 2: a slow request must not stop a server
    ],
)
def test_the_machines_workers_are_shared_out_between_its_app_servers(cores, app_ports, expected):
    assert app_workers(cores, app_ports) == expected


def test_gunicorn_workers_from_the_environment_wins():
    assert app_workers(2, "8001 8002", workers="7") == "7"


GUNICORN_CONF = STACK_SH.parent / "gunicorn.conf.py"


def recycling(monkeypatch, max_requests=None):
    if max_requests is None:
        monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_MAX_REQUESTS", max_requests)
    settings = runpy.run_path(str(GUNICORN_CONF))
    return settings["max_requests"], settings["max_requests_jitter"]


def test_workers_are_recycled_rarely_and_never_together(monkeypatch):
    # At 20,000 (+ 2,000) a worker under full load restarted every 27 s, an app server's two
    # in the same second, and the p99 at 64 connections rose by a quarter (benchmarks, "Stop 26").
    max_requests, jitter = recycling(monkeypatch)
    assert max_requests >= 100_000
    # gunicorn draws each worker's limit from max_requests + randint(0, jitter): apart.
    assert jitter >= max_requests // 2


def test_recycling_follows_the_environment_and_can_be_turned_off(monkeypatch):
    assert recycling(monkeypatch, "5000") == (5000, 2500)
    assert recycling(monkeypatch, "0") == (0, 0)
