"""Load stage: a spec file becomes plain data plus the source position of every value."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.errors import SpecError

MAX_SPEC_BYTES = 5 * 1024 * 1024
# Limits on the loaded data: YAML aliases can make a small file expand without bound.
MAX_DEPTH = 64
MAX_VALUES = 250_000
MAX_EXPANDED_CHARS = 8 * 1024 * 1024  # characters of every scalar, each alias counted again
MAX_NUMBER_DIGITS = 100

# A path into the loaded data; list indices are written as strings too.
DataPath = tuple[str, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class LoadedSpec:
    path: Path
    display_path: str
    sha256: str
    data: Any
    positions: dict[DataPath, Position] = field(default_factory=dict)
    key_positions: dict[DataPath, Position] = field(default_factory=dict)

    def position(self, path: DataPath, *, key: bool = False) -> Position:
        """The position of the value at ``path``, or of its nearest enclosing value."""
        table = self.key_positions if key else self.positions
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.positions.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def error(self, path: DataPath, message: str, *, key: bool = False) -> SpecError:
        where = self.position(path, key=key)
        return SpecError(self.display_path, where.line, where.column, message)


def load_spec(path: Path, display_path: str) -> LoadedSpec:
    raw = path.read_bytes()
    return parse_spec_bytes(raw, path, display_path)


def parse_spec_bytes(raw: bytes, path: Path, display_path: str) -> LoadedSpec:
    def fail(line: int, column: int, message: str) -> SpecError:
        return SpecError(display_path, line, column, message)

    if len(raw) > MAX_SPEC_BYTES:
        raise fail(1, 1, f"file is {len(raw):,} bytes; a spec may have at most {MAX_SPEC_BYTES:,}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise fail(1, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(line, column, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8") from None
    if not text.strip():
        raise fail(1, 1, "file is empty; a spec needs at least spec_version, vendor, retry_policies and families")
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise fail(line, offset - (text.rfind("\n", 0, offset) + 1) + 1, "file contains a NUL character; remove it")

    from codegen import yaml_fast

    try:
        fast = yaml_fast.parse(text)
    except yaml_fast.Rejected as exc:
        raise fail(exc.line, exc.column, exc.message) from None
    if fast is not None and isinstance(fast[0], dict):
        data, positions, key_positions = fast
        return _not_too_deep(
            LoadedSpec(
                path=path,
                display_path=display_path,
                sha256=hashlib.sha256(raw).hexdigest(),
                data=data,
                positions={k: Position(*v) for k, v in positions.items()},
                key_positions={k: Position(*v) for k, v in key_positions.items()},
            )
        )

    _check_fast_events(text, fail)  # before ruamel.yaml, which is slow on what these refuse

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        _check_events(yaml.parse(text), fail)
        document = yaml.load(text)
    except MarkedYAMLError as exc:
        line, column, problem = _yaml_problem(exc)
        raise fail(line, column, f"YAML syntax error: {problem}") from None
    except YAMLError as exc:
        raise fail(1, 1, f"YAML error: {str(exc).strip()}") from None
    except RecursionError:
        raise fail(1, 1, f"YAML nesting is too deep; specs nest at most {MAX_DEPTH} levels") from None

    loaded = LoadedSpec(
        path=path,
        display_path=display_path,
        sha256=hashlib.sha256(raw).hexdigest(),
        data=None,
    )
    if document is None:
        raise fail(1, 1, "file holds only comments; a spec needs at least spec_version, vendor, retry_policies and families")
    loaded.data = _plain(document, (), loaded)
    if not isinstance(loaded.data, dict):
        kind = "a list" if isinstance(loaded.data, list) else "a single value"
        raise fail(1, 1, f"a spec must be a mapping of keys (spec_version: 1, vendor: ...), not {kind}")
    return _not_too_deep(loaded)


def _not_too_deep(loaded: LoadedSpec) -> LoadedSpec:
    deep = next((p for p in loaded.positions if len(p) > MAX_DEPTH), None)
    if deep is not None:
        raise loaded.error(deep[: MAX_DEPTH + 1], f"nested more than {MAX_DEPTH} levels deep; a spec has no use for such depth")
    return loaded


# Explicit tags a spec may use; any other would ask the loader for objects a spec has no use for.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)


def _check_events(events: Any, fail: Any) -> None:
    """Reject what the loader would accept and regret, as soon as the parser's events show it.

    Foreign tags, recursive aliases, aliases that expand past ``MAX_VALUES`` values or
    ``MAX_EXPANDED_CHARS`` characters, nesting deeper than ``MAX_DEPTH``, numbers too long
    to convert and lone surrogates. Raises the located error of the first one met.
    """
    # One entry per open mapping or list: its anchor, and its values and characters, aliases expanded.
    open_nodes: list[list[Any]] = [[None, 0, 0]]
    sizes: dict[str, tuple[int, int]] = {}
    for event in events:
        kind = type(event).__name__
        mark = event.start_mark
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise fail(mark.line + 1, mark.column + 1, f"YAML tag '{shown}' is not allowed; write a plain value")
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            open_nodes.append([event.anchor, 1, 0])
            # The document's mapping holds paths of length 0: a value at depth d has d - 1 keys.
            if len(open_nodes) - 2 > MAX_DEPTH:
                raise fail(mark.line + 1, mark.column + 1, f"nested more than {MAX_DEPTH} levels deep; a spec has no use for such depth")
            continue
        if kind in ("ScalarEvent", "AliasEvent") and len(open_nodes) - 1 > MAX_DEPTH:
            raise fail(mark.line + 1, mark.column + 1, f"nested more than {MAX_DEPTH} levels deep; a spec has no use for such depth")
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            anchor, values, chars = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = (values, chars)
        elif kind == "ScalarEvent":
            values, chars = 1, len(event.value)
            _check_scalar(event, fail)
            if event.anchor is not None:
                sizes[event.anchor] = (values, chars)
        elif kind == "AliasEvent":
            if any(node[0] == event.anchor for node in open_nodes):
                raise fail(
                    mark.line + 1,
                    mark.column + 1,
                    f"alias '*{event.anchor}' is inside the value its anchor names; a spec cannot be recursive",
                )
            values, chars = sizes.get(event.anchor, (1, 0))
        else:
            continue
        open_nodes[-1][1] += values
        open_nodes[-1][2] += chars
        if open_nodes[-1][1] > MAX_VALUES or open_nodes[-1][2] > MAX_EXPANDED_CHARS:
            limit = f"{MAX_VALUES:,} values" if open_nodes[-1][1] > MAX_VALUES else f"{MAX_EXPANDED_CHARS:,} characters"
            raise fail(
                mark.line + 1,
                mark.column + 1,
                f"the spec expands to more than {limit} here; do YAML aliases (*name) repeat large parts?",
            )


def _check_fast_events(text: str, fail: Any) -> None:
    """``_check_events`` at libyaml's speed; its syntax errors are left to ruamel.yaml's messages."""
    from codegen import yaml_fast

    events = yaml_fast.events(text)
    if events is None:
        return
    try:
        _check_events(events, fail)
    except yaml_fast.SyntaxProblem:
        pass  # ruamel.yaml below says what is wrong, and where
    except yaml_fast.TooDeep as deep:
        # The text up to libyaml's limit holds the level past ours: find where it opens.
        try:
            _check_events(yaml_fast.events(text[: deep.index]), fail)
        except (yaml_fast.SyntaxProblem, yaml_fast.TooDeep):
            pass
        raise fail(deep.line, deep.column, f"nested more than {MAX_DEPTH} levels deep; a spec has no use for such depth") from None


_LONG_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_scalar(event: Any, fail: Any) -> None:
    """A number longer than any spec needs (Python would refuse to convert it), or a lone surrogate."""
    mark = event.start_mark
    value = event.value
    plain = event.implicit[0] and not event.style
    if plain and len(value) > MAX_NUMBER_DIGITS and _LONG_NUMBER.fullmatch(value):
        from codegen.yaml_fast import digits_message

        raise fail(mark.line + 1, mark.column + 1, digits_message(len(value), MAX_NUMBER_DIGITS))
    found = _SURROGATE.search(value)
    if found is not None:
        start = max(found.start() - 20, 0)
        excerpt = value[start : found.end() + 20].encode("utf-8", "backslashreplace").decode("utf-8")
        raise fail(
            mark.line + 1,
            mark.column + 1,
            f"the string \"{excerpt[:80]}\" holds a lone surrogate (\\u{ord(found.group()):04x}), which is not a"
            " character; remove the escape or complete the pair",
        )


def _yaml_problem(exc: Any) -> tuple[int, int, str]:
    """Where a YAML syntax error is and what to do about it, in place of ruamel's parser terms."""
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    mark = problem_mark or context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    opened = f"line {context_mark.line + 1}, column {context_mark.column + 1}" if context_mark else ""
    if "'\\t'" in problem:
        return line, column, "tab character; YAML indents and separates with spaces only"
    if problem.startswith("found duplicate key"):
        key = problem.split('"')[1] if '"' in problem else "?"
        first = _first_key_line(exc, key)
        where = f" (first given at line {first})" if first else ""
        return line, column, f"duplicate key '{key}'{where}; keep only one"
    if context.startswith("while parsing a flow sequence") and context_mark:
        return context_mark.line + 1, context_mark.column + 1, "this '[' is never closed; add the missing ']' (or a ',' between items)"
    if context.startswith("while parsing a flow mapping") and context_mark:
        return context_mark.line + 1, context_mark.column + 1, "this '{' is never closed; add the missing '}' (or a ',' between items)"
    if context.startswith("while scanning a quoted scalar") and context_mark:
        return context_mark.line + 1, context_mark.column + 1, "this quoted string is never closed; add the closing quote"
    if context.startswith("while scanning a simple key"):
        return line, column, "expected 'key: value' here; add the ':' or fix the indentation of the line above"
    if problem == "mapping values are not allowed here":
        return line, column, "unexpected ':'; quote a value that contains ': ', or fix the indentation of this line"
    if problem.startswith("expected <block end>") and "block mapping" in context:
        return line, column, f"indentation does not match the keys of the mapping at {opened}; line keys up with spaces"
    if problem.startswith("expected <block end>") and "block collection" in context:
        return line, column, f"a key where the list at {opened} expects a '- ' item; fix the indentation"
    if problem.startswith("found undefined alias"):
        return line, column, f"{problem.replace('found undefined alias', 'alias')} refers to no anchor defined above it"
    if "expected a single document" in context:
        return line, column, "a second YAML document ('---'); a spec file holds one document"
    detail = f" ({context} at {opened})" if context and opened else ""
    return line, column, f"{problem or context or 'invalid YAML'}{detail}"


def _first_key_line(exc: Any, key: str) -> int | None:
    """The line where a duplicated key first appears, from the problem's own mapping."""
    mark = exc.context_mark
    buffer = getattr(exc.problem_mark, "buffer", None)
    if mark is None or not buffer:
        return None
    column = exc.problem_mark.column
    for number, text in enumerate(buffer.splitlines()[mark.line : exc.problem_mark.line], start=mark.line + 1):
        stripped = text[column:]
        if len(text) - len(text.lstrip(" ")) == column and stripped.split(":", 1)[0].strip("'\" ") == key:
            return number
    return None


def _plain(node: Any, path: DataPath, loaded: LoadedSpec) -> Any:
    """Copy ruamel's round-trip nodes into plain data, recording positions on the way."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, (CommentedMap, CommentedSeq)):
        return _plain_collection(node, path, loaded)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    import datetime

    if isinstance(node, (datetime.date, datetime.datetime)):
        # Keep dates as text: specs quote vendor examples, they do not compute with them.
        return node.isoformat()
    raise loaded.error(path, f"unsupported YAML value of type {type(node).__name__}; write a plain value")


def _plain_collection(node: Any, path: DataPath, loaded: LoadedSpec) -> Any:
    """A mapping or a list, copied with the positions of its entries."""
    from ruamel.yaml.comments import CommentedMap

    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child = path + (str(key),)
            key_line, key_col = node.lc.key(key)
            value_line, value_col = node.lc.value(key)
            if child in loaded.key_positions:
                from codegen.yaml_fast import twice_message

                first = loaded.key_positions[child].line
                loaded.key_positions[child] = Position(key_line + 1, key_col + 1)
                raise loaded.error(child, twice_message(str(key), first), key=True)
            loaded.key_positions[child] = Position(key_line + 1, key_col + 1)
            loaded.positions[child] = Position(value_line + 1, value_col + 1)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                kind = "a list" if isinstance(key, tuple) else f"{type(key).__name__} {key!r}"
                raise loaded.error(child, f"a mapping key must be a plain string, not {kind}", key=True)
            result[key if isinstance(key, int) else str(key)] = _plain(value, child, loaded)
        return result
    items = []
    for index, value in enumerate(node):
        child = path + (str(index),)
        line, col = node.lc.item(index)
        loaded.positions[child] = Position(line + 1, col + 1)
        items.append(_plain(value, child, loaded))
    return items
