"""One app server is killed (SIGKILL) during 30 s of load: clients see no failed request."""

import os
import re
import signal
import subprocess
import time

import pytest

from news.models import Article

pytestmark = [
    pytest.mark.stack,
    pytest.mark.load,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SECONDS = 30
CONNECTIONS = 16

# Pages from the page cache and answers Django builds every time (/healthz), so that
# requests are in flight in the app server when it dies.
ROTATE = """
paths = {PATHS}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def wrk(url, script):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s", "--latency", "-s", script, url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def summary(output):
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "failed": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def rotate_script(tmp_path, paths):
    script = tmp_path / "rotate.lua"
    lua_paths = "{" + ", ".join(f'"{p}"' for p in paths) + "}"
    script.write_text(ROTATE.replace("{PATHS}", lua_paths).replace("%%", "%"))
    return str(script)


def test_killing_one_app_server_under_load_fails_no_request(stack, demo, tmp_path):
    articles = [a.get_absolute_url() for a in Article.objects.published()[:10]]
    categories = {a.category.get_absolute_url() for a in Article.objects.published().select_related("category")}
    script = rotate_script(tmp_path, ["/", "/healthz", "/healthz", *articles, *sorted(categories)])
    victim = stack.pid("app1")
    load = wrk(stack.url + "/", script)
    try:
        time.sleep(8)
        os.killpg(victim, signal.SIGKILL)  # the master and its workers, as the OOM killer might
        output, _ = load.communicate(timeout=SECONDS + 60)

        result = summary(output)
        assert result["requests"] > 1000, output
        assert result["failed"] == 0, output
        status = stack.script("status", check=False)
        assert status.returncode == 3 and re.search(r"app1\s+stopped", status.stdout)
    finally:
        # The stack is the session's: the next tests need app1 back even when this one failed.
        if load.poll() is None:
            load.kill()
            load.wait()
        stack.script("up")  # brings back what is missing

    assert stack.script("status").returncode == 0
    assert stack.pid("app1") != victim
