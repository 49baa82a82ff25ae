"""Where a Kubernetes object keeps its containers and images, read from the ``workload-images``
rule pack (``rules/workload-images.yaml`` plus user packs of that type), and which image
references are placeholders.

An entry maps an API group and a kind to paths (``spec.templates[].container``): ``containers``
(mappings with ``image``/``imagePullPolicy``), ``images`` (image strings) and ``pod-specs``
(pod-spec-like mappings: containers lists and ``nodeSelector``/``affinity``).  Resolving a path
visits each node of the object at most once per path segment, so it is linear in the object's
size; the pack's path count is a constant of the data.
"""
from __future__ import annotations

import os
import re

from ...images import is_placeholder  # (re-exported: one definition, in ``images``)
from ...images import parse_image_ref
from ...parsers.yamldoc import get, is_map, is_scalar, items, path, scalar, text, value

PACK = "workload-images"
CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")
IGNORE_ANNOTATION = "archlint.io/ignore"

_SPLIT_IDS = re.compile(r"[\s,]+")

_paths_cache: dict = {}


def _entries(settings) -> list:
    from ...packs import load_pack

    return load_pack(PACK, tuple(getattr(settings, "rule_packs", ()) or ()))


def _index(settings) -> dict:
    """(group, kind) -> entry."""
    from ...packs import index_by

    return index_by(_entries(settings), "group", "kind")


def api_group(api_version) -> str | None:
    """The group of an ``apiVersion`` value node ("" for the core group), None if not a string."""
    if api_version is None or not is_scalar(api_version[1]):
        return None
    api = (scalar(api_version[1]) or "").strip()
    return api.rsplit("/", 1)[0] if "/" in api else ""


def entry_for(settings, obj):
    """The pack entry of an object (None when the pack does not name its kind)."""
    group = api_group(obj.api_version)
    if group is None or not obj.kind:
        return None
    return _index(settings).get((group, obj.kind))


def _segments(path: str) -> tuple:
    hit = _paths_cache.get(path)
    if hit is None:
        hit = tuple((s[:-2], True) if s.endswith("[]") else (s, False) for s in path.split("."))
        _paths_cache[path] = hit
    return hit


def resolve(node, path: str) -> list:
    """The nodes a pack path leads to from ``node`` (document order, each once)."""
    nodes = [node]
    for key, many in _segments(path):
        nxt = []
        for n in nodes:
            v = value(n, key) if is_map(n) else None
            if v is None:
                continue
            if many:
                nxt.extend(items(v))
            else:
                nxt.append(v)
        nodes = nxt
        if not nodes:
            break
    out, seen = [], set()
    for n in nodes:
        if id(n) not in seen:
            seen.add(id(n))
            out.append(n)
    return out


def paths_of(entry, field: str) -> tuple:
    return tuple(entry.get(field) or ()) if entry else ()


# ---- objects, pod specs, containers ----------------------------------------------------------


class _Obj:
    """A Kubernetes object (a document or a List item) and the rules its annotation switches off."""

    __slots__ = ("node", "api_version", "kind", "ignores")

    def __init__(self, node):
        self.node = node
        self.api_version = get(node, "apiVersion")
        self.kind = text(node, "kind") or ""
        raw = text(path(node, "metadata", "annotations"), IGNORE_ANNOTATION)
        self.ignores = tuple(i.upper() for i in _SPLIT_IDS.split(raw or "") if i)

    def ignored(self, rule_id: str) -> bool:
        return any(rule_id.startswith(i) or i == "ALL" for i in self.ignores)


class _Container:
    __slots__ = ("obj", "node", "field", "image", "policy")

    def __init__(self, obj, node, field):
        self.obj = obj
        self.node = node
        self.field = field
        self.image = value(node, "image")  # value node or None
        self.policy = value(node, "imagePullPolicy")


#: a release version in a file name, ``v`` first: ``v2_1_3``, ``v2.0.1``, ``v2_0_0_rc1`` (two numbers
#: at least; ``ubuntu-22.04`` or a date is no release: a variant of the file, not a record)
_RELEASE = re.compile(r"(?<![A-Za-z0-9])v(\d+(?:[._-]\d+)+)(?:[._-]?(rc|alpha|beta)[._-]?(\d*))?(?![0-9])", re.I)
_NEWEST: dict = {}  # (folder, its mtime, extension) -> {name without version: newest order}


def _release_key(name: str):
    """(the name with its version taken out, the version's order key), or None."""
    m = _RELEASE.search(name)
    if m is None:
        return None
    nums = tuple(int(x) for x in re.split(r"[._-]", m.group(1)))
    pre = m.group(2)
    order = (nums, 0 if pre else 1, int(m.group(3) or 0))
    return name[:m.start()] + "#" + name[m.end():], order


release_key = _release_key


def _newest(folder: str, ext: str) -> dict:
    """The newest release of each versioned name in ``folder``, worked out once per listing."""
    try:
        key = (folder, os.stat(folder).st_mtime_ns, ext)
    except OSError:
        return {}
    hit = _NEWEST.get(key)
    if hit is not None:
        return hit
    from ...source import folder_entries

    out: dict = {}
    for name, _is_dir in folder_entries(folder):
        if name.endswith(ext):
            k = _release_key(name)
            if k is not None and (k[0] not in out or k[1] > out[k[0]]):
                out[k[0]] = k[1]
    if len(_NEWEST) > 256:
        _NEWEST.clear()
    _NEWEST[key] = out
    return out


def superseded(ctx) -> bool:
    """Whether the manifest is an older release's, kept beside newer ones of the same name
    (aws-load-balancer-controller's ``docs/install/v2_0_0_full.yaml`` ... ``v2_2_4_full.yaml``):
    a record of what that release installed, which nobody edits; the newest is judged.  The
    folder's listing is an input of the result.  Not for a Helm template's render (Helm renders
    every template)."""
    def compute():
        path = ctx.source.abspath
        if not path or not os.path.isabs(path) or getattr(ctx.source, "rendered", False):
            return False
        folder, name = os.path.split(path)
        mine = _release_key(name)
        if mine is None:
            return False
        ctx.depends_on(folder)
        newest = _newest(folder, os.path.splitext(name)[1])
        return mine[0] in newest and newest[mine[0]] > mine[1]

    return ctx.cached("k8s.superseded", compute)


_ROLE_FILES = re.compile(r"/roles/([^/]+)/files/")
_TWINS: dict = {}  # a role's templates folder -> (the folders read and their mtimes, template names)
_MAX_TEMPLATES = 4000  # entries of a role's templates tree looked at, at most


def template_twin(ctx) -> bool:
    """Whether the manifest is an Ansible role's static file (``roles/R/files/.../x.yaml``) that
    the same role also has as a template (``roles/R/templates/**/x.yaml.j2``): ks-installer's
    ``ks-monitor`` copies ``files/prometheus`` and then writes each template over its twin, for
    the cluster's version (``policy/v1`` from Kubernetes 1.25): the template is what is applied,
    the file a seed.  Every folder of the templates tree read is an input of the result."""
    def compute():
        path = ctx.source.abspath
        if not path or not os.path.isabs(path) or getattr(ctx.source, "rendered", False):
            return False
        p = path.replace(os.sep, "/")
        top = (ctx.repository_root() or "").replace(os.sep, "/").rstrip("/")
        m = None  # (the role's folders inside the repository: not a checkout under someone's roles/x/files/)
        for m in _ROLE_FILES.finditer(p, len(top) if top and p.startswith(top + "/") else 0):
            pass
        if m is None:
            return False
        folders, names = _templates_of(p[:m.start()] + f"/roles/{m.group(1)}/templates")
        for f in folders:
            ctx.depends_on(f)
        return os.path.basename(p) + ".j2" in names

    return ctx.cached("k8s.template_twin", compute)


def _templates_of(top: str) -> tuple:
    """(the folders of ``top``'s tree that were read, the names of its ``*.j2`` files), read once
    while none of those folders changes; ``_MAX_TEMPLATES`` entries at most."""
    hit = _TWINS.get(top)
    if hit is not None and all(_mtime(f) == t for f, t in hit[0]):
        return [f for f, _t in hit[0]], hit[1]
    read, names, todo, seen = [], set(), [top], 0
    while todo and seen < _MAX_TEMPLATES:
        d = todo.pop()
        read.append((d, _mtime(d)))
        try:
            with os.scandir(d) as it:
                for e in it:
                    seen += 1
                    if seen > _MAX_TEMPLATES:
                        break
                    if e.is_dir(follow_symlinks=False):
                        todo.append(e.path)
                    elif e.name.endswith(".j2"):
                        names.add(e.name)
        except OSError:
            continue
    if len(_TWINS) > 256:
        _TWINS.clear()
    _TWINS[top] = (read, frozenset(names))
    return [f for f, _t in read], _TWINS[top][1]


def _mtime(folder: str):
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def objects(ctx) -> list:
    """The objects of a Kubernetes manifest; none of a manifest that a Kustomization beside it
    never reads (``kustomize.unlisted``: kubebuilder's commented-out CRD patches): it is
    neither deployed nor checked; none of an older release's manifest (``superseded``), nor of
    an Ansible role's file that its template twin replaces (``template_twin``)."""
    def compute():
        if ctx.kind != "kubernetes":
            return []
        from .kustomize import unlisted

        if unlisted(ctx) or superseded(ctx) or template_twin(ctx):
            return []
        return [_Obj(n) for n in ctx.model.objects()]

    return ctx.cached("k8s.objects", compute)


def values_roots(ctx) -> list:
    """The Helm values of a file, as (object, mapping) pairs: a chart's values file's documents
    (no object), or what the ``values`` paths of the pack's entries name in a manifest's objects
    (a Flux HelmRelease's ``spec.values``, an Argo CD Application's ``helm.valuesObject``, or its
    ``helm.values`` string, a literal block read as YAML: the release's values, read as a values
    file is); once a file."""
    def compute() -> list:
        if ctx.kind == "helm-values":
            return [(None, d) for d in ctx.model.documents if is_map(d)]
        from ...parsers.yamldoc import embedded_mappings

        return [(o, m) for o in objects(ctx) for p in paths_of(entry_for(ctx.settings, o), "values")
                for v in resolve(o.node, p) for m in ([v] if is_map(v) else embedded_mappings(ctx.model, v))]

    return ctx.cached("k8s.values_roots", compute)


#: keys under which no pod template is ever found (not walked when looking for templates)
_NO_TEMPLATES = frozenset((
    "metadata", "status", "data", "stringData", "binaryData", "containers", "initContainers",
    "ephemeralContainers", "volumes", "tolerations", "affinity", "nodeSelector", "rules", "subjects",
    "selector", "strategy", "ports", "env", "resources",
))


def _template_holders(node):
    """Mappings under ``node`` that have a ``template`` key (document order), not descending into
    keys that cannot hold one."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.id == "mapping":
            kids = []
            has_template = False
            for k, v in n.value:
                if v.id == "scalar":
                    continue
                kv = k.value if k.id == "scalar" else None  # (``{{.Key}}: v``: a mapping as the key)
                if kv == "template":
                    has_template = True
                if kv not in _NO_TEMPLATES:
                    kids.append(v)
            if has_template:
                yield n
        elif n.id == "sequence":
            kids = [v for v in n.value if v.id != "scalar"]
        else:
            continue
        kids.reverse()
        stack.extend(kids)


def _has_containers(spec) -> bool:
    return is_map(spec) and any(get(spec, f) is not None for f in CONTAINER_FIELDS)


def pod_specs(ctx) -> list:
    """(object, pod spec mapping) for every pod template, each spec once: those the search
    finds, then the ``pod-specs`` of the object's ``workload-images`` entry (which may hold only
    a node selection, as an Argo Workflows spec does)."""

    def compute():
        out = []
        seen: set = set()
        for obj in objects(ctx):
            cands = []
            if obj.kind == "Pod":
                cands.append(value(obj.node, "spec"))
            for m in _template_holders(obj.node):
                t = value(m, "template")
                if is_map(t):
                    cands.append(value(t, "spec"))
            for spec in cands:
                if _has_containers(spec) and id(spec) not in seen:
                    seen.add(id(spec))
                    out.append((obj, spec))
            for p in paths_of(entry_for(ctx.settings, obj), "pod-specs"):
                for spec in resolve(obj.node, p):
                    if is_map(spec) and id(spec) not in seen:
                        seen.add(id(spec))
                        out.append((obj, spec))
        return out

    return ctx.cached("k8s.podspecs", compute)


def containers(ctx) -> list:
    """Every container mapping: those of the pod specs, then the ``containers`` paths of the
    object's ``workload-images`` entry (Tekton steps, Argo Workflows templates), each once."""

    def compute():
        out = []
        seen: set = set()
        for obj, spec in pod_specs(ctx):
            for field in CONTAINER_FIELDS:
                for c in items(value(spec, field)):
                    if is_map(c) and id(c) not in seen:
                        seen.add(id(c))
                        out.append(_Container(obj, c, field))
        for obj in objects(ctx):
            for p in paths_of(entry_for(ctx.settings, obj), "containers"):
                field = p.rsplit(".", 1)[-1].removesuffix("[]")
                for c in resolve(obj.node, p):
                    if is_map(c) and id(c) not in seen:
                        seen.add(id(c))
                        out.append(_Container(obj, c, field))
        return out

    return ctx.cached("k8s.containers", compute)


#: what a container that only waits runs (its command and args, blanks squeezed; ``sh -c``
#: taken off): a client pod to ``kubectl exec`` into, a zone-spreading placeholder
_WAITS = re.compile(r"(?:exec )?(?:sleep (?:\d+[smhd]?|infinity|inf)|tail -f /dev/null"
                    r"|while (?:true|:); ?do sleep \d+[smhd]?;? ?done)")
#: a loop that only prints a fixed text and waits: a log generator (fluent-operator's
#: ``while true; do echo "192.168.2.20 - - [29/Jul/2015...] ..."; sleep 1;done``); nothing it runs
#: but the shell's echo, printf and sleep, no expansion, pipe or redirection, one line
_BLANKS = re.compile(r"[ \t]+")
_PRINTS = re.compile(r"while (?:true|:); ?do (?:(?:echo|printf)(?: [^;&|$`<>()\n]*)?; ?)+sleep \d+[smhd]?;? ?done"
                     # or once, then waits: a placeholder job (training-operator's mpi runtime:
                     # ``echo 'launcher runs for 10 seconds' && sleep 100``)
                     # (the text before a separator is the class's alone: one way to split it)
                     r"|(?:(?:echo|printf)(?: [^;&|$`<>()\n]*)?(?:&&|;) ?)+sleep \d+[smhd]?;?")


def only_waits(container) -> bool:
    """A container whose program only waits: ``command: ["sleep", "3600"]`` (``/bin/sleep`` too),
    ``sh -c "while true; do sleep 3600; done"``, ``tail -f /dev/null``, or an image made for
    it (``.../sleep``, ``pause``), or only prints a fixed line and waits, in a loop (a log
    generator: ``_PRINTS``) or once (a placeholder job): what version of ``redis`` or ``busybox`` it waits in cannot
    change what it does (kubernetes-engine-samples' redis-cli client pods)."""
    if container is None:
        return False
    image = value(container, "image")
    ref = scalar(image) if is_scalar(image) else ""
    if parse_image_ref((ref or "").strip())[0].rsplit("/", 1)[-1] in ("sleep", "pause"):
        return True
    words = [scalar(w) for k in ("command", "args") for w in items(value(container, k)) if is_scalar(w)]
    if not words or len(words) > 8 or any(w is None for w in words):
        return False
    while len(words) >= 2 and words[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash") and words[1] == "-c":
        words = words[2:]
    if words and words[0].startswith("/"):
        words = [words[0].rsplit("/", 1)[-1]] + words[1:]  # ["/bin/sleep", "365d"] (istio's tools)
    text = " ".join(" ".join(words).split())
    if len(text) <= 80 and _WAITS.fullmatch(text) is not None:
        return True
    line = " ".join(words).strip()  # (a newline ends a command: one that is not echo's is another program)
    return len(line) <= 2000 and _PRINTS.fullmatch(_BLANKS.sub(" ", line)) is not None


__all__ = ["CONTAINER_FIELDS", "PACK", "api_group", "containers", "entry_for", "is_placeholder", "objects", "only_waits", "paths_of",
           "pod_specs", "resolve"]


APP_VERSION_HINT = " (or leave it empty to use the chart's appVersion)"
#: a template's fallback to the appVersion (``{{ .Values.image.tag | default .Chart.AppVersion }}``;
#: not ``helm create``'s labels, which print it)
_DEFAULT_APP_VERSION = re.compile(rb"default\s*(?:\(\s*)?\$?\.Chart\.AppVersion")


def app_version_default(ctx) -> bool:
    """Whether a template of the values file's chart falls back to ``.Chart.AppVersion`` (a tag's
    ``default .Chart.AppVersion``): only then does an empty tag mean the appVersion (kor's and
    open-webui's terminals render ``repository:tag`` as written). The templates read are inputs.
    Not for a release's values in a manifest (a Flux HelmRelease's): its chart is elsewhere."""
    def compute() -> bool:
        import os

        from ...source import folder_entries, read_regular

        if ctx.kind != "helm-values" or not ctx.source.abspath:
            return False
        top = os.path.join(os.path.dirname(ctx.source.abspath), "templates")
        folders, files = [top], []
        for folder in folders:  # (the templates folder and the folders in it: 256 files at most)
            ctx.depends_on(folder)
            for n, is_dir in folder_entries(folder):
                p = os.path.join(folder, n)
                if is_dir and folder == top:
                    folders.append(p)
                elif not is_dir and n.endswith((".yaml", ".yml", ".tpl")) and len(files) < 256:
                    files.append(p)
        for p in files:
            ctx.depends_on(p)
            try:
                if _DEFAULT_APP_VERSION.search(read_regular(p, 1 << 20)):
                    return True
            except OSError:
                continue
        return False

    return ctx.cached("k8s.app_version_default", compute)


#: the version of an operator's development bundle: a placeholder its release replaces
#: (Kuadrant's 0.0.0, konveyor's 99.0.0, the Makefile's ``VERSION ?=``)
_DEV_VERSION = re.compile(r"0\.0\.0|9{2,}\.\d+\.\d+")


def dev_bundle(obj) -> bool:
    """A ClusterServiceVersion whose ``spec.version`` is a development placeholder (``0.0.0``,
    ``99.0.0``): the bundle ``make bundle`` writes on the default branch, which the release writes
    again with its version and images; its ``latest`` images are the placeholders of that."""
    if obj is None or getattr(obj, "kind", "") != "ClusterServiceVersion":
        return False
    v = text(path(obj.node, "spec"), "version")
    return bool(v) and _DEV_VERSION.fullmatch(v.strip()) is not None
