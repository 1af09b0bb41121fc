"""Render stage: resolved vendors are printed through Jinja templates.

Templates only lay out values; every string from a spec reaches generated code through
the filters of ``codegen.literals``: ``py`` (a Python literal) or ``docstring``/``docblock``
(escaped docstring text), so nothing a spec says can become code.  In the Markdown
documents the ``md`` filter (inline text, safe in a table cell) and ``mdurl`` (a link
target) do the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.config import template_dirs
from codegen.layout import SHARED_FILES, VENDOR_FILES
from codegen.literals import (
    assignment,
    call_statement,
    class_header,
    docstring_block,
    docstring_text,
    import_from,
    json_comment,
    markdown_text,
    markdown_url,
    python_literal,
    return_any,
)
from codegen.model import POLICY_FIELDS, RETRYING_EXPORTS, VendorIR, VendorSummary
from codegen.naming import SHARED_CATEGORY_CLASSES, SHARED_RUNTIME_NAMES, all_order, isort_order
from codegen.spec import Action, Category

if TYPE_CHECKING:
    import jinja2
    import jinja2.bccache

MESSAGE_LIMIT = 8192
MATCH_LIMIT = 4096
# The generated package's root names imported on first use, by module (``transport_error``
# is imported lazily too, but exported apart: ``__all__`` lists it after the classes).
PACKAGE_LAZY_NAMES = {
    "_retrying": ("RetryEvent", "Retrying"),
    "_streams": (
        "Event", "StreamDeadlineError", "StreamDroppedError", "StreamError", "StreamEventTooLargeError",
        "StreamReadTimeoutError",
    ),
    "_transport": (
        "ConnectFailedError", "ConnectionDroppedError", "ConnectTimeoutError", "PoolTimeoutError",
        "ReadTimeoutError", "TransportError", "TransportTimeoutError", "WriteTimeoutError",
    ),
}
LAZY_FUNCTIONS = {"_transport": ("transport_error",)}

# Each generated file's template has the file's name: the file lists are kept in layout.
SHARED_TEMPLATES = {name: f"package/{name}.jinja" for name in SHARED_FILES}
VENDOR_TEMPLATES = {name: f"vendor/{name}.jinja" for name in VENDOR_FILES if name != "models.py"}
"""``models.py`` comes from datamodel-code-generator, or from ``EMPTY_MODELS_TEMPLATE``."""
STREAMS_TEMPLATE = "vendor/streams.py.jinja"
"""Rendered for vendors whose spec has a ``streams`` section."""
EMPTY_MODELS_TEMPLATE = "vendor/models_empty.py.jinja"
MACROS_TEMPLATE = "vendor/macros.jinja"

CATEGORY_DOCS: dict[Category, str] = {
    Category.INVALID_REQUEST: "The request is malformed or its parameters are invalid (400, 405, 422).",
    Category.AUTHENTICATION: "The credentials are missing, invalid or expired (401).",
    Category.PERMISSION_DENIED: "The credentials are valid but not allowed to do this (403).",
    Category.NOT_FOUND: "The resource does not exist (404).",
    Category.CONFLICT: "The request conflicts with the resource's current state (409).",
    Category.PAYLOAD_TOO_LARGE: "The request or its file is too large (413).",
    Category.UNSUPPORTED_MEDIA_TYPE: "The content type or file format is not supported (415).",
    Category.PAYMENT_REQUIRED: "Payment is required: no credits or balance left (402).",
    Category.RATE_LIMITED: "Too many requests: backing off clears it (429).",
    Category.QUOTA_EXCEEDED: "A usage or plan cap is reached: backing off does not clear it.",
    Category.INTERNAL: "The server failed unexpectedly (500).",
    Category.UPSTREAM: "A provider behind the API failed (502).",
    Category.UNAVAILABLE: "The service is warming up, overloaded or in maintenance (503).",
    Category.TIMEOUT: "Processing or an upstream call timed out (504).",
    Category.OPERATION_FAILED: "An accepted job ended in failure.",
    Category.UNKNOWN: "Any other failure.",
}

ACTION_DOCS: dict[Action, str] = {
    Action.RETRY: "Send the same request again after the delay.",
    Action.CONTINUE_POLLING: "Keep polling the same job after the delay.",
    Action.RESUBMIT: "Start over with a new request; the failed one is final.",
    Action.FIX_REQUEST: "Change the request: sending it again will fail the same way.",
    Action.CHECK_CREDENTIALS: "Check or rotate the API key.",
    Action.ADD_CREDITS: "Top up the account's balance or credits.",
    Action.WAIT_FOR_QUOTA: "Wait until the quota resets, or raise the plan's limits.",
    Action.CONTACT_SUPPORT: "Contact the vendor's support, with the request id.",
}


@dataclass(frozen=True)
class CategoryView:
    member: str
    value: str
    class_name: str
    doc: str


@dataclass(frozen=True)
class ActionView:
    member: str
    value: str
    doc: str


class Renderer:
    def __init__(self, override: Path | None, package: str) -> None:
        import jinja2

        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(override)]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
            bytecode_cache=_template_cache(),
        )
        self.env.filters["py"] = python_literal
        self.env.filters["docstring"] = docstring_text
        self.env.filters["docblock"] = docstring_block
        self.env.filters["md"] = markdown_text
        self.env.filters["mdurl"] = markdown_url
        self.env.filters["assign"] = assignment
        self.env.filters["class_header"] = class_header
        self.env.filters["call"] = call_statement
        self.env.filters["import_from"] = import_from
        self.env.filters["return_any"] = return_any
        self.env.filters["json_comment"] = json_comment
        self.package = package
        self.shared_context: dict[str, Any] = {
            "package": package,
            "categories": [
                CategoryView(c.name, c.value, SHARED_CATEGORY_CLASSES[c], CATEGORY_DOCS[c])
                for c in Category
            ],
            "actions": [ActionView(a.name, a.value, ACTION_DOCS[a]) for a in Action],
            "policy_fields": POLICY_FIELDS,
            "policy_slots": all_order(f.name for f in POLICY_FIELDS),
            "retrying_exports": RETRYING_EXPORTS,
            "base_imports": isort_order(SHARED_RUNTIME_NAMES),
            "base_exports": all_order(SHARED_RUNTIME_NAMES),
            "package_exports": all_order(
                [*SHARED_RUNTIME_NAMES, *(n for names in PACKAGE_LAZY_NAMES.values() for n in names)]
            ),
            "package_lazy": [
                (module, isort_order([*names, *LAZY_FUNCTIONS.get(module, ())]))
                for module, names in PACKAGE_LAZY_NAMES.items()
            ],
            "reason_phrases": [(s.value, s.phrase) for s in HTTPStatus],
            "message_limit": MESSAGE_LIMIT,
            "match_limit": MATCH_LIMIT,
        }

    def compile_templates(self) -> None:
        """Compile every template now (worker processes then share them)."""
        names = [*SHARED_TEMPLATES.values(), *VENDOR_TEMPLATES.values(), STREAMS_TEMPLATE, EMPTY_MODELS_TEMPLATE]
        for name in [*names, MACROS_TEMPLATE]:
            self.env.get_template(name)

    def render(self, template: str, **context: Any) -> str:
        macros = self.env.get_template(MACROS_TEMPLATE).make_module(
            {**self.shared_context, **context}
        )
        return self.env.get_template(template).render(
            **self.shared_context, **context, macros=macros
        )

    def shared(self, names: Sequence[str], vendors: Sequence[VendorSummary] | None) -> dict[str, str]:
        """The named files every vendor shares; they read each vendor's summary only.

        Without summaries, a template that reads ``vendors`` fails instead of guessing.
        """
        context = {} if vendors is None else {"vendors": vendors}
        return {name: self.render(SHARED_TEMPLATES[name], **context) for name in names}

    def source(self, template: str) -> str:
        """A template's text, from the override folder if it has one."""
        assert self.env.loader is not None
        return self.env.loader.get_source(self.env, template)[0]

    def reads_vendors(self, template: str) -> bool:
        """Whether a template may read the vendors' summaries: it or the macros it uses
        name ``vendors``, or it includes, imports or extends a template, which might."""
        import jinja2.meta

        tree = self.env.parse(self.source(template))
        names = jinja2.meta.find_undeclared_variables(tree)
        if "vendors" in names or next(iter(jinja2.meta.find_referenced_templates(tree)), None) is not None:
            return True
        return "macros" in names and template != MACROS_TEMPLATE and self.reads_vendors(MACROS_TEMPLATE)

    def vendor(self, vendor: VendorIR) -> dict[str, str]:
        shared_imports = isort_order(
            {"APIError", "Category"}
            | {base for c in vendor.classes for base in c.bases if base in SHARED_CATEGORY_CLASSES.values()}
        )
        files = {
            name: self.render(template, v=vendor, shared_imports=shared_imports)
            for name, template in VENDOR_TEMPLATES.items()
        }
        if vendor.streams is not None:
            files["streams.py"] = self.render(STREAMS_TEMPLATE, v=vendor, s=vendor.streams)
        return files

    def empty_models(self, vendor: VendorIR) -> str:
        return self.render(EMPTY_MODELS_TEMPLATE, v=vendor)


def _template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds, as Python keeps ``.pyc`` files.

    Jinja reuses an entry only for the same template source and Python version; the folder
    is named after this module and Jinja's version, which shape the compiled code. A cache
    that cannot be made, read or written is skipped: the templates then compile as usual.
    """
    import hashlib

    import jinja2

    from codegen.cache import cache_folder

    class Cache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable or damaged: compile instead
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:  # written to a temporary file, then renamed: concurrent builds read whole entries
                super().dump_bytecode(bucket)
            except OSError:
                pass

    version = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
    folder = cache_folder(f"templates-{version}")
    return None if folder is None else Cache(str(folder))
