"""Verify stage: formatted files → nothing, or a VerifyError naming every broken spot in them.

The last guard before anything is written. Every `.py` file is compiled, and one AST pass per file
checks what compiling and black do not. Each rule flags code that fails at import, at call time or
under `mypy --strict`:

* duplicate parameter: one name twice among the parameters of a function or lambda (the compiler
  would stop at the first with a terser message);
* bound twice: one name bound by two statements of one module or class body (class, def,
  assignment, annotated field, import). Not counted: bindings in arms of one `if`/`try` that exclude
  each other, `@overload` stubs, `@x.setter`-style property accessors, and a second import of the
  same object (`import a.b` and `import a.c` both bind `a` to one module);
* shadowing parameter: a parameter named like a module-level name or a builtin that the function body
  reads in a role only that global can play: called, an attribute or item taken, in an annotation,
  a decorator, a base class, an `except` clause, the type argument of `isinstance`/`issubclass` or
  of a generic from outside the function (`list[str]`, `builtins.list[str]`)
  (nested functions and comprehensions that rebind the name are left out). Also a parameter the body
  replaces with an import, def or class, or that a nested function hides by taking (and reading) a
  parameter of the same name. A parameter only passed on as a value cannot be told apart from one
  that was meant as the global; that case is left to mypy;
* shadowed annotation: a class-body name that shadows a module-level name or a builtin, read in
  that class's own scope where the global was meant. A field annotation breaks
  when the class binds the name at runtime anywhere (def, class, import, assignment, field with a
  value: pydantic and `typing.get_type_hints` resolve field annotations against the finished class
  namespace, the field's own included) or with any binding before it (mypy resolves class names in
  order). A method signature, a default, a decorator or any other class-level expression breaks
  when a binding of the name comes before it.

Findings carry the file, line and qualified name (`CallsResource.query.limit`). The caller may pass a
mapping from (file, qualified name) to the spec pointer behind it; a finding takes the pointer of its
most specific enclosing name that has one.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from generator.cache import DiskCache, generator_fingerprint, pack_of

SpecPointers = Mapping[tuple[PurePosixPath, str], str]

_BUILTINS = frozenset(dir(builtins))
_Function = ast.FunctionDef | ast.AsyncFunctionDef
_Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_Comprehension = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem in generated code, where it is and, when known, the spec node behind it."""

    file: PurePosixPath
    line: int
    qualname: str  # innermost named thing the problem is in ("" for the module itself)
    message: str
    pointer: str | None = None  # the spec node behind it, when the caller knows

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " + (f"{self.qualname}: " if self.qualname else "")
        spec = f" (from the spec at {self.pointer})" if self.pointer else ""
        return f"{where}{self.message}{spec}"


class VerifyError(Exception):
    """Generated code that would not work: a generator bug, never the spec author's fault."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(sorted(set(findings)))
        super().__init__("\n".join(str(f) for f in self.findings))


def verify(files: Mapping[PurePosixPath, str], pointers: SpecPointers | None = None) -> None:
    """Raise VerifyError listing every finding in every `.py` file of `files`; return when clean.

    A file whose exact text passed in the package's last run (one cache pack per package), under
    this same generator, is not checked again; nor is a runtime module copied verbatim (its header
    line is a comment, and the runtime's own source is checked once by the tests,
    tests/test_verify.py), a quarter of a package's code."""
    from generator.render import is_verbatim_runtime

    cache = DiskCache("verify", generator_fingerprint())
    pack = pack_of(files)
    known = cache.get_pack(pack)
    passed: dict[str, str] = {}
    findings: list[Finding] = []
    for path in sorted(files):
        if path.suffix != ".py" or is_verbatim_runtime(path, files[path]):
            continue
        key = cache.key(files[path].encode())
        if known.get(key) == "ok":
            passed[key] = "ok"
            continue
        found = check_source(files[path], path)
        if found:
            findings.extend(found)
        else:
            passed[key] = "ok"
    # a failed run adds what passed to the pack rather than dropping what the last good run left
    kept = {**known, **passed} if findings else passed
    if kept.keys() != known.keys():
        cache.put_pack(pack, kept)
    if findings:
        raise VerifyError(_locate(f, pointers or {}) for f in findings)


def _locate(finding: Finding, pointers: SpecPointers) -> Finding:
    parts = finding.qualname.split(".") if finding.qualname else []
    for end in range(len(parts), 0, -1):
        pointer = pointers.get((finding.file, ".".join(parts[:end])))
        if pointer is not None:
            return Finding(finding.file, finding.line, finding.qualname, finding.message, pointer)
    return finding


def check_source(text: str, path: PurePosixPath) -> list[Finding]:
    """Every finding in one module's source, compile errors included, in line order."""
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        return [Finding(path, exc.lineno or 1, "", f"does not parse: {exc.msg}")]
    checker = _Checker(path, tree)
    if not checker.findings:
        # The AST pass explains what it finds better than the compiler would; compiling catches the
        # rest (`return` outside a function, `await` outside async, misplaced nonlocal, …).
        try:
            compile(tree, str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            checker.report(exc.lineno or 1, "", f"does not compile: {exc.msg}")
    return sorted(checker.findings)


# ------------------------------------------------------------------------------------ bindings

BindingKind = Literal["class", "def", "assignment", "field", "import"]


@dataclass(frozen=True, slots=True)
class _Binding:
    """One name bound in a module or class body, and how."""

    name: str
    line: int
    kind: BindingKind
    statement: int  # index, in the scope's body, of the top-level statement holding the binding
    # the if/try arms it sits in, outermost first: (id of the if/try node, arm number)
    arms: tuple[tuple[int, int], ...]
    origin: str | None = None  # imports: the object bound, so a re-import is not a collision
    runtime: bool = True  # False for an annotation-only field, which puts nothing in the namespace

    def excludes(self, other: _Binding) -> bool:
        """True when the two sit in different arms of one if/try, so at most one of them runs."""
        theirs = dict(other.arms)
        return any(node in theirs and theirs[node] != arm for node, arm in self.arms)


def _decorated_as(node: _Function) -> tuple[bool, bool]:
    """(is an @overload stub, is an @<own name>.setter/.deleter/.getter accessor)."""
    overload = accessor = False
    for d in node.decorator_list:
        if (isinstance(d, ast.Name) and d.id == "overload") or (
            isinstance(d, ast.Attribute) and d.attr == "overload"
        ):
            overload = True
        if (
            isinstance(d, ast.Attribute)
            and d.attr in ("setter", "deleter", "getter")
            and isinstance(d.value, ast.Name)
            and d.value.id == node.name
        ):
            accessor = True
    return overload, accessor


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _statement_bindings(stmt: ast.stmt) -> Iterator[tuple[str, BindingKind, str | None, bool]]:
    """(name, kind, origin, runtime) for what one simple statement binds in its own scope."""
    if isinstance(stmt, ast.ClassDef):
        yield stmt.name, "class", None, True
    elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        if not any(_decorated_as(stmt)):
            yield stmt.name, "def", None, True
    elif isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            for name in _target_names(target):
                yield name, "assignment", None, True
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        yield stmt.target.id, "field", None, stmt.value is not None
    elif isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname:
                yield alias.asname, "import", alias.name, True
            else:
                top = alias.name.split(".")[0]
                yield top, "import", top, True
    elif isinstance(stmt, ast.ImportFrom):
        module = "." * stmt.level + (stmt.module or "")
        for alias in stmt.names:
            if alias.name != "*":
                yield alias.asname or alias.name, "import", f"{module}:{alias.name}", True


def _bindings(body: list[ast.stmt]) -> list[_Binding]:
    """What one module or class body binds, looking into its if/try/with/for/while blocks."""
    found: list[_Binding] = []

    def walk(stmts: list[ast.stmt], top: int | None, arms: tuple[tuple[int, int], ...]) -> None:
        for index, stmt in enumerate(stmts):
            at = index if top is None else top
            for name, kind, origin, runtime in _statement_bindings(stmt):
                found.append(_Binding(name, stmt.lineno, kind, at, arms, origin, runtime))
            if isinstance(stmt, ast.If):
                walk(stmt.body, at, (*arms, (id(stmt), 0)))
                walk(stmt.orelse, at, (*arms, (id(stmt), 1)))
            elif isinstance(stmt, ast.Try | ast.TryStar):
                walk(stmt.body + stmt.orelse, at, (*arms, (id(stmt), 0)))
                for n, handler in enumerate(stmt.handlers, start=1):
                    walk(handler.body, at, (*arms, (id(stmt), n)))
                walk(stmt.finalbody, at, arms)
            elif isinstance(stmt, ast.With | ast.AsyncWith | ast.For | ast.AsyncFor | ast.While):
                walk(stmt.body, at, arms)
                walk(getattr(stmt, "orelse", []), at, arms)

    walk(body, None, ())
    return found


def _statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of one body and of its if/try/with/for/while blocks, not of nested defs."""
    for stmt in body:
        yield stmt
        if not isinstance(stmt, _Definition):
            for name in ("body", "orelse", "finalbody"):
                yield from _statements(getattr(stmt, name, ()))
            for handler in getattr(stmt, "handlers", ()):
                yield from _statements(handler.body)


def _local_names(body: list[ast.stmt]) -> set[str]:
    """Names a function body binds in its own scope (assignments, loops, with, imports, defs)."""
    out: set[str] = set()
    for stmt in _statements(body):
        out.update(name for name, _, _, _ in _statement_bindings(stmt))
        if isinstance(stmt, ast.AugAssign | ast.For | ast.AsyncFor):
            out.update(_target_names(stmt.target))
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            for item in stmt.items:
                if item.optional_vars is not None:
                    out.update(_target_names(item.optional_vars))
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.NamedExpr):
            out.update(_target_names(node.target))
    return out


def _definitions(body: Iterable[ast.stmt]) -> Iterator[_Definition]:
    """Defs and classes of one body, also those inside its if/try/with/for/while blocks."""
    for stmt in body:
        if isinstance(stmt, _Definition):
            yield stmt
            continue
        for name in ("body", "orelse", "finalbody"):
            yield from _definitions(getattr(stmt, name, ()))
        for handler in getattr(stmt, "handlers", ()):
            yield from _definitions(handler.body)


# ---------------------------------------------------------------------------------- name reads


def _reads(node: ast.AST | None) -> Iterator[ast.Name]:
    if node is not None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                yield sub


def _subscripted(node: ast.Subscript, name: str) -> bool:
    value = node.value
    return (isinstance(value, ast.Name) and value.id == name) or (
        isinstance(value, ast.Attribute) and value.attr == name
    )


def _annotation_reads(node: ast.expr | None) -> Iterator[ast.Name]:
    """Names an annotation reads, also inside string (forward-reference) parts; the strings of a
    `Literal[...]` and the metadata of an `Annotated[...]` are values, not references."""
    if node is None:
        return
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load):
            yield node
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value.strip(), mode="eval")
            except SyntaxError:
                return
            for name in _reads(parsed):
                yield ast.Name(name.id, ast.Load(), lineno=node.lineno, col_offset=node.col_offset)
    elif isinstance(node, ast.Subscript) and _subscripted(node, "Literal"):
        yield from _annotation_reads(node.value)
    elif isinstance(node, ast.Subscript) and _subscripted(node, "Annotated"):
        yield from _annotation_reads(node.value)
        first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
        yield from _annotation_reads(first)
    else:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                yield from _annotation_reads(child)


def _parameters(args: ast.arguments) -> list[ast.arg]:
    out = [*args.posonlyargs, *args.args]
    if args.vararg:
        out.append(args.vararg)
    out.extend(args.kwonlyargs)
    if args.kwarg:
        out.append(args.kwarg)
    return out


def _signature_reads(node: _Function) -> Iterator[ast.Name]:
    for arg in _parameters(node.args):
        yield from _annotation_reads(arg.annotation)
    yield from _annotation_reads(node.returns)


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [d for d in (*args.defaults, *args.kw_defaults) if d is not None]


# ------------------------------------------------------------------------------------- checker


class _Checker:
    """Runs every rule over one module on construction; `findings` holds what they found."""

    def __init__(self, path: PurePosixPath, tree: ast.Module) -> None:
        self.path = path
        self.findings: list[Finding] = []
        module_bindings = _bindings(tree.body)
        self.globals = frozenset(b.name for b in module_bindings)
        self.bound_twice(module_bindings, "")
        self.definitions(tree.body, "")

    def report(self, line: int, qualname: str, message: str) -> None:
        self.findings.append(Finding(self.path, line, qualname, message))

    def definitions(self, body: Iterable[ast.stmt], prefix: str) -> None:
        for node in _definitions(body):
            qualname = prefix + node.name
            if isinstance(node, ast.ClassDef):
                bindings = _bindings(node.body)
                self.bound_twice(bindings, qualname + ".")
                self.shadowed_annotations(node, bindings, qualname)
            else:
                self.duplicate_parameters(node.args, node.lineno, qualname)
                self.shadowing_parameters(node, qualname)
            self.definitions(node.body, qualname + ".")

    # duplicate parameter ----------------------------------------------------------------------

    def duplicate_parameters(self, args: ast.arguments, line: int, qualname: str) -> None:
        seen: set[str] = set()
        for arg in _parameters(args):
            if arg.arg in seen:
                self.report(
                    arg.lineno or line,
                    f"{qualname}.{arg.arg}",
                    f"parameter {arg.arg!r} appears twice in the signature of {qualname}()",
                )
            seen.add(arg.arg)

    # bound twice ------------------------------------------------------------------------------

    def bound_twice(self, bindings: list[_Binding], prefix: str) -> None:
        scope = f"class {prefix[:-1]}" if prefix else "the module"
        by_name: dict[str, list[_Binding]] = {}
        for binding in bindings:
            earlier = by_name.setdefault(binding.name, [])
            for other in earlier:
                if other.excludes(binding) or (
                    other.origin is not None and other.origin == binding.origin
                ):
                    continue
                self.report(
                    binding.line,
                    prefix + binding.name,
                    f"{binding.name!r} is bound twice in {scope}: "
                    f"{other.kind} on line {other.line}, {binding.kind} here",
                )
                break
            earlier.append(binding)

    # shadowing parameter ----------------------------------------------------------------------

    def shadowing_parameters(self, node: _Function, qualname: str) -> None:
        params = {a.arg for a in _parameters(node.args)}
        suspects = {p for p in params if p in self.globals or p in _BUILTINS}
        if suspects:
            roles = _GlobalRoles(suspects, params | _local_names(node.body))
            for stmt in node.body:
                roles.visit(stmt)
            for name, line, role in sorted(roles.found, key=lambda r: (r[1], r[0], r[2])):
                what = "a module-level name" if name in self.globals else "a builtin"
                self.report(
                    line,
                    f"{qualname}.{name}",
                    f"parameter {name!r} of {qualname}() shadows {what} that its body {role}",
                )
        for stmt in _statements(node.body):
            if isinstance(stmt, _Definition | ast.Import | ast.ImportFrom):
                for name, _, _, _ in _statement_bindings(stmt):
                    if name in params:
                        self.report(
                            stmt.lineno,
                            f"{qualname}.{name}",
                            f"parameter {name!r} of {qualname}() is replaced by "
                            "an import or definition in its body",
                        )
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                # A nested function (a pager's fetch callback) that reads a name both it and the
                # enclosing function take as a parameter gets its own, never the enclosing one.
                inner = {a.arg for a in _parameters(stmt.args)} & (params - {"self", "cls"})
                read = {n.id for s in stmt.body for n in _reads(s)} & inner
                for name in sorted(read):
                    self.report(
                        stmt.lineno,
                        f"{qualname}.{name}",
                        f"parameter {name!r} of {qualname}() is hidden from the nested "
                        f"{stmt.name}(), which takes a parameter of the same name and reads it",
                    )

    # shadowed annotation ----------------------------------------------------------------------

    def shadowed_annotations(
        self, node: ast.ClassDef, bindings: list[_Binding], qualname: str
    ) -> None:
        # Only a class name that is also a global can be read where the global was meant; any
        # other class-level name read in the class is read on purpose (an alias, a nested class).
        by_name: dict[str, list[_Binding]] = {}
        for binding in bindings:
            if binding.name in self.globals or binding.name in _BUILTINS:
                by_name.setdefault(binding.name, []).append(binding)
        if not by_name:
            return
        for index, stmt in enumerate(node.body):
            for name, role in _class_scope_reads(stmt):
                for binding in by_name.get(name.id, ()):
                    if binding.statement < index or (role == "field" and binding.runtime):
                        member = _member(stmt)
                        where = {
                            "field": f"the annotation of field {member!r}",
                            "signature": f"the signature of method {member!r}",
                            "expression": "a class-level expression",
                        }[role]
                        self.report(
                            name.lineno,
                            f"{qualname}.{name.id}",
                            f"{where} in class {qualname} reads {name.id!r}, which resolves to "
                            f"the class's own {binding.kind} {name.id!r} (line {binding.line}), "
                            "not to the global",
                        )
                        break


ReadRole = Literal["field", "signature", "expression"]


def _member(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return getattr(stmt, "name", "")


def _class_scope_reads(stmt: ast.stmt) -> Iterator[tuple[ast.Name, ReadRole]]:
    """Names one class-body statement reads in the class's scope (not in method bodies, which do not
    see it): field annotations, method signatures, and every class-level expression."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        for name in _signature_reads(stmt):
            yield name, "signature"
        for expr in (*stmt.decorator_list, *_defaults(stmt.args)):
            for name in _reads(expr):
                yield name, "expression"
    elif isinstance(stmt, ast.ClassDef):
        for expr in (*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)):
            for name in _reads(expr):
                yield name, "expression"
    elif isinstance(stmt, ast.AnnAssign):
        for name in _annotation_reads(stmt.annotation):
            yield name, "field"
        for name in _reads(stmt.value):
            yield name, "expression"
    elif isinstance(stmt, ast.If | ast.Try | ast.TryStar | ast.With | ast.For | ast.While):
        for child in ast.iter_child_nodes(stmt):
            yield from _compound_part_reads(child)
    else:
        for name in _reads(stmt):
            yield name, "expression"


def _compound_part_reads(child: ast.AST) -> Iterator[tuple[ast.Name, ReadRole]]:
    """A part of a compound statement in a class body: a nested statement, a handler, a test."""
    if isinstance(child, ast.stmt):
        yield from _class_scope_reads(child)
    elif isinstance(child, ast.ExceptHandler):
        for name in _reads(child.type):
            yield name, "expression"
        for inner in child.body:
            yield from _class_scope_reads(inner)
    else:
        for name in _reads(child):
            yield name, "expression"


@dataclass
class _GlobalRoles:
    """Walks a function body for reads of `live` names in roles only a global could play."""

    live: set[str]
    local: set[str]  # every name the function binds: a subscript of one is not a generic type
    found: set[tuple[str, int, str]] = field(default_factory=set)

    def hit(self, node: ast.expr | None, role: str) -> None:
        if isinstance(node, ast.Name) and node.id in self.live:
            self.found.add((node.id, node.lineno, role))

    def hit_types(self, node: ast.expr | None, role: str) -> None:
        for kind in node.elts if isinstance(node, ast.Tuple) else [node]:
            self.hit(kind, role)

    def inner_scope(self, nodes: Iterable[ast.AST], rebound: Iterable[str]) -> None:
        saved, saved_local = self.live, self.local
        self.live = self.live - set(rebound)
        self.local = self.local | set(rebound)
        for node in nodes:
            self.visit(node)
        self.live, self.local = saved, saved_local

    def is_global(self, node: ast.expr) -> bool:
        """A name (or attribute chain) that resolves outside the function: `list`, `builtins.list`."""
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id not in self.local

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.function(node)
        elif isinstance(node, ast.Lambda):
            for default in _defaults(node.args):
                self.visit(default)
            self.inner_scope([node.body], (a.arg for a in _parameters(node.args)))
        elif isinstance(node, _Comprehension):
            self.comprehension(node)
        elif isinstance(node, ast.AnnAssign):
            for name in _annotation_reads(node.annotation):
                self.hit(name, "uses in an annotation")
            self.visit(node.target)
            if node.value is not None:
                self.visit(node.value)
        else:
            self.roles(node)
            for child in ast.iter_child_nodes(node):
                self.visit(child)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        # decorators, defaults and the signature's annotations belong to the enclosing scope
        for dec in node.decorator_list:
            self.hit(dec, "uses as a decorator")
            self.visit(dec)
        for default in _defaults(node.args):
            self.visit(default)
        for name in _signature_reads(node):
            self.hit(name, "uses in an annotation")
        self.inner_scope(node.body, (a.arg for a in _parameters(node.args)))

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        first, *rest = node.generators
        self.visit(first.iter)  # the only part evaluated in the enclosing scope
        targets = [n for gen in node.generators for n in _target_names(gen.target)]
        parts: list[ast.AST] = [*first.ifs, *rest]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self.inner_scope(parts, targets)

    def roles(self, node: ast.AST) -> None:
        """The roles a node's direct parts play that only a global could: called, subscripted, ..."""
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                self.hit(base, "uses as a base class")
        elif isinstance(node, ast.Call):
            self.hit(node.func, "calls")
            if (
                isinstance(node.func, ast.Name)
                and node.func.id in ("isinstance", "issubclass")
                and len(node.args) == 2
            ):
                self.hit_types(node.args[1], "uses as a type")
        elif isinstance(node, ast.Attribute):
            self.hit(node.value, "takes an attribute of")
        elif isinstance(node, ast.Subscript):
            self.hit(node.value, "subscripts")
            if self.is_global(node.value):  # a generic type: its arguments are types too
                for name in _reads(node.slice):
                    self.hit(name, "uses as a type argument")
        elif isinstance(node, ast.ExceptHandler):
            self.hit_types(node.type, "catches")
