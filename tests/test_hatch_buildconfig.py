"""The [variant] table and the per-variant build settings: every bad input names its key."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from wheel_variants.buildconfig import (
    declared_labels,
    parse_label_list,
    parse_variant_table,
    plan_variant_build,
)
from wheel_variants.errors import VariantsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BASE = """
[variant.default-priorities]
namespace = ["nvidia"]
[variant.providers.nvidia]
requires = ["nvidia-variant-provider"]
plugin-api = "nvidia_variant_provider.plugin:NvidiaVariantPlugin"
[variant.variants.cu126]
nvidia.cuda_version_lower_bound = ["12.6"]
nvidia.sm_arch = ["80_real", "90_real"]
[variant.variants.null]
"""
WHERE = "[tool.hatch.build.targets.wheel.hooks.variants]"


def _load(extra: str = "") -> dict[str, Any]:
    return tomllib.loads(BASE + extra)


def test_valid_table_and_plan() -> None:
    metadata = parse_variant_table(_load())
    assert declared_labels(metadata) == ("cu126", "null")
    hook = {"builds": {"cu126": {"env": {"CMAKE_ARGS": "-DGGML_CUDA=on"}, "dependencies": ["dep>=1"]}}}
    plan = plan_variant_build(_load(), hook, "cu126", hook_where=WHERE)
    assert plan.metadata.labels == ("cu126",)
    assert plan.env == {"CMAKE_ARGS": "-DGGML_CUDA=on"}
    assert plan.settings.dependencies == ("dep>=1",)
    assert plan_variant_build(_load(), {}, "null", hook_where=WHERE).metadata.labels == ("null",)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '[variant.variants.v3]\nx86_64.level = ["v3"]\n',
            "namespace 'x86_64' in '[variant] variants.v3.x86_64' is not declared in [variant] "
            "default-priorities.namespace ['nvidia']",
        ),
        (
            '[variant.variants.two]\nnvidia.cuda_version_lower_bound = ["12.6", "12.8"]\n',
            "several values ['12.6', '12.8'] for the single-value feature 'nvidia :: cuda_version_lower_bound' "
            "in '[variant] variants.two.nvidia.cuda_version_lower_bound'",
        ),
        ('[variant.variants.CU126]\nnvidia.sm_arch = ["90_real"]\n', "invalid variant label 'CU126'"),
        (
            '[variant.variants.bad]\nnvidia.sm_arch = ["90-real"]\n',
            "invalid variant value '90-real' in '[variant] variants.bad.nvidia.sm_arch[0]'",
        ),
        ('[variant.providers.x86_64]\nrequires = ["x"]\n', "missing from 'default-priorities.namespace'"),
        ("[variant.extra]\n", "unknown key(s) ['extra'] in [variant]"),
        ("[variant.varaints.x]\n", "unknown key(s) ['varaints'] in [variant]; did you mean 'variants'?"),
        (
            '[variant.variants.typo]\nnvidia.cuda_verison_lower_bound = ["12.6"]\n',
            "unknown feature 'cuda_verison_lower_bound' of the built-in namespace 'nvidia' in "
            "'[variant] variants.typo.nvidia.cuda_verison_lower_bound'; did you mean 'cuda_version_lower_bound'?",
        ),
    ],
)
def test_bad_tables(extra: str, message: str) -> None:
    with pytest.raises(VariantsError) as caught:
        parse_variant_table(_load(extra))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_reserved_null_label_cannot_have_properties() -> None:
    document = _load()
    document["variant"]["variants"]["null"] = {"nvidia": {"sm_arch": ["90_real"]}}
    with pytest.raises(VariantsError, match=re.escape("'null' in '[variant] variants.null' is reserved")):
        parse_variant_table(document)


def test_two_variants_with_one_label_cannot_be_declared() -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        _load('[variant.variants.cu126]\nnvidia.sm_arch = ["90_real"]\n')
    with pytest.raises(VariantsError, match=r"label\(s\) \['cu126'\] requested more than once"):
        parse_label_list("cu126,null,cu126", "-t variant-wheel")


@pytest.mark.parametrize(
    ("hook", "label", "message"),
    [
        ({}, "cu999", "unknown variant label 'cu999' requested: pyproject.toml declares ['cu126', 'null']"),
        ({}, "cu12", "unknown variant label 'cu12' requested; did you mean 'cu126'? pyproject.toml declares"),
        ({"builds": {"cu12": {}}}, "cu126", "unknown variant label 'cu12' in '" + WHERE + " builds.cu12'; did you"),
        ({"builds": {"cu999": {}}}, "cu126", f"unknown variant label 'cu999' in '{WHERE} builds.cu999'"),
        ({"builds": {"cu126": {"env": {"CFLAGS": 3}}}}, "cu126", f"'{WHERE} builds.cu126.env.CFLAGS'"),
        ({"builds": {"cu126": {"cflags": "x"}}}, "cu126", "unknown key(s) ['cflags']"),
        ({"builds": {"cu126": {"dependencies": [""]}}}, "cu126", f"'{WHERE} builds.cu126.dependencies[0]'"),
        ({}, "Null", "invalid variant label 'Null'"),
    ],
)
def test_bad_build_requests(hook: dict[str, Any], label: str, message: str) -> None:
    with pytest.raises(VariantsError) as caught:
        plan_variant_build(_load(), hook, label, hook_where=WHERE)
    assert message in str(caught.value)


def test_static_provider_features_are_the_vocabulary_and_label_p_is_checked() -> None:
    from wheel_variants.buildconfig import labelling_metadata
    from wheel_variants.properties import VariantProperty

    static = (
        '[variant.providers.blas]\nstatic-properties = { library = ["mkl"] }\n'
        '[variant.variants.mkl]\nblas.libary = ["mkl"]\n'
    )
    document = _load(static)
    document["variant"]["default-priorities"]["namespace"].append("blas")
    with pytest.raises(VariantsError, match="unknown feature 'libary' of the static namespace 'blas'"):
        parse_variant_table(document)
    declared = parse_variant_table(_load())
    typo = [VariantProperty.parse("nvidia :: sm_ach :: 90_real")]
    with pytest.raises(VariantsError, match="did you mean 'sm_arch'"):
        labelling_metadata(declared, "cu126x", typo)
