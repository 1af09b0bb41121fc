"""Typed payload models: the spec's JSON Schemas through datamodel-code-generator.

The generator is slow to import and run, so a vendor's ``models.py`` is regenerated only
when its schemas change; the schemas' hash is kept in the file itself.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from pathlib import Path
from typing import Protocol

from codegen.literals import docstring_text
from codegen.model import ModelIR


class SchemaSource(Protocol):
    """What this module reads of a vendor: its ``VendorIR``, or the part of it that a
    build sends to the generator's process."""

    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def models(self) -> list[ModelIR]: ...
    @property
    def models_sha256(self) -> str: ...

SCHEMAS_MARKER = "# schemas-sha256: "
_MARKER_LINE = re.compile(r"^# schemas-sha256: ([0-9a-f]{64})$", re.MULTILINE)


def schemas_hash_of(body: str) -> str | None:
    found = _MARKER_LINE.search(body)
    return found.group(1) if found else None


def cache_key(vendor: SchemaSource) -> str:
    """Changes when the schemas, the vendor's name or the way this module calls the generator change."""
    digest = hashlib.sha256(f"{vendor.models_sha256}\0{vendor.name}".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def models_source(vendor: SchemaSource) -> str:
    """``models.py`` for a vendor with schemas, before black."""
    from datamodel_code_generator import (  # type: ignore[attr-defined]  # as documented; not in __all__
        DataModelType,
        InputFileType,
        PythonVersion,
        generate,
    )

    document = {
        "openapi": "3.1.0",
        "info": {"title": vendor.name, "version": "1"},
        "paths": {},
        "components": {"schemas": {m.name: m.schema for m in vendor.models}},
    }
    docstring = docstring_text(f"Typed payload models of the {vendor.name} API, from its spec's JSON Schemas.")
    header = f'"""{docstring}"""\n\n{SCHEMAS_MARKER}{cache_key(vendor)}'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = generate(
            json.dumps(document, sort_keys=True),
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            disable_timestamp=True,
            custom_file_header=header,
            formatters=[],
            use_schema_description=True,
            use_field_description=True,
            use_standard_collections=True,
            use_union_operator=True,
            field_constraints=True,
            use_annotated=True,
        )
    if not isinstance(result, str):
        raise RuntimeError(f"datamodel-code-generator gave no single module for {vendor.slug}")
    return escaped_literals(_sorted_imports(result, f"{SCHEMAS_MARKER}{cache_key(vendor)}\n"))


def _sorted_imports(source: str, marker: str) -> str:
    """The imports the generator writes below ``marker`` in isort's sections, as ruff
    wants them: the standard library's, a blank line, then the marker and the others."""
    import sys

    from codegen.naming import isort_order

    head, found, rest = source.partition(marker)
    lines = rest.split("\n")
    end = 0
    while end < len(lines) and (lines[end].startswith(("from ", "import ")) or not lines[end].strip()):
        end += 1
    statements = [line for line in lines[:end] if line.strip()]
    if not found or any(line.rstrip().endswith(("(", "\\")) for line in statements):
        return source

    def ordered(group: list[str]) -> list[str]:
        tidy = []
        for line in group:
            if line.startswith("from ") and " import " in line:
                module, names = line[len("from ") :].split(" import ", 1)
                joined = ", ".join(isort_order(name.strip() for name in names.split(",")))
                line = f"from {module} import {joined}"
            tidy.append(line)
        return sorted(tidy, key=lambda line: (line.startswith("from "), line.split()[1].lower()))

    def standard(line: str) -> bool:
        return line.split()[1].split(".")[0] in sys.stdlib_module_names

    stdlib = ordered([line for line in statements if standard(line)])
    others = ordered([line for line in statements if not standard(line)])
    block = "\n".join(stdlib) + "\n\n" if stdlib else ""
    block += marker + "\n".join(others) + ("\n" if others else "")
    return head + block + "\n" + "\n".join(lines[end:])


def escaped_literals(source: str) -> str:
    """``source`` with every string literal that holds a raw control, separator or bidi
    character rewritten with escapes, its value unchanged.

    The generator copies schema descriptions and property names into docstrings and
    aliases as they are: a right-to-left override there would make the code read
    differently from what it does, and a raw carriage return would not survive.
    """
    import ast
    import io
    import tokenize

    starts = [0]  # offset of each line, split as the tokenizer splits them: at "\n" only
    for line in io.StringIO(source):
        starts.append(starts[-1] + len(line))
    edits = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or all(ch.isprintable() or ch == "\n" for ch in token.string):
            continue
        if "f" in token.string.split(token.string[-1], 1)[0].lower():
            continue  # an f-string's value is not a constant
        value = ast.literal_eval(token.string)
        if not isinstance(value, str):
            continue
        if token.string.endswith(('"""', "'''")):
            literal = '"""' + "\n".join(docstring_text(line) for line in value.split("\n")) + '"""'
        else:
            literal = repr(value)
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        edits.append((begin, end, literal))
    for begin, end, literal in reversed(edits):
        source = source[:begin] + literal + source[end:]
    return source
