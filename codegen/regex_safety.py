"""Static checks on message patterns: catastrophic backtracking, and sample strings.

Generated parsers match patterns against a bounded prefix of the message, which bounds
linear patterns; these checks reject the shapes whose cost grows exponentially, or as a
high power of that prefix's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

try:  # Python 3.11 moved the parser; the old name still works with a warning.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


def backtracking_problem(pattern: str) -> str | None:
    """Why ``pattern`` may backtrack catastrophically, or None when it looks safe.

    A repeated part (``+``, ``*``, ``{n,m}`` with m > 1) is unsafe when one string can be
    split between its iterations in many ways, as in ``(a+)+``, ``(\\s*\\w+)+`` or
    ``(.*a){20}``, or when its alternatives can start alike, as in ``(a|a)*`` or
    ``(a|ab)*``.  A variable-length repeat inside it is fine only when something it
    must match every time holds none of that repeat's characters: ``(\\d+\\.){3}``,
    ``(,\\s*\\w+)*``.  Possessive repeats and atomic groups never backtrack, so they pass.
    """
    parsed = sre_parse.parse(pattern)
    sets = _CharSets(pattern, bool(parsed.state.flags & re.IGNORECASE))
    return _scan(list(parsed), sets)


class _CharSets:
    """Character sets evaluated over a finite alphabet that decides their overlaps.

    The alphabet holds ASCII, a few other scripts, and every character the pattern names
    or bounds a range with: two ranges overlap exactly when one holds an end of the other.
    """

    def __init__(self, pattern: str, ignore_case: bool) -> None:
        named = set(pattern) | {"é", "»", "ж", "中", "٣", "\u00a0", "\u2028", "😀"}
        for ch in list(named):
            named.update((ch.lower(), ch.upper()))
        self.alphabet = frozenset(chr(c) for c in range(128)) | named
        self.ignore_case = ignore_case
        self._ranges: list[tuple[int, int]] = []
        self._leaves: dict[tuple[Any, str], frozenset[str]] = {}
        self._collect(sre_parse.parse(pattern))
        for low, high in self._ranges:
            self.alphabet |= {chr(low), chr(high)}

    def _collect(self, items: Any) -> None:
        for op, arg in items:
            if op == sre_constants.IN:
                self._ranges += [value for kind, value in arg if kind == sre_constants.RANGE]
            elif op in _REPEATS:
                self._collect(arg[2])
            elif op == sre_constants.SUBPATTERN:
                self._collect(arg[-1])
            elif op == sre_constants.BRANCH:
                for branch in arg[1]:
                    self._collect(branch)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                self._collect(arg[1])
            elif op == sre_constants.ATOMIC_GROUP:
                self._collect(arg)

    def of_leaf(self, op: Any, arg: Any) -> frozenset[str]:
        key = (op, repr(arg))
        found = self._leaves.get(key)
        if found is None:
            found = self._leaves[key] = self._evaluate(op, arg)
        return found

    def _evaluate(self, op: Any, arg: Any) -> frozenset[str]:
        test: Callable[[str], bool]
        if op == sre_constants.LITERAL:
            test = lambda ch: ch == chr(arg)  # noqa: E731
        elif op == sre_constants.NOT_LITERAL:
            test = lambda ch: ch != chr(arg)  # noqa: E731
        elif op == sre_constants.IN:
            test = lambda ch: _in_set(ch, arg)  # noqa: E731
        else:  # ANY, a back-reference, anything else: assume every character
            return self.alphabet
        if self.ignore_case:
            return frozenset(ch for ch in self.alphabet if any(test(c) for c in (ch, ch.lower(), ch.upper())))
        return frozenset(ch for ch in self.alphabet if test(ch))


def _in_set(ch: str, items: Any) -> bool:
    found = False
    negated = False
    for op, value in items:
        if op == sre_constants.NEGATE:
            negated = True
        elif op == sre_constants.LITERAL:
            found = found or ch == chr(value)
        elif op == sre_constants.RANGE:
            found = found or value[0] <= ord(ch) <= value[1]
        elif op == sre_constants.CATEGORY:
            found = found or re.fullmatch(_CATEGORIES.get(value, "[\\s\\S]"), ch) is not None
    return found != negated


_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: r"\d",
    sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s",
    sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w",
    sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _is_loop(op: Any, arg: Any) -> bool:
    """A repeat that backtracking can re-split: more than one iteration, not possessive."""
    return op in _BACKTRACKING_REPEATS and arg[1] >= 2


def _varies(op: Any, arg: Any) -> bool:
    """A repeat whose number of iterations backtracking can change."""
    return op in _BACKTRACKING_REPEATS and arg[1] > arg[0]


def _scan(items: list[Any], sets: _CharSets) -> str | None:
    """The first problem of any loop in ``items``, searching every nesting level."""
    for op, arg in items:
        if _is_loop(op, arg):
            problem = _loop_problem(list(arg[2]), sets)
            if problem:
                return problem
        for child in _children(op, arg, into_lookarounds=True):
            problem = _scan(child, sets)
            if problem:
                return problem
    return None


def _children(op: Any, arg: Any, into_lookarounds: bool) -> list[list[Any]]:
    if op in _REPEATS:
        return [list(arg[2])]
    if op == sre_constants.SUBPATTERN:
        return [list(arg[-1])]
    if op == sre_constants.BRANCH:
        return [list(b) for b in arg[1]]
    if op == sre_constants.GROUPREF_EXISTS:
        return [list(b) for b in arg[1:] if b is not None]
    if into_lookarounds and op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [list(arg[1])]
    if into_lookarounds and op == sre_constants.ATOMIC_GROUP:
        return [list(arg)]
    return []


def _loop_problem(body: list[Any], sets: _CharSets) -> str | None:
    """Why one string could be split between iterations of a loop with this body in many ways."""

    def visit(items: list[Any], separators: list[frozenset[str]]) -> str | None:
        required = [None if _nullable([item]) else _chars([item], sets) for item in items]
        for index, (op, arg) in enumerate(items):
            # What this iteration must match besides ``items[index]`` itself.
            around = separators + [c for j, c in enumerate(required) if j != index and c is not None]
            if op == sre_constants.BRANCH and _alternatives_overlap(arg[1], sets):
                return "a repeated group holds alternatives that can start with the same character, as in (a|ab)*"
            if _varies(op, arg) or op == sre_constants.GROUPREF:
                inner = _chars([(op, arg)], sets)
                if not any(inner.isdisjoint(s) for s in around):
                    return "a repeated group contains a repeat that can trade characters with the next iteration, as in (a+)+ or (.*a){20}"
                continue
            for child in _children(op, arg, into_lookarounds=False):
                problem = visit(child, around)
                if problem:
                    return problem
        return None

    return visit(body, [])


def _alternatives_overlap(branches: Any, sets: _CharSets) -> bool:
    # The parser factors common prefixes out, (a|ab) becoming a(?:|b): an empty
    # alternative means that one alternative was a prefix of another.
    if any(_nullable(list(b)) for b in branches):
        return True
    firsts = [_chars(list(b), sets, first=True) for b in branches]
    return any(a & b for i, a in enumerate(firsts) for b in firsts[i + 1 :])


def _nullable(items: list[Any]) -> bool:
    for op, arg in items:
        if op in _REPEATS:
            if arg[0] > 0 and not _nullable(list(arg[2])):
                return False
        elif op == sre_constants.SUBPATTERN:
            if not _nullable(list(arg[-1])):
                return False
        elif op == sre_constants.BRANCH:
            if not any(_nullable(list(b)) for b in arg[1]):
                return False
        elif op == sre_constants.ATOMIC_GROUP:
            if not _nullable(list(arg)):
                return False
        elif op in _CONSUMING:
            return False
    return True


def _chars(items: list[Any], sets: _CharSets, first: bool = False) -> frozenset[str]:
    """Every character a match of ``items`` can hold, or with ``first`` start with."""
    found: frozenset[str] = frozenset()
    for op, arg in items:
        children = _children(op, arg, into_lookarounds=False)
        if children:
            for child in children:
                found |= _chars(child, sets, first)
        elif op in _CONSUMING:
            found |= sets.of_leaf(op, arg)
        elif op == sre_constants.GROUPREF:
            found |= sets.alphabet
        if first and not _nullable([(op, arg)]):
            break
    return found


_BACKTRACKING_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_CONSUMING = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN)


def witnesses(pattern: str) -> list[str]:
    """Short strings that ``pattern`` matches, used to find patterns shadowed by earlier ones."""
    sample = witness_of(sre_parse.parse(pattern))
    return [sample] if sample is not None else []


def witness_of(items: Any) -> str | None:
    out: list[str] = []
    for op, arg in items:
        if op == sre_constants.LITERAL:
            out.append(chr(arg))
        elif op == sre_constants.NOT_LITERAL:
            out.append("x" if chr(arg) != "x" else "y")
        elif op == sre_constants.ANY:
            out.append("x")
        elif op == sre_constants.IN:
            ch = _char_in(arg)
            if ch is None:
                return None
            out.append(ch)
        elif op in _REPEATS:
            low, _high, sub = arg
            part = witness_of(sub)
            if part is None:
                return None
            out.append(part * max(low, 1) if low or part else "")
        elif op == sre_constants.SUBPATTERN:
            part = witness_of(arg[-1])
            if part is None:
                return None
            out.append(part)
        elif op == sre_constants.BRANCH:
            part = witness_of(arg[1][0])
            if part is None:
                return None
            out.append(part)
        elif op == sre_constants.ATOMIC_GROUP:
            part = witness_of(arg)
            if part is None:
                return None
            out.append(part)
        elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        else:
            return None
    return "".join(out)


def _char_in(arg: Any) -> str | None:
    negated = False
    for op, value in arg:
        if op == sre_constants.NEGATE:
            negated = True
        elif not negated and op == sre_constants.LITERAL:
            return chr(value)
        elif not negated and op == sre_constants.RANGE:
            return chr(value[0])
        elif not negated and op == sre_constants.CATEGORY:
            return {
                sre_constants.CATEGORY_DIGIT: "0",
                sre_constants.CATEGORY_WORD: "a",
                sre_constants.CATEGORY_SPACE: " ",
                sre_constants.CATEGORY_NOT_DIGIT: "a",
                sre_constants.CATEGORY_NOT_WORD: " ",
                sre_constants.CATEGORY_NOT_SPACE: "a",
            }.get(value)
    if negated:
        excluded = {chr(v) for op, v in arg if op == sre_constants.LITERAL}
        for candidate in "xyz0 ":
            if candidate not in excluded:
                return candidate
    return None
