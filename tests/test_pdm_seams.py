"""The plugin's footing on PDM: feature detection of every seam, the HTTP client seam, classes
chained on ``core`` whatever is set or patched before or after the plugin, and the off guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pdm")

# PDM itself uses importlib.resources.open_binary (deprecated) when its CLI modules load.
pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")

import pdm_variants  # noqa: E402
from pdm_variants import offguard  # noqa: E402
from pdm_variants._pdm import seams as _pdm  # noqa: E402


def test_this_pdm_has_every_seam() -> None:
    assert _pdm.missing_seams() == []


def test_a_missing_seam_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def gone() -> bool:
        raise AttributeError("moved")

    monkeypatch.setattr(_pdm, "SEAMS", (*_pdm.SEAMS, ("pdm.example.moved", gone), ("pdm.example.false", lambda: False)))
    assert _pdm.missing_seams() == ["pdm.example.moved", "pdm.example.false"]


def test_http_errors_are_the_session_clients_own() -> None:
    from pdm.models import session

    from pdm_variants._pdm import http

    module = http.http_module()
    assert module is getattr(session, module.__name__)
    assert http.http_errors() == (module.HTTPError,)
    request = module.Request("GET", "http://127.0.0.1:1/x")
    error = module.ConnectError("refused", request=request)
    assert isinstance(error, http.http_errors())
    assert http.http_error_url(error) == "http://127.0.0.1:1/x"
    assert http.http_error_url(module.HTTPError("no request")) is None


class _FakeUI:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def _core() -> Any:
    from pdm.core import Core

    core = Core.__new__(Core)  # without loading entry points: the test calls the plugin itself
    core.ui = _FakeUI()
    core.register_command = lambda command, name: setattr(core, "_registered", name)
    return core


def test_classes_chain_over_doubles_set_or_patched_after_the_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdm.core import Core
    from pdm.installers import InstallManager

    monkeypatch.delenv(pdm_variants.DISABLE_ENV, raising=False)
    core = _core()
    pdm_variants.plugin(core)
    assert isinstance(core, Core)
    assert issubclass(core.install_manager_class, InstallManager)
    assert core.install_manager_class.__wheel_variants__

    class DoubleInstallManager(InstallManager):
        pass

    monkeypatch.setattr(Core, "install_manager_class", DoubleInstallManager)  # PDM's working_set fixture
    assert issubclass(core.install_manager_class, DoubleInstallManager)
    assert core.install_manager_class.__wheel_variants__

    class TestRepository(Core.repository_class):  # type: ignore[misc,name-defined]
        pass

    core.repository_class = TestRepository  # PDM's repository fixture
    assert issubclass(core.repository_class, TestRepository)
    assert core.repository_class.__wheel_variants__
    assert core.repository_class is core.repository_class  # made once per class

    wrapped = core.project_class
    core.project_class = type("OtherPluginProject", (wrapped,), {})  # a plugin loaded after us
    assert core.project_class.__name__ == "OtherPluginProject"
    pdm_variants.plugin(core)  # idempotent
    assert core.ui.warnings == []


def test_missing_seam_warns_once_and_stays_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pdm import signals
    from pdm.core import Core
    from pdm.exceptions import PdmUsageError

    monkeypatch.delenv(pdm_variants.DISABLE_ENV, raising=False)
    monkeypatch.setattr(_pdm, "missing_seams", lambda **_: ["pdm.example.moved"])
    core = _core()
    pdm_variants.plugin(core)
    pdm_variants.plugin(core)
    assert core.ui.warnings == [
        "wheel-variants: PDM "
        + __import__("pdm.__version__").__version__.__version__
        + " lacks pdm.example.moved; the variant plugin is off (`pdm variants doctor` shows the details)"
    ]
    assert type(core) is Core
    assert core.project_class is Core.project_class

    class Project:
        def __init__(self, root: Path) -> None:
            self.root, self.core = root, core

    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "pyproject.toml").write_text('[project]\nname = "a"\nversion = "1"\ndependencies = ["requests"]\n')
    # PDM connects receivers of its own to these signals once a real project ran in this process,
    # so ours is checked for and called directly rather than through send().
    for signal in (signals.pre_lock, signals.pre_install):
        assert offguard._refuse in list(signal.receivers_for(Project(plain)))
    offguard._refuse(Project(plain), requirements=[], dry_run=False)  # a plain project: untouched

    uses = tmp_path / "uses"
    uses.mkdir()
    (uses / "pyproject.toml").write_text('[project]\nname = "a"\nversion = "1"\ndependencies = ["llama-cpp-python"]\n')
    with pytest.raises(PdmUsageError, match=r"lacks pdm.example.moved.*This project uses variants"):
        offguard._refuse(Project(uses), candidates={}, dry_run=False)


def test_use_time_seams_are_checked_when_a_project_uses_variants(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdm.exceptions import PdmUsageError

    from pdm_variants import project

    moved = next(iter(_pdm.USE_TIME_SEAMS))
    seams = tuple((what, (lambda: False) if what == moved else check) for what, check in _pdm.SEAMS)
    monkeypatch.setattr(_pdm, "SEAMS", seams)
    assert _pdm.missing_seams(at_load=True) == []  # loading stays cheap and quiet
    assert _pdm.missing_seams() == [moved]
    monkeypatch.setattr(project, "_SEAMS_CHECKED", False)
    with pytest.raises(PdmUsageError, match=rf"lacks {moved}, so the variant plugin cannot run here"):
        project._require_use_time_seams()
