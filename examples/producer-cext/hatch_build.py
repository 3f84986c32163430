"""Compile src/cext_demo/_level.c with $CC $CFLAGS: a stand-in for hatch-cpp / scikit-build hooks."""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileExtensionHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version != "standard":  # the usual native-hook gate
            return
        self._scratch = tempfile.TemporaryDirectory(prefix="cext-demo-")
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        output = Path(self._scratch.name) / f"_level{suffix}"
        level = os.environ.get("CEXT_DEMO_LEVEL", "baseline")
        command = [
            os.environ.get("CC", "gcc"),
            *shlex.split(os.environ.get("CFLAGS", "-O2")),
            "-shared",
            "-fPIC",
            f"-I{sysconfig.get_paths()['include']}",
            f'-DCEXT_DEMO_LEVEL="{level}"',
            str(Path(self.root) / "src" / "cext_demo" / "_level.c"),
            "-o",
            str(output),
        ]
        subprocess.run(command, check=True)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"][str(output)] = f"cext_demo/_level{suffix}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            scratch.cleanup()
