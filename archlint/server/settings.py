"""The client's settings (``initializationOptions``, ``workspace/didChangeConfiguration``) and
the configuration resolver built with them.  Light: imported with the package."""
from __future__ import annotations

import re

SETTING_KEYS = ("platforms", "select", "ignore", "extend-select", "severity", "kubernetes-version", "python-version")


def help_text() -> str:
    """The settings an editor can send, for ``archlint server --help``."""
    return ("Settings (initializationOptions or workspace/configuration section \"archlint\"; "
            "camelCase or kebab-case): " + ", ".join(SETTING_KEYS) + ", unsafe-fixes.")


def normalize_settings(raw) -> tuple[dict, bool, list[str]] | None:
    """Client settings -> (config overrides, unsafe_fixes, unknown keys), or None when ``raw``
    holds no archlint settings (a client that pushes ``null`` or only its own sections)."""
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("archlint"), dict):
        raw = raw["archlint"]
    overrides: dict = {}
    unsafe = False
    unknown: list[str] = []
    relevant = False
    for key, value in raw.items():
        k = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", str(key)).lower().replace("_", "-")
        if k == "unsafe-fixes":
            unsafe, relevant = bool(value), True
        elif k in SETTING_KEYS:
            relevant = True
            if value is None or value == [] or value == {}:
                continue
            overrides[k] = value
        else:
            unknown.append(str(key))
    if not relevant and raw:
        return None
    return overrides, unsafe, unknown


class ClientSettings:
    """What the client asked for: configuration ``overrides`` (over the configuration files),
    ``unsafe_fixes`` (in "Fix all"), and the ``resolver`` that applies both per path;
    ``epoch`` counts the resolvers made (a lint worker makes its own when it changes)."""

    def __init__(self):
        from ..config import ConfigResolver

        self.overrides: dict = {}
        self.unsafe_fixes = False
        self.resolver = ConfigResolver()
        self.epoch = 0

    def apply(self, raw, root: str) -> tuple[list[str], str | None]:
        """Take the client's settings ``raw``; (unknown keys, a problem to show or None).  Settings
        the configuration refuses (checked in ``root``) are dropped as a whole; settings with
        nothing for archlint keep the current ones and re-read the configuration files."""
        from ..config import ConfigError, ConfigResolver

        norm = normalize_settings(raw)
        if norm is None:
            self.reset()
            return [], None
        overrides, unsafe, unknown = norm
        resolver = ConfigResolver(overrides=overrides)
        problem = None
        try:
            resolver.for_dir(root)
        except ConfigError as e:
            key = f"{e.key}: " if e.key else ""
            problem = f"archlint settings: {key}{e.message}; using the configuration files only"
            overrides, resolver = {}, ConfigResolver()
        self.overrides, self.unsafe_fixes, self.resolver = overrides, unsafe, resolver
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
