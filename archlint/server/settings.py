"""The client's settings and the configuration resolver built with them.  Light: imported with
the package (``archlint server --help`` reads ``help_text``).

Where they come from, lowest first: ``initializationOptions``, then what the client answers to
``workspace/configuration`` (section ``archlint``; asked after ``initialized`` and again on each
``workspace/didChangeConfiguration``, when the client supports that request), else the settings a
``workspace/didChangeConfiguration`` carries.  Either layer may hold them at its top level or under
an ``archlint`` key; a key with an empty value (``[]``, ``{}``, null) is not set, so a client's
defaults never hide the layer below."""
from __future__ import annotations

import re

#: configuration keys a client may set (as in ``.archlint.toml``), over the configuration files
SETTING_KEYS = ("platforms", "select", "ignore", "extend-select", "severity", "kubernetes-version", "python-version")
#: the server's own settings: key -> default
SERVER_KEYS = {"unsafe-fixes": False, "lint-on-change": True}
#: the editor extension's settings (how to start the server), sent back in the same section: not ours
CLIENT_KEYS = ("path", "args", "interpreter", "trace.server", "trace")

_HELP = {
    "platforms": "the platforms the project builds for (list, as in .archlint.toml)",
    "select": "rule IDs or prefixes to run instead of the defaults",
    "ignore": "rule IDs or prefixes not to run",
    "extend-select": "rule IDs or prefixes to run beside the defaults",
    "severity": "rule ID -> error, warning or info",
    "kubernetes-version": "the cluster's Kubernetes version (\"1.29\")",
    "python-version": "the Python version the code runs on (\"3.12\")",
    "unsafe-fixes": "include unsafe fixes in \"Fix all\" (default false)",
    "lint-on-change": "lint while typing, debounced (default true); false: on open and save only",
}


def help_text() -> str:
    """The settings an editor can send, for ``archlint server --help``: wrapped paragraphs and
    one setting per line (the server's help is printed as written)."""
    import textwrap

    def para(text: str) -> str:
        return textwrap.fill(text, 88)

    rows = "\n".join(textwrap.fill(f"{k}: {_HELP[k]}", 88, initial_indent="  ", subsequent_indent="      ")
                     for k in (*SETTING_KEYS, *SERVER_KEYS))
    return "\n\n".join([
        para("Settings: from initializationOptions, and from the client's answer to workspace/configuration "
             "(section \"archlint\"; asked after initialized and on every workspace/didChangeConfiguration) "
             "over them, else from the settings a workspace/didChangeConfiguration carries; at the top level "
             "or under an \"archlint\" key, camelCase, snake_case or kebab-case. They lie over the configuration "
             "files (.archlint.toml, pyproject.toml [tool.archlint]):"),
        rows,
        para("An unknown key is logged and ignored; a bad value is shown and the configuration files alone "
             "apply. Diagnostics are pulled (textDocument/diagnostic) by a client that supports it, else "
             "published."),
    ])


def _key(key) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", str(key)).lower().replace("_", "-")


def read_settings(raw) -> tuple[dict, list[str]] | None:
    """Client settings -> ({canonical key: value} of the keys set, unknown keys), or None when
    ``raw`` holds no archlint settings (a client that pushes ``null`` or only its own sections).
    A key with an empty value is not set."""
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("archlint"), dict):
        raw = raw["archlint"]
    got: dict = {}
    unknown: list[str] = []
    relevant = False
    for key, value in raw.items():
        k = _key(key)
        if k in SETTING_KEYS or k in SERVER_KEYS:
            relevant = True
            if value is None or value == [] or value == {} or value == "":
                continue
            got[k] = bool(value) if k in SERVER_KEYS else value
        elif k not in CLIENT_KEYS:
            unknown.append(str(key))
    if not relevant and raw:
        return None
    return got, unknown


def normalize_settings(raw) -> tuple[dict, bool, list[str]] | None:
    """Client settings -> (config overrides, unsafe_fixes, unknown keys), or None when ``raw``
    holds no archlint settings."""
    read = read_settings(raw)
    if read is None:
        return None
    got, unknown = read
    return {k: v for k, v in got.items() if k in SETTING_KEYS}, got.get("unsafe-fixes", False), unknown


class ClientSettings:
    """What the client asked for: configuration ``overrides`` (over the configuration files),
    ``unsafe_fixes`` (in "Fix all"), ``lint_on_change``, and the ``resolver`` that applies the
    overrides per path; ``epoch`` counts the resolvers made (a lint worker makes its own when it
    changes).  ``base``: the settings of ``initializationOptions``, under every later layer."""

    def __init__(self):
        from ..config import ConfigResolver

        self.base: dict = {}
        self.current: dict = {}
        self.overrides: dict = {}
        self.unsafe_fixes = False
        self.lint_on_change = True
        self.resolver = ConfigResolver()
        self.epoch = 0

    def apply(self, raw, root: str, base: bool = False) -> tuple[list[str], str | None]:
        """Take the client's settings ``raw`` (``base``: from ``initializationOptions``), over the
        base; (unknown keys, a problem to show or None).  Settings the configuration refuses
        (checked in ``root``) are dropped as a whole; settings with nothing for archlint keep the
        current ones and re-read the configuration files."""
        from ..config import ConfigError, ConfigResolver

        read = read_settings(raw)
        if read is None:
            self.reset()
            return [], None
        got, unknown = read
        merged = dict(got) if base else {**self.base, **got}
        overrides = {k: v for k, v in merged.items() if k in SETTING_KEYS}
        resolver = ConfigResolver(overrides=overrides)
        problem = None
        try:
            resolver.for_dir(root)
        except ConfigError as e:
            key = f"{e.key}: " if e.key else ""
            problem = f"archlint settings: {key}{e.message}; using the configuration files only"
            merged = {k: v for k, v in merged.items() if k in SERVER_KEYS}
            overrides, resolver = {}, ConfigResolver()
        if base:
            self.base = merged
        self.current = merged
        self.overrides, self.resolver = overrides, resolver
        self.unsafe_fixes = merged.get("unsafe-fixes", SERVER_KEYS["unsafe-fixes"])
        self.lint_on_change = merged.get("lint-on-change", SERVER_KEYS["lint-on-change"])
        self.epoch += 1
        return unknown, problem

    def reset(self) -> None:
        """Forget what was read from configuration files (one was saved, or settings were pushed)."""
        from ..config import ConfigResolver

        self.resolver = ConfigResolver(overrides=self.overrides)
        self.epoch += 1

    def fallback(self):
        """A resolver with the client's overrides and no configuration file: for a document whose
        configuration file is broken."""
        from ..config import ConfigResolver

        return ConfigResolver(overrides=self.overrides, isolated=True)
