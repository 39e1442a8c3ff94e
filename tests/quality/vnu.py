"""
The Nu HTML Checker (vnu.jar, installed from npm by `npm ci`), run on Java: every file
given is checked in one JVM start, which costs seconds, so callers pass all at once.
"""

import json
import shutil
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
VNU_JAR = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing():
    """Why the checker cannot run here, or None."""
    if not shutil.which("java"):
        return "needs Java 17 for the HTML checker (apt-get install openjdk-17-jre-headless)"
    if not VNU_JAR.exists():
        return f"needs the HTML checker at {VNU_JAR.relative_to(PROJECT)} (npm ci)"
    return None


def check(paths):
    """{path: [message, ...]} for every error and warning vnu reports; pure notes are kept too."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", "--also-check-svg", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = {Path(p).resolve(): [] for p in paths}
    for message in json.loads(result.stderr)["messages"]:
        url = message.get("url", "")
        path = Path(url.removeprefix("file:")).resolve() if url.startswith("file:") else None
        kind = message["type"] + (f"/{message['subType']}" if message.get("subType") else "")
        where = f"line {message.get('lastLine', '?')}"
        found.setdefault(path, []).append(f"{kind} at {where}: {message['message']} [{message.get('extract', '')!r}]")
    return found
