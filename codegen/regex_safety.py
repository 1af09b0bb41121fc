"""Static checks on message patterns: linear matching time, and sample strings.

Generated parsers run ``re.search`` over the first ``MATCH_LIMIT`` characters of a
message, on the error path of every request. A pattern is accepted only when this
module can show that Python's backtracking engine matches it in time linear in that
text; anything it cannot show is rejected, with a message pointing at the template
form (``templates:``), whose regexes are linear by construction.

The analysis works on ``re``'s own parse tree and on character sets decided by the
engine itself (so case folding, ``\\w``, ``\\d`` and ``\\s`` mean what they mean at run
time). A *pump* is a repeat whose count can vary by more than ``SMALL_VARIATION``
(``*``, ``+``, ``{0,200}``); smaller repeats are unrolled. Three rules:

1. Loops: a repeated group must not split one text between its iterations in several
   ways (``(a+)+``, ``(\\s*\\w+)+``, ``(a?b?)+``) nor hold alternatives that can start
   alike (``(a|ab)*``).
2. Sequences: two pumps that can take the same character must be kept apart by
   something mandatory between them that cannot be that character (``.*: .*`` fails,
   ``[^:]*: .*`` passes). An unanchored pattern is searched from every position, which
   acts as a pump over every character before the pattern's first item.
3. Alternatives whose branches can start alike, outside loops, each double the work;
   a few are allowed. Back-references, conditionals and lookarounds holding a pump are
   refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

try:  # Python 3.11 moved the parser; the old name still works with a warning.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
_BACKTRACKING_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_CONSUMING = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN)

SMALL_VARIATION = 16  # a repeat whose count varies by at most this much is unrolled
MAX_GROUP_DEPTH = 20  # groups nested deeper are refused before the parser recurses
MAX_AMBIGUOUS_ALTERNATIONS = 3  # outside loops, each can double the work
_STEP_BUDGET = 20_000  # analysis steps; a pattern needing more is refused
TEMPLATE_HINT = (
    "; write the message as a template instead (templates: [\"Model '{model_id}' not found\"]),"
    " or bound each repeat by a character that must follow it, as in [^']*'"
)


class _Unsafe(Exception):
    """The pattern may take more than linear time, or the analysis cannot show it does not."""


@lru_cache(maxsize=4096)
def backtracking_problem(pattern: str) -> str | None:
    """Why matching ``pattern`` may take more than linear time, or None when it cannot.

    ``pattern`` must compile.
    """
    depth = group_depth(pattern)
    if depth > MAX_GROUP_DEPTH:
        return f"groups nest {depth} deep; a pattern may nest them at most {MAX_GROUP_DEPTH} deep"
    try:
        _Analysis(pattern, parsed_pattern(pattern)).run()
    except _Unsafe as exc:
        return str(exc) + TEMPLATE_HINT
    except RecursionError:
        return "the pattern is too deeply nested to analyse" + TEMPLATE_HINT
    return None


@lru_cache(maxsize=4096)
def parsed_pattern(pattern: str) -> Any:
    """``re``'s parse tree of ``pattern``, kept: checks read it several times, and never change it."""
    return sre_parse.parse(pattern)


@lru_cache(maxsize=4096)
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once, beyond the 512 patterns ``re`` keeps."""
    return re.compile(pattern)


def group_depth(pattern: str) -> int:
    """How deep the groups of ``pattern`` nest, read from its text without the parser."""
    depth = deepest = 0
    in_class = escaped = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(depth - 1, 0)
    return deepest


# Characters that stand for the regions of Unicode the classes tell apart: letters and
# digits of other scripts, Unicode spaces and separators, case-folding oddities.
_REPRESENTATIVES = (
    "éßÿ«»жЖ中٣١²½ǅﬀİıſ\u212a\u212bµΣσς\u0345ϐ\u00a0\u1680\u2000\u2028\u2029\u202f\u3000"
    "\x85\x1c\x1d\x1e\x1f\u200b\ufeff\U0001f600\U00010400\U0001d7ce"
)


_ASCII = frozenset(chr(c) for c in range(128))


@cache
def _same_lower() -> dict[str, tuple[str, ...]]:
    """Every character grouped under its lower case, for case-insensitive patterns."""
    groups: dict[str, list[str]] = {}
    for point in range(0x110000):
        ch = chr(point)
        low = ch.lower()
        if low != ch and len(low) == 1:
            groups.setdefault(low, []).append(ch)
    return {low: tuple(chars) for low, chars in groups.items()}


def _fold_class(ch: str) -> set[str]:
    """The characters ``re`` may treat as ``ch`` under IGNORECASE."""
    from re import _casefix  # type: ignore[attr-defined]

    low = ch.lower() if len(ch.lower()) == 1 else ch
    found = {ch, low}
    for other in (low, *(chr(c) for c in _casefix._EXTRA_CASES.get(ord(low), ()))):
        found.add(other)
        found.update(_same_lower().get(other, ()))
        if len(other.upper()) == 1:
            found.add(other.upper())
    return found


class _CharSets:
    """Character sets of a pattern's items over a finite alphabet that decides their overlaps.

    The alphabet holds ASCII, representatives of Unicode's classes, every character the
    pattern names (with its case-fold class when the pattern ignores case) and samples of
    each range. Membership is decided by compiling each item alone, with the pattern's
    flags, so the engine's own case folding and Unicode classes apply.
    """

    def __init__(self, pattern: str, parsed: Any) -> None:
        flags = parsed.state.flags
        named = set(pattern)
        named.update(_REPRESENTATIVES)
        for op, arg in _walk_tree(list(parsed)):
            if op == sre_constants.SUBPATTERN:
                flags |= arg[1]  # conservative: a flag set anywhere widens every set
            elif op == sre_constants.IN:
                for kind, value in arg:
                    if kind == sre_constants.RANGE:
                        low, high = value
                        named.update(map(chr, range(low, high + 1, max((high - low) // 64, 1))))
                        named.update(map(chr, (high, max(low - 1, 0), min(high + 1, 0x10FFFF))))
                    elif kind == sre_constants.LITERAL:
                        named.add(chr(value))
            elif op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
                named.add(chr(arg))
        self.flags = flags & (re.IGNORECASE | re.DOTALL | re.ASCII | re.UNICODE | re.MULTILINE)
        if self.flags & re.IGNORECASE:
            for ch in list(named):
                named |= _fold_class(ch)
        self.alphabet = _ASCII | frozenset(named)
        self._leaves: dict[tuple[Any, str], frozenset[str]] = {}

    def of_leaf(self, op: Any, arg: Any) -> frozenset[str]:
        key = (op, repr(arg))
        found = self._leaves.get(key)
        if found is None:
            found = self._leaves[key] = self._evaluate(op, arg)
        return found

    def _evaluate(self, op: Any, arg: Any) -> frozenset[str]:
        if not self.flags & re.IGNORECASE:  # the common cases, without asking the engine
            if op == sre_constants.LITERAL:
                return frozenset(chr(arg))
            if op == sre_constants.NOT_LITERAL:
                return self.alphabet - {chr(arg)}
            if op == sre_constants.ANY:
                return self.alphabet if self.flags & re.DOTALL else self.alphabet - {"\n"}
        compiled = re.compile(_leaf_source(op, arg), self.flags & ~re.MULTILINE)
        return frozenset(ch for ch in self.alphabet if compiled.fullmatch(ch))


def _leaf_source(op: Any, arg: Any) -> str:
    """The regex text of one single-character item."""
    if op == sre_constants.LITERAL:
        return "[%s]" % _escaped(arg)
    if op == sre_constants.NOT_LITERAL:
        return "[^%s]" % _escaped(arg)
    if op == sre_constants.ANY:
        return "."
    parts = []
    negated = ""
    for kind, value in arg:
        if kind == sre_constants.NEGATE:
            negated = "^"
        elif kind == sre_constants.LITERAL:
            parts.append(_escaped(value))
        elif kind == sre_constants.RANGE:
            parts.append(f"{_escaped(value[0])}-{_escaped(value[1])}")
        elif kind == sre_constants.CATEGORY:
            parts.append(_CATEGORIES[value])
        else:
            raise _Unsafe(f"the character set item {kind} is not understood")
    return "[" + negated + "".join(parts) + "]"


def _escaped(point: int) -> str:
    return "\\U%08x" % point


_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: r"\d",
    sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s",
    sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w",
    sre_constants.CATEGORY_NOT_WORD: r"\W",
}


def _walk_tree(items: list[Any]) -> Iterator[tuple[Any, Any]]:
    """Every item of a parse tree, children after their parent."""
    for op, arg in items:
        yield op, arg
        for child in _children(op, arg, into_lookarounds=True):
            yield from _walk_tree(child)


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
    if op == sre_constants.ATOMIC_GROUP:
        return [list(arg)]
    return []


@dataclass(frozen=True)
class _Open:
    """A pump met earlier that backtracking may still hand characters back to.

    ``seps`` holds, for each mandatory item met since, the characters it may match:
    one of them lies between the pump and any later item.
    """

    chars: frozenset[str]
    seps: tuple[frozenset[str], ...]
    label: str

    def after(self, chars: frozenset[str]) -> _Open | None:
        """This pump once a mandatory item matching one of ``chars`` follows it; None when closed."""
        if chars.isdisjoint(self.chars):
            return None  # no later pump can share a character with it across this item
        if any(sep <= chars for sep in self.seps):
            return self
        return _Open(self.chars, (*(s for s in self.seps if not chars <= s), chars), self.label)

    def conflicts(self, chars: frozenset[str]) -> bool:
        shared = self.chars & chars
        return bool(shared) and all(not sep.isdisjoint(shared) for sep in self.seps)


_SEARCH = "the search from every position"


class _Analysis:
    def __init__(self, pattern: str, parsed: Any) -> None:
        self.pattern = pattern
        self.items = list(parsed)
        self.sets = _CharSets(pattern, parsed)
        self.steps = 0
        self.ambiguous = 0
        self.labels = _repeat_labels(pattern, self.items)

    def run(self) -> None:
        first = self.items[0] if self.items else None
        anchors = {sre_constants.AT_BEGINNING_STRING}
        if not self.sets.flags & re.MULTILINE:
            anchors.add(sre_constants.AT_BEGINNING)
        anchored = first is not None and first[0] == sre_constants.AT and first[1] in anchors
        pending = [] if anchored else [_Open(self.sets.alphabet, (), _SEARCH)]
        self.walk(self.items, pending, tail=True)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > _STEP_BUDGET:
            raise _Unsafe("the pattern is too intricate to prove fast")

    def walk(self, items: list[Any], pending: list[_Open], tail: bool) -> list[_Open]:
        """The pumps still open after ``items``, checking each pump met against them."""
        for index, (op, arg) in enumerate(items):
            self.tick()
            last = tail and index == len(items) - 1
            if op in _CONSUMING:
                pending = _after(pending, self.sets.of_leaf(op, arg))
            elif op == sre_constants.SUBPATTERN:
                pending = self.walk(list(arg[-1]), pending, last)
            elif op == sre_constants.ATOMIC_GROUP:
                pending = self.walk(list(arg), pending, last)
            elif op == sre_constants.BRANCH:
                branches = [list(b) for b in arg[1]]
                if _alternatives_overlap(branches, self.sets):
                    self.ambiguous += 1
                    if self.ambiguous > MAX_AMBIGUOUS_ALTERNATIONS:
                        raise _Unsafe(
                            f"more than {MAX_AMBIGUOUS_ALTERNATIONS} alternations have branches that can start alike,"
                            " and each doubles the work of a failing match"
                        )
                merged: list[_Open] = []
                for branch in branches:
                    merged += self.walk(branch, pending, last)
                pending = _merged(merged)
            elif op in _REPEATS:
                pending = self.repeat(op, arg, pending, last)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                body = list(arg[1])
                if any(_is_pump(o, a) for o, a in _walk_tree(body)):
                    raise _Unsafe("a lookaround holds a repeat, which may rescan the message at every position")
                self.walk(body, [], tail=False)
            elif op == sre_constants.AT:
                if arg == sre_constants.AT_BOUNDARY and index + 1 < len(items):
                    # \b before a word character: the character before it, if any, is not one.
                    following = items[index + 1 : index + 2]
                    word = self.sets.of_leaf(sre_constants.IN, [(sre_constants.CATEGORY, sre_constants.CATEGORY_WORD)])
                    if not _nullable(following) and _chars(following, self.sets, first=True) <= word:
                        pending = _after(pending, self.sets.alphabet - word)
            elif op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
                raise _Unsafe("back-references and conditional groups are not accepted in message patterns")
            else:
                raise _Unsafe(f"the construct {op} is not accepted in message patterns")
        return pending

    def repeat(self, op: Any, arg: Any, pending: list[_Open], tail: bool) -> list[_Open]:
        low, high, sub = arg
        body = list(sub)
        if op in _BACKTRACKING_REPEATS and high >= 2:
            problem = _loop_problem(body, self.sets)
            if problem:
                raise _Unsafe(f"{self.labels.get(id(sub), 'a repeat')}: {problem}")
        if not _is_pump(op, arg):
            for _ in range(min(low, 2)):
                pending = self.walk(body, pending, tail=False)
            outcomes = list(pending)
            for _ in range(min(high - low, 2)):
                pending = self.walk(body, pending, tail=False)
                outcomes += pending
            return _merged(outcomes)
        self.walk(body, [], tail=False)  # pumps within one iteration
        chars = _chars(body, self.sets)
        label = self.labels.get(id(sub), "a repeat")
        single = len(body) == 1 and body[0][0] in _CONSUMING and low <= SMALL_VARIATION
        plain = low <= 1 and not any(_is_pump(o, a) for o, a in _walk_tree(body))
        if not (tail and (single or plain)):  # a last pump that cannot fail long ends the match
            for earlier in pending:
                if earlier.conflicts(chars):
                    if earlier.label is _SEARCH:
                        raise _Unsafe(
                            f"the search tries the pattern at every position of the message and {label} can run"
                            " over the same characters from each of them, so a failing search costs the square"
                            " of the message's length; anchor the pattern with ^, or start it with text the"
                            " repeat cannot hold"
                        )
                    raise _Unsafe(
                        f"{earlier.label} and {label} can take the same characters, and nothing that must"
                        " come between them tells them apart, so a failing match tries every split of the"
                        " message between them (time grows with the square of its length)"
                    )
        if low >= 1 and not _nullable(body):
            pending = _after(pending, _chars(body, self.sets, first=True))
        if op != sre_constants.POSSESSIVE_REPEAT:
            pending = _merged([*pending, _Open(chars, (), label)])
        return pending


def _is_pump(op: Any, arg: Any) -> bool:
    """A repeat whose count can vary by more than a few iterations."""
    return op in _REPEATS and (arg[1] == sre_constants.MAXREPEAT or arg[1] - arg[0] > SMALL_VARIATION)


def _after(pending: list[_Open], chars: frozenset[str]) -> list[_Open]:
    return [o for o in (p.after(chars) for p in pending) if o is not None]


def _merged(pending: list[_Open]) -> list[_Open]:
    """Distinct open pumps; past a few dozen, folded into one that stands for them all."""
    unique = list(dict.fromkeys(pending))
    if len(unique) <= 32:
        return unique
    chars = frozenset().union(*(o.chars for o in unique))
    seps = tuple(s for s in unique[0].seps if all(s in o.seps for o in unique))
    return [_Open(chars, seps, unique[0].label)]


def _repeat_labels(pattern: str, items: list[Any]) -> dict[int, str]:
    """Each repeat's text in the pattern, keyed by its body, when the tokens line up."""
    repeats: list[Any] = []

    def visit(children: list[Any]) -> None:  # children before parents: the order in the text
        for op, arg in children:
            for child in _children(op, arg, into_lookarounds=True):
                visit(child)
            if op in _REPEATS:
                repeats.append(arg[2])

    visit(items)
    tokens = list(_quantifier_ends(pattern))
    if len(tokens) != len(repeats):
        return {}
    labels = {}
    for body, end in zip(repeats, tokens):
        start = max(end - 16, 0)
        shown = ("..." if start else "") + pattern[start:end]
        labels[id(body)] = f"the repeat {shown!r} (ending at character {end})"
    return labels


_QUANTIFIER = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\(\?|[*+?](?:[?+])?|\{\d*,?\d*\}(?:[?+])?|.", re.S)


def _quantifier_ends(pattern: str) -> Iterator[int]:
    for token in _QUANTIFIER.finditer(pattern):
        text = token.group()
        if text[0] in "*+?" or (text[0] == "{" and len(text) > 2 and text != "{,}"):
            yield token.end()


def _varies(op: Any, arg: Any) -> bool:
    """A repeat whose number of iterations backtracking can change."""
    return op in _BACKTRACKING_REPEATS and arg[1] > arg[0]


def _loop_problem(body: list[Any], sets: _CharSets) -> str | None:
    """Why one string could be split between iterations of a loop with this body in many ways."""

    def visit(items: list[Any], separators: list[frozenset[str]]) -> str | None:
        required = [None if _nullable([item]) else _chars([item], sets) for item in items]
        for index, (op, arg) in enumerate(items):
            if op == sre_constants.ATOMIC_GROUP:
                continue  # never backtracked into
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


def witnesses(pattern: str) -> list[str]:
    """Short strings that ``pattern`` matches, used to find patterns shadowed by earlier ones."""
    sample = witness_of(parsed_pattern(pattern))
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


# Message templates: "Model '{model_id}' not found" becomes a regex that cannot backtrack.
TEMPLATE_TAIL_LIMIT = 4096  # a capture that ends a template takes at most this many characters
_PLACEHOLDER_TYPES = {
    "str": None,
    "int": "-?[0-9]{1,18}",
    "float": "-?[0-9]{1,18}(?:\\.[0-9]{1,18})?",
}
_SPECIAL = frozenset(".^$*+?{}[]\\|()#")
_SPECIAL_IN_SET = frozenset("\\]^-[")
_PLACEHOLDER = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")


def template_pattern(template: str) -> tuple[str, dict[str, str]]:
    """The regex of a message template, and the type of each placeholder.

    Text stands for itself; ``{name}`` captures up to the first character of the text
    after it (``[^']*`` before a quote), or, at the end, the rest of the message up to
    ``TEMPLATE_TAIL_LIMIT`` characters; ``{name:int}`` and ``{name:float}`` capture
    numbers; ``{{`` and ``}}`` are literal braces. The template matches the start of the
    message. Raises ValueError naming the character at fault.
    """
    parts: list[tuple[str, str | None, str | None, int]] = []  # (text, name, type, position)
    text: list[str] = []
    position = 0
    while position < len(template):
        ch = template[position]
        if template.startswith(("{{", "}}"), position):
            text.append(ch)
            position += 2
        elif ch == "{":
            found = _PLACEHOLDER.match(template, position)
            if found is None:
                raise ValueError(f"'{{' at character {position + 1} opens no placeholder; write {{{{ for a literal brace")
            name, kind = found.group(1), found.group(2) or "str"
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,59}", name):
                raise ValueError(
                    f"placeholder {found.group()!r} at character {position + 1} needs a lower_snake_case name, as in {{model_id}}"
                )
            if kind not in _PLACEHOLDER_TYPES:
                raise ValueError(
                    f"placeholder {found.group()!r} at character {position + 1} has an unknown type;"
                    f" use one of {', '.join(_PLACEHOLDER_TYPES)}"
                )
            parts.append(("".join(text), name, kind, position + 1))
            text = []
            position = found.end()
        elif ch == "}":
            raise ValueError(f"'}}' at character {position + 1} closes no placeholder; write }}}} for a literal brace")
        else:
            text.append(ch)
            position += 1
    parts.append(("".join(text), None, None, len(template) + 1))

    regex = ["^"]
    types: dict[str, str] = {}
    for index, (before, name, kind, at) in enumerate(parts):
        regex.append("".join("\\" + c if c in _SPECIAL else c for c in before))
        if name is None or kind is None:
            continue
        if name in types:
            raise ValueError(f"placeholder {{{name}}} at character {at} is used twice in this template")
        types[name] = kind
        following = parts[index + 1][0]
        if not following and parts[index + 1][1] is not None:
            raise ValueError(
                f"placeholders {{{name}}} and {{{parts[index + 1][1]}}} at character {at} touch; put text between them"
                " so that each capture knows where it ends"
            )
        number = _PLACEHOLDER_TYPES[kind]
        if number is not None:
            if following[:1].isdigit():
                raise ValueError(f"placeholder {{{name}:{kind}}} at character {at} is followed by a digit; put other text between them")
            regex.append(f"(?P<{name}>{number})")
        elif following:
            stop = "\\" + following[0] if following[0] in _SPECIAL_IN_SET else following[0]
            regex.append(f"(?P<{name}>[^{stop}]*)")
        else:
            regex.append(f"(?P<{name}>[\\s\\S]{{0,{TEMPLATE_TAIL_LIMIT}}})")
    return "".join(regex), types


def required_literal(pattern: str) -> str:
    """The longest run of literal text every match of ``pattern`` holds ('' when none is known)."""
    parsed = parsed_pattern(pattern)
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return ""
    runs: list[str] = []

    def visit(items: list[Any]) -> None:
        run: list[str] = []
        for op, arg in items:
            if op == sre_constants.LITERAL:
                run.append(chr(arg))
                continue
            runs.append("".join(run))
            run = []
            if op == sre_constants.SUBPATTERN and not arg[1] & re.IGNORECASE:
                visit(list(arg[-1]))
            elif op in _REPEATS and arg[0] >= 1:
                visit(list(arg[2]))
        runs.append("".join(run))

    visit(list(parsed))
    return max(runs, key=len)
