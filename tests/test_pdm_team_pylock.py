"""Acceptance: a team lock written as PEP 751 ``pylock.toml`` (``lock.format = "pylock"``), real ``pdm`` CLI.

Same project and index as :mod:`test_pdm_team_lock`; here one ``pdm lock`` writes ``pylock.toml``,
every target's file is a ``[[packages.wheels]]`` entry, and forced machines install their own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import tomlkit

from indexserver import IndexServer
from pdmtools import PdmRunner
from test_pdm_team_lock import MACHINES, VARIANTS
from test_pdm_team_lock import team as team  # the fixture

pytestmark = pytest.mark.slow

WHEEL = "teamlib-1.0-py3-none-any.whl"


def test_pylock_team_lock_holds_every_target_and_installs_each(team: PdmRunner, index_server: IndexServer) -> None:
    team.env["PDM_LOCK_FORMAT"] = "pylock"
    team.pdm("lock", env=team.machine("bare", {}))
    assert not (team.project / "pdm.lock").exists()
    data: dict[str, Any] = tomlkit.parse((team.project / "pylock.toml").read_text()).unwrap()

    assert data["tool"]["wheel-variants"]["targets"] == {
        name: {"packages": {"teamlib": label}, **_declared(name)} for name, label in MACHINES.items()
    }
    (teamlib,) = [p for p in data["packages"] if p["name"] == "teamlib"]
    assert sorted(w["url"] for w in teamlib["wheels"]) == sorted(
        f"{index_server.index_url('team/' + label)}/teamlib/{WHEEL}" for label in VARIANTS
    )
    assert {w["name"] for w in teamlib["wheels"]} == {WHEEL}
    assert all(list(w["hashes"]) == ["sha256"] for w in teamlib["wheels"])
    record = teamlib["tool"]["wheel-variants"]
    hashes = {f"sha256:{w['hashes']['sha256']}" for w in teamlib["wheels"]}
    assert sorted(record["variants"]) == sorted(VARIANTS)
    assert {h for body in record["variants"].values() for h in body["files"]} == hashes
    report = json.loads(team.pdm("variants", "show", "--json", env={"WHEEL_VARIANTS_TARGET": "legacy"}).stdout)
    assert report["locked"]["targets"]["legacy"]["matches"] is True
    assert report["locked"]["packages"]["teamlib"]["chosen"] == "cu118"

    # a re-lock on another machine keeps the lock as it is
    lock_bytes = (team.project / "pylock.toml").read_bytes()
    team.pdm("lock", "--update-reuse", env={"WHEEL_VARIANTS_TARGET": "bob"})
    assert (team.project / "pylock.toml").read_bytes() == lock_bytes

    for target in ("alice", "ci"):
        result = team.pdm("install", env={"WHEEL_VARIANTS_TARGET": target})
        assert team.run_python("import teamlib; print(teamlib.BACKEND)") == MACHINES[target]
        assert f"matches target {target}" in result.stderr
    assert (team.project / "pylock.toml").read_bytes() == lock_bytes

    pylock = pytest.importorskip("packaging.pylock")  # a PEP 751 reader accepts the file
    pylock.Pylock.from_dict(data)


def _declared(name: str) -> dict[str, str]:
    return {"ci": {"source": "targets/ci.json"}, "bob": {"platform": "macos_arm64"}}.get(name, {})
