"""``codegen import openapi``: a draft spec from an OpenAPI or Swagger description.

The description's documented error responses become classes: one per documented status,
one per wire code found in the error schemas' enums and examples.  Body shapes become
envelopes, documented response headers become request-id, delay, rate-limit and
retry-directive sources, and retry extensions (``x-speakeasy-retries``) become retry
policies.  Every imported item is preceded by a comment naming where it came from, which
is also how a later import into the same file (a re-sync) recognises what it imported
before: statuses by their number, errors by their code, policies by their name, envelopes
by their name or their test.

Nothing here imports a later compiler stage than validation: the draft is loaded and
validated exactly as ``codegen validate`` would before anything is written.  The package
sits apart from the compiler's modules because it does not shape the generated code.
"""

from codegen.openapi_import.command import import_openapi, import_text
from codegen.openapi_import.draft import GONE, MARKER, ImportReport, load_document

__all__ = ["GONE", "MARKER", "ImportReport", "import_openapi", "import_text", "load_document"]
