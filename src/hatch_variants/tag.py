"""A wheel tag that carries a variant label into hatchling's filename and nowhere else."""

from __future__ import annotations

from typing import Any


class LabeledTag(str):
    """Compares, splits and parses as the plain ``py-abi-platform`` tag (so ``WHEEL`` stays valid);
    formatting it (hatchling builds the filename with an f-string) appends ``-label``.

    Relies on hatchling's ``f"{project_id}-{build_data['tag']}.whl"`` in ``WheelBuilder.build_standard``
    (true for hatchling 1.26 - 1.33; the tests pin the behaviour).
    """

    label: str

    def __new__(cls, tag: str, label: str) -> LabeledTag:
        instance = super().__new__(cls, plain_tag(tag))
        instance.label = label
        return instance

    def __format__(self, spec: str) -> str:
        return f"{str.__str__(self)}-{self.label}"

    def __repr__(self) -> str:
        return f"LabeledTag({str.__str__(self)!r}, label={self.label!r})"


def plain_tag(tag: str) -> str:
    """The tag without any label wrapper."""
    return str.__str__(tag)


def label_build_data(builder: Any, build_data: dict[str, Any], label: str) -> None:
    """Fix the final tag in *build_data* (what hatchling would pick) and attach *label* to it.

    Call it after every build hook's ``initialize``: a hook may still set ``tag`` or ``infer_tag``.
    """
    tag = build_data.get("tag")
    if tag is None:
        tag = builder.get_best_matching_tag() if build_data["infer_tag"] else builder.get_default_tag()
    build_data["tag"] = LabeledTag(plain_tag(tag), label)
