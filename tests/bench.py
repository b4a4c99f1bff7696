"""`make bench`: how long regeneration takes, cold and when nothing changed, and where the time goes.

Cold: empty format/validation cache and an empty output directory. Unchanged: the same again, which
should neither validate, format nor write anything. Also: YAML parsing with libyaml (CSafeLoader, what
the loader uses) against PyYAML's pure-Python parser, over every spec file. Figures are printed; the
benchmark asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import yaml

SPECS = Path("specs")


def _timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        os.environ["SDKGEN_CACHE_DIR"] = cache
        from generator import load, parse, release, render, validate
        from generator.baseline import Baselines
        from generator.fmt import format_files
        from generator.pipeline import discover, generate
        from generator.write import write_tree

        specs = discover(SPECS)
        print(
            f"{'spec':<22}{'cold':>9}{'unchanged':>11}   stages (cold): load validate parse render format release write"
        )
        for spec in specs:
            stages: dict[str, float] = {}

            def cold(spec: Path = spec, stages: dict[str, float] = stages) -> None:
                t = time.perf_counter()
                loaded = load.load_spec(spec)
                stages["load"] = time.perf_counter() - t
                t = time.perf_counter()
                validate.validate(loaded)
                stages["validate"] = time.perf_counter() - t
                t = time.perf_counter()
                api = parse.parse(loaded)
                stages["parse"] = time.perf_counter() - t
                t = time.perf_counter()
                files = render.render(api)
                stages["render"] = time.perf_counter() - t
                t = time.perf_counter()
                formatted = format_files(files)
                stages["format"] = time.perf_counter() - t
                t = time.perf_counter()  # manifest and changelog of a first version
                api, formatted, _ = release.release(api, None, lambda _api: dict(formatted))
                stages["release"] = time.perf_counter() - t
                t = time.perf_counter()
                write_tree(Path(out) / api.package, formatted)
                stages["write"] = time.perf_counter() - t

            def unchanged(spec: Path = spec) -> None:
                baselines = Baselines(Path(out))  # a temporary directory: the disk is the baseline
                done = generate(spec, lambda api: baselines.read(api.package))
                result = write_tree(Path(out) / done.api.package, done.files)
                assert result.written == 0, "an unchanged regeneration wrote files"

            cold_s = _timed(cold)
            warm_s = _timed(unchanged, repeat=5)
            detail = " ".join(
                f"{stages[k]:.2f}"
                for k in ("load", "validate", "parse", "render", "format", "release", "write")
            )
            print(f"{spec.name:<22}{cold_s:>8.2f}s{warm_s:>10.2f}s   {detail}")

    files = [p for p in SPECS.rglob("*.yaml")]
    texts = [p.read_text(encoding="utf-8") for p in files]
    lines = sum(t.count("\n") for t in texts)
    fast = _timed(lambda: [yaml.compose(t, Loader=yaml.CSafeLoader) for t in texts], repeat=5)
    slow = _timed(lambda: [yaml.compose(t, Loader=yaml.SafeLoader) for t in texts], repeat=3)
    print(
        f"YAML compose of {len(files)} spec files ({lines} lines): libyaml {fast * 1000:.0f} ms, "
        f"pure Python {slow * 1000:.0f} ms ({slow / fast:.1f}x slower)"
    )


if __name__ == "__main__":
    main()
