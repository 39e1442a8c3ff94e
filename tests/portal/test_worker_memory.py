"""
What every app server worker carries: libraries that only a rare admin action needs are
imported by that action, not by the application (pypinyin's dictionaries alone are some
40 MB per worker; bench/run.py reports the workers' RSS against its 80 MB target).
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
ONLY_WHEN_USED = ["pypinyin", "openpyxl", "segno"]


def test_the_application_loads_no_library_only_a_rare_action_needs():
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "tests.settings"}
    script = (
        "import sys, json\n"
        "from wuda_portal.wsgi import application\n"  # loads every app, URLs and warms up, as gunicorn does
        f"print(json.dumps([m for m in {ONLY_WHEN_USED!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
