"""``reconcile.toml``: project paths, destroy policy and targets (local emulator or a Contentful space).

The file is read in two layers. The ``_*Section`` models are the file's schema exactly as written
(pydantic, unknown keys refused); ``Config`` and ``TargetConfig`` are the resolved values the rest of the
tool uses: paths absolute (relative to the config file's directory), the target's policy merged with the
global one. Every problem in the file is reported at once as an ``InputError`` naming the file, the key
path and, where the key can be found in the text, its line and column.

A token is never stored in the file nor in these values: ``TargetConfig.token()`` reads it from the
environment variable (or the token file) the target names, at the moment it is needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .config_problems import problems
from .errors import InputError, Problem, ReconcileError
from .model import is_valid_id
from .scope import Scope, ScopeSettings
from .snapshots import TARGET_NAME_RE
from .tomlsource import InvalidToml, NotUtf8, TomlFile, TooDeep, Unreadable, read_toml

CONFIG_FILE_NAME = "reconcile.toml"
LOCAL_TARGET = "local"
# The bearer token of the in-process emulator. Well known on purpose: it guards nothing but a local,
# loopback-only test server, and every local target and test uses the same one.
LOCAL_TOKEN = "local-token"
DEFAULT_BASE_URL = "https://api.contentful.com"
DEFAULT_TOKEN_ENV = "CONTENTFUL_MANAGEMENT_TOKEN"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _PolicySection(_Section):
    allow_destroy: tuple[str, ...] = ()


class _ProjectSection(_Section):
    models: str = "models"
    snapshots: str = "snapshots"
    default_target: str = LOCAL_TARGET


class _LocalTargetSection(_Section):
    kind: Literal["local"]
    policy: _PolicySection | None = None
    scope: ScopeSettings | None = None


class _ContentfulTargetSection(_Section):
    kind: Literal["contentful"]
    space_id: Annotated[str, Field(min_length=1)]
    environment: Annotated[str, Field(min_length=1)] = "master"
    base_url: str = DEFAULT_BASE_URL
    token_env: Annotated[str, Field(min_length=1)] = DEFAULT_TOKEN_ENV
    token_file: str | None = None
    rate_limit: Annotated[float, Field(gt=0)] | None = None
    timeout: Annotated[float, Field(gt=0)] = 30.0
    policy: _PolicySection | None = None
    scope: ScopeSettings | None = None
    # Releases through an environment alias (docs/releases.md): instead of `environment`.
    alias: Annotated[str, Field(min_length=1)] | None = None
    release_prefix: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$")] = (
        "release"
    )
    keep: Annotated[int, Field(ge=0, le=20)] = 2

    @model_validator(mode="after")
    def _alias_or_environment(self) -> _ContentfulTargetSection:
        if self.alias is not None and "environment" in self.model_fields_set:
            raise ValueError("give either environment or alias, not both (an alias names the environment)")
        return self

    @field_validator("space_id", "environment", "alias")
    @classmethod
    def _check_id(cls, value: str) -> str:
        # Both become segments of every request URL: "../other" would address another space.
        if not is_valid_id(value):
            raise ValueError(f"{value!r} is not a Contentful id (1-64 letters, digits, '-', '_', '.', not only dots)")
        return value

    @field_validator("release_prefix")
    @classmethod
    def _check_release_prefix(cls, value: str) -> str:
        if value[-1] in "-_":  # reconcile adds the '-': "release-" would name release--20261205-...
            raise ValueError(f"{value!r} ends with {value[-1]!r}; reconcile adds '-' between the prefix and the time")
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        try:
            parts.port  # noqa: B018  # every request, and the apply lock's name (lock.lock_name), reads it
        except ValueError:
            raise ValueError(f"{parts.netloc!r} has no valid port (a number 0-65535 after the ':')") from None
        if parts.scheme == "https" and parts.hostname:
            return value.rstrip("/")
        if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
            return value.rstrip("/")
        raise ValueError(
            "must be an https:// URL, or http:// only for a local emulator on 127.0.0.1/localhost "
            "(a token is never sent over plain http to another host)"
        )


_TargetSection = Annotated[_LocalTargetSection | _ContentfulTargetSection, Field(discriminator="kind")]


class _ConfigFile(_Section):
    project: _ProjectSection = _ProjectSection()
    policy: _PolicySection = _PolicySection()
    scope: ScopeSettings = ScopeSettings()
    targets: dict[str, _TargetSection] = {}

    @field_validator("targets")
    @classmethod
    def _check_target_names(cls, value: dict[str, _TargetSection]) -> dict[str, _TargetSection]:
        # A target name becomes a folder and file name (snapshots, lock, local data): "../x" would leave them.
        for name in value:
            if not TARGET_NAME_RE.match(name):
                raise ValueError(
                    f"target name {name!r} is not valid: a letter or digit, then letters, digits, '-' and '_'"
                )
        return value


#: The table each section of the file is read with, by the key above it ("" the file, a target by its kind):
#: the keys a misspelt one is compared with.
_SECTIONS: dict[str, type[BaseModel]] = {
    "": _ConfigFile, "project": _ProjectSection, "policy": _PolicySection, "scope": ScopeSettings,
    "local": _LocalTargetSection, "contentful": _ContentfulTargetSection,
}


class TargetConfig(BaseModel):
    """One resolved target: where it is, how to authenticate, and which destroys it allows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["local", "contentful"]
    space_id: str
    environment: str = "master"
    # None for a local target: its emulator is started in-process on an ephemeral port.
    base_url: str | None = None
    token_env: str = DEFAULT_TOKEN_ENV
    token_file: Path | None = None
    rate_limit: float | None = None
    timeout: float = 30.0
    # fnmatch patterns over change addresses; the target's own list replaces the global one.
    allowed_destroy: tuple[str, ...] = ()
    # The content types (and whether the locales) it manages: [scope], each key of [targets.NAME.scope] replacing it.
    scope: Scope = Scope()
    # Where a local target's emulator keeps its data (``<project>/.reconcile/local/<name>/``); None otherwise.
    local_data_dir: Path | None = None
    # The environment alias the target releases through (then ``environment`` is the alias id too, so
    # every read goes through it), the prefix of release environments and how many previous ones to keep.
    alias: str | None = None
    release_prefix: str = "release"
    keep: int = 2

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    def token(self) -> str:
        """The bearer token: the fixed ``LOCAL_TOKEN`` for a local target; otherwise the environment
        variable ``token_env`` when set and non-empty, else the content of ``token_file``.

        Raises ``ReconcileError`` naming the variable and file (never any token text) when neither
        gives one.
        """
        if self.is_local:
            return LOCAL_TOKEN
        from_env = os.environ.get(self.token_env, "").strip()
        if from_env:
            return from_env
        if self.token_file is not None:
            try:
                from_file = self.token_file.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                # Only the reason's category, never exception text that could quote the file's bytes.
                reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                raise ReconcileError(
                    f"target '{self.name}': environment variable {self.token_env} is not set and the "
                    f"token file {self.token_file} cannot be read ({reason or type(exc).__name__})",
                    hint=f"export {self.token_env}=<management token>, or fix token_file",
                ) from None
            if from_file:
                return from_file
            raise ReconcileError(
                f"target '{self.name}': environment variable {self.token_env} is not set and the "
                f"token file {self.token_file} is empty",
                hint=f"export {self.token_env}=<management token>, or write the token into {self.token_file}",
            )
        raise ReconcileError(
            f"target '{self.name}': no API token: environment variable {self.token_env} is not set",
            hint=f"export {self.token_env}=<a Contentful management token>, or set token_file "
            f"under [targets.{self.name}]",
        )


class Config(BaseModel):
    """The resolved project configuration. Paths are absolute."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The config file read, or None when defaults were used.
    file: Path | None
    project_dir: Path
    models_dir: Path
    snapshots_dir: Path
    default_target: str
    targets: dict[str, TargetConfig]

    @property
    def state_dir(self) -> Path:
        """``<project>/.reconcile``: local emulator data and apply locks."""
        return self.project_dir / ".reconcile"

    def target(self, name: str | None) -> TargetConfig:
        """The target called ``name`` (None: the default target). ``targets`` always holds ``local``
        (declared, or the implicit one added at load); any other unknown name is an error listing them."""
        wanted = name or self.default_target
        if wanted in self.targets:
            return self.targets[wanted]
        known = ", ".join(sorted(self.targets))
        where = str(self.file) if self.file else f"{self.project_dir / CONFIG_FILE_NAME} (absent)"
        raise ReconcileError(
            f"unknown target '{wanted}'; known targets: {known}",
            hint=f"use one of those, or declare [targets.{wanted}] in {where}",
        )


def load_config(path: Path | None, project_dir: Path) -> Config:
    """Read the project configuration.

    ``path`` None reads ``project_dir/reconcile.toml`` when it exists and otherwise returns defaults
    with one implicit ``local`` target. An explicit ``path`` must exist. Every problem in the file is
    raised at once as one ``InputError``.
    """
    if path is None:
        candidate = project_dir / CONFIG_FILE_NAME
        if not candidate.is_file():
            return _resolve(_ConfigFile(), None, project_dir.resolve())
        path = candidate
    elif not path.is_file():
        raise InputError(
            [Problem(str(path), "", "config file not found", hint="check the --config path")],
            summary="cannot read the configuration",
        )
    toml = _read(path)
    try:
        parsed = _ConfigFile.model_validate(toml.data)
    except ValidationError as exc:
        found = problems(exc, path, toml.positions, _SECTIONS)
        raise InputError(found, summary=f"invalid configuration in {path}") from None
    config = _resolve(parsed, path, path.resolve().parent)
    if config.default_target not in config.targets:
        line, column = toml.positions.get(("project", "default_target"), (None, None))
        raise InputError(
            [
                Problem(
                    str(path),
                    "project.default_target",
                    f"names target '{config.default_target}', which is not declared",
                    f"declare [targets.{config.default_target}] or use one of: "
                    + ", ".join(sorted(config.targets)),
                    line,
                    column,
                )
            ],
            summary=f"invalid configuration in {path}",
        )
    return config


def _read(path: Path) -> TomlFile:
    """Read ``path`` as TOML; raise an ``InputError`` saying why it cannot be read or parsed."""
    try:
        return read_toml(path)
    except (Unreadable, NotUtf8) as exc:
        reason = exc.error or "not a regular file"
        raise InputError(
            [Problem(str(path), "", f"cannot read: {reason}", "check the file's permissions and encoding")],
            summary="cannot read the configuration",
        ) from None
    except (InvalidToml, TooDeep) as exc:
        message = exc.message if isinstance(exc, InvalidToml) else "nested too deeply to parse"
        raise InputError(
            [Problem(str(path), "", f"not valid TOML: {message}", "fix the TOML syntax", exc.line, exc.column)],
            summary=f"{path} is not valid TOML",
        ) from None


def _resolve(parsed: _ConfigFile, file: Path | None, base: Path) -> Config:
    state_dir = base / ".reconcile"
    targets: dict[str, TargetConfig] = {}
    for name, section in parsed.targets.items():
        allowed = (section.policy or parsed.policy).allow_destroy
        scope = parsed.scope.resolve(section.scope)
        if isinstance(section, _LocalTargetSection):
            targets[name] = _local_target(name, state_dir, allowed, scope)
        else:
            token_file = None
            if section.token_file is not None:
                token_file = base / Path(section.token_file).expanduser()
            targets[name] = TargetConfig(
                name=name,
                kind="contentful",
                space_id=section.space_id,
                environment=section.alias or section.environment,
                alias=section.alias,
                release_prefix=section.release_prefix,
                keep=section.keep,
                base_url=section.base_url,
                token_env=section.token_env,
                token_file=token_file,
                rate_limit=section.rate_limit,
                timeout=section.timeout,
                allowed_destroy=allowed,
                scope=scope,
            )
    if LOCAL_TARGET not in targets:
        targets[LOCAL_TARGET] = _local_target(LOCAL_TARGET, state_dir, parsed.policy.allow_destroy,
                                              parsed.scope.resolve())
    return Config(
        file=file.resolve() if file else None,
        project_dir=base,
        models_dir=base / parsed.project.models,
        # may be outside the repository (entry values in snapshots may be personal data): ~ is expanded
        snapshots_dir=base / Path(parsed.project.snapshots).expanduser(),
        default_target=parsed.project.default_target,
        targets=targets,
    )


def _local_target(name: str, state_dir: Path, allowed: tuple[str, ...], scope: Scope) -> TargetConfig:
    return TargetConfig(
        name=name,
        kind="local",
        space_id=LOCAL_TARGET,
        allowed_destroy=allowed,
        scope=scope,
        local_data_dir=state_dir / "local" / name,
    )
