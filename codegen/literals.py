"""Escaping and layout filters: how values from a spec reach generated code and documents.

Every string from a spec reaches generated code through ``python_literal`` (a Python
literal) or ``docstring_text``/``docstring_block`` (escaped docstring text), so nothing
a spec says can become code.  In Markdown documents, ``markdown_text`` (inline text,
safe in a table cell) and ``markdown_url`` (a link target) do the same.  The layout
helpers (``assignment``, ``class_header``, ``call_statement``) wrap lines as black
does, so that black finds nothing to change.
"""

from __future__ import annotations

import re
from typing import Any

LINE_LENGTH = 88
"""black's line length, which the generated code is formatted to."""


def python_literal(value: Any) -> str:
    """A Python literal for a value from a spec: repr() escapes everything that matters."""
    if isinstance(value, str):
        return string_literal(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"no literal for non-finite float {value!r}")
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(python_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise TypeError(f"no literal filter for {type(value).__name__}")


def json_comment(value: Any) -> str:
    """A value as JSON on one line, safe in a ``#`` comment: control characters are escaped."""
    import json

    return json.dumps(value, ensure_ascii=True, sort_keys=True)


def assignment(name: str, value: Any, indent: int) -> str:
    """``name = <literal>``, wrapped in parentheses where black would wrap it."""
    literal = python_literal(value)
    if indent + len(name) + 3 + len(literal) <= LINE_LENGTH:
        return f"{name} = {literal}"
    if indent + 4 + len(literal) <= LINE_LENGTH:
        pad = " " * indent
        return f"{name} = (\n{pad}    {literal}\n{pad})"
    return f"{name} = {literal}"  # too long either way: black leaves it whole


def class_header(name: str, bases: tuple[str, ...]) -> str:
    """A top-level ``class name(bases):`` line, split where black would split it."""
    joined = ", ".join(bases)
    if len(f"class {name}({joined}):") <= LINE_LENGTH:
        return f"class {name}({joined}):"
    if 4 + len(joined) <= LINE_LENGTH:
        return f"class {name}(\n    {joined}\n):"
    return f"class {name}(\n" + "".join(f"    {base},\n" for base in bases) + "):"


def call_statement(function: str, arguments: tuple[str, ...], indent: int) -> str:
    """A ``function(arguments)`` statement, split where black would split it."""
    joined = ", ".join(arguments)
    pad = " " * indent
    if indent + len(f"{function}({joined})") <= LINE_LENGTH:
        return f"{function}({joined})"
    if indent + 4 + len(joined) <= LINE_LENGTH:
        return f"{function}(\n{pad}    {joined}\n{pad})"
    return f"{function}(\n" + "".join(f"{pad}    {a},\n" for a in arguments) + f"{pad})"


def import_from(module: str, names: list[str], indent: int) -> str:
    """``from module import names``, exploded one name a line where black would split it."""
    line = f"from {module} import {', '.join(names)}"
    if indent + len(line) <= LINE_LENGTH:
        return line
    pad = " " * indent
    return f"from {module} import (\n" + "".join(f"{pad}    {n},\n" for n in names) + f"{pad})"


def return_any(operands: tuple[str, ...], indent: int) -> str:
    """``return a or b or c``, split where black would split it."""
    joined = " or ".join(operands)
    pad = " " * indent
    if indent + len(f"return {joined}") <= LINE_LENGTH:
        return f"return {joined}"
    if indent + 4 + len(joined) <= LINE_LENGTH:
        return f"return (\n{pad}    {joined}\n{pad})"
    return f"return (\n{pad}    " + f"\n{pad}    or ".join(operands) + f"\n{pad})"


def string_literal(value: str) -> str:
    """repr() of a string, quoted as black quotes it, so that black has nothing to change.

    Black prefers double quotes unless they need more backslashes than single ones.
    """
    text = repr(value)
    if text[0] == '"':
        return text
    body = text[1:-1]
    swapped = body.replace("\\'", "'").replace('"', '\\"')
    if swapped.count("\\") > body.count("\\"):
        return text
    return f'"{swapped}"'


def docstring_text(value: Any) -> str:
    """Text that may sit inside a triple-quoted docstring, on one line, as it reads."""
    text = str(value)
    out = []
    for index, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"' and text[index + 1 : index + 2] in ('"', ""):
            # Only a quote that could close the docstring needs its backslash.
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif not ch.isprintable():
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def docstring_block(lines: tuple[str, ...], indent: int) -> str:
    """Docstring lines laid out for a body indented by ``indent`` spaces."""
    pad = " " * indent
    escaped = [docstring_text(line) for line in lines]
    if len(escaped) == 1:
        return escaped[0]
    body = "\n".join(pad + line if line else "" for line in escaped[1:])
    return f"{escaped[0]}\n{body}\n{pad}"


# Characters that Markdown or an HTML renderer would read as markup, and what stands for them.
_MARKDOWN_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "\\\\",
    "|": "\\|",
    **{ch: "\\" + ch for ch in "`*_[]~"},
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def markdown_text(value: Any) -> str:
    """Spec text as inline Markdown that reads as written, also inside a table cell."""
    out = []
    for line in _LINE_BREAK.split(str(value)):
        escaped = []
        for ch in line:
            if ch in _MARKDOWN_ESCAPES:
                escaped.append(_MARKDOWN_ESCAPES[ch])
            elif not ch.isprintable() and ch != " ":
                escaped.append(f"&#x{ord(ch):x};")
            else:
                escaped.append(ch)
        out.append("".join(escaped))
    # A line break must not end a table row or start a block (heading, list, quote).
    return "<br>".join(out)


def markdown_url(value: Any) -> str:
    """A URL from a spec as a Markdown link target: nothing in it can close the link."""
    from urllib.parse import quote

    return quote(str(value), safe=":/?#[]@!$&'*+,;=%~-._")
