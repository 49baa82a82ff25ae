"""A Helm chart as one unit: ``Chart.yaml``, values, templates, helpers and subcharts.

``load_chart(chart_dir, extra_values=(), kube_version=None, api_has=None)`` reads the chart
once (every template and helper parsed once) and returns a ``Chart`` (None when the folder has
no ``Chart.yaml``).  ``Chart.render(relpath)`` renders one template of it (or of a subchart:
``charts/<name>/templates/x.yaml``) into ``Document``\\ s with the origin of every line.

Values, lowest precedence first: ``values.schema.json`` defaults (``properties.*.default``,
recursively, where no values file sets the key), ``values.yaml``, the extra files in the order
given (paths or globs relative to the chart; a ``null`` deletes a key, as in Helm).  A subchart
sees its own values under the parent's ``.Values.<name or alias>`` plus the parent's
``global``; a dependency whose ``condition`` (or all of whose ``tags``) the parent's values turn
off is not rendered and provides no defines.  Subcharts packed as ``.tgz`` are not read (a
notice); their defaults and defines, as a remote dependency's not in ``charts/``, are unknown
(``open_values``, ``Engine.open_defines``).  Library charts (``type: library``) provide defines only.  As in Helm, every template
file is also a template named by its path (``include (print $.Template.BasePath "/cm.yaml") .``),
and a parent's ``.Values.<subchart>`` holds the subchart's defaults under its own values.

Numbers of a values file are floats and keys strings, as Helm reads them (YAML 1.1 scalars:
``yes``/``on`` are booleans).

Nothing here raises on bad input: an unreadable, binary, huge or non-UTF-8 file, YAML that does
not parse, a template that does not parse or fails to render is a ``ChartNotice`` (file, line,
message) in ``Chart.notices`` (loading) or ``RenderResult.notices`` (rendering).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .evaluate import PLACEHOLDER, UNKNOWN, Engine, LineOrigin, Method, OpenVDict, Struct, VDict
from .files import files_object
from .lexer import ChartFail, TemplateError
from .parser import Define, Parsed, parse
from ..source import normalize_newlines

MAX_FILE = 2 * 1024 * 1024  # a template or values file larger than this is not read
MAX_TEMPLATES = 2000
MAX_SUBCHART_DEPTH = 5
MAX_VALUE_DEPTH = 100

RELEASE = {"Name": "RELEASE-NAME", "Namespace": "default", "Service": "Helm", "IsInstall": True,
           "IsUpgrade": False, "Revision": 1}


@dataclass(frozen=True)
class ChartNotice:
    file: str
    line: int
    message: str


@dataclass
class Document:
    """One YAML document of a rendered template: ``lines[i]`` is the origin of line ``i + 1``
    of ``text``; ``start`` the line of the template's rendered output where it begins."""
    template: str
    text: str
    start: int
    lines: list


@dataclass
class RenderResult:
    documents: list
    notices: list
    inputs: list = field(default_factory=list)  # every file and folder the chart's rendering read


# ---- values files -------------------------------------------------------------------------------

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
          "y": True, "Y": True, "yes": True, "Yes": True, "YES": True, "on": True, "On": True, "ON": True,
          "n": False, "N": False, "no": False, "No": False, "NO": False, "off": False, "Off": False, "OFF": False}
_INT = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[1-9][0-9_]*|0)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


def _scalar(node):
    """A plain scalar as go-yaml v2 resolves it, numbers as float64 (Helm reads values through
    JSON); quoted and block scalars are strings."""
    text = node.value
    if node.style:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if len(text) < 100:
        if _INT.fullmatch(text):
            t = text.replace("_", "")
            body = t.lstrip("+-")
            try:
                n = int(body, 0) if body[:2] in ("0x", "0b", "0o") else int(body, 8 if body[:1] == "0" else 10)
            except ValueError:
                return text
            return float(-n if t.startswith("-") else n)
        if _FLOAT.fullmatch(text):
            low = text.lower().replace("_", "")
            if "inf" in low or "nan" in low:
                return float(low.replace(".", ""))
            return float(low)
    return text
    return text


def _convert(node, file: str, path: str, depth: int = 0):
    from ..parsers import yamldoc

    if depth > MAX_VALUE_DEPTH:
        raise ValueError(f"values nested deeper than {MAX_VALUE_DEPTH} levels")
    if node.id == "scalar":
        return _scalar(node)
    if node.id == "sequence":
        return [_convert(x, file, path, depth + 1) for x in node.value]
    out = VDict()
    for k, v in yamldoc.pairs(node):
        key = k.value if k.style or k.value not in _NULLS else "null"
        here = f"{path}.{key}" if path else key
        out[key] = _convert(v, file, here, depth + 1)
        out.origins[key] = (file, k.start_mark.line + 1, here)
    return out


def _compose(text: str):
    from ..parsers import yamldoc
    import yaml

    text = str(text)  # libyaml takes no str subclass (an include's TracedStr)
    yamldoc._check_flow_depth(text)
    try:
        roots = yamldoc.compose(text)
    except yaml.YAMLError as e:
        err = yamldoc._parse_error(e, text, None)
        raise ValueError(f"{err.message} (line {err.line})") from None
    except RecursionError:
        raise ValueError("nesting too deep") from None
    yamldoc.check_expansion(roots)
    return roots


def load_values(text: str, file: str) -> VDict:
    """The values of a YAML file (its first document), each key remembering its line."""
    from ..parsers import ParseError

    try:
        roots = _compose(text)
    except ParseError as e:
        raise ValueError(f"{e.message} (line {e.line})") from None
    if not roots:
        return VDict()
    v = _convert(roots[0], file, "")
    if not isinstance(v, VDict):
        raise ValueError("the values file is not a mapping")
    return v


def yaml_value(text: str):
    """``fromYaml``: the first document of ``text`` as template values (no origins)."""
    from ..parsers import ParseError

    if len(text) > MAX_FILE:
        raise ValueError("document too large")
    try:
        roots = _compose(text)
    except ParseError as e:
        raise ValueError(e.message) from None
    return _convert(roots[0], "", "") if roots else None


def merge_values(base, over):
    """Helm's coalescing: ``over`` wins, mappings merge, a null in ``over`` deletes the key."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return over
    out = VDict()
    bo, oo = getattr(base, "origins", {}), getattr(over, "origins", {})
    for k, v in base.items():
        out[k] = v
        if k in bo:
            out.origins[k] = bo[k]
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
            out.origins.pop(k, None)
            continue
        out[k] = merge_values(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
        if k in oo:
            out.origins[k] = oo[k]
    return out


def schema_defaults(schema, values, path: str = ""):
    """``values`` with the schema's ``default``\\ s added where a key is absent."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return values
    out = merge_values(VDict(), values) if isinstance(values, dict) else VDict()
    props = schema["properties"]
    for k, sub in props.items():
        if not isinstance(sub, dict):
            continue
        if k not in out and "default" in sub:
            out[k] = sub["default"]
            if k in props.origins:  # the schema's line, the key's path in the values
                out.origins[k] = props.origins[k][:2] + (f"{path}.{k}" if path else k,)
        if isinstance(out.get(k), dict) or (k not in out and isinstance(sub.get("properties"), dict)):
            nested = schema_defaults(sub, out.get(k) or VDict(), f"{path}.{k}" if path else k)
            if nested or k in out:
                out[k] = nested
    return out


# ---- the chart ------------------------------------------------------------------------------------


def _read(path: str, notices: list, inputs: list) -> str | None:
    """A file's text, or None with a notice (absent files: None, no notice)."""
    from ..source import DecodeError, NotRegular, decode, normalize_newlines, read_regular

    inputs.append(path)
    try:
        data = read_regular(path, MAX_FILE)
    except FileNotFoundError:
        return None
    except (OSError, NotRegular) as e:
        notices.append(ChartNotice(path, 1, f"not read: {e}"))
        return None
    if len(data) > MAX_FILE:
        notices.append(ChartNotice(path, 1, f"not read: larger than {MAX_FILE} bytes"))
        return None
    try:
        text, _enc, warning = decode(data)
    except DecodeError as e:
        notices.append(ChartNotice(path, 1, f"not read: {e}"))
        return None
    if warning:
        notices.append(ChartNotice(path, 1, f"not read: {warning}"))
        return None
    return normalize_newlines(text).lstrip("\ufeff")


class Chart:
    """A loaded chart (and its enabled subcharts, in ``subcharts``)."""

    def __init__(self, root: str, meta: dict, values: VDict, parent: "Chart | None", full_name: str):
        self.root = root
        self.meta = meta
        self.name = str(meta.get("name") or os.path.basename(os.path.abspath(root)))
        self.values = values
        self.parent = parent
        self.full_name = full_name  # Helm's template name prefix: parent/charts/sub
        self.library = meta.get("type") == "library"
        self.templates: dict[str, Parsed | None] = {}  # relpath -> parsed (None: did not parse)
        self.texts: dict[str, str] = {}  # relpath -> the text parsed (line ends as archlint reads them)
        self.subcharts: dict[str, Chart] = {}  # folder name under charts/ -> chart
        self.disabled: set = set()  # folders under charts/ whose dependency's condition is off
        self.unread: list = []  # names of enabled dependencies not in charts/ (remote charts)
        self.file_names: list | None = None  # the chart's files (.Files.Glob), listed once
        self.file_names_cut = False  # the listing stopped at files.MAX_FILES / MAX_DEPTH
        self.file_texts: dict = {}  # .Files.Get: path -> text, read once
        self.values_images: dict | None = None  # image strings of the values -> (file, line) (lint.py)
        self.globs: dict = {}  # .Files.Glob: pattern -> the set, worked out once
        self.notices: list = []
        self.inputs: list = []
        self.engine: Engine | None = None
        self.context: dict = {}

    # -- what can be rendered

    def renderable(self) -> list[str]:
        """Relative paths (to the root chart) of every template that renders manifests."""
        out = []
        if not self.library:
            out += [p for p, t in self.templates.items() if _renders(p)]
        for folder, sub in self.subcharts.items():
            out += [f"charts/{folder}/{p}" for p in sub.renderable()]
        return sorted(out)

    def _owner(self, relpath: str):
        parts = relpath.replace(os.sep, "/").split("/")
        chart = self
        while len(parts) > 2 and parts[0] == "charts" and parts[1] in chart.subcharts:
            chart = chart.subcharts[parts[1]]
            parts = parts[2:]
        return chart, "/".join(parts)

    def render(self, relpath: str, text: str | None = None) -> RenderResult:
        """The documents one template renders, with the origin of each line; never raises.
        ``text``: the template's text as the linter read it (an editor's unsaved buffer may
        differ from the file's): parsed again only when it does."""
        root = self
        while root.parent is not None:
            root = root.parent
        inputs = list(root.inputs)
        chart, rel = self._owner(relpath)
        path = os.path.join(chart.root, rel)
        if rel not in chart.templates:
            parts = rel.split("/")
            if len(parts) > 2 and parts[0] == "charts" and parts[1] in chart.disabled:
                return RenderResult([], [], inputs)  # a subchart switched off: Helm renders none of it
            return RenderResult([], [ChartNotice(path, 1, "not a template of this chart")], inputs)
        parsed = chart.templates[rel]
        if text is not None and text != chart.texts.get(rel):
            try:
                parsed = parse(text, path)
            except TemplateError as e:
                return RenderResult([], [ChartNotice(e.file or path, e.line, f"template not parsed: {e.message}")],
                                    inputs)
        if parsed is None or chart.library or not _renders(rel):
            return RenderResult([], [], inputs)
        dot = dict(chart.context)
        name = f"{chart.full_name}/{rel}"
        dot["Template"] = Struct({"Name": name, "BasePath": f"{chart.full_name}/templates"})
        try:
            rendered, notices = root.engine.render(parsed.body, dot, path)
        except ChartFail:
            # the chart demands values its values files leave to the user (loki's validate.yaml
            # without a schema config): what it renders with them is not known here
            return RenderResult([], [], list(root.inputs))  # (with the files the render read)
        except TemplateError as e:
            return RenderResult([], [ChartNotice(e.file or path, e.line, f"not rendered: {e.message}")],
                                list(root.inputs))
        except Exception as e:  # a defect here must not stop a lint run
            return RenderResult([], [ChartNotice(path, 1, f"not rendered: internal error {type(e).__name__}: {e}")],
                                list(root.inputs))
        notes = [ChartNotice(f, line, msg) for f, line, msg in notices]
        # with the chart's files the render read (.Files.Get)
        return RenderResult(split_documents(rel, rendered.text, rendered.lines), notes, list(root.inputs))


def _renders(rel: str) -> bool:
    base = rel.rsplit("/", 1)[-1]
    return base.endswith((".yaml", ".yml")) and not base.startswith("_")


def split_documents(template: str, text: str, lines: list) -> list[Document]:
    """The YAML documents of a rendered template (split on ``---`` lines as Helm does); those
    holding only blanks and comments are left out."""
    rows = text.split("\n")
    if len(lines) < len(rows):
        lines = list(lines) + [LineOrigin(template, 0)] * (len(rows) - len(lines))
    # Helm splits on "---" at a line's start and the blanks after it ((?:^|\s*\n)---\s*), whatever
    # follows on the line: "---# comment" starts a document with "# comment"
    cuts = [i for i, ln in enumerate(rows) if ln.startswith("---")]
    docs = []
    start = 0
    for end in cuts + [len(rows)]:
        stop = end
        while stop > start and not rows[stop - 1].strip():
            stop -= 1
        body = rows[start:stop]
        if any(ln.strip() and not ln.lstrip().startswith("#") for ln in body):
            docs.append(Document(template, "\n".join(body) + "\n", start + 1, lines[start:stop]))
        if end < len(rows):
            rest = rows[end][3:].lstrip(" \t")
            if rest:  # the rest of the separator's line opens the next document
                rows[end] = rest
                start = end
                continue
        start = end + 1
    return docs


def _chart_yaml(root: str, notices: list, inputs: list):
    from ..parsers import yamldoc

    for name in ("Chart.yaml", "Chart.yml"):
        path = os.path.join(root, name)
        if not os.path.isfile(path):
            inputs.append(path)
            continue
        text = _read(path, notices, inputs)
        if text is None:
            return None
        try:
            roots = _compose(text)
        except ValueError as e:
            notices.append(ChartNotice(path, 1, f"Chart.yaml not read: {e}"))
            return None
        except Exception as e:
            notices.append(ChartNotice(path, 1, f"Chart.yaml not read: {e}"))
            return None
        try:
            meta = _as_written(roots[0]) if roots else {}
        except ValueError as e:
            notices.append(ChartNotice(path, 1, f"Chart.yaml not read: {e}"))
            return None
        return meta if isinstance(meta, dict) else {}
    return None


def _as_written(node, depth: int = 0):
    """Chart.yaml's fields are strings in Helm (``version: 1.10`` is "1.10", a dependency named
    ``off`` is "off"): scalars as written, null as None."""
    from ..parsers import yamldoc

    if depth > MAX_VALUE_DEPTH:
        raise ValueError("nested too deeply")
    if node.id == "scalar":
        return yamldoc.scalar(node)
    if node.id == "sequence":
        return [_as_written(x, depth + 1) for x in node.value]
    return {k.value: _as_written(v, depth + 1) for k, v in yamldoc.pairs(node)}


def _chart_struct(meta: dict) -> Struct:
    fields = {"Name": "", "Version": "", "AppVersion": "", "APIVersion": "", "Description": "", "Type": "",
              "KubeVersion": "", "Home": "", "Icon": "", "Deprecated": False, "Keywords": None, "Maintainers": None,
              "Sources": None, "Annotations": None, "Dependencies": None, "Condition": "", "Tags": ""}
    for k, v in meta.items():
        key = "APIVersion" if k == "apiVersion" else k[:1].upper() + k[1:]
        fields[key] = v
    if _STAMPED.fullmatch(str(fields["Version"]).strip()):
        # kyverno's development chart (version: v0.0.0, appVersion: latest): the release stamps
        # both, so what the templates take from them is not known here
        fields["Version"] = fields["AppVersion"] = UNKNOWN
    return Struct(fields)


#: a chart version its release process replaces (``0.0.0``, ``v0.0.0``, ``0.0.0-dev``)
_STAMPED = re.compile(r"v?0\.0\.0(?:[-+][0-9A-Za-z.-]*)?")


def _capabilities(kube_version, api_has) -> Struct:
    kube = UNKNOWN
    if kube_version:
        m = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.(\d+))?(\S*)", str(kube_version).strip())
        if m:
            v = f"v{m.group(1)}.{m.group(2)}.{m.group(3) or 0}{m.group(4)}"
            kube = Struct({"Version": v, "GitVersion": v, "Major": m.group(1), "Minor": m.group(2)}, text=v)

    def has(api: str):
        if api_has is None:
            return UNKNOWN
        r = api_has(str(api))
        return UNKNOWN if r is None else bool(r)

    return Struct({"KubeVersion": kube, "APIVersions": Struct({"Has": Method("Has", has)}), "HelmVersion": UNKNOWN})


def _lookup_path(values, path: str):
    v = values
    for part in path.split("."):
        if not isinstance(v, dict) or part not in v:
            return None
        v = v[part]
    return v


def _enabled(dep: dict, values) -> bool:
    """A dependency's ``condition`` (first path that is a bool decides) and ``tags``."""
    cond = dep.get("condition")
    if isinstance(cond, str) and cond.strip():
        for path in cond.split(","):
            v = _lookup_path(values, path.strip())
            if isinstance(v, bool):
                return v
    tags = dep.get("tags")
    if isinstance(tags, list) and tags:
        set_tags = [_lookup_path(values, f"tags.{t}") for t in tags if isinstance(t, str)]
        if any(isinstance(t, bool) for t in set_tags):
            return any(t is True for t in set_tags)
    return True


def load_chart(chart_dir: str, extra_values=(), kube_version=None, api_has=None, placeholder: str = PLACEHOLDER):
    """The chart at ``chart_dir`` (None when there is no ``Chart.yaml``), loaded and parsed; see
    the module's docstring."""
    notices: list = []
    inputs: list = []
    chart = _load(chart_dir, None, None, extra_values, notices, inputs, "", 0)
    if chart is None:
        return None
    chart.notices, chart.inputs = notices, inputs
    caps = _capabilities(kube_version, api_has)
    defines: list = []
    _collect(chart, caps, defines)
    # Helm parses the deepest paths first (then reverse alphabetical): the last definition of a
    # name wins unless it is empty
    defines.sort(key=lambda d: (d[0].count("/"), d[0]), reverse=True)
    table: dict = {}
    for _key, d in defines:
        if d.name not in table or not d.empty():
            table[d.name] = d
    chart.engine = Engine(table, placeholder, open_defines=_any_unread(chart))
    return chart


def _any_unread(chart: Chart, depth: int = 0) -> bool:
    """Whether the chart or one of its subcharts has a dependency archlint could not read."""
    return bool(chart.unread) or depth < MAX_SUBCHART_DEPTH and any(
        _any_unread(sub, depth + 1) for sub in chart.subcharts.values())


def _collect(chart: Chart, caps, defines: list):
    chart.context = {"Values": chart.values, "Chart": _chart_struct(chart.meta), "Release": Struct(RELEASE),
                     "Capabilities": caps, "Files": files_object(chart), "Template": UNKNOWN}
    for rel, parsed in chart.templates.items():
        if parsed is not None and (not chart.library or rel.rsplit("/", 1)[-1].startswith("_")):
            key = f"{chart.full_name}/{rel}"
            defines.extend((key, d) for d in parsed.defines)
            # every file is a template of its own name too (``include (print $.Template.BasePath
            # "/configmap.yaml") . | sha256sum``)
            defines.append((key, Define(key, parsed.body, parsed.file, 1)))
    for sub in chart.subcharts.values():
        _collect(sub, caps, defines)


def _load(root: str, parent: Chart | None, parent_values, extra_values, notices, inputs, full_name, depth):
    meta = _chart_yaml(root, notices, inputs)
    if meta is None:
        return None
    values = VDict()
    schema_path = os.path.join(root, "values.schema.json")
    files = [os.path.join(root, "values.yaml")] + (_globs(root, extra_values, inputs) if parent is None else [])
    for path in files:
        text = _read(path, notices, inputs)
        if text is None:
            continue
        try:
            values = merge_values(values, load_values(text, path))
        except ValueError as e:
            notices.append(ChartNotice(path, _line_of(str(e)), f"values not read: {e}"))
        except Exception as e:
            notices.append(ChartNotice(path, 1, f"values not read: {type(e).__name__}: {e}"))
    if parent is not None:
        key = meta.get("_alias") or meta.get("name")
        own = values
        over = parent_values.get(key) if isinstance(parent_values, dict) else None
        values = merge_values(own, over) if isinstance(over, dict) else own
        pg = parent_values.get("global") if isinstance(parent_values, dict) else None
        if isinstance(pg, dict):
            values = merge_values(values, VDict({"global": merge_values(own.get("global") or VDict(), pg)}))
    text = _read(schema_path, notices, inputs)
    if text is not None:
        try:
            values = schema_defaults(load_values(text, schema_path), values)
        except ValueError as e:
            notices.append(ChartNotice(schema_path, _line_of(str(e)), f"schema not read: {e}"))
    name = str(meta.get("name") or os.path.basename(os.path.abspath(root)))
    chart = Chart(root, meta, values, parent, f"{full_name}/charts/{name}" if full_name else name)
    _templates(chart, notices, inputs)
    if depth < MAX_SUBCHART_DEPTH:
        _subcharts(chart, notices, inputs, depth)
    return chart


def _line_of(message: str) -> int:
    m = re.search(r"\(line (\d+)\)", message)
    return int(m.group(1)) if m else 1


def _globs(root: str, patterns, inputs: list) -> list[str]:
    import glob

    out = []
    for pat in patterns or ():
        full = os.path.join(root, pat)
        inputs.append(os.path.dirname(full) or root)
        found = sorted(glob.glob(full, recursive=True)) if glob.has_magic(pat) else [full]
        out += [p for p in found if p not in out]
    return out


def _templates(chart: Chart, notices: list, inputs: list):
    tdir = os.path.join(chart.root, "templates")
    inputs.append(tdir)
    count = 0
    for dirpath, dirnames, filenames in os.walk(tdir):
        dirnames.sort()
        inputs.extend(os.path.join(dirpath, d) for d in dirnames)
        for fname in sorted(filenames):
            path = os.path.join(dirpath, fname)
            rel = os.path.relpath(path, chart.root).replace(os.sep, "/")
            count += 1
            if count > MAX_TEMPLATES:
                notices.append(ChartNotice(path, 1, f"more than {MAX_TEMPLATES} templates: the rest not read"))
                return
            # Helm parses every file of templates/; one that is not a manifest nor a helper (a
            # ``_helper.txt`` included by ``print $.Template.BasePath``) says nothing when it
            # cannot be read or parsed: only what includes it needs it
            own = notices if fname.endswith((".yaml", ".yml", ".tpl")) else []
            text = _read(path, own, inputs)
            if text is None:
                chart.templates[rel] = None
                continue
            chart.texts[rel] = normalize_newlines(text)
            try:
                chart.templates[rel] = parse(text, path)
            except TemplateError as e:
                chart.templates[rel] = None
                own.append(ChartNotice(path, e.line, f"template not parsed: {e.message}"))
            except RecursionError:
                chart.templates[rel] = None
                own.append(ChartNotice(path, 1, "template not parsed: nested too deeply"))


def _subcharts(chart: Chart, notices: list, inputs: list, depth: int):
    cdir = os.path.join(chart.root, "charts")
    inputs.append(cdir)
    try:
        names = sorted(os.listdir(cdir))
    except OSError:
        names = []
    deps = chart.meta.get("dependencies")
    if deps is None and str(chart.meta.get("apiVersion") or "v1") == "v1":
        deps = _requirements(chart.root, notices, inputs)  # Helm 2's requirements.yaml, which Helm 3 still reads
    deps = [d for d in deps if isinstance(d, dict)] if isinstance(deps, list) else []
    by_name: dict = {}
    for d in deps:
        by_name.setdefault(str(d.get("name")), []).append(d)
    seen = set()
    for folder in names:
        path = os.path.join(cdir, folder)
        if folder.endswith(".tgz"):
            notices.append(ChartNotice(path, 1, "packed subchart not read (unpack it to lint what it renders)"))
            name = folder.rsplit("-", 1)[0]
            seen.add(name)
            _mark_unread(chart, name, [d for d in by_name.get(name, ()) if _enabled(d, chart.values)])
            continue
        if not os.path.isdir(path):
            continue
        meta = _chart_yaml(path, [], inputs)
        sub_name = str((meta or {}).get("name") or folder)
        seen.add(sub_name)
        entries = by_name.get(sub_name) or [{}]
        _attach(chart, path, folder, sub_name, entries[0], notices, inputs, depth)
        # the same chart under another alias is rendered once here: the others' defaults unknown
        others = [d for d in entries[1:] if _enabled(d, chart.values)]
        if others:
            _mark_unread(chart, sub_name, others)
    for name, entries in by_name.items():
        entries = [d for d in entries if _enabled(d, chart.values)]
        if name in seen or not entries:
            continue
        dep = entries[0]
        repo = dep.get("repository")
        # a dependency in a folder of the repository (linkerd's ``file://../partials``): what
        # ``helm dependency build`` copies into charts/, read where it is
        if isinstance(repo, str) and repo.startswith("file://"):
            path = os.path.normpath(os.path.join(chart.root, repo[len("file://"):]))
            if os.path.isfile(os.path.join(path, "Chart.yaml")):
                _attach(chart, path, name, name, dep, notices, inputs, depth)
                if entries[1:]:
                    _mark_unread(chart, name, entries[1:])
                continue
        notices.append(ChartNotice(os.path.join(chart.root, "Chart.yaml"), 1,
                                   f"dependency {name} is not in charts/ (run helm dependency build to lint it)"))
        _mark_unread(chart, name, entries)


def open_values(v, depth: int = 0):
    """``v`` with every mapping in it an ``OpenVDict`` (origins kept)."""
    if not isinstance(v, dict) or depth > 100:
        return v
    return OpenVDict({k: open_values(x, depth + 1) for k, x in v.items()}, origins=getattr(v, "origins", None))


def _mark_unread(chart: Chart, name: str, entries: list) -> None:
    """A dependency archlint does not read (remote, packed, or a second alias of one chart): its
    defines and its defaults are not known, so a key the parent's values do not set under each
    of its names (``alias`` or ``name``) is unknown, not missing."""
    chart.unread.append(name)
    if not isinstance(chart.values, dict):
        return
    for dep in entries or [{}]:
        key = str(dep.get("alias") or name)
        own = chart.values.get(key)
        if own is None or isinstance(own, dict):
            chart.values[key] = open_values(own if own is not None else VDict())


def _requirements(root: str, notices: list, inputs: list):
    """The ``dependencies`` of an apiVersion v1 chart's ``requirements.yaml``, or None."""
    path = os.path.join(root, "requirements.yaml")
    if not os.path.isfile(path):
        inputs.append(path)
        return None
    text = _read(path, notices, inputs)
    if text is None:
        return None
    try:
        roots = _compose(text)
        doc = _as_written(roots[0]) if roots else {}
    except Exception as e:  # a broken requirements.yaml: its dependencies are unknown
        notices.append(ChartNotice(path, 1, f"requirements.yaml not read: {e}"))
        return None
    return doc.get("dependencies") if isinstance(doc, dict) else None


def _attach(chart: Chart, path: str, folder: str, sub_name: str, dep: dict, notices: list, inputs: list,
            depth: int) -> None:
    """Load the subchart at ``path`` as ``charts/<folder>`` of ``chart``, unless its dependency
    entry disables it."""
    if not _enabled(dep, chart.values):
        chart.disabled.add(folder)
        return
    alias = dep.get("alias")
    sub_values = chart.values
    if isinstance(alias, str) and alias:
        sub_values = VDict(chart.values)
        sub_values[sub_name] = chart.values.get(alias)
    sub = _load(path, chart, sub_values, (), notices, inputs, chart.full_name, depth + 1)
    if sub is not None:
        key = alias if isinstance(alias, str) and alias else sub_name
        if key != sub_name:
            sub.full_name = f"{chart.full_name}/charts/{alias}"
        chart.subcharts[folder] = sub
        # Helm coalesces the subchart's values into the parent's view of them
        own = VDict({k: v for k, v in sub.values.items() if k != "global"}, origins=dict(sub.values.origins))
        over = chart.values.get(key)
        chart.values[key] = merge_values(own, over) if isinstance(over, dict) else own
