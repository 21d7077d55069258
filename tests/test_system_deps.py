"""`make run` installs what the service needs; the tests' packages come with `make test`."""

import re
import subprocess

from tests.conftest import ROOT


def packages_installed_by(target: str) -> set[str]:
    """The Debian packages ``make <target>`` would ask scripts/system-deps.sh for."""
    plan = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    packages = set()
    for call in re.findall(r"^\./scripts/system-deps\.sh (\w+)$", plan, re.MULTILINE):
        listed = subprocess.run(
            ["bash", "scripts/system-deps.sh", call, "--list"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        packages |= set(listed.split())
    return packages


def test_make_run_installs_the_fonts_and_gettext_but_no_browser_or_node():
    packages = packages_installed_by("run")
    assert {"fonts-noto-cjk", "libharfbuzz-subset0", "gettext"} <= packages
    assert not packages & {"chromium", "nodejs", "npm", "poppler-utils"}


def test_make_test_installs_everything_the_tests_need_on_a_fresh_machine():
    packages = packages_installed_by("test")
    assert {"fonts-noto-cjk", "gettext", "poppler-utils", "chromium", "nodejs", "npm"} <= packages
