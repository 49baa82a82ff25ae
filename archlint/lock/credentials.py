"""Static registry credentials, as Docker keeps them, and nothing else.

Read from the Docker configuration file (``$DOCKER_CONFIG/config.json``, else
``~/.docker/config.json``), ``auths`` only, and from the environment variable
``DOCKER_AUTH_CONFIG`` holding the same JSON (the name GitLab CI uses), which wins for the
registries it names.  An entry is ``{"auth": base64("user:password")}`` or ``{"username": ...,
"password": ...}``; its key a registry host, with or without ``https://`` and a path
(``https://index.docker.io/v1/`` is Docker Hub).  Credential helpers (``credsStore``,
``credHelpers``) are programs: archlint never runs them, and says so once."""
from __future__ import annotations

import base64
import json
import os

from . import names

ENV = "DOCKER_AUTH_CONFIG"
MAX_CONFIG = 1 << 20


def _host(key: str) -> str:
    k = key.strip()
    if "://" in k:
        k = k.split("://", 1)[1]
    k = k.split("/", 1)[0].lower()
    return names.HUB if k in names.HUB_ALIASES else k


def _auths(doc, where: str, notes: list) -> dict:
    out: dict = {}
    if not isinstance(doc, dict):
        notes.append(f"{where}: not a JSON object; no credentials read from it")
        return out
    if doc.get("credsStore") or doc.get("credHelpers"):
        notes.append(f"{where}: credential helpers (credsStore, credHelpers) are not run; only auths is read")
    auths = doc.get("auths")
    if not isinstance(auths, dict):
        return out
    for key, val in auths.items():
        if not isinstance(val, dict) or not isinstance(key, str):
            continue
        user, password = val.get("username"), val.get("password")
        if isinstance(val.get("auth"), str) and val["auth"]:
            try:
                user, _, password = base64.b64decode(val["auth"], validate=False).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                notes.append(f"{where}: the auth of {key} is not base64 of user:password")
                continue
        if isinstance(user, str) and isinstance(password, str) and user:
            out[_host(key)] = (user, password)
    return out


def load(environ=None) -> tuple[dict, list]:
    """(registry host -> (user, password), notes about what was not used)."""
    env = os.environ if environ is None else environ
    notes: list = []
    creds: dict = {}
    folder = env.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    path = os.path.join(folder, "config.json")
    from ..source import read_regular

    try:
        data = read_regular(path, MAX_CONFIG)
    except OSError:
        data = None
    if data is not None:
        try:
            creds.update(_auths(json.loads(data[:MAX_CONFIG]), path, notes))
        except (ValueError, UnicodeDecodeError, RecursionError):
            notes.append(f"{path}: not JSON; no credentials read from it")
    raw = env.get(ENV)
    if raw:
        try:
            creds.update(_auths(json.loads(raw[:MAX_CONFIG]), ENV, notes))
        except (ValueError, RecursionError):
            notes.append(f"{ENV}: not JSON; no credentials read from it")
    return creds, notes
