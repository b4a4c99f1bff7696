"""Every golden package, runtime included, is a working package: `mypy --strict` and `ruff check` pass,
every module imports, every model builds, and the sync and async clients construct.

The `collisions` case names things in every scope like what the generator itself puts there (pager
arguments, constructor arguments, builtins, runtime classes, helpers a method body calls, client
attributes): this is the test that such a spec gives a sound package, not a broken one.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.pipeline import build
from generator.write import write_tree
from tests.golden_tool import cases
from tests.test_readme_examples import examples, module_source, setup_of

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    out = tmp_path_factory.mktemp("golden_packages")
    names = []
    for case in cases():
        api, files = build(case / "spec.yaml")
        write_tree(out / api.package, files)
        names.append(api.package)
    sys.path[:0] = [str(out / name) for name in names]
    try:
        yield out, names
    finally:
        for name in names:
            sys.path.remove(str(out / name))
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


def test_mypy_strict_and_ruff(packages: tuple[Path, list[str]]) -> None:
    """The packages and, in the same mypy run, every example of their READMEs (written as modules
    as tests/test_readme_examples.py writes those of generated/, which it also runs)."""
    out, names = packages
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(out / n) for n in names)}
    readme = out / "readme_examples"
    readme.mkdir(exist_ok=True)
    for name in names:
        found = examples(out / name)
        setup = setup_of(found, "http://127.0.0.1:9")
        for example in found:
            (readme / f"{example.module}.py").write_text(module_source(example, setup))
    modules = sorted(str(p.relative_to(out)) for p in readme.glob("*.py"))
    assert modules
    mypy = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(out / ".mypy_cache"), *names, *modules],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    for name in names:
        ruff = subprocess.run(
            [str(BIN / "ruff"), "check", "--no-cache", "."],
            cwd=out / name,
            capture_output=True,
            text=True,
        )
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def _client_kwargs(cls: type) -> dict[str, str]:
    """A placeholder for every optional str argument (credentials, server variables)."""
    return {
        name: "x"
        for name, p in inspect.signature(cls).parameters.items()
        if p.default is None and p.annotation == "str | None" and name != "base_url"
    }


def test_every_module_imports_models_build_clients_construct(
    packages: tuple[Path, list[str]],
) -> None:
    _, names = packages
    for name in names:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(info.name)
        models = importlib.import_module(f"{name}.models")
        for model in models.__all__:
            cls = getattr(models, model)
            if hasattr(cls, "model_json_schema"):
                cls.model_json_schema()  # builds every validator the model needs
        client_names = [n for n in package.__all__ if n.endswith("Client") and n.isidentifier()]
        sync = [n for n in client_names if not n.startswith("Async")]
        assert sync, f"{name} exports no client"
        for client_name in client_names:
            cls = getattr(package, client_name)
            client = cls(**_client_kwargs(cls), base_url="http://127.0.0.1:9")
            assert repr(client).startswith(client_name)


def test_collisions_case_renames_what_would_collide(packages: tuple[Path, list[str]]) -> None:
    """The renames the collisions case must make, each one a place the old generator broke."""
    import collisions
    from collisions import models

    client = collisions.CollisionsClient(base_url="http://127.0.0.1:9")
    # a tag named like a client attribute, a pager argument, a server variable
    assert hasattr(client, "close_") and callable(client.close)
    assert hasattr(client, "base_url_") and client.base_url == "http://127.0.0.1:9"
    signature = inspect.signature(client.close_.list)
    for wanted in ("start_", "direction_", "max_pages_", "build_path_", "encode_headers_", "list"):
        assert wanted in signature.parameters, wanted
    pages = inspect.signature(client.close_.list_pages).parameters
    assert {"start", "direction", "max_pages", "start_"} <= set(pages)
    body = inspect.signature(client.close_.create).parameters
    assert {"body", "body_2", "validate_body_"} <= set(body)
    # properties named like builtins and modules the annotations use
    page = models.Page_.model_validate(
        {"items": [{"str": "a"}], "datetime": "2020-01-01T00:00:00Z", "list": [1], "bool": True}
    )
    assert page.datetime_ is not None and page.list == [1] and page.bool is True
    assert page.items is not None and page.items[0].str == "a"
    # schemas named like runtime classes, resource classes and the client
    assert {"Field_", "ApiModel_", "NotGiven_", "CloseResource_2", "CollisionsClient_2"} <= set(
        models.__all__
    )
