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


def docker_updater(ctx, ecosystem: str = "docker") -> bool:
    """Whether Renovate or Dependabot's ``docker`` ecosystem (``docker-compose`` for a compose
    file: ``ecosystem``) updates the linted Dockerfile's
    pins: a Renovate configuration in the repository, or a Dependabot ``updates`` entry with
    ``package-ecosystem: docker`` (not one with ``open-pull-requests-limit: 0``, which opens no
    version updates) whose ``directory`` or ``directories`` (globs as Dependabot
    reads them: ``*`` within one folder, ``**`` any depth) names the Dockerfile's folder.  False
    outside a repository.  Worked out once per linted file; a configuration file is parsed once
    per run (keyed by its path, size and modification time)."""

    def compute() -> bool:
        top = ctx.repository_root()
        if top is None or not ctx.source.abspath:
            return False
        paths = [os.path.join(top, *p.split("/")) for p in RENOVATE_FILES + DEPENDABOT_FILES]
        ctx.depends_on(*paths)
        if any(os.path.isfile(p) for p in paths[:len(RENOVATE_FILES)]):
            return True
        folder = os.path.relpath(os.path.dirname(ctx.source.abspath), top).replace(os.sep, "/")
        folder = "/" if folder == "." else "/" + folder
        return any(_covers(entry, folder) for p in paths[len(RENOVATE_FILES):]
                   for eco, entry in _docker_folders(p) if eco == ecosystem)

    return ctx.cached("updaters." + ecosystem, compute)


def _covers(entry: str, folder: str) -> bool:
    """Whether a Dependabot folder entry (``/``, ``/images/app``, ``/images/*``, ``/**/*``) names
    ``folder`` the way Dependabot expands it (Ruby's ``Dir.glob``): ``*``, ``?`` and ``[...]``
    within one folder name, ``**`` any number of folders.  Linear in the two paths' depths
    times each other (a few folders each)."""
    if entry == folder:
        return True
    if not any(c in entry for c in "*?["):
        return False
    pat = [p for p in entry.split("/") if p]
    parts = [p for p in folder.split("/") if p]
    # reach[j]: the first j folder names are matched by the pattern so far
    reach = [True] + [False] * len(parts)
    for seg in pat[:32]:
        if seg == "**":
            for j in range(1, len(reach)):
                reach[j] = reach[j] or reach[j - 1]
            continue
        reach = [False] + [reach[j - 1] and fnmatch.fnmatchcase(parts[j - 1], seg) for j in range(1, len(reach))]
    return reach[-1]


def _docker_folders(path: str) -> frozenset:
    """``_dependabot_docker_folders`` of the file now at ``path``, parsed once per version."""
    try:
        st = os.stat(path)
    except OSError:
        return frozenset()
    key = (path, st.st_size, st.st_mtime_ns)
    hit = _PARSED.get(key)
    if hit is None:
        if len(_PARSED) >= 64:
            _PARSED.clear()
        hit = _PARSED[key] = _dependabot_docker_folders(path)
    return hit


#: parsed Dependabot files: (path, size, mtime) -> their docker folders
_PARSED: dict = {}


def _dependabot_docker_folders(path: str) -> frozenset:
    """(ecosystem, folder: ``/``, ``/images/app``; globs kept) of a Dependabot file's ``docker``
    and ``docker-compose`` entries;
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
        eco = entry.get("package-ecosystem") if isinstance(entry, dict) else None
        if eco not in ("docker", "docker-compose") or entry.get("open-pull-requests-limit") == 0:
            continue  # (a limit of 0: security updates only, no version updates: agentgateway's)
        dirs = entry.get("directories")
        dirs = dirs if isinstance(dirs, list) else [entry.get("directory")]
        for d in dirs:
            if isinstance(d, str) and d.strip():
                d = d.strip()
                d = d[1:] if d.startswith("./") else d  # ./docker: the repository's docker/
                out.add((eco, "/" + d.strip("/")))
    return frozenset(out)


def digest_only(ctx, name: str, ecosystem: str | None = "docker") -> bool:
    """An image whose publisher gives no version tags (``images.latest_only``: distroless,
    Chainguard's free images, Bitnami's free ``bitnamisecure`` catalogue, httpbin's) where no
    updater moves a digest in the file (``docker_updater`` for the Dependabot ``ecosystem``
    that reads it, ``docker-compose`` for a compose file; None where none reads it, a script):
    its one pin, a digest written by hand, would stop its fixes (as DF001 says of such a
    base).  What the mutable-tag rules of every file kind (K8S001/K8S002, DC001, BC006's
    deployed images) leave alone."""
    from .images import latest_only

    return latest_only(name) and (ecosystem is None or not docker_updater(ctx, ecosystem))
