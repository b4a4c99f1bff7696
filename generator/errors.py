"""The one error type every stage raises for bad input: a list of problems, each located in the spec.

A problem is an error, or a vendor mistake (its severity): one the validate stage knows how to
generate around, with the edit of the document that does it (`Fix`) and the consequence said in
words. By default and with `--strict` a mistake refuses like any error; `--lenient` turns it into a
located warning and generates from the document with the fix applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "mistake"]


@dataclass(frozen=True, slots=True, order=True)
class SourcePos:
    """Where a node of the spec was written: file as given to the loader (relative when possible), 1-based line."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def format_pointer(parts: tuple[str | int, ...]) -> str:
    """RFC 6901 JSON pointer with a leading '#', e.g. ('paths', '/a/{b}') -> '#/paths/~1a~1{b}'."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped) if parts else "#"


@dataclass(frozen=True, slots=True)
class Fix:
    """How a vendor mistake is generated around: the node at `at` (a pointer into the bundled
    document) is dropped (a key, or an item of a list) or its value replaced by `value`."""

    at: tuple[str | int, ...]
    action: Literal["drop", "set"]
    consequence: str  # what the user loses or gets instead, e.g. "default dropped"
    value: Any = None


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a spec, located by file:line and by JSON pointer in the bundled document."""

    pos: SourcePos
    pointer: str
    message: str
    fix: Fix | None = field(default=None, compare=False)  # set only on a vendor mistake

    @property
    def severity(self) -> Severity:
        return "mistake" if self.fix is not None else "error"

    def as_warning(self) -> Problem:
        """The mistake as lenient mode reports it: the message and what was done about it (the
        fix stays, so a warning can still be told from the parse stage's own)."""
        consequence = f"; {self.fix.consequence}" if self.fix is not None else ""
        return Problem(self.pos, self.pointer, self.message + consequence, self.fix)

    def __str__(self) -> str:
        return f"{self.pos}: {self.pointer}: {self.message}"


class SpecError(Exception):
    """Raised with every problem found at once (sorted by file and line), never just the first.

    `warnings`: the vendor mistakes lenient mode generated around before the errors were found,
    reported with them (as warnings) so that one run still shows everything."""

    def __init__(
        self,
        problems: list[Problem] | tuple[Problem, ...],
        warnings: list[Problem] | tuple[Problem, ...] = (),
    ) -> None:
        self.problems = tuple(sorted(set(problems)))
        self.warnings = tuple(sorted(set(warnings)))
        super().__init__("\n".join(str(p) for p in self.problems))
