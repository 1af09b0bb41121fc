"""Examples are tests: each example response of a spec must come out as its own error.

After rendering, the vendor's freshly rendered parser runs every example response of
the spec, in this process, from the rendered sources (never from disk, and never a
package of the user's): the class, category, retry verdict and captures it gives must
be those the example belongs to and expects.  What runs is the generated code, whose
spec text is escaped literals and whose patterns validation has checked, so the check
follows the very matching rules users get, with no second copy of them here.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import itertools
import json
import sys
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from codegen.errors import SpecError
from codegen.load import DataPath
from codegen.model import ClassIR, VendorIR
from codegen.spec import Example
from codegen.validate import ValidatedSpec, error_sections

# The shared modules a vendor's parser and retry table import.
SHARED_MODULES = ("_base.py", "_matching.py", "_runtime.py", "_signals.py")
_counter = itertools.count()


@dataclass(frozen=True)
class _Case:
    path: DataPath  # the example in the spec
    example: Example
    cls: ClassIR
    in_body: bool  # an operation failure: read by error_from_payload


def check_examples(
    validated: ValidatedSpec, vendor: VendorIR, vendor_files: Mapping[str, str], shared_files: Mapping[str, str]
) -> list[SpecError]:
    """A located error for every example that does not come out as its own error."""
    cases = list(_cases(validated, vendor))
    if not cases:
        return []
    with _loaded(vendor.slug, vendor_files, shared_files) as parser:
        return [problem for case in cases if (problem := _check(validated, parser, case)) is not None]


def _cases(validated: ValidatedSpec, vendor: VendorIR) -> Iterator[_Case]:
    spec = validated.spec
    by_name = {c.name: c for c in vendor.classes}
    for status, status_class in spec.statuses.items():
        cls = by_name[_status_class(vendor, status)]
        for index, example in enumerate(status_class.examples):
            yield _Case(("statuses", str(status), "examples", str(index)), example, cls, False)
    for section, errors in error_sections(spec):
        for error_index, error in enumerate(errors):
            for index, example in enumerate(error.examples):
                path = (*section, str(error_index), "examples", str(index))
                yield _Case(path, example, by_name[error.name], section[0] == "operation_failures")


def _status_class(vendor: VendorIR, status: int) -> str:
    return next(entry.class_name for entry in vendor.by_status if entry.status == status)


def _check(validated: ValidatedSpec, parser: types.ModuleType, case: _Case) -> SpecError | None:
    example, cls = case.example, case.cls
    body = example.body if isinstance(example.body, str) else json.dumps(example.body)
    if case.in_body:
        error = parser.error_from_payload(body)
        if error is None:
            return validated.loaded.error(
                case.path, f"example reports no failure: the envelope of operation_failures does not recognise it, so it is not '{cls.name}'"
            )
    else:
        status = example.status if example.status is not None else cls.status if cls.status is not None else 400
        error = parser.parse_error(status, body.encode(), dict(example.headers))
    got = type(error).__name__
    wrong: list[str] = []
    if got != cls.name:
        wrong.append(f"comes out as {got}, not {cls.name}")
    elif error.category.value != cls.category_value:
        wrong.append(f"has category {error.category.value}, not {cls.category_value}")
    expect = example.expect
    retryable = cls.retryable if expect is None or expect.retryable is None else expect.retryable
    if not wrong and error.retryable is not retryable:
        wrong.append(
            f"is {'' if error.retryable else 'not '}retryable ({error.retry_reason.value}),"
            f" where {'' if retryable else 'no '}retry is expected"
        )
    if expect is not None and not wrong:
        if expect.retry_reason is not None and error.retry_reason.value != expect.retry_reason:
            wrong.append(f"has retry_reason {error.retry_reason.value}, not {expect.retry_reason}")
        for name, value in expect.captures.items():
            actual = getattr(error, name, _MISSING)
            if actual is _MISSING:
                wrong.append(f"has no attribute '{name}' to compare with {value!r}")
            elif actual != value or type(actual) is not type(value) and value is not None:
                wrong.append(f"has {name}={actual!r}, not {value!r}")
    if not wrong:
        return None
    return validated.loaded.error(case.path, f"example {'; '.join(wrong)}")


_MISSING = object()


class _Sources(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves modules from rendered sources, under a package name of their own."""

    def __init__(self, sources: dict[str, str], packages: set[str]) -> None:
        self.sources = sources
        self.packages = packages

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.sources:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=fullname in self.packages)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        code = compile(self.sources[module.__name__], f"<{module.__name__}>", "exec")
        exec(code, module.__dict__)


class _loaded:
    """The rendered vendor's ``parser`` module, imported from memory and then forgotten."""

    def __init__(self, slug: str, vendor_files: Mapping[str, str], shared_files: Mapping[str, str]) -> None:
        root = f"_codegen_examples_{next(_counter)}"
        vendor = f"{root}.{slug}"
        sources = {root: "", vendor: ""}
        for name in SHARED_MODULES:
            sources[f"{root}.{name[:-3]}"] = shared_files[name]
        for name in ("errors.py", "retry.py", "parser.py"):
            sources[f"{vendor}.{name[:-3]}"] = vendor_files[name]
        self.root, self.vendor = root, vendor
        self.finder = _Sources(sources, {root, vendor})

    def __enter__(self) -> types.ModuleType:
        sys.meta_path.insert(0, self.finder)
        return importlib.import_module(f"{self.vendor}.parser")

    def __exit__(self, *exc: object) -> None:
        sys.meta_path.remove(self.finder)
        for name in [n for n in sys.modules if n == self.root or n.startswith(self.root + ".")]:
            del sys.modules[name]
