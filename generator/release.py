"""Versions and changelogs: what a regeneration makes of the package it replaces.

The package being replaced (its `api.json` and `CHANGELOG.md`, see `generator.baseline`) is the
source of truth for the previous version. The new version follows semantic versioning from the
classified changes (`generator.apidiff`):

* from 1.0 on: breaking → major, compatible → minor, anything else that changes the package → patch;
* before 1.0 (semver's 0.y.z, "anything may change"): breaking → minor, anything else → patch;
* "anything else" is known from the manifest's digests: the generated code or the runtime changed
  while the Python API did not (a description, a fixed bug in the generator or runtime);
* `info.x-sdk.version` pins the version instead (never lower than the previous one);
* a package with nothing to replace starts at the spec's version (`info.x-sdk.version`, else
  `info.version`), and so does one made before manifests existed (no `api.json`: its version came
  from the same spec); the changelog's first section says which of the two it is.

Bumps work on the release numbers (major.minor.micro); a pre-, post-, dev or local suffix is
dropped (pin the version to keep one). Nothing changed: same version, same changelog, same bytes.

The changelog has one section per version, newest first, with the report's entries in plain words
and no timestamps. Earlier sections are kept as they are in the replaced package's CHANGELOG.md.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from packaging.version import Version

from generator import manifest
from generator.apidiff import Change, Level, code, compare, level_of
from generator.ir import Api
from generator.manifest import CHANGELOG, Manifest
from generator.render import header
from generator.surface import Surface
from generator.surface import surface as api_surface

Files = dict[PurePosixPath, str]
Render = Callable[[Api], Files]

HEADINGS = {
    Level.BREAKING: "Breaking changes",
    Level.COMPATIBLE: "Compatible changes",
    Level.PATCH: "Other changes",
}
CODE_CHANGED = "The generated code changed; the Python API did not."
RUNTIME_CHANGED = "The runtime (HTTP transport, retries, errors, pagination, auth) was updated."


class ReleaseError(Exception):
    """The spec asks for a version the package it replaces rules out (located in the spec)."""

    def __init__(self, pointer: tuple[str, ...], message: str) -> None:
        self.pointer = pointer
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Previous:
    """The package a build replaces, as far as versioning needs it."""

    where: str  # how messages name it: a directory, or REF:directory
    manifest: Manifest | None  # None: a package made before manifests existed
    changelog: str | None


@dataclass(frozen=True, slots=True)
class Release:
    """The version a regeneration gets and the changes since the baseline behind it."""

    package: str
    previous: str | None  # the replaced package's version; None: nothing to compare with
    version: str
    level: Level | None  # None: the package did not change
    changes: tuple[Change, ...]  # most severe first
    notes: tuple[str, ...]  # what changed besides the API (generated code, runtime)
    warnings: tuple[str, ...]
    unrecorded: bool = False  # it replaces a package made before manifests (no api.json)

    @property
    def changed(self) -> bool:
        return self.previous is not None and (
            self.level is not None or self.version != self.previous
        )


def bump(version: str, level: Level | None) -> str:
    if level is None:
        return version
    v = Version(version)
    major, minor, micro = (*v.release, 0, 0)[:3]
    if major == 0:
        minor, micro = (minor + 1, 0) if level == Level.BREAKING else (minor, micro + 1)
    elif level == Level.BREAKING:
        major, minor, micro = major + 1, 0, 0
    elif level == Level.COMPATIBLE:
        minor, micro = minor + 1, 0
    else:
        micro += 1
    return f"{v.epoch}!{major}.{minor}.{micro}" if v.epoch else f"{major}.{minor}.{micro}"


def release(api: Api, previous: Previous | None, render: Render) -> tuple[Api, Files, Release]:
    """The package `api` makes when it replaces `previous`: its version, files (with api.json and
    CHANGELOG.md) and what changed. Renders once when nothing changed, at most twice otherwise."""
    surface = api_surface(api)
    old = previous.manifest if previous else None
    if old is None:
        files = render(api)
        rel = Release(api.package, None, api.version, None, (), (), (), previous is not None)
        return _finish(api, files, rel, previous, surface)
    changes = compare(old.surface, surface)
    level = level_of(changes)
    pinned = api.version if api.version_pinned else None
    if pinned is not None and Version(pinned) < Version(old.version):
        raise ReleaseError(
            ("info", "x-sdk", "version"),
            f"{pinned} is lower than the version of the package it replaces "
            f"({old.version}, {previous.where if previous else ''}): versions only go up",
        )
    # With no API change, the digests at the old version tell whether anything else changed.
    at = old.version if level is None else pinned or bump(old.version, level)
    files = render(replace(api, version=at))
    code, runtime = manifest.digests(files, api.package)
    notes = [RUNTIME_CHANGED] if runtime != old.runtime_digest else []
    if level is None and code != old.code_digest:
        notes.insert(0, CODE_CHANGED)
    if level is None and notes:
        level = Level.PATCH
    wanted = bump(old.version, level)
    version = pinned or wanted
    warnings = []
    if pinned is not None and Version(pinned) < Version(wanted):
        warnings.append(
            f"info.x-sdk.version pins {pinned}; semantic versioning asks for {wanted} "
            f"({level.word if level else 'no'} changes)"
        )
    if version != at:
        files = render(replace(api, version=version))
    rel = Release(api.package, old.version, version, level, changes, tuple(notes), tuple(warnings))
    return _finish(api, files, rel, previous, surface)


def _finish(
    api: Api, files: Files, rel: Release, previous: Previous | None, surface: Surface
) -> tuple[Api, Files, Release]:
    api = replace(api, version=rel.version)
    code, runtime = manifest.digests(files, api.package)
    files[manifest.PATH] = manifest.dumps(Manifest(api.source, rel.version, code, runtime, surface))
    files[CHANGELOG] = changelog(api, rel, previous.changelog if previous else None)
    return api, files, rel


def report(rel: Release) -> list[str]:
    """What a regeneration does to a package, a line a change (what generate, check and diff print)."""
    if rel.unrecorded:
        return [f"{rel.package}: {rel.version}, first version with an api.json to compare with"]
    if rel.previous is None:
        return [f"{rel.package}: new package, version {rel.version}"]
    if not rel.changed:
        return [f"{rel.package}: {rel.version}, no changes"]
    level = rel.level.word if rel.level else "no"
    if rel.version == rel.previous:  # pinned
        lines = [f"{rel.package}: {rel.version}, pinned by info.x-sdk.version ({level} changes)"]
    else:
        lines = [f"{rel.package}: {rel.previous} -> {rel.version} ({level} changes)"]
    lines += [f"  {c.level.word}: {c}" for c in rel.changes]
    lines += [f"  patch: {note}" for note in rel.notes]
    return lines


# ------------------------------------------------------------------------------------- changelog


def entries(rel: Release, source: str) -> dict[Level | None, list[str]]:
    """The section's bullet lines for this release, by heading (None: no heading)."""
    out: dict[Level | None, list[str]] = {}
    if rel.unrecorded:  # its earlier versions were made before manifests: nothing to compare
        out[None] = [
            f"- First version with a record of its Python API (`{manifest.PATH}`), generated from "
            f"{code(source)}; changes before it were not recorded."
        ]
        return out
    if rel.previous is None:
        out[None] = [f"- First version, generated from {code(source)}."]
        return out
    for change in rel.changes:
        out.setdefault(change.level, []).append(f"- {change.subject}: {_sentence(change.detail)}")
    out.setdefault(Level.PATCH, []).extend(f"- {note}" for note in rel.notes)
    if not out[Level.PATCH]:
        del out[Level.PATCH]
    if not out and rel.version != rel.previous:
        out[Level.PATCH] = [
            "- Version set by the spec (`info.x-sdk.version`); nothing else changed."
        ]
    return out


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def intro(api: Api) -> str:
    return textwrap.fill(
        f"What changed in `{api.package}`, newest version first. sdkgen writes this file: when a "
        "regeneration changes the package, it compares the new Python API with the one recorded in "
        "`api.json` and lists the differences. Versions follow semantic versioning: a breaking change "
        "raises the major version, a compatible one the minor, anything else the patch (before 1.0: "
        "breaking raises the minor, anything else the patch), unless the spec pins the version "
        "(`info.x-sdk.version`).",
        width=100,
        break_on_hyphens=False,
    )


@dataclass
class _Section:
    """One version's section of a CHANGELOG.md."""

    version: str
    lines: list[str]  # the heading first; trailing blank lines dropped


def sections(text: str) -> list[_Section]:
    """The `## <version>` sections of a changelog, each kept line for line."""
    out: list[_Section] = []
    for line in text.split("\n"):
        if line.startswith("## "):
            out.append(_Section((line[3:].split() or [""])[0], [line]))
        elif out:
            out[-1].lines.append(line)
    for section in out:
        while section.lines and not section.lines[-1].strip():
            section.lines.pop()
    return out


def _levels(groups: dict[Level | None, list[str]]) -> list[Level | None]:
    return sorted(groups, key=lambda level: -level if level else 0)


def _render_section(version: str, groups: dict[Level | None, list[str]]) -> list[str]:
    lines = [f"## {version}"]
    for level in _levels(groups):
        lines += ["", f"### {HEADINGS[level]}", ""] if level else [""]
        lines += groups[level]
    return lines


def _merge(section: _Section, groups: dict[Level | None, list[str]]) -> list[str]:
    """New entries added under their headings of an existing section (a pinned version that
    changed again); the section's own lines stay where they are."""
    lines = list(section.lines)
    for level in _levels(groups):
        if level is None:
            lines += ["", *groups[level]]
            continue
        heading = f"### {HEADINGS[level]}"
        if heading in lines:
            end = lines.index(heading) + 1
            while end < len(lines) and not lines[end].startswith("#"):
                end += 1
            while not lines[end - 1].strip():
                end -= 1
            lines[end:end] = groups[level]
        else:
            lines += ["", heading, "", *groups[level]]
    return lines


def changelog(api: Api, rel: Release, previous: str | None) -> str:
    kept = sections(previous) if previous else []
    groups = entries(rel, api.source)
    if kept and kept[0].version == rel.version:
        if groups and rel.changed:
            kept[0] = _Section(rel.version, _merge(kept[0], groups))
    else:
        groups = groups or {Level.PATCH: ["- No entries were recorded for this version."]}
        kept.insert(0, _Section(rel.version, _render_section(rel.version, groups)))
    body = "\n\n".join("\n".join(s.lines) for s in kept)
    return f"{header(api, '<!--')}\n# Changelog\n\n{intro(api)}\n\n{body}\n"
