"""Every module of the project imports: a module no test reaches (a management command, a
script's helper) must not be broken by a move."""

import importlib
import pkgutil

import pytest

PACKAGES = ("wuda_portal", "core", "review", "news", "attachments", "legacy", "demo")
SKIPPED = {"wuda_portal.wsgi", "wuda_portal.asgi"}  # they build the application (tests/portal covers them)


def project_modules():
    for name in PACKAGES:
        package = importlib.import_module(name)
        yield name
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if module.name not in SKIPPED:
                yield module.name


@pytest.mark.parametrize("name", list(project_modules()))
def test_the_module_imports(name):
    importlib.import_module(name)
