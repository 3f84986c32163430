"""Which locked packages a machine's chosen labels reach (``pdm_variants.install.lockedrepo``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pdm_variants.install.lockedrepo import reachable_keys

# PDM itself uses importlib.resources.open_binary (deprecated) when its modules load.
pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")


@dataclass
class _Candidate:
    key: str

    def identify(self) -> str:
        return self.key


@dataclass
class _Package:
    candidate: _Candidate
    dependencies: list[str] = field(default_factory=list)


def _packages(graph: dict[str, list[str]]) -> list[_Package]:
    return [_Package(_Candidate(key), deps) for key, deps in graph.items()]


GRAPH = {
    "gpulib": ["shared-dep>=1", "cpu-extra; sys_platform == 'linux'"],
    "shared-dep": [],
    "cpu-extra": [],
    "cuda-runtime": ["cuda-helper"],  # only another label needs it
    "cuda-helper": [],
    "req": ["urllib3[socks]>=2"],
    "urllib3[socks]": ["urllib3==2.0", "pysocks"],
    "urllib3": [],
    "pysocks": [],
}


def test_packages_only_other_labels_need_are_not_reached() -> None:
    reached = reachable_keys(["gpulib"], _packages(GRAPH))  # type: ignore[arg-type]
    assert reached is not None
    assert {"gpulib", "shared-dep", "cpu-extra"} <= reached
    assert not {"cuda-runtime", "cuda-helper", "req"} & reached


def test_extras_reach_the_extra_entry_and_the_base_package() -> None:
    reached = reachable_keys(["req"], _packages(GRAPH))  # type: ignore[arg-type]
    assert reached is not None
    assert {"req", "urllib3[socks]", "urllib3", "pysocks"} <= reached


def test_an_unreadable_line_leaves_nothing_out() -> None:
    assert reachable_keys(["gpulib", "not a requirement ((("], _packages(GRAPH)) is None  # type: ignore[arg-type]
