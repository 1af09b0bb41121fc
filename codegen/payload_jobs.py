"""The models stage as a build runs it: what travels to the generator's process, the
reuse of an unchanged ``models.py``, and the generator's complaints placed in the spec.

``payload_models.py`` calls datamodel-code-generator; this module decides when to, and
turns what it rejects into a located ``SpecError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from codegen.errors import SpecError

if TYPE_CHECKING:
    from codegen.model import ModelIR
    from codegen.validate import ValidatedSpec


class ModelsInput(NamedTuple):
    """The part of a resolved vendor that ``payload_models.models_source`` reads."""

    name: str
    slug: str
    models: list[ModelIR]
    models_sha256: str


class ModelsJob(NamedTuple):
    """What the generator's process needs, and where its ``models.py`` goes."""

    schemas: ModelsInput
    relative: str
    origin: tuple[str, str, str]  # source, kind and source hash, for the file's header


def reusable_models(models_text: str, key: str) -> str | None:
    """The body of an earlier ``models.py`` made from the same schemas, else None."""
    from codegen.format import body_of, is_intact
    from codegen.payload_models import schemas_hash_of

    if models_text and is_intact(models_text) and schemas_hash_of(models_text) == key:
        return body_of(models_text)
    return None


def generate_models(job: ModelsJob) -> str:
    """The generator's ``models.py``, before black: the process that runs it need not import black."""
    from codegen.payload_models import models_source

    try:
        return models_source(job.schemas)
    except Exception as exc:  # as plain text, which crosses from a worker process intact
        raise RuntimeError(str(exc)) from None


def import_models_generator() -> None:
    """Import datamodel-code-generator, so that a process is ready when a schema arrives."""
    import datamodel_code_generator.model.pydantic_v2  # noqa: F401
    import datamodel_code_generator.parser.openapi  # noqa: F401


class SchemaPlaces(NamedTuple):
    """Where each payload model's schema sits in the spec, to point at one the generator rejects."""

    shown: str
    models: tuple[tuple[str, tuple[str, ...]], ...]  # (model class, path of its schema)
    positions: Mapping[tuple[str, ...], tuple[int, int]]  # of every value inside the schemas

    @classmethod
    def of(cls, validated: ValidatedSpec) -> SchemaPlaces:
        from codegen.naming import details_model_name, envelope_model_name
        from codegen.validate import error_sections

        spec = validated.spec
        models: list[tuple[str, tuple[str, ...]]] = [
            (envelope_model_name(e.name), ("envelopes", str(i), "schema"))
            for i, e in enumerate(spec.envelopes)
            if e.schema_ is not None
        ]
        for section, errors in error_sections(spec):
            models += [
                (details_model_name(e.name), (*section, str(i), "details_schema"))
                for i, e in enumerate(errors)
                if e.details_schema is not None
            ]
        roots = [path for _, path in models]
        positions = {
            path: (where.line, where.column)
            for path, where in validated.loaded.positions.items()
            if any(path[: len(root)] == root for root in roots)
        }
        return cls(validated.loaded.display_path, tuple(models), positions)

    def error(self, exc: Exception) -> SpecError:
        """The generator's complaint, at the schema it names (or the first one)."""
        reason = str(exc)
        path = next((p for name, p in self.models if f"/{name}'" in reason), self.models[0][1])
        # The generator validates schemas with pydantic: "<dotted location>\n  <message> [type=...".
        found = re.search(r"^([^\s].*)\n  (.+?)(?: \[type=|$)", reason, re.MULTILINE)
        detail = reason.strip().splitlines()[0][:300] if reason.strip() else type(exc).__name__
        if found:
            detail = f"{found.group(2)} (at {found.group(1)})"
            for part in found.group(1).split("."):
                if (*path, part) in self.positions:
                    path = (*path, part)
        line, column = self.positions.get(path, (1, 1))
        return SpecError(
            self.shown,
            line,
            column,
            f"{'.'.join(path)}: datamodel-code-generator cannot turn this JSON Schema into a model: {detail}",
        )
