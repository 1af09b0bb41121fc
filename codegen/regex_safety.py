"""Static checks on message patterns: catastrophic backtracking, and sample strings.

Generated parsers match patterns against a bounded prefix of the message, which bounds
linear patterns; these checks reject the shapes whose cost grows exponentially.
"""

from __future__ import annotations

from typing import Any

try:  # Python 3.11 moved the parser; the old name still works with a warning.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
_UNBOUNDED = sre_constants.MAXREPEAT


def backtracking_problem(pattern: str) -> str | None:
    """Why ``pattern`` may backtrack exponentially, or None when it looks linear."""
    return _scan(sre_parse.parse(pattern), inside_repeat=False)


def _scan(items: Any, inside_repeat: bool) -> str | None:
    for op, arg in items:
        if op in _REPEATS and op != sre_constants.POSSESSIVE_REPEAT:
            low, high, sub = arg
            unbounded = high == _UNBOUNDED or high > 100
            if inside_repeat and unbounded and _can_repeat_freely(sub):
                return "a repeated group contains another unbounded repeat, as in (a+)+"
            found = _scan(sub, inside_repeat or unbounded)
            if found:
                return found
            if unbounded and _overlapping_alternatives(sub):
                return "an unbounded repeat of alternatives that can match the same text, as in (a|a)*"
        elif op == sre_constants.SUBPATTERN:
            found = _scan(arg[-1], inside_repeat)
            if found:
                return found
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                found = _scan(branch, inside_repeat)
                if found:
                    return found
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found = _scan(arg[1], inside_repeat)
            if found:
                return found
        elif op == sre_constants.ATOMIC_GROUP:
            continue
    return None


def _can_repeat_freely(items: Any) -> bool:
    for op, arg in items:
        if op in _REPEATS and op != sre_constants.POSSESSIVE_REPEAT:
            if arg[1] == _UNBOUNDED or arg[1] > 100:
                return True
            if _can_repeat_freely(arg[2]):
                return True
        elif op == sre_constants.SUBPATTERN and _can_repeat_freely(arg[-1]):
            return True
        elif op == sre_constants.BRANCH and any(_can_repeat_freely(b) for b in arg[1]):
            return True
    return False


def _overlapping_alternatives(items: Any) -> bool:
    for op, arg in items:
        if op == sre_constants.SUBPATTERN:
            return _overlapping_alternatives(arg[-1])
        if op == sre_constants.BRANCH:
            samples = [witness_of(branch) for branch in arg[1]]
            compiled = [sre_parse_compile(branch) for branch in arg[1]]
            for i, sample in enumerate(samples):
                for j, matcher in enumerate(compiled):
                    if i != j and sample is not None and matcher(sample):
                        return True
        if op == sre_constants.IN:
            continue
    return False


def sre_parse_compile(items: Any) -> Any:
    import re

    text = _render(items)
    if text is None:
        return lambda _sample: False
    try:
        compiled = re.compile(text)
    except re.error:
        return lambda _sample: False
    return lambda sample: compiled.fullmatch(sample) is not None


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


def _render(items: Any) -> str | None:
    """Turn a parsed branch back into a pattern: only used for simple literal branches."""
    out = []
    for op, arg in items:
        if op == sre_constants.LITERAL:
            import re

            out.append(re.escape(chr(arg)))
        else:
            return None
    return "".join(out)
