"""A fast path for loading specs: libyaml's C parser, with YAML 1.2 scalars.

ruamel.yaml (pure Python) reads a spec in about 100 ms per thousand lines; libyaml
composes the same nodes in a few.  This path only takes documents whose meaning is
certain: plain scalars that are strings, ``true``/``false``, ``null`` or plain decimal
numbers, no tags, anchors, merge keys or duplicate keys.  For anything else, and for
every error, it returns None and ``load`` asks ruamel.yaml, which stays the reference
for meaning and for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

DataPath = tuple[str, ...]
Mark = tuple[int, int]  # 1-based line and column

_PLAIN = "plain"
_QUOTED = "quoted"
_COLLECTION = "collection"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+]?[0-9]+)?")
# Plain scalars that ruamel.yaml's YAML 1.2 resolver reads as numbers, timestamps and
# the like, in forms other than the two above.
_UNSURE_START = frozenset("-+.0123456789=<")
_UNSURE = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?.*  # dates and timestamps
    |=|<<""",
    re.X,
)


class _Unsure(Exception):
    """The document uses something this path leaves to ruamel.yaml."""


class SyntaxProblem(Exception):
    """libyaml found the document malformed; ruamel.yaml reports it in its own words."""


class TooDeep(Exception):
    """libyaml's own nesting limit (1,000) was reached at ``index`` of the text."""

    def __init__(self, index: int, line: int, column: int) -> None:
        super().__init__(index, line, column)
        self.index, self.line, self.column = index, line, column


class Rejected(Exception):
    """A mistake this path can locate itself: line, column (1-based) and message."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(line, column, message)
        self.line, self.column, self.message = line, column, message


def twice_message(key: str, first_line: int) -> str:
    return (
        f"key '{key}' is given twice, once as a number and once as text (first at line {first_line});"
        " both mean the same key, keep only one"
    )


def digits_message(digits: int, limit: int) -> str:
    return f"a number of {digits:,} digits; a spec has no use for more than {limit} (quote it if it is text)"


def events(text: str) -> Iterator[Any] | None:
    """libyaml's parse events of ``text``; None without libyaml.

    Raises SyntaxProblem where the text is malformed, TooDeep past libyaml's nesting limit.

    The events come at C speed and without recursion, so the loader can refuse a document
    nested or expanding past its limits before anything builds it.
    """
    try:
        import yaml
        from yaml._yaml import CParser
    except ImportError:  # PyYAML without libyaml
        return None

    def generate() -> Iterator[Any]:
        parser = CParser(text)
        try:
            while True:
                try:
                    event = parser.get_event()
                except yaml.MarkedYAMLError as exc:
                    mark = exc.problem_mark
                    if "maximum nesting depth" in str(exc.problem) and mark is not None:
                        raise TooDeep(mark.index, mark.line + 1, mark.column + 1) from None
                    raise SyntaxProblem from None
                except (yaml.YAMLError, ValueError, TypeError):
                    raise SyntaxProblem from None
                if event is None:
                    return
                yield event
        finally:
            parser.dispose()

    return generate()


def parse(text: str) -> tuple[Any, dict[DataPath, Mark], dict[DataPath, Mark]] | None:
    """The document's plain data, value positions and key positions; None when unsure."""
    try:
        import yaml
        from yaml._yaml import CParser  # what yaml.cyaml builds its loaders on
    except ImportError:  # PyYAML without libyaml
        return None

    class Composer(CParser):
        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                return _PLAIN if implicit[0] else _QUOTED
            return _COLLECTION

    from codegen.load import MAX_NUMBER_DIGITS as max_digits

    composer = Composer(text)
    try:
        node = composer.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    finally:
        composer.dispose()
    if node is None:
        return None
    positions: dict[DataPath, Mark] = {}
    key_positions: dict[DataPath, Mark] = {}
    seen: set[int] = set()

    def mark(node: Any) -> Mark:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def plain(node: Any, path: DataPath) -> Any:
        if id(node) in seen:  # an alias
            raise _Unsure
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _COLLECTION:
                raise _Unsure
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, (str, int)) or isinstance(key, bool) or key in result:
                    raise _Unsure  # ruamel.yaml reports these
                if (*path, str(key)) in key_positions:  # 400 and "400": one key once in JSON
                    first = key_positions[(*path, str(key))]
                    raise Rejected(*mark(key_node), twice_message(str(key), first[0]))
                if key == "<<" and key_node.tag == _PLAIN:
                    raise _Unsure
                child = (*path, str(key))
                key_positions[child] = mark(key_node)
                positions[child] = mark(value_node)
                result[key] = plain(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _COLLECTION:
                raise _Unsure
            items = []
            for index, item in enumerate(node.value):
                child = (*path, str(index))
                positions[child] = mark(item)
                items.append(plain(item, child))
            return items
        return scalar(node)

    def scalar(node: Any) -> Any:
        value = node.value
        if node.tag == _QUOTED:
            return value
        if node.tag != _PLAIN:
            raise _Unsure
        if value == "":
            raise _Unsure  # ruamel.yaml places an empty value elsewhere
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if value[:1] in _UNSURE_START:
            if _INT.fullmatch(value):
                if len(value) > max_digits:
                    raise Rejected(*mark(node), digits_message(len(value), max_digits))
                return int(value)
            if _FLOAT.fullmatch(value):
                return float(value)
            if _UNSURE.fullmatch(value):
                raise _Unsure
        return value

    try:
        return plain(node, ()), positions, key_positions
    except (_Unsure, RecursionError):
        return None
