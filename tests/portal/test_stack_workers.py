"""deploy/stack.sh shares gunicorn's 2 x cores + 1 sync workers out between the app servers of one machine."""

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
