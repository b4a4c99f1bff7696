"""A small, independent parser for the Stream Video reference page (seed ``001``).

The page is the plain-text rendering of "Curl SDK - Video API".  It has two parts:

* one block per operation::

      GetCall                                   <- operation name (= operationId)
      Fetch details of a specific call ...      <- description
      Example
      curl -X GET "https://video.stream-io-api.com/api/v2/video/call/messaging/example-id?..." \\
      -H "..." \\
      -H "..."Example: with notify and video     <- further examples are glued to the previous one
      curl -X GET "..." \\
      -H "..."Response: GetCallResponse          <- the response type, glued as well
      Parameters
      Path Parameters:
      type(string) (required)id(string) (required)
      Query Parameters:
      members_limit(int)ring(bool)notify(bool)video(bool)
      Request Body:
      filter_conditions(object): Filter conditions to apply to the querylimit(int)next(string)

  The parameter lists lost their line breaks: every entry is ``name(type)``, optionally
  `` (required)`` and optionally ``: description``, and the next entry follows immediately, so a
  description's last word and the next parameter's name run together ("querylimit").  See
  :func:`parse_param_line` for how they are taken apart.

* a "Types Reference" with one block per schema::

      AudioSettings                             <- heading (sometimes glued to a previous "}")
      Optional description line(s)
      // AudioSettings                          <- always present: the anchor used here
      {
      "default_device": "speaker",              <- one example value per property
      "noise_cancellation": NoiseCancellationSettings,
      }Properties:
      | Property | Type | Required | Description |
      |---|---|---|---|
      | access_request_enabled | boolean | Yes | |
      | default_device | 'speaker' | 'earpiece' | Yes |

  A string union contains ``|`` itself, so its row has more cells.  The rendering kept only the
  first four cells of a row: for a union of three or more values the row is cut short
  (``| mode | 'available' | 'disabled' | 'auto-on' |``) and both the remaining values and the
  Required flag are lost.  Such rows are flagged ``truncated``; their Required flag is recovered,
  where possible, from the table order (required rows first, each group sorted by name).

Everything here is a pure function of the text, and nothing outside Python itself is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One documented parameter or body field: ``name(type) (required): description``."""

    name: str
    type: str  # as written: int, bool, string, float, object, []string, CallRequest, []X ...
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Example:
    """One curl example of an operation."""

    title: str  # "" for the first one, else the text after "Example: "
    method: str
    url: str  # full URL, query string included
    body: str | None  # the raw text between -d ' and ' (not always valid JSON), or None


@dataclass
class Operation:
    name: str
    description: str
    examples: list[Example]
    response: str
    path_params: list[Param] = field(default_factory=list)
    query_params: list[Param] = field(default_factory=list)
    body_params: list[Param] = field(default_factory=list)

    @property
    def method(self) -> str:
        return self.examples[0].method

    @property
    def path(self) -> str:
        """The first example's URL path (no host, no query string)."""
        return url_path(self.examples[0].url)


@dataclass(frozen=True)
class TypeExpr:
    """A parsed Types Reference type.

    kind is one of: ``primitive`` (name = string/number/boolean/any/...), ``ref`` (name = a
    schema name), ``array`` (item), ``record`` (item = value type), ``enum`` (values).
    """

    kind: str
    name: str = ""
    item: TypeExpr | None = None
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind in ("primitive", "ref"):
            return self.name
        if self.kind == "array":
            return f"{self.item}[]"
        if self.kind == "record":
            return f"Record<string, {self.item}>"
        return " | ".join(f"'{v}'" for v in self.values)


@dataclass(frozen=True)
class Property:
    name: str
    type: TypeExpr
    required: bool | None  # None: not recoverable (truncated row, ambiguous order)
    description: str = ""
    truncated: bool = False  # union row cut short: values may be incomplete
    example: str | None = None  # the raw example value from the "// Name" block


@dataclass
class SchemaDoc:
    name: str
    description: str
    properties: list[Property]
    has_table: bool


@dataclass
class Seed:
    toc: list[str]
    operations: list[Operation]
    schemas: dict[str, SchemaDoc]

    def operation(self, name: str) -> Operation:
        return next(op for op in self.operations if op.name == name)


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------

TYPES_HEADING = "Types Reference"
PRIMITIVE_PARAM_TYPES = {"int", "bool", "string", "float", "object"}

# Example values the page substitutes for path parameters in the curl URLs.
PLACEHOLDER_VALUES = {"messaging", "example-id", "example_value", "call-abc"}


def split_sections(text: str) -> tuple[list[str], str, str]:
    """Return (table of contents entries, operations text, types reference text)."""
    lines = text.splitlines()
    start = lines.index("Table of Contents")
    toc: list[str] = []
    i = start + 1
    while i < len(lines) and lines[i].startswith("- "):
        toc.append(lines[i][2:].strip())
        i += 1
    # The types section starts at the second "Types Reference" line (the first is in the TOC).
    types_at = next(j for j in range(i, len(lines)) if lines[j].strip() == TYPES_HEADING)
    ops_text = "\n".join(lines[i:types_at])
    types_text = "\n".join(lines[types_at + 1 :])
    return [t for t in toc if t != TYPES_HEADING], ops_text, types_text


# --------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------

_CURL_RE = re.compile(r'curl -X (?P<method>[A-Z]+) "(?P<url>[^"]+)"')
_BODY_RE = re.compile(r"-d '(?P<body>.*?)'", re.S)
_RESPONSE_RE = re.compile(r"Response: (?P<type>[A-Za-z0-9_]+)")
_SECTION_HEADERS = {
    "Path Parameters:": "path_params",
    "Query Parameters:": "query_params",
    "Request Body:": "body_params",
}


def url_path(url: str) -> str:
    """``https://host/a/b?x=1`` -> ``/a/b``."""
    without_query = url.split("?", 1)[0]
    m = re.match(r"[a-z]+://[^/]+(?P<path>/.*)?$", without_query)
    return (m.group("path") or "/") if m else without_query


def url_query_names(url: str) -> list[str]:
    """Names in the example URL's query string (``?a=1&b=`` -> ``['a', 'b']``)."""
    if "?" not in url:
        return []
    query = url.split("?", 1)[1]
    return [part.split("=", 1)[0] for part in query.split("&") if part.split("=", 1)[0]]


def path_shape(path: str) -> list[str | None]:
    """Segments of a seed example path; placeholder values become ``None``."""
    return [None if seg in PLACEHOLDER_VALUES else seg for seg in path.strip("/").split("/")]


def split_operation_blocks(ops_text: str, names: list[str]) -> dict[str, list[str]]:
    """Cut the operations text at the lines that are exactly an operation name from the TOC."""
    wanted = set(names)
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in ops_text.splitlines():
        if line.strip() in wanted and line.strip() not in blocks:
            current = blocks.setdefault(line.strip(), [])
            continue
        if current is not None:
            current.append(line)
    return blocks


def parse_examples(block: str) -> list[Example]:
    """All curl examples of one operation block, in order."""
    examples: list[Example] = []
    # Each example starts at "curl -X"; its title is the "Example[: title]" marker before it.
    starts = [m.start() for m in _CURL_RE.finditer(block)]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(block)
        chunk = block[start:end]
        head = _CURL_RE.match(chunk)
        assert head is not None
        before = block[:start]
        title_m = list(re.finditer(r"Example(?:: ([^\n]*))?\n$", before))
        title = (title_m[-1].group(1) or "") if title_m else ""
        body_m = _BODY_RE.search(chunk)
        examples.append(
            Example(
                title=title.strip(),
                method=head.group("method"),
                url=head.group("url"),
                body=body_m.group("body") if body_m else None,
            )
        )
    return examples


def example_keys(body: str | None) -> set[str]:
    """Every ``"key":`` in a curl body (top level and nested); the body need not be valid JSON."""
    if not body:
        return set()
    return set(re.findall(r'"([A-Za-z0-9_]+)"\s*:', body))


# ``name(type)``: type is a primitive, a schema name, or ``[]`` + either.  The name part is
# matched greedily here and trimmed later (it may carry the tail of the previous description).
_PARAM_TOKEN_RE = re.compile(
    r"(?P<word>[^\s()]*?)"  # text glued before the name (tail of a description), if any
    r"(?P<name>[a-z][a-z0-9_]*)"
    r"\((?P<type>(?:\[\])?(?:int|bool|string|float|object|[A-Z][A-Za-z0-9_]*))\)"
)


def parse_param_line(line: str, vocabulary: set[str]) -> list[Param]:
    """Take one run-together parameter line apart.

    ``vocabulary`` is the set of field names known from elsewhere in the page (curl example
    keys, query-string names, Types Reference property names, unambiguous entries).  A token
    whose name is glued to preceding description text (``querylimit(int)``) is split so that
    the name is the longest suffix found in the vocabulary; a token at the start of the line or
    right after a ``)`` is unambiguous.
    """
    params: list[Param] = []
    tokens = list(_PARAM_TOKEN_RE.finditer(line))
    for k, m in enumerate(tokens):
        glued = m.group("word") + m.group("name")
        start = m.start()
        unambiguous = start == 0 or line[start - 1] == ")"
        if unambiguous and not m.group("word"):
            name = glued
        else:
            name = _longest_known_suffix(glued, vocabulary)
            if name is None:
                raise ValueError(f"cannot tell the parameter name in {glued!r} of line {line!r}")
        rest_end = tokens[k + 1].start() if k + 1 < len(tokens) else len(line)
        rest = line[m.end() : rest_end]
        if k + 1 < len(tokens):
            # the next token's glued prefix belongs to this entry's description
            nxt = tokens[k + 1]
            nglued = nxt.group("word") + nxt.group("name")
            nstart = nxt.start()
            nunamb = nstart == 0 or line[nstart - 1] == ")"
            if not (nunamb and not nxt.group("word")):
                nname = _longest_known_suffix(nglued, vocabulary) or nglued
                rest += nglued[: len(nglued) - len(nname)]
        required = False
        if rest.startswith(" (required)"):
            required = True
            rest = rest[len(" (required)") :]
        description = rest[1:].strip() if rest.startswith(":") else rest.strip()
        params.append(Param(name, m.group("type"), required, description))
    return params


def _longest_known_suffix(word: str, vocabulary: set[str]) -> str | None:
    for i in range(len(word)):
        cand = word[i:]
        if cand in vocabulary and re.fullmatch(r"[a-z][a-z0-9_]*", cand):
            return cand
    return None


def _param_lines(block_lines: list[str]) -> dict[str, list[str]]:
    """The lines under each "... Parameters:" / "Request Body:" header of one operation."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in block_lines:
        s = line.strip()
        if s in _SECTION_HEADERS:
            current = _SECTION_HEADERS[s]
            out.setdefault(current, [])
        elif current is not None and s:
            out[current].append(s)
    return out


def unambiguous_param_names(line: str) -> set[str]:
    """Parameter names that start the line or directly follow a ``)``."""
    names = set()
    for m in _PARAM_TOKEN_RE.finditer(line):
        if not m.group("word") and (m.start() == 0 or line[m.start() - 1] == ")"):
            names.add(m.group("name"))
    return names


def parse_operations(ops_text: str, toc: list[str], vocabulary: set[str]) -> list[Operation]:
    blocks = split_operation_blocks(ops_text, toc)
    operations: list[Operation] = []
    for name in toc:
        lines = blocks.get(name)
        if lines is None:
            raise ValueError(f"operation {name} is in the table of contents but has no block")
        params_at = lines.index("Parameters") if "Parameters" in lines else len(lines)
        head = "\n".join(lines[:params_at])
        resp = _RESPONSE_RE.findall(head)
        if len(resp) != 1:
            raise ValueError(f"{name}: expected one 'Response:' marker, found {resp}")
        examples = parse_examples(head)
        if not examples:
            raise ValueError(f"{name}: no curl example")
        op = Operation(name, lines[0].strip() if lines else "", examples, resp[0])
        for attr, plines in _param_lines(lines[params_at:]).items():
            params = [p for pl in plines for p in parse_param_line(pl, vocabulary)]
            setattr(op, attr, params)
        operations.append(op)
    return operations


# --------------------------------------------------------------------------------------------
# Types Reference
# --------------------------------------------------------------------------------------------

_UNION_VALUE_RE = re.compile(r"^'([^']*)'$")


def parse_type_expr(text: str) -> TypeExpr:
    """``string`` / ``number`` / ``X[]`` / ``Record<string, X>`` / ``'a' | 'b'`` / ``Name``."""
    t = text.strip()
    if t.endswith("[]"):
        return TypeExpr("array", item=parse_type_expr(t[:-2]))
    m = re.fullmatch(r"Record<\s*string\s*,\s*(.+)>", t)
    if m:
        return TypeExpr("record", item=parse_type_expr(m.group(1)))
    if "'" in t:
        parts = [p.strip() for p in t.split("|")]
        values = []
        for p in parts:
            vm = _UNION_VALUE_RE.match(p)
            if not vm:
                raise ValueError(f"not a string union: {text!r}")
            values.append(vm.group(1))
        return TypeExpr("enum", values=tuple(values))
    if t in ("string", "number", "integer", "boolean", "any", "object", "null"):
        return TypeExpr("primitive", name=t)
    if re.fullmatch(r"[A-Z][A-Za-z0-9_]*", t):
        return TypeExpr("ref", name=t)
    raise ValueError(f"unknown type expression {text!r}")


def parse_table_row(row: str) -> tuple[str, str, bool | None, str, bool]:
    """``| name | type | Yes | desc |`` -> (name, type text, required, description, truncated).

    String unions span several cells; when the row has no Yes/No cell it was cut short.
    """
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    cells = [c.strip() for c in inner.split(" | ")]
    # a trailing empty description cell looks like "... | No | " -> handled by strip above
    name, rest = cells[0], cells[1:]
    type_cells = [rest[0]] if rest else []
    i = 1
    if rest and _UNION_VALUE_RE.match(rest[0]):
        while i < len(rest) and _UNION_VALUE_RE.match(rest[i]):
            type_cells.append(rest[i])
            i += 1
    required: bool | None = None
    truncated = False
    if i < len(rest) and rest[i] in ("Yes", "No"):
        required = rest[i] == "Yes"
        description = " | ".join(rest[i + 1 :]).strip()
    elif i < len(rest) and rest[i].startswith(("Yes", "No")):  # "Yes |" (trailing cell glued)
        required = rest[i].startswith("Yes")
        description = ""
    else:
        truncated = True
        description = ""
    return name, " | ".join(type_cells), required, description, truncated


def infer_required_from_order(rows: list[tuple[str, bool | None]]) -> list[bool | None]:
    """Fill unknown Required flags from the table order.

    Tables list the required rows first, then the optional ones, each group sorted by name.  An
    unknown row is required if a required row comes after it, optional if an optional row comes
    before it; otherwise, it is required if it cannot sit in the optional group by name order
    (its name sorts after the next optional row's), optional if it cannot sit in the required
    group (its name sorts before the previous required row's).  Anything else stays None.
    """
    flags = [r for _, r in rows]
    names = [n for n, _ in rows]
    out: list[bool | None] = []
    for i, flag in enumerate(flags):
        if flag is not None:
            out.append(flag)
            continue
        if any(f is True for f in flags[i + 1 :]):
            out.append(True)
        elif any(f is False for f in flags[:i]):
            out.append(False)
        else:
            next_opt = next((names[j] for j in range(i + 1, len(flags)) if flags[j] is False), None)
            prev_req = next((names[j] for j in range(i - 1, -1, -1) if flags[j] is True), None)
            if next_opt is not None and names[i] > next_opt:
                out.append(True)
            elif prev_req is not None and names[i] < prev_req:
                out.append(False)
            else:
                out.append(None)
    return out


_EXAMPLE_LINE_RE = re.compile(r'^"(?P<key>[A-Za-z0-9_]+)":\s*(?P<value>.*?),?$')


def parse_types(types_text: str) -> dict[str, SchemaDoc]:
    """One :class:`SchemaDoc` per ``// Name`` anchor of the Types Reference."""
    lines = types_text.splitlines()
    anchors = [i for i, line in enumerate(lines) if re.fullmatch(r"// [A-Za-z0-9_]+", line.strip())]
    schemas: dict[str, SchemaDoc] = {}
    for k, at in enumerate(anchors):
        name = lines[at].strip()[3:]
        if name in schemas:
            raise ValueError(f"schema {name} described twice")
        # description: the lines between the heading (a line ending with the name) and the anchor
        prev_end = anchors[k - 1] if k else -1
        desc_lines: list[str] = []
        j = at - 1
        while j > prev_end and not lines[j].rstrip().endswith(name):
            desc_lines.insert(0, lines[j].strip())
            j -= 1
        end = anchors[k + 1] if k + 1 < len(anchors) else len(lines)
        body = lines[at + 1 : end]
        examples: dict[str, str] = {}
        rows: list[str] = []
        has_table = False
        in_table = False
        for line in body:
            s = line.strip()
            em = _EXAMPLE_LINE_RE.match(s)
            if em and not in_table:
                examples[em.group("key")] = em.group("value")
            if s.endswith("Properties:"):
                has_table = True
                in_table = True
                continue
            if in_table:
                if s.startswith("| Property |") or s.startswith("|---"):
                    continue
                if s.startswith("| "):
                    rows.append(s)
                else:
                    in_table = False
        parsed = [parse_table_row(r) for r in rows]
        flags = infer_required_from_order([(p[0], p[2]) for p in parsed])
        props = [
            Property(
                name=pn,
                type=_row_type(ptype, truncated, examples.get(pn)),
                required=flag,
                description=pdesc,
                truncated=truncated,
                example=examples.get(pn),
            )
            for (pn, ptype, _, pdesc, truncated), flag in zip(parsed, flags, strict=True)
        ]
        schemas[name] = SchemaDoc(name, " ".join(d for d in desc_lines if d), props, has_table)
    return schemas


def _row_type(type_text: str, truncated: bool, example: str | None) -> TypeExpr:
    t = parse_type_expr(type_text)
    # a cut-short union whose example value is a list is a list of those values
    if truncated and t.kind == "enum" and example is not None and example.startswith("["):
        return TypeExpr("array", item=t)
    return t


# --------------------------------------------------------------------------------------------
# Whole page
# --------------------------------------------------------------------------------------------


def type_names_in(type_text: str) -> set[str]:
    """Schema names mentioned by a parameter type (``[]X``/``X``) or a Types Reference type."""
    t = type_text.strip()
    if t.startswith("[]"):
        t = t[2:]
    if t in PRIMITIVE_PARAM_TYPES:
        return set()
    try:
        expr = parse_type_expr(t)
    except ValueError:
        return set()
    return _expr_names(expr)


def _expr_names(expr: TypeExpr) -> set[str]:
    if expr.kind == "ref":
        return {expr.name}
    if expr.item is not None:
        return _expr_names(expr.item)
    return set()


def referenced_type_names(seed: Seed) -> set[str]:
    """Every schema name the page mentions: responses, parameter types, property types and
    example values in the Types Reference (``"noise_cancellation": NoiseCancellationSettings``)."""
    names: set[str] = set()
    for op in seed.operations:
        names.add(op.response)
        for p in op.path_params + op.query_params + op.body_params:
            names |= type_names_in(p.type)
    for schema in seed.schemas.values():
        for prop in schema.properties:
            names |= _expr_names(prop.type)
            if prop.example and re.fullmatch(r"[A-Z][A-Za-z0-9_]*", prop.example):
                names.add(prop.example)
    return names


def build_vocabulary(ops_text: str, types_text: str) -> set[str]:
    """Field names known independently of the run-together parameter lines."""
    vocab: set[str] = set()
    for m in _CURL_RE.finditer(ops_text):
        vocab.update(url_query_names(m.group("url")))
    for m in _BODY_RE.finditer(ops_text):
        vocab |= example_keys(m.group("body"))
    for line in types_text.splitlines():
        if line.startswith("| ") and not line.startswith("| Property |"):
            vocab.add(line[2:].split(" | ", 1)[0].strip())
    for line in ops_text.splitlines():
        vocab |= unambiguous_param_names(line.strip())
    return vocab


def parse_seed(text: str) -> Seed:
    toc, ops_text, types_text = split_sections(text)
    vocabulary = build_vocabulary(ops_text, types_text)
    operations = parse_operations(ops_text, toc, vocabulary)
    schemas = parse_types(types_text)
    return Seed(toc, operations, schemas)


def load_seed(path: Path) -> Seed:
    return parse_seed(path.read_text(encoding="utf-8"))
