"""The JSON Schema of the spec format is committed, current, and accepts the real specs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from codegen.load import load_spec
from goldens import ROOT

SCHEMA_FILE = ROOT / "specs" / "spec.schema.json"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def test_committed_schema_is_what_codegen_schema_prints() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "codegen", "schema"], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(printed) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_specs_point_editors_at_the_schema_and_validate_against_it(spec: Path) -> None:
    assert spec.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=spec.schema.json\n")
    data = json.loads(json.dumps(load_spec(spec, spec.name).data))  # YAML int keys -> JSON strings
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_schema_rejects_an_unknown_key() -> None:
    data = json.loads(json.dumps(load_spec(SPECS[0], SPECS[0].name).data))
    data["vendor"]["colour"] = "blue"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
