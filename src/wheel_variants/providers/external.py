"""Third-party provider plugins, run only when trusted (see ``trust.py``), in a subprocess.

The plugin is imported by a small runner in a separate interpreter (default: this one, so the
plugin must already be installed here; we never install one). Its answer is read as JSON from
stdout within a timeout and validated against the property grammar; a crash, a hang or garbage
becomes a warning naming the provider, and the namespace is then unsupported.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from ..errors import VariantsError
from ..supported import SupportedFeature
from ..system import SystemRoot
from ._result import ProbeResult

__all__ = ["DEFAULT_TIMEOUT", "RUNNER", "parse_plugin_output", "run_plugin"]

DEFAULT_TIMEOUT = 2.0

# Runs inside the plugin's interpreter. Supports the plugin shapes of the providers draft: a
# module, a class (instantiated), or an object; get_supported_configs() with or without the
# older ``known_properties`` argument.
#
# ``python -c`` puts the working directory first on the import path, where a same-named module
# (``nvidia_variant_provider.py``, even ``json.py``) would answer instead of the installed
# provider. The first line drops that entry before anything else is imported, as ``-P`` does on
# Python 3.11+ (``sys`` is built in); user site-packages and PYTHONPATH still count, since the
# trust check (trust.py) finds distributions there too.
RUNNER = r"""
import sys
if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", "."):
    del sys.path[0]
import importlib, json
module_name, _, attribute = sys.argv[1].partition(":")
target = importlib.import_module(module_name.strip())
for part in filter(None, attribute.strip().split(".")):
    target = getattr(target, part)
if isinstance(target, type):
    target = target()
try:
    configs = target.get_supported_configs()
except TypeError:
    configs = target.get_supported_configs(None)
json.dump({"configs": [
    {"name": c.name, "values": list(c.values), "multi_value": bool(getattr(c, "multi_value", False))}
    for c in configs
]}, sys.stdout)
"""


def parse_plugin_output(namespace: str, text: str) -> tuple[SupportedFeature, ...]:
    """Validate the runner's JSON; raise VariantsError (or ValueError for bad JSON) on any problem."""
    document = json.loads(text)
    if not isinstance(document, dict) or not isinstance(document.get("configs"), list):
        raise VariantsError("expected a JSON object with a 'configs' list")
    features = []
    for index, config in enumerate(document["configs"]):
        if not isinstance(config, dict) or not isinstance(config.get("values"), list):
            raise VariantsError(f"configs[{index}] must be an object with 'name' and 'values'")
        if not config["values"]:
            continue  # a feature with no supported value supports nothing
        features.append(
            SupportedFeature(
                namespace=namespace,
                feature=config.get("name"),  # type: ignore[arg-type]  # validated by SupportedFeature
                values=tuple(config["values"]),
                multi_value=bool(config.get("multi_value", False)),
            )
        )
    return tuple(features)


def run_plugin(
    namespace: str,
    plugin_api: str,
    system: SystemRoot,
    *,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ProbeResult:
    argv: Sequence[str] = [python or sys.executable, "-c", RUNNER, plugin_api]
    result = system.run(argv, timeout)
    where = f"provider plugin {plugin_api!r} for namespace {namespace!r}"
    if result.error:
        return ProbeResult.empty(namespace, [f"{where}: {result.error}"])
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no error output"])[-1]
        return ProbeResult.empty(namespace, [f"{where} failed (exit {result.returncode}): {last[:200]}"])
    try:
        features = parse_plugin_output(namespace, result.stdout)
    except (ValueError, TypeError) as error:  # JSONDecodeError and VariantsError are ValueErrors
        return ProbeResult.empty(namespace, [f"{where} printed an invalid answer: {error}"])
    return ProbeResult(namespace=namespace, source=f"plugin {plugin_api}", features=features)
