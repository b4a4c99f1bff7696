"""The one error type every stage raises for bad input: a list of problems, each located in the spec."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a spec, located by file:line and by JSON pointer in the bundled document."""

    pos: SourcePos
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.pointer}: {self.message}"


class SpecError(Exception):
    """Raised with every problem found at once (sorted by file and line), never just the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))
