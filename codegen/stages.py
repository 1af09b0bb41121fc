"""The compiler's stages in the order data flows through them, and the modules of each.

A module may import modules of its own stage or of earlier ones, never of a later one
(``tests/test_layering.py`` reads every import and holds the code to this order). A
module whose name starts with a stage's module name (``resolve_classes``, a package
``resolve/``) belongs to that module's stage; any other new module is added here.
"""

from __future__ import annotations

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("common", ("__init__", "errors", "config", "cache", "layout", "stages")),
    ("load", ("load", "yaml_fast")),
    ("validate", ("spec", "regex_safety", "limits", "naming", "validate", "inputs")),
    ("resolve", ("literals", "model", "class_tree", "envelopes", "policies", "reference", "resolve")),
    ("render", ("render", "payload_models")),
    ("format", ("format",)),
    ("write", ("write",)),
    ("compile", ("freshness", "payload_jobs", "jobs", "workers")),
    ("commands", ("report", "build", "compare", "starter", "catalog", "openapi_import", "openapi_resync")),
    ("cli", ("cli", "__main__")),
)


def stage_of(module: str) -> int | None:
    """The position in ``STAGES`` of a module of ``codegen`` (dotted name below it), or None."""
    top = module.split(".")[0]
    for index, (_, modules) in enumerate(STAGES):
        if top in modules:
            return index
    for index, (_, modules) in enumerate(STAGES):
        if any(top.startswith(name + "_") for name in modules if name != "__init__"):
            return index
    return None
