"""The PDM finder adapter's ranking and filtering, in-process: a real ``PDMPackageFinder`` and PDM
session against a local PEP 825 index, the adapter's hooks (:mod:`pdm_variants.find.finder`) and
PDM's internals they plug into (:class:`pdm_variants._pdm.finder.FinderSeams`).

* supported labels rank in PEP 825 order, the null variant last of them, then plain wheels, then sdists;
* an unsupported label is left out of what a machine installs, but kept for the lock (``find_matches``);
* a label the release's variants JSON does not list, or a labelled wheel whose source has no JSON, is left out;
* the variant preference outranks tag specificity;
* an index variant's sdists from the ordinary sources join in below every wheel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indexserver import IndexServer
from wheelmaker import make_sdist, make_variant_release, make_wheel, variants_document

pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")

NAME, VERSION = "gpu-demo", "1.0.0"
PLAIN = "gpu_demo-1.0.0-py3-none-any.whl"


def _label(label: str) -> str:
    return f"gpu_demo-1.0.0-py3-none-any-{label}.whl"


def _finder(session: Any, server: IndexServer, cuda: list[str], index: str = "simple") -> tuple[Any, Any]:
    """An adapted finder for a machine whose CUDA driver supports *cuda* (best first), and its shared state."""
    from pdm.models.finder import PDMPackageFinder
    from pdm.models.markers import EnvSpec

    from pdm_variants.find.finder import VariantWheels, adapt_finder
    from wheel_variants.supported import SupportedProperties

    supported = SupportedProperties.from_dict({"nvidia": {"cuda_version_lower_bound": cuda}} if cuda else {})
    wheels = VariantWheels(lambda: supported)
    finder = PDMPackageFinder(session, env_spec=EnvSpec.current(), index_urls=[server.index_url(index)])
    return adapt_finder(finder, wheels), wheels


def _names(packages: Any) -> list[str]:
    return [package.link.filename for package in packages]


def _release(server: IndexServer, directory: Path, labels: list[str], *, plain: bool = True) -> None:
    server.add("simple", *make_variant_release(directory, NAME, VERSION, labels))
    if plain:
        server.add("simple", make_wheel(directory, NAME, VERSION))


def test_supported_labels_rank_in_pep825_order_then_the_null_variant_then_plain_wheels(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    _release(index_server, tmp_path / "dist", ["cu126", "cu128", "null"])
    finder, _ = _finder(pdm_session, index_server, ["12.8", "12.7", "12.6"])

    assert _names(finder.find_all_packages(NAME)) == [_label("cu128"), _label("cu126"), _label("null"), PLAIN]
    assert finder.find_best_match(NAME).best.link.filename == _label("cu128")

    older, _ = _finder(pdm_session, index_server, ["12.6", "12.5"])
    assert older.find_best_match(NAME).best.link.filename == _label("cu126")


def test_an_unsupported_label_is_left_out_of_an_install_but_kept_for_the_lock(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    _release(index_server, tmp_path / "dist", ["cu126", "cu128"])
    finder, _ = _finder(pdm_session, index_server, ["12.6"])

    assert _names(finder.find_all_packages(NAME)) == [_label("cu126"), PLAIN]
    # what PDM locks: every label whose tags fit, the unsupported one ranked below the plain wheel
    assert _names(finder.find_matches(NAME)) == [_label("cu126"), PLAIN, _label("cu128")]
    assert _names(finder.find_all_packages(NAME)) == [_label("cu126"), PLAIN]  # the flag held only for that call

    none, _ = _finder(pdm_session, index_server, [])
    assert none.find_best_match(NAME).best.link.filename == PLAIN


def test_a_label_the_variants_json_does_not_list_is_left_out(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    _release(index_server, tmp_path / "dist", ["cu126"])
    stray = make_wheel(tmp_path / "stray", NAME, VERSION, label="cu124", variant_json=variants_document(["cu124"]))
    index_server.add("simple", stray)
    finder, _ = _finder(pdm_session, index_server, ["12.6", "12.5", "12.4"])

    assert _names(finder.find_matches(NAME)) == [_label("cu126"), PLAIN]


def test_labelled_wheels_of_a_source_without_a_variants_json_are_left_out(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    paths = make_variant_release(tmp_path / "dist", NAME, VERSION, ["cu126"])
    index_server.add("simple", *(path for path in paths if path.suffix == ".whl"))
    index_server.add("simple", make_wheel(tmp_path / "dist", NAME, VERSION))
    finder, wheels = _finder(pdm_session, index_server, ["12.6"])

    assert _names(finder.find_matches(NAME)) == [PLAIN]
    assert wheels.seen == {}  # no variants JSON was judged by


def test_the_variant_preference_outranks_a_more_specific_tag(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    from packaging.tags import sys_tags

    _release(index_server, tmp_path / "dist", ["cu126"], plain=False)
    specific = next(tag for tag in sys_tags() if tag.abi == "none" and tag.platform != "any")
    index_server.add("simple", make_wheel(tmp_path / "dist", NAME, VERSION, tag=str(specific)))
    finder, _ = _finder(pdm_session, index_server, ["12.6"])

    assert _names(finder.find_all_packages(NAME)) == [_label("cu126"), f"gpu_demo-1.0.0-{specific}.whl"]


def test_an_index_variants_sdists_from_the_ordinary_sources_rank_below_every_wheel(
    pdm_session: Any, index_server: IndexServer, tmp_path: Path
) -> None:
    index_server.add("cu126", make_wheel(tmp_path / "cu126", NAME, VERSION))
    index_server.add("simple", make_sdist(tmp_path / "sdist", NAME, VERSION, "gpu_demo"))
    index_server.add("simple", make_sdist(tmp_path / "sdist", NAME, "0.9.0", "gpu_demo"))
    finder, wheels = _finder(pdm_session, index_server, ["12.6"], index="cu126")
    wheels.sdist_sources["gpu-demo"] = [{"url": index_server.index_url("simple"), "type": "index"}]

    # only the versions the variant's index has: 0.9.0's sdist stays out
    assert _names(finder.find_all_packages(NAME)) == [PLAIN, "gpu_demo-1.0.0.tar.gz"]
    wheels.sdist_sources.clear()
    assert _names(finder.find_all_packages(NAME)) == [PLAIN]
