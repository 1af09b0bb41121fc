"""Load stage: a spec file becomes plain data plus the source position of every value."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.errors import SpecError

MAX_SPEC_BYTES = 5 * 1024 * 1024

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
        raise fail(1, 1, f"file is {len(raw)} bytes; specs are limited to {MAX_SPEC_BYTES}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise fail(1, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(line, column, f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    if not text.strip():
        raise fail(1, 1, "file is empty; a spec needs at least spec_version, vendor, retry_policies and families")
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise fail(line, offset - (text.rfind("\n", 0, offset) + 1) + 1, "file contains a NUL character")

    from codegen import yaml_fast

    fast = yaml_fast.parse(text)
    if fast is not None and isinstance(fast[0], dict):
        data, positions, key_positions = fast
        return LoadedSpec(
            path=path,
            display_path=display_path,
            sha256=hashlib.sha256(raw).hexdigest(),
            data=data,
            positions={k: Position(*v) for k, v in positions.items()},
            key_positions={k: Position(*v) for k, v in key_positions.items()},
        )

    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        document = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "'\\t'" in str(exc):
            problem = "tab character in indentation; indent with spaces"
        raise fail(line, column, f"YAML syntax error: {problem}") from None
    except YAMLError as exc:
        raise fail(1, 1, f"YAML error: {str(exc).strip()}") from None
    except RecursionError:
        raise fail(1, 1, "YAML nesting is too deep") from None

    loaded = LoadedSpec(
        path=path,
        display_path=display_path,
        sha256=hashlib.sha256(raw).hexdigest(),
        data=None,
    )
    loaded.data = _plain(document, (), loaded)
    if not isinstance(loaded.data, dict):
        raise fail(1, 1, "a spec must be a mapping at the top level")
    return loaded


def _plain(node: Any, path: DataPath, loaded: LoadedSpec) -> Any:
    """Copy ruamel's round-trip nodes into plain data, recording positions on the way."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child = path + (str(key),)
            key_line, key_col = node.lc.key(key)
            value_line, value_col = node.lc.value(key)
            loaded.key_positions[child] = Position(key_line + 1, key_col + 1)
            loaded.positions[child] = Position(value_line + 1, value_col + 1)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise loaded.error(child, f"mapping keys must be strings, not {type(key).__name__}", key=True)
            result[key if isinstance(key, int) else str(key)] = _plain(value, child, loaded)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = path + (str(index),)
            line, col = node.lc.item(index)
            loaded.positions[child] = Position(line + 1, col + 1)
            items.append(_plain(value, child, loaded))
        return items
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
    raise loaded.error(path, f"unsupported YAML value of type {type(node).__name__}")
