"""Names from a spec can be longer than a file system allows for a file: module files are shortened
(with a hash, so they stay distinct and stable), a package folder name that cannot fit is a problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.limits import MAX_FILE_NAME, fit_file_name
from generator.pipeline import build
from generator.write import write_tree

LONG = "Very" + "Long" * 80  # 324 characters


def spec(package: str | None = "long_names") -> dict[str, object]:
    info: dict[str, object] = {"title": "Long", "version": "1"}
    if package:
        info["x-sdk"] = {"package": package}
    return {
        "openapi": "3.1.0",
        "info": info,
        "paths": {
            "/things": {
                "get": {
                    "operationId": "getThing",
                    "tags": [LONG.lower()],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{LONG}"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                LONG: {
                    "type": "object",
                    "properties": {"a": {"$ref": f"#/components/schemas/{LONG}2"}},
                },
                f"{LONG}2": {"type": "object", "properties": {"b": {"type": "string"}}},
            }
        },
    }


def test_long_names_make_files_that_fit_and_a_package_that_imports(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec()), encoding="utf-8")
    api, files = build(path, formatted=False)
    assert max(len(part.encode()) for p in files for part in p.parts) <= MAX_FILE_NAME
    assert build(path, formatted=False)[1] == files  # the shortened names are stable
    write_tree(tmp_path / "out" / api.package, files)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import long_names, importlib, pkgutil\n"
        "for i in pkgutil.walk_packages(long_names.__path__, 'long_names.'):\n"
        "    importlib.import_module(i.name)\n"
        "from long_names.models import " + LONG + "\n"
        "print(" + LONG + ".model_validate({'a': {'b': 'x'}}).a.b)\n"
        "c = long_names.LongNamesClient(base_url='http://x')\n"
        "print(type(getattr(c, '" + LONG.lower() + "', None) or c).__name__ != '')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "out" / api.package)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.split() == ["x", "True"], done.stderr[-2000:]


def test_a_package_name_too_long_for_a_folder_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 230 + ".json")
    path.write_text(json.dumps(spec(package=None)), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build(path, formatted=False)
    (problem,) = caught.value.problems
    assert problem.pointer == "#/info"
    assert problem.message == (
        f"the package name made from the file name is longer than {MAX_FILE_NAME} bytes, too "
        "long for a folder: set info.x-sdk.package"
    )


@pytest.mark.parametrize("stem", ["_thing", "a" * (MAX_FILE_NAME - 3)])
def test_names_that_fit_are_kept(stem: str) -> None:
    assert fit_file_name(stem) == stem


def test_long_names_are_shortened_distinctly() -> None:
    first, second = fit_file_name("_" + "x" * 300 + "a"), fit_file_name("_" + "x" * 300 + "b")
    assert first != second
    assert len((first + ".py").encode()) <= MAX_FILE_NAME
    assert first == fit_file_name("_" + "x" * 300 + "a")
    assert first.startswith("_xxxx")
