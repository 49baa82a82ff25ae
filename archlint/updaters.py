"""Whether a dependency updater keeps a Dockerfile's image pins fresh: Renovate (a config file
where Renovate looks for one) or Dependabot's ``docker`` ecosystem for the Dockerfile's folder.
A digest pin is only worth making where something moves it: pinned by hand, a base that
publishes no version tags (distroless) stops getting its security fixes.

Read from the repository's own files, recorded as the linted file's inputs; what they hold is
untrusted input like any file linted (capped in size, any parse error means no updater)."""
from __future__ import annotations

import fnmatch
import os

#: where Renovate reads its configuration (its docs, "Configuration options": the repository's
#: top folder, ``.github/``, ``.gitlab/``); ``package.json``'s ``renovate`` key is left out
RENOVATE_FILES = ("renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json", ".renovaterc.json5",
                  ".github/renovate.json", ".github/renovate.json5", ".gitlab/renovate.json", ".gitlab/renovate.json5")
DEPENDABOT_FILES = (".github/dependabot.yml", ".github/dependabot.yaml")
#: a configuration file larger than this is not read (a real one is a few kilobytes)
_MAX_BYTES = 1 << 20


def docker_updater(ctx) -> bool:
    """Whether Renovate or Dependabot's ``docker`` ecosystem updates the linted Dockerfile's
    pins: a Renovate configuration in the repository, or a Dependabot ``updates`` entry with
    ``package-ecosystem: docker`` whose ``directory`` or ``directories`` (globs allowed) names the
    Dockerfile's folder.  False outside a repository."""
    top = ctx.repository_root()
    if top is None or not ctx.source.abspath:
        return False
    paths = [os.path.join(top, *p.split("/")) for p in RENOVATE_FILES + DEPENDABOT_FILES]
    ctx.depends_on(*paths)
    if any(os.path.isfile(p) for p in paths[:len(RENOVATE_FILES)]):
        return True
    folder = os.path.relpath(os.path.dirname(ctx.source.abspath), top).replace(os.sep, "/")
    folder = "/" if folder == "." else "/" + folder
    return any(folder in _dependabot_docker_folders(p) or _glob_match(folder, _dependabot_docker_folders(p))
               for p in paths[len(RENOVATE_FILES):])


def _glob_match(folder: str, entries: frozenset) -> bool:
    return any(("*" in e or "?" in e or "[" in e) and fnmatch.fnmatchcase(folder, e) for e in entries)


def _dependabot_docker_folders(path: str) -> frozenset:
    """The folders (``/``, ``/images/app``; globs kept) of a Dependabot file's ``docker`` entries;
    empty when the file is missing, too large or not a mapping with an ``updates`` list."""
    from .source import read_regular

    try:
        data = read_regular(path, _MAX_BYTES)  # a FIFO named like it raises, never blocks
    except OSError:
        return frozenset()
    if len(data) > _MAX_BYTES:
        return frozenset()
    text = data.decode("utf-8", "replace")
    if "docker" not in text:
        return frozenset()
    import yaml

    try:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader)  # noqa: S506 - safe
    except (yaml.YAMLError, RecursionError, ValueError):
        return frozenset()
    updates = doc.get("updates") if isinstance(doc, dict) else None
    out = set()
    for entry in updates if isinstance(updates, list) else ():
        if not isinstance(entry, dict) or entry.get("package-ecosystem") != "docker":
            continue
        dirs = entry.get("directories")
        dirs = dirs if isinstance(dirs, list) else [entry.get("directory")]
        for d in dirs:
            if isinstance(d, str) and d.strip():
                d = "/" + d.strip().strip("/")
                out.add(d)
    return frozenset(out)
