"""Install-time choice among locked variants, from the lock alone (pure functions)."""

from __future__ import annotations

from pdm_variants.lock.choice import choose_locked_label, describe_locked, describe_supported
from wheel_variants.supported import SupportedProperties

CUDA_12_6 = SupportedProperties.from_dict({"nvidia": {"cuda_version_lower_bound": ["12.6", "12.4", "11.8"]}})
NOTHING = SupportedProperties.from_dict({})

INDEX_RECORD = {
    "origin": "user",
    "namespace-priorities": ["nvidia", "apple"],
    "variants": {
        "cpu": {"index": "https://x/cpu", "files": ["sha256:c"]},
        "cu124": {
            "index": "https://x/cu124",
            "properties": ["nvidia :: cuda_version_lower_bound :: 12.4"],
            "files": ["sha256:g"],
        },
        "cu128": {
            "index": "https://x/cu128",
            "properties": ["nvidia :: cuda_version_lower_bound :: 12.8"],
            "files": ["sha256:h"],
        },
        "metal": {
            "index": "https://x/metal",
            "properties": ["apple :: metal :: on"],
            "marker": "sys_platform == 'darwin'",
            "files": ["sha256:m"],
        },
    },
}
WHEEL_FILES = [
    ("demo-1.0-py3-none-any-cu126.whl", "sha256:a"),
    ("demo-1.0-cp399-cp399-linux_x86_64-cu124.whl", "sha256:b"),
    ("demo-1.0-py3-none-any-null.whl", "sha256:n"),
    ("demo-1.0-py3-none-any.whl", "sha256:p"),
]
WHEEL_RECORD = {
    "origin": "pep825",
    "variants-json": {"document": {"default-priorities": {"namespace": ["nvidia"]}}},
    "variants": {
        "cu126": {"properties": ["nvidia :: cuda_version_lower_bound :: 12.6"], "files": ["sha256:a"]},
        "cu124": {"properties": ["nvidia :: cuda_version_lower_bound :: 12.4"], "files": ["sha256:b"]},
        "null": {"properties": [], "files": ["sha256:n"]},
    },
}
LINUX = {"sys_platform": "linux", "platform_machine": "x86_64"}


def test_index_variants_take_the_best_fitting_label_and_only_its_files() -> None:
    choice = choose_locked_label(INDEX_RECORD, [], CUDA_12_6, LINUX, lambda _: True)
    assert choice.label == "cu124"
    assert choice.allowed == {"sha256:g"}
    assert choice.ordered == ("cu124", "cpu")
    assert dict(choice.rejected)["metal"] == "marker \"sys_platform == 'darwin'\" is false here"
    assert "cu128" in dict(choice.rejected)


def test_index_variants_with_nothing_fitting_allow_no_file() -> None:
    record = {**INDEX_RECORD, "variants": {k: v for k, v in INDEX_RECORD["variants"].items() if k != "cpu"}}
    choice = choose_locked_label(record, [], NOTHING, LINUX, lambda _: True)
    assert choice.label is None
    assert not choice.allowed


def test_pep825_keeps_supported_and_plain_files_and_expects_the_best_with_fitting_tags() -> None:
    compatible = lambda name: "cp399" not in name  # noqa: E731
    choice = choose_locked_label(WHEEL_RECORD, WHEEL_FILES, CUDA_12_6, None, compatible)
    assert choice.label == "cu126"
    assert choice.allowed == {"sha256:a", "sha256:b", "sha256:n", "sha256:p"}

    # Without a GPU: the null variant; with only the unfit-tag wheel supported, it is skipped.
    assert choose_locked_label(WHEEL_RECORD, WHEEL_FILES, NOTHING, None, compatible).label == "null"
    only_124 = SupportedProperties.from_dict({"nvidia": {"cuda_version_lower_bound": ["12.4"]}})
    choice = choose_locked_label(WHEEL_RECORD, WHEEL_FILES, only_124, None, compatible)
    assert choice.label == "null"
    assert "sha256:a" not in choice.allowed


def test_descriptions_name_every_label_and_property() -> None:
    assert "cu124 (nvidia :: cuda_version_lower_bound :: 12.4)" in describe_locked(INDEX_RECORD)
    assert "cpu (fits any machine)" in describe_locked(INDEX_RECORD)
    assert describe_supported(CUDA_12_6) == "nvidia :: cuda_version_lower_bound :: 12.6, 12.4, 11.8"
    assert describe_supported(NOTHING) == "no variant properties"
