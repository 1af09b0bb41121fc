"""What the feature specs promise, checked on their generated packages: compiler bugs found while writing the feature specs; each builds a tiny spec in a temporary folder.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from features_support import build_scratch
from goldens import FEATURES, build, load_package


#
# Found while writing the feature specs; each builds a tiny spec in a temporary folder.

KEYWORD_PATH = """\
spec_version: 1
vendor: {name: Kw, slug: kw, class_prefix: Kw, docs_url: https://kw.example.com}
envelopes:
  - name: odd
    when: [{path: class, is: string}]
    message: [class]
retry_policies:
  never: {retryable: false, action: fix_request}
families: {client: {retry: never}, server: {retry: never}}
"""


def test_root_body_path_named_like_a_keyword(tmp_path: Path) -> None:
    from codegen.errors import SpecErrors

    try:
        folder = build_scratch(tmp_path, "bug_keyword", KEYWORD_PATH, "kw")
    except SpecErrors:
        return  # a located spec error is an acceptable outcome too
    load_package(folder, "bug_keyword")
    kw = importlib.import_module("bug_keyword.kw")
    assert kw.parse_error(400, {"class": "Classy message"}).message == "Classy message"


RFC7807 = """\
spec_version: 1
vendor: {name: Rfc, slug: rfc, class_prefix: Rfc, docs_url: https://rfc.example.com}
envelopes:
  - name: problem
    when:
      - {path: type, is: string}
      - {path: status, equals: 429}
    code: [type]
    message: [detail, title]
retry_policies:
  never: {retryable: false, action: fix_request}
families: {client: {retry: never}, server: {retry: never}}
"""


def test_root_body_path_named_type(tmp_path: Path) -> None:
    folder = build_scratch(tmp_path, "bug_type_shadow", RFC7807, "rfc")
    load_package(folder, "bug_type_shadow")
    rfc = importlib.import_module("bug_type_shadow.rfc")
    body = {"type": "https://example.com/probs/rate", "title": "Too many", "status": 429, "detail": "Slow down"}
    error = rfc.parse_error(429, body)
    assert (error.code, error.message) == ("https://example.com/probs/rate", "Slow down")


ATTRIBUTE_OVERRIDE = """\
spec_version: 1
vendor: {name: Attr, slug: attr, class_prefix: Attr, docs_url: https://attr.example.com}
envelopes:
  - name: std
    when: [{path: error, is: object}]
    message: [error.message]
retry_policies:
  never: {retryable: false, action: fix_request}
families: {client: {retry: never}, server: {retry: never}}
statuses:
  400: {retry: never}
errors:
  - name: LimitChildError
    parent: LimitError
    patterns: ['^Limit (?P<limit>[0-9]{1,9}) for (?P<scope>[a-z]{1,9}) exceeded']
  - name: LimitError
    status: 400
    patterns: ['^Limit (?P<limit>[0-9]{1,9})']
    attributes: {limit: int}
"""


def test_child_pattern_group_keeps_its_parents_attribute_type(tmp_path: Path) -> None:
    from codegen.errors import SpecErrors

    try:
        folder = build_scratch(tmp_path, "bug_attr_type", ATTRIBUTE_OVERRIDE, "attr")
    except SpecErrors:
        return
    load_package(folder, "bug_attr_type")
    attr = importlib.import_module("bug_attr_type.attr")
    error = attr.parse_error(400, {"error": {"message": "Limit 5 for users exceeded"}})
    assert type(error) is attr.LimitChildError
    assert error.limit == 5


def test_models_follow_a_vendor_rename(tmp_path: Path) -> None:
    spec = (FEATURES / "models" / "specs" / "typed.yaml").read_text(encoding="utf-8")
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "typed.yaml").write_text(spec, encoding="utf-8")
    build(specs, tmp_path / "incremental" / "pkg")
    (specs / "typed.yaml").write_text(spec.replace("name: Typed\n", "name: Typed Renamed\n"), encoding="utf-8")
    incremental = build(specs, tmp_path / "incremental" / "pkg")
    clean = build(specs, tmp_path / "clean" / "pkg")
    assert incremental["typed/models.py"] == clean["typed/models.py"]
