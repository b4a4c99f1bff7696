"""`make bench`: how long generation takes, per stage and per operation, and how fast the generated clients are.

Generation, for both specs in specs/ and for synthetic specs of 10 to 3,000 operations (built here,
deterministically): three scenarios, each in a fresh interpreter so import time counts:

* cold: an empty cache and an empty output directory;
* unchanged: the same again (the floor beside it: interpreter start + reading and composing the spec
  files with libyaml + hashing them);
* no-op cli: `python -m generator generate` once more, whole process, as `make generate` runs it
  (the run stamp answers; generator/stamp.py), against the same floor;
* one operation changed: one summary edited, same cache and output.

Each prints whole-process CPU time (the process and its workers) and wall time, plus the time of each
stage inside the process (import, load, validate, parse, render, format, verify, write), and per operation.
`make bench PEERS=1` also installs openapi-python-client into .bench/ (a venv of its own) and times it
on the same inputs in the same run (the Video spec bundled to one file for it), and tries to install the
official `getstream` SDK there for the client comparison.

Client figures (the generated stream_video package against bare httpx on a loopback server in this
process): import + construction, first request, per-call time sync and async, decoding the GetCall
example. Figures are medians; nothing is asserted. Children run with bytecode caching on
(PYTHONDONTWRITEBYTECODE dropped from their environment), as installed code has its .pyc files. BENCH_SIZES (e.g. "10,100") and BENCH_REPEAT narrow
a run.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
BENCH = ROOT / ".bench"
PEER_VERSION = "0.29.0"  # openapi-python-client, pinned so figures compare across runs
STAGES = ("import", "load", "validate", "parse", "render", "format", "release", "verify", "write")
SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "10,100,1000,3000").split(",") if s)


def _repeat(operations: int) -> int:
    if "BENCH_REPEAT" in os.environ:
        return int(os.environ["BENCH_REPEAT"])
    return 3 if operations < 1000 else 1


# ------------------------------------------------------------------------------ synthetic specs


def synthetic_spec(operations: int, changed: bool = False) -> dict[str, Any]:
    """A spec of `operations` operations in resources of 10, shaped like a real API: each resource
    has list (paginated), create (JSON body), get, update and delete, and a few actions, over its own
    models. `changed` edits one summary, the smallest change a user makes."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    made = 0
    group = 0
    while made < operations:
        name = f"thing{group}"
        cls = f"Thing{group}"
        schemas[cls] = {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string", "description": f"Name of the {name}."},
                "size": {"type": "integer", "minimum": 0},
                "state": {"type": "string", "enum": ["active", "paused", "gone"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "created_at": {"type": "string", "format": "date-time"},
                "meta": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
        schemas[f"{cls}Input"] = {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
        }
        schemas[f"{cls}Page"] = {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{cls}"}},
                "next": {"type": "string"},
                "prev": {"type": "string"},
            },
        }
        one = {"$ref": f"#/components/schemas/{cls}"}
        body = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{cls}Input"}}
            },
        }
        ok = {"200": {"description": "ok", "content": {"application/json": {"schema": one}}}}
        ident = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        ops: list[tuple[str, str, dict[str, Any]]] = [
            (
                f"/{name}s",
                "get",
                {
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "next", "in": "query", "schema": {"type": "string"}},
                        {"name": "prev", "in": "query", "schema": {"type": "string"}},
                        {"name": "state", "in": "query", "schema": {"type": "string"}},
                    ],
                    "x-pagination": {"next": "next", "prev": "prev", "items": "items"},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{cls}Page"}
                                }
                            },
                        }
                    },
                },
            ),
            (f"/{name}s", "post", {"requestBody": body, "responses": ok}),
            (f"/{name}s/{{id}}", "get", {"parameters": ident, "responses": ok}),
            (
                f"/{name}s/{{id}}",
                "put",
                {"parameters": ident, "requestBody": body, "responses": ok},
            ),
            (
                f"/{name}s/{{id}}",
                "delete",
                {"parameters": ident, "responses": {"204": {"description": "gone"}}},
            ),
        ]
        for action in ("start", "stop", "pause", "resume", "archive"):
            ops.append(
                (
                    f"/{name}s/{{id}}/{action}",
                    "post",
                    {
                        "parameters": [
                            *ident,
                            {"name": "reason", "in": "query", "schema": {"type": "string"}},
                        ],
                        "responses": ok,
                    },
                )
            )
        for path, method, op in ops:
            if made == operations:
                break
            verb = path.rsplit("/", 1)[-1] if path.endswith(("t", "p", "e")) else method
            op = {
                "operationId": f"{method}_{name}_{made}",
                "summary": f"{method.upper()} {path}"
                + (" (changed)" if changed and made == 0 else ""),
                "description": f"Operation {made}: {verb} on {name}.",
                "tags": [name],
                **op,
            }
            paths.setdefault(path, {})[method] = op
            made += 1
        group += 1
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic {operations}",
            "version": "1.0.0",
            "x-sdk": {"package": f"synthetic_{operations}", "client": "SyntheticClient"},
        },
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _write_yaml(path: Path, data: Any) -> Path:
    path.write_text(
        yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, width=1000), encoding="utf-8"
    )
    return path


# ---------------------------------------------------------------------------- one measured run


def _stages_child(spec: str, out: str) -> None:
    """Run in a fresh interpreter: every stage timed, imports first; prints the figures as JSON."""
    from generator.__main__ import batch_gc, hard_exit

    batch_gc()  # as `python -m generator` runs
    t0 = time.perf_counter()
    from generator import load, parse, release, render, validate
    from generator.baseline import Baselines
    from generator.fmt import format_files
    from generator.pipeline import spec_pointers
    from generator.verify import verify
    from generator.write import write_tree

    times = {"import": time.perf_counter() - t0}

    def stage(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        value = fn()
        times[name] = time.perf_counter() - t
        return value

    loaded = stage("load", lambda: load.load_spec(Path(spec)))
    stage("validate", lambda: validate.validate(loaded))
    api = stage("parse", lambda: parse.parse(loaded))
    files = stage("render", lambda: render.render(api))
    formatted = stage("format", lambda: format_files(files))

    parsed, rendered = api, formatted

    def rerender(at: Any) -> dict[PurePosixPath, str]:
        # the files formatted above serve for the version they were rendered with; a bump renders again
        return dict(rendered) if at.version == parsed.version else format_files(render.render(at))

    # against the package the previous run left in `out` (a temporary directory: the disk is the
    # baseline), so the unchanged and one-changed runs compare manifests and bump a version
    previous = Baselines(Path(out)).read(api.package)
    api, formatted, _ = stage("release", lambda: release.release(api, previous, rerender))
    stage("verify", lambda: verify(formatted, spec_pointers(api)))
    result = stage("write", lambda: write_tree(Path(out) / api.package, formatted))
    print(
        json.dumps({"stages": times, "operations": len(api.operations), "written": result.written})
    )
    hard_exit(0)  # as `python -m generator` ends


# Every child runs with bytecode caching on, as an installed generator (and package) has its .pyc
# files: with PYTHONDONTWRITEBYTECODE set, each run would compile every module of the generator
# again and the figures would measure Python's compiler.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT
) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system of the process and every child it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env={**_ENV, **(env or {})}, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def _measure(spec: Path, out: Path, cache: Path) -> dict[str, Any]:
    wall, cpu, stdout = _run(
        [sys.executable, "-m", "tests.bench", "--stages", str(spec), str(out)],
        {"SDKGEN_CACHE_DIR": str(cache)},
    )
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result.update(wall=wall, cpu=cpu)
    return result


def _cli_unchanged(spec: Path, out: Path, cache: Path) -> float:
    """CPU seconds of `python -m generator generate SPEC -o OUT` when nothing changed since the
    run before it: one run records the stamp (not measured), the next is measured."""
    cmd = [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)]
    env = {"SDKGEN_CACHE_DIR": str(cache)}
    _run(cmd, env)
    _, cpu, stdout = _run(cmd, env)
    if "(0 written" not in stdout:
        raise RuntimeError(f"the unchanged run wrote something:\n{stdout}")
    return cpu


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cpu": statistics.median(r["cpu"] for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "stages": {k: statistics.median(r["stages"][k] for r in runs) for k in STAGES},
        "operations": runs[0]["operations"],
    }


def _floor(files: list[Path]) -> float:
    """Interpreter start + reading every spec file + composing it with libyaml + hashing it."""
    code = (
        "import hashlib, sys, yaml\n"
        "for name in sys.argv[1:]:\n"
        "    data = open(name, 'rb').read()\n"
        "    hashlib.sha256(data).hexdigest()\n"
        "    yaml.compose(data, Loader=yaml.CSafeLoader)\n"
    )
    return statistics.median(
        _run([sys.executable, "-c", code, *map(str, files)])[1] for _ in range(5)
    )


def _copy_with_change(spec: Path, into: Path) -> Path:
    """A copy of a real spec (root + fragment folder) with the first operation summary edited."""
    root = into / spec.name
    shutil.copy(spec, root)
    fragments = spec.with_suffix("")
    candidates = [root]
    if fragments.is_dir():
        shutil.copytree(fragments, into / fragments.name)
        candidates += sorted((into / fragments.name).rglob("*.yaml"))
    for path in candidates:
        text = path.read_text(encoding="utf-8")
        at = text.find("summary: ")
        if at >= 0:
            end = text.index("\n", at)
            path.write_text(text[:end] + " (changed)" + text[end:], encoding="utf-8")
            return root
    raise RuntimeError(f"{spec}: no operation summary to change")


def _spec_files(spec: Path) -> list[Path]:
    fragments = spec.with_suffix("")
    return [spec, *(sorted(fragments.rglob("*.yaml")) if fragments.is_dir() else [])]


# --------------------------------------------------------------------------------------- peers


def _peer_python() -> Path | None:
    """openapi-python-client (and, where installable, getstream) in .bench/peer; None if unavailable."""
    venv = BENCH / "peer"
    python = venv / "bin" / "python"
    stamp = venv / f".opc-{PEER_VERSION}"
    if not stamp.exists():
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"openapi-python-client=={PEER_VERSION}",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(
                f"openapi-python-client {PEER_VERSION} could not be installed:\n{done.stderr[-1500:]}"
            )
            return None
        stamp.touch()
    return python


def _getstream_python() -> Path | None:
    venv = BENCH / "getstream"
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if not stamp.exists():
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "getstream"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(f"getstream could not be installed: {done.stderr.strip()[-800:]}")
            return None
        stamp.touch()
    return python


def _peer_time(python: Path, spec_file: Path, work: Path) -> float:
    out = work / "peer-out"

    def once() -> float:
        shutil.rmtree(out, ignore_errors=True)
        cmd = [
            str(python.parent / "openapi-python-client"),
            "generate",
            "--path",
            str(spec_file),
            "--output-path",
            str(out),
            "--overwrite",
        ]
        return _run(cmd, cwd=work)[1]

    return statistics.median(once() for _ in range(3))


def _bundled(spec: Path, into: Path) -> Path:
    """The spec as one self-contained JSON file (our loader does the bundling)."""
    from generator.load import load_spec

    path = into / f"{spec.stem}.bundled.json"
    path.write_text(json.dumps(load_spec(spec).data), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------- generation


def _row(label: str, operations: int, run: dict[str, Any]) -> str:
    per_op = run["cpu"] / max(operations, 1) * 1000
    stages = " ".join(f"{run['stages'][k]:7.3f}" for k in STAGES)
    return f"  {label:<10}{run['cpu']:8.2f}s{run['wall']:8.2f}s{per_op:9.2f}ms  {stages}"


def _generation(peer: Path | None) -> list[tuple[str, int, float, float | None]]:
    summary: list[tuple[str, int, float, float | None]] = []
    header = f"  {'scenario':<10}{'cpu':>9}{'wall':>9}{'cpu/op':>11}  " + " ".join(
        f"{k:>7}" for k in STAGES
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inputs: list[tuple[str, Path, Path, list[Path]]] = []
        for spec in sorted(SPECS.glob("*.yaml")):
            changed_dir = tmp / f"changed-{spec.stem}"
            changed_dir.mkdir()
            inputs.append(
                (spec.name, spec, _copy_with_change(spec, changed_dir), _spec_files(spec))
            )
        for n in SIZES:
            spec = _write_yaml(tmp / f"synthetic_{n}.yaml", synthetic_spec(n))
            changed_dir = tmp / f"changed-synthetic-{n}"
            changed_dir.mkdir()
            changed = _write_yaml(changed_dir / spec.name, synthetic_spec(n, changed=True))
            inputs.append((f"synthetic {n}", spec, changed, [spec]))
        for label, spec, changed, files in inputs:
            repeat = _repeat(int(label.split()[1])) if label.startswith("synthetic") else 3
            colds, warms, edits, stamped = [], [], [], []
            for i in range(repeat):
                cache, out = tmp / f"cache-{label}-{i}", tmp / f"out-{label}-{i}"
                colds.append(_measure(spec, out, cache))
                warms.append(_measure(spec, out, cache))
                stamped.append(_cli_unchanged(spec, out, cache))
                edits.append(_measure(changed, out, cache))
            cold, warm, edit = _median_run(colds), _median_run(warms), _median_run(edits)
            n = cold["operations"]
            floor = _floor(files)
            print(f"{label}: {n} operations, median of {repeat}; stage seconds (wall, in process)")
            print(header)
            print(_row("cold", n, cold))
            print(
                _row("unchanged", n, warm)
                + f"   floor {floor:.3f}s cpu ({warm['cpu'] / floor:.1f}x)"
            )
            cli = statistics.median(stamped)
            print(
                f"  {'no-op cli':<10}{cli:8.2f}s  `generate` again, as `make generate` runs it:"
                f" the run stamp's check only   floor {floor:.3f}s cpu ({cli / floor:.1f}x)"
            )
            print(_row("one op", n, edit))
            theirs = None
            if peer is not None:
                peer_input = _bundled(spec, tmp) if (spec.with_suffix("")).is_dir() else spec
                theirs = _peer_time(peer, peer_input, tmp)
                print(
                    f"  openapi-python-client {PEER_VERSION}: {theirs:.2f}s cpu cold; "
                    f"ours/theirs {cold['cpu'] / theirs:.2f}"
                )
            summary.append((label, n, cold["cpu"], theirs))
    return summary


# ------------------------------------------------------------------------------------- clients

_GET_CALL_PATH = "/api/v2/video/call/default/my-call"
_SMALL_PATH = "/api/v2/video/calltypes/bench"


class _CannedServer:
    """Keep-alive HTTP/1.1 on 127.0.0.1 answering every request with one canned JSON body chosen by
    path: as little server time as possible, so client overhead is what the figures show."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self._replies = {
            path: (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            for path, body in bodies.items()
        }
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            conn, _ = self._sock.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buf) < length:
                    buf += conn.recv(65536)
                buf = buf[length:]
                target = head.split(b" ", 2)[1].decode()
                conn.sendall(self._replies[target.split("?")[0]])


_CLIENT_SCRIPT = r"""
import asyncio, json, sys, time
base, mode, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
if mode == "import":
    import stream_video
    t1 = time.perf_counter()
    client = stream_video.VideoClient(api_key="key", api_secret="secret", base_url=base)
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "construct": t2 - t1}))
elif mode == "getstream":
    from getstream import Stream
    t1 = time.perf_counter()
    client = Stream(api_key="key", api_secret="secret" * 6, base_url=base)
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "construct": t2 - t1}))
elif mode == "sync":
    import httpx
    import stream_video
    client = stream_video.VideoClient(api_key="key", api_secret="secret", base_url=base)
    t = time.perf_counter()
    client.call_types.delete("bench")
    first = time.perf_counter() - t
    bare = httpx.Client(base_url=base)
    def ours():
        client.call_types.delete("bench")
    def theirs():
        bare.delete("/api/v2/video/calltypes/bench", params={"api_key": "key"},
                    headers={"Authorization": "Bearer x", "stream-auth-type": "jwt"}).json()
    for fn in (ours, theirs):
        for _ in range(50):
            fn()
    best = {}
    for name, fn in (("ours", ours), ("bare", theirs)) * 3:
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        best.setdefault(name, []).append((time.perf_counter() - t) / calls)
    print(json.dumps({"first": first, **{k: sorted(v)[1] for k, v in best.items()}}))
elif mode == "async":
    import httpx
    import stream_video
    async def main():
        client = stream_video.AsyncVideoClient(api_key="key", api_secret="secret", base_url=base)
        bare = httpx.AsyncClient(base_url=base)
        async def ours():
            await client.call_types.delete("bench")
        async def theirs():
            (await bare.delete("/api/v2/video/calltypes/bench", params={"api_key": "key"},
                               headers={"Authorization": "Bearer x", "stream-auth-type": "jwt"})).json()
        for fn in (ours, theirs):
            for _ in range(50):
                await fn()
        best = {}
        for name, fn in (("ours", ours), ("bare", theirs)) * 3:
            t = time.perf_counter()
            for _ in range(calls):
                await fn()
            best.setdefault(name, []).append((time.perf_counter() - t) / calls)
        return {k: sorted(v)[1] for k, v in best.items()}
    print(json.dumps(asyncio.run(main())))
elif mode == "decode":
    raw = open(sys.argv[4], "rb").read()
    from stream_video.models import GetCallResponse
    n = 2000
    times = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            GetCallResponse.model_validate_json(raw)
        times.append((time.perf_counter() - t) / n)
    print(json.dumps({"decode": sorted(times)[2]}))
"""


_GETSTREAM_DECODE = r"""
import json, sys, time
raw = open(sys.argv[1], "rb").read()
from getstream.models import GetCallResponse
n = 200
times = []
for _ in range(5):
    t = time.perf_counter()
    for _ in range(n):
        GetCallResponse.from_dict(json.loads(raw), infer_missing=True)
    times.append((time.perf_counter() - t) / n)
print(json.dumps({"decode": sorted(times)[2]}))
"""


def _child_json(
    python: Path | str, args: list[str], script: str = _CLIENT_SCRIPT
) -> dict[str, float]:
    done = subprocess.run(
        [str(python), "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=_ENV
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _get_call_example() -> bytes:
    from generator.load import load_spec

    data = load_spec(SPECS / "stream_video.yaml").data
    media = data["paths"]["/api/v2/video/call/{type}/{id}"]["get"]["responses"]["200"]["content"]
    return json.dumps(media["application/json"]["example"]).encode()


@contextlib.contextmanager
def _example_file(raw: bytes) -> Iterator[Path]:
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(raw)
        handle.flush()
        yield Path(handle.name)


def _clients(peers: bool) -> None:
    raw = _get_call_example()
    server = _CannedServer({_GET_CALL_PATH: raw, _SMALL_PATH: b'{"duration":"0.1ms"}'})
    base = f"http://127.0.0.1:{server.port}"
    med = statistics.median
    runs = [_child_json(sys.executable, [base, "import", "0"]) for _ in range(7)]
    ours_import, ours_construct = med(r["import"] for r in runs), med(r["construct"] for r in runs)
    print("clients (stream_video; medians in one run)")
    print(
        f"  import stream_video {ours_import * 1000:.1f} ms, construct VideoClient "
        f"{ours_construct * 1000:.1f} ms (http:// base URL)"
    )
    getstream = _getstream_python() if peers else None
    if getstream is not None:
        try:
            theirs = [_child_json(getstream, [base, "getstream", "0"]) for _ in range(7)]
            t_import, t_construct = (
                med(r["import"] for r in theirs),
                med(r["construct"] for r in theirs),
            )
            print(
                f"  getstream: import {t_import * 1000:.1f} ms, construct Stream {t_construct * 1000:.1f} ms; "
                f"ours/theirs import+construct {(ours_import + ours_construct) / (t_import + t_construct):.3f}"
            )
        except RuntimeError as exc:
            print(f"  getstream installed but failed: {str(exc).strip().splitlines()[-1]}")
    elif peers:
        print("  getstream: not installable here, no comparison")
    sync = _child_json(sys.executable, [base, "sync", "300"])
    print(
        f"  sync:  first request {sync['first'] * 1000:.1f} ms; per call ours {sync['ours'] * 1e6:.0f} µs, "
        f"bare httpx {sync['bare'] * 1e6:.0f} µs ({sync['ours'] / sync['bare']:.2f}x)"
    )
    asy = _child_json(sys.executable, [base, "async", "300"])
    print(
        f"  async: per call ours {asy['ours'] * 1e6:.0f} µs, bare httpx {asy['bare'] * 1e6:.0f} µs "
        f"({asy['ours'] / asy['bare']:.2f}x)"
    )
    with _example_file(raw) as example:
        decode = _child_json(sys.executable, [base, "decode", "0", str(example)])["decode"]
        line = f"  decode GetCallResponse example ({len(raw)} bytes): {decode * 1e6:.1f} µs"
        if getstream is not None:
            try:
                theirs_decode = _child_json(getstream, [str(example)], _GETSTREAM_DECODE)["decode"]
                line += (
                    f"; getstream {theirs_decode * 1e6:.0f} µs ({theirs_decode / decode:.0f}x ours)"
                )
            except RuntimeError as exc:
                line += f"; getstream decode failed: {str(exc).strip().splitlines()[-1]}"
        print(line)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--stages":
        _stages_child(sys.argv[2], sys.argv[3])
        return
    peers = os.environ.get("PEERS") == "1"
    print(f"sdkgen bench: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f} at start")
    peer = _peer_python() if peers else None
    summary = _generation(peer)
    print("summary: cold cpu, per operation" + (", ours/openapi-python-client" if peer else ""))
    for label, n, cpu, theirs in summary:
        ratio = f"  {cpu / theirs:.2f}" if theirs else ""
        print(f"  {label:<22}{cpu:8.2f}s {cpu / max(n, 1) * 1000:8.2f} ms/op{ratio}")
    _clients(peers)
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
