"""The lock files are complete and exact: a fresh ``pip freeze`` of the test venv is the runtime lock plus
the dev lock, the runtime lock is exactly what installing papertalk pulls in (issue 14 item 10: the
runtime lock once left out ``click``, so a production install picked whatever click was newest), and the
embed lock exactly what the extra ``papertalk[embed]`` adds, at the versions the tests ran with."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def pins(lock: str) -> dict[str, str]:
    """``name -> version`` of a lock file's ``name==version`` lines (comments and ``-r`` lines skipped)."""
    found: dict[str, str] = {}
    for number, raw in enumerate((ROOT / lock).read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{lock}:{number}: not an exact pin: {line!r}"
        key = canonicalize_name(name)
        assert key not in found, f"{lock}:{number}: {name} pinned twice"
        found[key] = version.strip()
    return found


def runtime_closure(project: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """Every distribution that installing ``project`` (with ``extras``) pulls in, read from the installed
    metadata."""
    needed: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = [(project, extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        needed.add(canonicalize_name(name))
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            raise AssertionError(f"{name} is required but not installed") from None
        for text in requires:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in extras or {""}]
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                todo.append((requirement.name, frozenset(requirement.extras)))
    return needed - {canonicalize_name(project)}


def test_runtime_lock_pins_exactly_what_papertalk_needs() -> None:
    runtime = set(pins("requirements.lock"))
    closure = runtime_closure("papertalk")
    assert sorted(closure - runtime) == [], "needed at run time but not pinned in requirements.lock"
    assert sorted(runtime - closure) == [], "pinned in requirements.lock but not needed at run time"


def test_embed_lock_pins_exactly_what_the_extra_adds_as_tested() -> None:
    runtime, dev, embed = pins("requirements.lock"), pins("requirements-dev.lock"), pins("requirements-embed.lock")
    added = runtime_closure("papertalk", frozenset({"embed"})) - set(runtime)
    assert sorted(added - embed.keys()) == [], "needed by papertalk[embed] but not pinned in requirements-embed.lock"
    assert sorted(embed.keys() - added) == [], "pinned in requirements-embed.lock but not needed by the extra"
    # the tests run the real model: the dev venv holds the extra, at the very versions the embed lock pins
    assert {n: v for n, v in embed.items() if dev.get(n) != v} == {}, "embed lock and dev lock disagree"


def test_a_fresh_pip_freeze_matches_the_locks() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert sorted(runtime.keys() & dev.keys()) == [], "pinned in both locks"
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {}
    for line in frozen.splitlines():
        name, _, version = line.partition("==")
        installed[canonicalize_name(name)] = version
    locked = runtime | dev
    assert {n: v for n, v in installed.items() if locked.get(n) != v} == {}, "installed but not pinned as installed"
    assert sorted(locked.keys() - installed.keys()) == [], "pinned but not installed"
