"""Python rules: uses of removed (PY001) and deprecated (PY002) APIs, driven by the
``python-apis`` rule pack (``rules/python-apis.yaml`` plus the user's ``rule-packs``).

How a use is found
    Names are resolved through the file's real bindings: ``import m``, ``import m.sub as s``,
    ``from m import X as Y``, attribute chains on those (``m.sub.X``), per scope, with a
    binding made later by assignment, ``def``, ``for`` ... shadowing the import.  Imports inside
    ``try:``/``except ImportError:`` (either side) are fallbacks and are not reported; code under
    ``if sys.version_info < (3, 12):`` (and the other comparison forms) is only checked against
    the versions it can run on.  Entries can also match an attribute on instances of a class
    (``self.assertEquals`` in a TestCase, ``df.append`` on a DataFrame built by
    ``pd.read_csv``), any ``.attribute`` in a module that imports the package, or the shape of a
    call (``yaml.load(stream)`` without ``Loader``).

Which versions
    The Python the file runs on comes from ``python-version`` in the configuration, else the
    lower bound of ``requires-python`` in the nearest ``pyproject.toml``, else the
    ``FROM python:3.X`` of a Dockerfile in the file's folder or one of its parents up to the
    repository root, else the newest.  A library entry applies when the project's
    ``requirements*.txt`` / ``pyproject.toml`` (the nearest folder that lists dependencies)
    allows a release at or after the entry's version, or when the library is not pinned.
    These files are read from disk (never executed) and cached per folder per process.
"""
from __future__ import annotations

import ast
import os
import re

from ..kinds import kind_by_name
from ..model import Edit, Fix, Span
from ..registry import on_new_run, rule

PACK_TYPE = "python-apis"

__all__ = ["clear_caches", "removed_api", "deprecated_api"]


# =============================================================================================
# Versions
# =============================================================================================


def _ver(text: str) -> tuple[int, ...]:
    """'43.0.1' -> (43, 0, 1); trailing zeros dropped so (43,) == '43.0.0'; suffixes ignored."""
    parts: list[int] = []
    for piece in str(text).strip().lstrip("vV").split("."):
        m = re.match(r"\d+", piece)
        if not m:
            break
        parts.append(int(m.group()))
        if m.end() != len(piece):
            break
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _minor(text_or_tuple) -> tuple[int, int]:
    t = _ver(text_or_tuple) if isinstance(text_or_tuple, str) else tuple(text_or_tuple)
    t = tuple(t) + (0, 0)
    return (t[0], t[1])


def _show_ver(t) -> str:
    t = tuple(t)
    return ".".join(str(x) for x in (t if len(t) >= 2 else t + (0,) * (2 - len(t))))


class Pin:
    """The upper bound a project's requirement puts on a package."""

    __slots__ = ("upper", "inclusive", "text", "file")

    def __init__(self, upper, inclusive: bool, text: str, file: str):
        self.upper = upper  # version tuple or None
        self.inclusive = inclusive
        self.text = text
        self.file = file

    def admits(self, version: tuple) -> bool:
        """Does the requirement allow some release at or after ``version``?"""
        if self.upper is None:
            return True
        return self.upper >= version if self.inclusive else self.upper > version

    def tighter(self, other: "Pin") -> bool:
        if self.upper is None:
            return False
        if other.upper is None:
            return True
        if self.upper != other.upper:
            return self.upper < other.upper
        return not self.inclusive and other.inclusive


def _bump(parts: list[int], index: int) -> tuple[int, ...]:
    out = list(parts[: index + 1]) + [0] * max(0, index + 1 - len(parts))
    out[index] += 1
    return _ver(".".join(str(x) for x in out))


_CLAUSE = re.compile(r"^\s*(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?([0-9][0-9A-Za-z.*+!_-]*)\s*$")


def _upper_bound(spec: str) -> tuple[tuple | None, bool]:
    """Upper bound of a PEP 440 (or Poetry) version specifier: (version, inclusive)."""
    best: tuple[tuple | None, bool] = (None, False)
    for clause in re.split(r"[,|]", spec):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        m = _CLAUSE.match(clause)
        if not m:
            continue
        op, raw = m.group(1) or "", m.group(2)
        nums = [int(x) for x in re.findall(r"\d+", raw.split("+")[0].split("*")[0])] or [0]
        bound: tuple[tuple | None, bool] = (None, False)
        if raw.endswith("*") and op in ("", "=="):
            bound = (_bump(nums, len(nums) - 1), False)
        elif op in ("==", "===", ""):
            bound = (_ver(raw), True)
        elif op == "<":
            bound = (_ver(raw), False)
        elif op == "<=":
            bound = (_ver(raw), True)
        elif op == "~=":
            bound = (_bump(nums, max(0, len(nums) - 2)), False)
        elif op == "^":
            first = next((i for i, x in enumerate(nums) if x != 0), len(nums) - 1)
            bound = (_bump(nums, first), False)
        elif op == "~":
            bound = (_bump(nums, 1 if len(nums) >= 2 else 0), False)
        if bound[0] is None:
            continue
        if best[0] is None or bound[0] < best[0] or (bound[0] == best[0] and not bound[1]):
            best = bound
    return best


def _lower_minor(spec: str) -> tuple[int, int] | None:
    """Lower bound (major, minor) of a requires-python specifier, or None if it has none."""
    best = None
    for clause in re.split(r"[,|]", spec):
        m = _CLAUSE.match(clause.strip())
        if not m:
            continue
        op, raw = m.group(1) or "", m.group(2)
        if op in ("<", "<=", "!="):
            continue
        v = _minor(raw.replace("*", "0"))
        if best is None or v > best:
            best = v
    return best


def _norm_pkg(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# =============================================================================================
# Project facts read from disk: Python target and dependency pins (cached per folder)
# =============================================================================================

_listings: dict[str, frozenset] = {}
_isdir: dict[str, bool] = {}
_files: dict[str, object] = {}
_facts: dict[tuple, object] = {}


def clear_caches() -> None:
    """Forget what was read from disk (``registry.new_run`` calls it before each lint of a
    long-running host such as the language server)."""
    _listings.clear()
    _isdir.clear()
    _files.clear()
    _facts.clear()
    _catalogues.clear()


on_new_run(clear_caches)


def _listdir(d: str) -> frozenset:
    hit = _listings.get(d)
    if hit is None:
        try:
            hit = frozenset(os.listdir(d))
        except OSError:
            hit = frozenset()
        _listings[d] = hit
    return hit


def _is_dir(path: str) -> bool:
    hit = _isdir.get(path)
    if hit is None:
        hit = _isdir[path] = os.path.isdir(path)
    return hit


def _read_text(path: str) -> str | None:
    key = ("text", path)
    if key in _files:
        return _files[key]  # type: ignore[return-value]
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(2 * 1024 * 1024)
    except OSError:
        text = None
    _files[key] = text
    return text


def _read_toml(path: str) -> dict:
    key = ("toml", path)
    if key in _files:
        return _files[key]  # type: ignore[return-value]
    data: dict = {}
    text = _read_text(path)
    if text is not None:
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            try:
                import tomli as tomllib  # type: ignore[no-redef]
            except ModuleNotFoundError:
                tomllib = None  # type: ignore[assignment]
        if tomllib is not None:
            try:
                data = tomllib.loads(text)
            except Exception:  # a broken pyproject is reported elsewhere, if at all
                data = {}
    _files[key] = data
    return data


def _walk_up(start: str, settings) -> tuple[str, ...]:
    """The folders from ``start`` up to the repository root (the folder holding ``.git``) or
    the configuration's folder, whichever comes first; up to the filesystem root if neither."""
    root = os.path.normcase(os.path.abspath(settings.root)) if getattr(settings, "root", "") else None
    out = []
    d = start
    for _ in range(64):
        out.append(d)
        if ".git" in _listdir(d):
            break
        if root is not None and os.path.normcase(d) == root:
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return tuple(out)


class Target:
    __slots__ = ("version", "origin")

    def __init__(self, version, origin: str):
        self.version = version  # (major, minor) or None for "the newest"
        self.origin = origin


def _display(path: str, settings, top: str = "") -> str:
    """``path`` relative to the configuration's folder, else the repository root, else the
    working directory; absolute if it is under none of them."""
    for base in (getattr(settings, "root", "") or "", top, os.getcwd()):
        if base:
            try:
                rel = os.path.relpath(path, base)
            except ValueError:
                continue
            if not rel.startswith(".."):
                return rel.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def _requires_python(path: str) -> str | None:
    data = _read_toml(path)
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    rp = project.get("requires-python")
    if isinstance(rp, str):
        return rp
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(deps, dict) and isinstance(deps.get("python"), str):
        return deps["python"]
    return None


_DOCKERFILE_HINT = re.compile(r"dockerfile|containerfile", re.I)
_ARG_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _dockerfile_python(path: str) -> tuple[tuple[int, int], str] | None:
    """(python version, FROM text) of the final stage's python base image, read (not run)."""
    text = _read_text(path)
    if not text:
        return None
    lines: list[str] = []
    buf = ""
    for raw in text.replace("\r\n", "\n").split("\n"):
        stripped = raw.strip()
        if not buf and stripped.startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            buf += raw.rstrip()[:-1] + " "
            continue
        lines.append(buf + raw)
        buf = ""
    if buf:
        lines.append(buf)
    args: dict[str, str] = {}
    stages: list[tuple[str, str | None, str]] = []  # (image, stage name, FROM text)
    for line in lines:
        words = line.split()
        if not words:
            continue
        instr = words[0].upper()
        if instr == "ARG" and not stages:
            for w in words[1:]:
                name, _, default = w.partition("=")
                args.setdefault(name, default.strip("\"'"))
        elif instr == "FROM":
            rest = [w for w in words[1:] if not w.startswith("--")]
            if not rest:
                continue
            image = rest[0]

            def sub(m):
                name = m.group(1) or m.group(3)
                val = args.get(name, "")
                return val or (m.group(2) or "")

            image = _ARG_REF.sub(sub, image)
            name = rest[2] if len(rest) >= 3 and rest[1].upper() == "AS" else None
            stages.append((image, name.lower() if name else None, f"FROM {image}"))
    if not stages:
        return None

    def version_of(image: str):
        ref = image.split("@", 1)[0]
        last = ref.rsplit("/", 1)[-1]
        repo, _, tag = last.partition(":")
        if repo.lower() != "python":
            return None
        m = re.match(r"^(\d+)\.(\d+)", tag)
        return (int(m.group(1)), int(m.group(2))) if m else None

    names = {n: i for i, (_, n, _) in enumerate(stages) if n}
    idx = len(stages) - 1
    for _ in range(len(stages)):
        image = stages[idx][0].lower()
        if image in names and names[image] < idx:
            idx = names[image]
            continue
        break
    v = version_of(stages[idx][0])
    if v is not None:
        return v, stages[idx][2]
    for image, _, from_text in reversed(stages):
        v = version_of(image)
        if v is not None:
            return v, from_text
    return None


def python_target(abspath: str, settings) -> Target:
    """The Python version a file runs on (see the module docstring for the order)."""
    if getattr(settings, "python_version", None):
        where = os.path.basename(settings.config_path) if settings.config_path else "the configuration"
        return Target(_minor(settings.python_version), f"python-version in {where}")
    start = os.path.dirname(os.path.abspath(abspath))
    key = ("target", start, getattr(settings, "root", ""))
    hit = _facts.get(key)
    if hit is not None:
        return hit  # type: ignore[return-value]
    dirs = _walk_up(start, settings)
    target = None
    for d in dirs:
        if "pyproject.toml" in _listdir(d):
            p = os.path.join(d, "pyproject.toml")
            rp = _requires_python(p)
            if rp:
                low = _lower_minor(rp)
                if low is not None:
                    target = Target(low, f'requires-python "{rp}" in {_display(p, settings, dirs[-1])}')
                    break
    if target is None:
        for d in dirs:
            names = sorted(
                (n for n in _listdir(d) if _DOCKERFILE_HINT.search(n) and kind_by_name(n) == "dockerfile"),
                key=lambda n: (n != "Dockerfile", n != "Containerfile", n),
            )
            for n in names:
                p = os.path.join(d, n)
                if _is_dir(p):
                    continue
                found = _dockerfile_python(p)
                if found:
                    v, from_text = found
                    target = Target(v, f"{from_text} in {_display(p, settings, dirs[-1])}")
                    break
            if target is not None:
                break
    if target is None:
        target = Target(None, "")
    _facts[key] = target
    return target


_REQ_LINE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def _parse_requirement(line: str) -> tuple[str, str] | None:
    """(normalized name, version specifier) of one PEP 508 requirement string."""
    line = line.split(";", 1)[0].strip()
    if not line or line.startswith(("-", ".", "/", "git+", "hg+", "svn+", "http:", "https:", "file:")):
        return None
    m = _REQ_LINE.match(line)
    if not m:
        return None
    spec = m.group(3).strip()
    if spec.startswith("@"):
        spec = ""
    spec = spec.strip("()").strip()
    return _norm_pkg(m.group(1)), spec


def _requirements_file(path: str, depth: int = 0) -> list[tuple[str, str, str]]:
    """(name, specifier, original text) from a pip requirements/constraints file."""
    out: list[tuple[str, str, str]] = []
    text = _read_text(path)
    if text is None:
        return out
    joined = text.replace("\\\n", " ")
    for raw in joined.split("\n"):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        m = re.match(r"^(-r|--requirement|-c|--constraint)[\s=]+(\S+)", line)
        if m:
            if depth < 3:
                inc = os.path.join(os.path.dirname(path), m.group(2))
                out.extend(_requirements_file(os.path.normpath(inc), depth + 1))
            continue
        line = re.split(r"\s--?[a-z]", " " + line)[0].strip()
        req = _parse_requirement(line)
        if req:
            out.append((req[0], req[1], line))
    return out


def _poetry_spec(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("version"), str):
        return value["version"]
    if isinstance(value, list):
        specs = [_poetry_spec(v) for v in value]
        specs = [s for s in specs if s]
        return specs[0] if len(specs) == 1 else ("" if specs else None)
    return None


def _pyproject_requirements(path: str) -> list[tuple[str, str, str]]:
    data = _read_toml(path)
    out: list[tuple[str, str, str]] = []

    def add_pep508(items):
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str):
                    req = _parse_requirement(item)
                    if req:
                        out.append((req[0], req[1], item))

    project = data.get("project")
    if isinstance(project, dict):
        add_pep508(project.get("dependencies"))
        opt = project.get("optional-dependencies")
        if isinstance(opt, dict):
            for items in opt.values():
                add_pep508(items)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for items in groups.values():
            add_pep508(items)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    for group in (poetry.get("group") or {}).values() if isinstance(poetry.get("group"), dict) else ():
        if isinstance(group, dict):
            tables.append(group.get("dependencies"))
    for table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            if name.lower() == "python":
                continue
            spec = _poetry_spec(value)
            if spec is None:
                continue
            if spec and spec[0].isdigit() and not any(c in spec for c in "<>=~^*,"):
                spec = "==" + spec  # Poetry: a bare version is exact
            out.append((_norm_pkg(name), spec, f"{name} = {spec!r}"))
    return out


def project_pins(abspath: str, settings) -> dict[str, Pin]:
    """Normalized package name -> Pin, from the nearest folder (walking up) that lists
    dependencies in requirements*.txt, constraints*.txt, requirements/*.txt or pyproject.toml."""
    start = os.path.dirname(os.path.abspath(abspath))
    key = ("pins", start, getattr(settings, "root", ""))
    hit = _facts.get(key)
    if hit is not None:
        return hit  # type: ignore[return-value]
    pins: dict[str, Pin] = {}
    dirs = _walk_up(start, settings)
    for d in dirs:
        listing = _listdir(d)
        reqs: list[tuple[str, str, str, str]] = []
        for n in sorted(listing):
            low = n.lower()
            p = os.path.join(d, n)
            if (low.startswith(("requirements", "constraints")) and low.endswith(".txt")) and not _is_dir(p):
                reqs.extend((a, b, c, p) for a, b, c in _requirements_file(p))
            elif low == "requirements" and _is_dir(p):
                for sub in sorted(_listdir(p)):
                    if sub.lower().endswith(".txt"):
                        sp = os.path.join(p, sub)
                        reqs.extend((a, b, c, sp) for a, b, c in _requirements_file(sp))
            elif n == "pyproject.toml":
                reqs.extend((a, b, c, p) for a, b, c in _pyproject_requirements(p))
        if not reqs:
            continue
        for name, spec, text, file in reqs:
            upper, inclusive = _upper_bound(spec) if spec else (None, False)
            pin = Pin(upper, inclusive, text, _display(file, settings, dirs[-1]))
            old = pins.get(name)
            if old is None or pin.tighter(old):
                pins[name] = pin
        break
    _facts[key] = pins
    return pins


def _local_module(abspath: str, settings, name: str) -> bool:
    """Is there a project module or package called ``name`` next to the file or in a parent
    folder (which an absolute import of that name would find first when run from there)?"""
    start = os.path.dirname(os.path.abspath(abspath))
    key = ("local", start, getattr(settings, "root", ""), name)
    hit = _facts.get(key)
    if hit is None:
        hit = False
        for d in _walk_up(start, settings):
            listing = _listdir(d)
            if name + ".py" in listing or (name in listing and _is_dir(os.path.join(d, name))):
                hit = True
                break
        _facts[key] = hit
    return bool(hit)


# =============================================================================================
# The catalogue (rule pack entries, indexed)
# =============================================================================================


class Entry:
    __slots__ = (
        "name", "kind", "since", "dep", "package", "is_python", "match", "types", "returned_by",
        "missing", "keyword", "replacement", "fix", "fix_safe", "message", "root", "attr",
        "since_text", "dep_text", "provided_by",
    )

    def __init__(self, raw: dict):
        self.name = raw["name"]
        self.kind = raw["kind"]
        self.package = raw["package"]
        self.is_python = raw["package"].lower() == "python"
        conv = _minor if self.is_python else _ver
        self.since_text = str(raw["since"])
        self.since = conv(self.since_text)
        self.dep_text = str(raw["deprecated-since"]) if raw.get("deprecated-since") else None
        self.dep = conv(self.dep_text) if self.dep_text else None
        self.match = raw.get("match", "reference")
        owner = self.name.rsplit(".", 1)[0]
        self.types = tuple(raw.get("types") or (owner,))
        self.returned_by = tuple(raw.get("returned-by") or ())
        self.missing = raw.get("missing-argument")
        self.keyword = raw.get("keyword-argument")
        self.replacement = raw["replacement"]
        self.fix = raw.get("fix")
        self.fix_safe = raw.get("fix-safe", self.kind != "deprecated")
        self.message = raw["message"].strip()
        self.provided_by = tuple(_norm_pkg(p) for p in raw.get("provided-by") or ())
        self.root = self.name.split(".", 1)[0]
        self.attr = self.name.rsplit(".", 1)[-1]

    @property
    def label(self) -> str:
        if self.match == "call" and self.missing:
            return f"`{self.name}()` without `{self.missing['keyword']}`"
        if self.match == "call" and self.keyword:
            return f"the `{self.keyword}` argument of `{self.name}()`"
        return f"`{self.name}`"


class Catalogue:
    def __init__(self, raw_entries):
        self.refs: dict[str, list[Entry]] = {}
        self.calls: dict[str, list[Entry]] = {}
        self.attrs: dict[str, list[Entry]] = {}
        self.methods: dict[str, list[Entry]] = {}
        self.roots: set[str] = set()
        self.members: set[str] = set()  # attribute names of attribute/method entries
        for raw in raw_entries:
            e = Entry(raw)
            self.roots.add(e.root)
            if e.match == "call":
                self.calls.setdefault(e.name, []).append(e)
                continue
            self.refs.setdefault(e.name, []).append(e)
            if e.match == "attribute":
                self.attrs.setdefault(e.attr, []).append(e)
                self.members.add(e.attr)
            elif e.match == "method":
                self.methods.setdefault(e.attr, []).append(e)
                self.members.add(e.attr)
                for t in e.types + e.returned_by:
                    self.roots.add(t.split(".", 1)[0])


_catalogues: dict[tuple, Catalogue] = {}


def catalogue(rule_packs=()) -> Catalogue:
    key = tuple(rule_packs)
    hit = _catalogues.get(key)
    if hit is None:
        from ..packs import load_pack

        hit = _catalogues[key] = Catalogue(load_pack(PACK_TYPE, key))
    return hit


# =============================================================================================
# Binding analysis
# =============================================================================================

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_ATTR_ERRORS = {"AttributeError", "Exception", "BaseException"}
_FALLBACK_ERRORS = {"ImportError", "ModuleNotFoundError", "AttributeError", "NameError"}


class Binding:
    __slots__ = ("name", "scope", "pos", "qual", "is_import", "guarded", "node", "stmt", "value",
                 "annotation", "param_index", "uses", "primary")

    def __init__(self, name, scope, pos, *, qual=None, is_import=False, guarded=False, node=None,
                 stmt=None, value=None, annotation=None, param_index=None):
        self.name = name
        self.scope = scope
        self.pos = pos
        self.qual = qual
        self.is_import = is_import
        self.guarded = guarded
        self.node = node
        self.stmt = stmt
        self.value = value
        self.annotation = annotation
        self.param_index = param_index
        self.uses: list = []
        self.primary: Binding | None = None  # for a binding in an except handler: the try body's


class Scope:
    __slots__ = ("kind", "node", "parent", "bindings", "globals", "static")

    def __init__(self, kind, node, parent):
        self.kind = kind  # module | class | function | lambda | comprehension
        self.node = node
        self.parent = parent
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()
        self.static = False  # a @staticmethod function

    def add(self, b: Binding) -> None:
        self.bindings.setdefault(b.name, []).append(b)


class Ctx:
    """Where a node sits: the Python versions the code can run on, and feature-detection guards
    (try/except ImportError or AttributeError, ``if hasattr(mod, "name"):``,
    ``if "mod" in sys.modules:``)."""

    __slots__ = ("lo", "hi", "import_guard", "attr_guard", "probed")

    def __init__(self, lo=None, hi=None, import_guard=False, attr_guard=False, probed=frozenset()):
        self.lo, self.hi = lo, hi
        self.import_guard = import_guard
        self.attr_guard = attr_guard
        self.probed = probed  # names whose attributes are feature-detected with hasattr/getattr

    def narrowed(self, lo, hi) -> "Ctx":
        nlo = self.lo if lo is None else (lo if self.lo is None else max(lo, self.lo))
        nhi = self.hi if hi is None else (hi if self.hi is None else min(hi, self.hi))
        return Ctx(nlo, nhi, self.import_guard, self.attr_guard, self.probed)

    def guarded(self, imports: bool, attrs: bool, probed=frozenset()) -> "Ctx":
        return Ctx(self.lo, self.hi, self.import_guard or imports, self.attr_guard or attrs,
                   self.probed | probed)

    def deferred(self) -> "Ctx":
        """A function body: same versions, but try/except around the def does not guard it."""
        return Ctx(self.lo, self.hi)


def _pos(node) -> tuple[int, int]:
    return (node.lineno, node.col_offset)


def _end(node) -> tuple[int, int]:
    return (node.end_lineno, node.end_col_offset)


def _chain(node):
    """(base Name or None, [attribute nodes from the base outwards], base expression)."""
    attrs = []
    cur = node
    while isinstance(cur, ast.Attribute):
        attrs.append(cur)
        cur = cur.value
    attrs.reverse()
    return (cur if isinstance(cur, ast.Name) else None), attrs, cur


def _handler_names(handler) -> set[str]:
    t = handler.type
    if t is None:
        return {"BaseException"}
    items = t.elts if isinstance(t, ast.Tuple) else [t]
    out = set()
    for it in items:
        if isinstance(it, ast.Name):
            out.add(it.id)
        elif isinstance(it, ast.Attribute):
            out.add(it.attr)
    return out


class Analyzer:
    """One pass over the tree that records scopes, bindings and the events to check; then
    ``resolve`` turns events into candidate hits."""

    def __init__(self, tree: ast.Module):
        self.module = Scope("module", tree, None)
        self.events: list[tuple] = []
        self.import_roots: set[str] = set()
        self.imported_modules: set[str] = set()  # dotted names of `import a.b.c` statements
        self.import_names: set[str] = set()  # names bound by an import somewhere in the file
        self.all_names: set[str] = set()  # strings in a module-level __all__
        self.bound_anywhere: set[str] = set()  # every name bound anywhere (for builtin fixes)
        self.load_names: dict[str, list] = {}  # id -> Name loads (for rename safety)
        self._scope = self.module
        self._ctx = Ctx()
        self._stmt_end = None
        self._created: list[Binding] = []
        self._block(tree.body)

    # ---- binding helpers ----------------------------------------------------------------
    def _bind(self, name, node, **kw):
        scope = self._scope
        if name in scope.globals and scope.kind != "module":
            scope = self.module
        pos = kw.pop("pos", None) or self._stmt_end or _pos(node)
        b = Binding(name, scope, pos, node=node, guarded=self._ctx.import_guard, **kw)
        scope.add(b)
        self._created.append(b)
        if b.is_import:
            self.import_names.add(name)
        self.bound_anywhere.add(name)
        return b

    def _bind_target(self, target, value=None, annotation=None, pos=None):
        if isinstance(target, ast.Name):
            self._bind(target.id, target, value=value, annotation=annotation, pos=pos)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt, pos=pos)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, pos=pos)
        elif isinstance(target, ast.Attribute):
            self._expr_store_attr(target)
        elif isinstance(target, ast.Subscript):
            self._expr(target.value)
            self._expr(target.slice)

    def _expr_store_attr(self, node: ast.Attribute):
        # `x.attr = ...`: the receiver is read, the attribute itself is written (not a use)
        self._expr(node.value)

    # ---- statements ---------------------------------------------------------------------
    def _block(self, stmts):
        for s in stmts:
            self._stmt(s)

    def _stmt(self, s):
        method = getattr(self, "_s_" + type(s).__name__, None)
        if method is not None:
            method(s)
        else:
            self._generic(s)

    def _generic(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._stmt(child)
            elif isinstance(child, ast.expr):
                self._expr(child)
            else:
                self._generic(child)

    def _s_Import(self, s):
        for alias in s.names:
            self.import_roots.add(alias.name.split(".", 1)[0])
            self.imported_modules.add(alias.name)
            if alias.asname:
                b = self._bind(alias.asname, alias, qual=alias.name, is_import=True, stmt=s, pos=_end(s))
            else:
                root = alias.name.split(".", 1)[0]
                b = self._bind(root, alias, qual=root, is_import=True, stmt=s, pos=_end(s))
            self.events.append(("import", s, alias, self._scope, self._ctx, b))

    def _s_ImportFrom(self, s):
        if s.level or not s.module:
            for alias in s.names:
                if alias.name != "*":
                    self._bind(alias.asname or alias.name, alias, pos=_end(s))
            return
        self.import_roots.add(s.module.split(".", 1)[0])
        for alias in s.names:
            if alias.name == "*":
                self.events.append(("import", s, alias, self._scope, self._ctx, None))
                continue
            b = self._bind(alias.asname or alias.name, alias, qual=f"{s.module}.{alias.name}",
                           is_import=True, stmt=s, pos=_end(s))
            self.events.append(("import", s, alias, self._scope, self._ctx, b))

    def _s_FunctionDef(self, s):
        for d in s.decorator_list:
            self._expr(d)
        args = s.args
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            self._expr(default)
        all_args = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
        if args.vararg:
            all_args.append(args.vararg)
        if args.kwarg:
            all_args.append(args.kwarg)
        for a in all_args:
            if a.annotation is not None:
                self._expr(a.annotation)
        if s.returns is not None:
            self._expr(s.returns)
        self._bind(s.name, s, pos=_pos(s))
        outer_scope, outer_ctx, outer_end = self._scope, self._ctx, self._stmt_end
        scope = Scope("function", s, outer_scope)
        scope.static = any(
            (isinstance(d, ast.Name) and d.id == "staticmethod") for d in s.decorator_list
        )
        self._scope, self._ctx, self._stmt_end = scope, outer_ctx.deferred(), None
        positional = list(args.posonlyargs) + list(args.args)
        for i, a in enumerate(all_args):
            self._bind(a.arg, a, pos=(0, 0), annotation=a.annotation,
                       param_index=positional.index(a) if a in positional else None)
        self._block(s.body)
        self._scope, self._ctx, self._stmt_end = outer_scope, outer_ctx, outer_end

    _s_AsyncFunctionDef = _s_FunctionDef

    def _s_ClassDef(self, s):
        for d in s.decorator_list:
            self._expr(d)
        for b in s.bases:
            self._expr(b)
        for k in s.keywords:
            self._expr(k.value)
        outer_scope, outer_end = self._scope, self._stmt_end
        scope = Scope("class", s, outer_scope)
        self._scope, self._stmt_end = scope, None
        self._block(s.body)
        self._scope, self._stmt_end = outer_scope, outer_end
        self._bind(s.name, s, pos=_end(s))

    def _s_Assign(self, s):
        self._expr(s.value)
        self._stmt_end = _end(s)
        single = len(s.targets) == 1
        for t in s.targets:
            self._bind_target(t, value=s.value if single else None)
        self._stmt_end = None
        if self._scope is self.module:
            for t in s.targets:
                if isinstance(t, ast.Name) and t.id == "__all__" and isinstance(s.value, (ast.List, ast.Tuple)):
                    for elt in s.value.elts:
                        if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                            self.all_names.add(elt.value)

    def _s_AugAssign(self, s):
        self._expr(s.value)
        if isinstance(s.target, ast.Name):
            self._expr(ast.copy_location(ast.Name(id=s.target.id, ctx=ast.Load()), s.target))
        self._stmt_end = _end(s)
        self._bind_target(s.target)
        self._stmt_end = None

    def _s_AnnAssign(self, s):
        self._expr(s.annotation)
        if s.value is not None:
            self._expr(s.value)
        self._stmt_end = _end(s)
        if isinstance(s.target, ast.Name):
            self._bind(s.target.id, s.target, value=s.value, annotation=s.annotation)
        else:
            self._bind_target(s.target)
        self._stmt_end = None

    def _s_For(self, s):
        self._expr(s.iter)
        self._stmt_end = _end(s.target)
        self._bind_target(s.target)
        self._stmt_end = None
        self._block(s.body)
        self._block(s.orelse)

    _s_AsyncFor = _s_For

    def _s_With(self, s):
        guard = False
        for item in s.items:
            self._expr(item.context_expr)
            ce = item.context_expr
            if isinstance(ce, ast.Call):
                fn = ce.func
                fname = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if fname == "suppress":
                    caught = {getattr(a, "id", getattr(a, "attr", "")) for a in ce.args}
                    guard = bool(caught & _IMPORT_ERRORS)
            if item.optional_vars is not None:
                self._stmt_end = _end(item.optional_vars)
                self._bind_target(item.optional_vars)
                self._stmt_end = None
        outer = self._ctx
        if guard:
            self._ctx = outer.guarded(True, False)
        self._block(s.body)
        self._ctx = outer

    _s_AsyncWith = _s_With

    def _s_Try(self, s):
        caught: set[str] = set()
        for h in s.handlers:
            caught |= _handler_names(h)
        imports_in_body = any(isinstance(n, (ast.Import, ast.ImportFrom)) for st in s.body for n in ast.walk(st))
        outer = self._ctx
        self._ctx = outer.guarded(bool(caught & _IMPORT_ERRORS), bool(caught & _ATTR_ERRORS))
        mark = len(self._created)
        self._block(s.body)
        primaries = {(b.scope.node, b.name): b for b in self._created[mark:]}
        self._ctx = outer
        for h in s.handlers:
            if h.type is not None:
                self._expr(h.type)
            if h.name:
                self._bind(h.name, h, pos=_pos(h))
            names = _handler_names(h)
            # the handler of a failed import (or of a missing name or attribute) is the fallback
            # for another Python or library version
            fallback = bool(names & _FALLBACK_ERRORS) or (
                imports_in_body and bool(names & {"Exception", "BaseException"}))
            self._ctx = outer.guarded(fallback, fallback)
            mark = len(self._created)
            self._block(h.body)
            for b in self._created[mark:]:
                primary = primaries.get((b.scope.node, b.name))
                if primary is not None and primary is not b:
                    b.primary = primary
            self._ctx = outer
        self._block(s.orelse)
        self._block(s.finalbody)

    _s_TryStar = _s_Try

    def _s_If(self, s):
        self._expr(s.test)
        true_r, false_r = self._version_test(s.test)
        probed, module_probe = _feature_probes(s.test)
        outer = self._ctx
        base = outer.guarded(module_probe, False, probed) if (probed or module_probe) else outer
        self._ctx = base.narrowed(*true_r) if true_r else base
        self._block(s.body)
        self._ctx = base.narrowed(*false_r) if false_r else base
        self._block(s.orelse)
        self._ctx = outer

    def _s_Global(self, s):
        self._scope.globals.update(s.names)

    def _s_Nonlocal(self, s):
        pass

    def _s_Delete(self, s):
        for t in s.targets:
            if isinstance(t, ast.Name):
                self._bind(t.id, t, pos=_end(s))
            else:
                self._bind_target(t)

    def _s_Match(self, s):
        self._expr(s.subject)
        for case in s.cases:
            self._pattern(case.pattern)
            if case.guard is not None:
                self._expr(case.guard)
            self._block(case.body)

    def _pattern(self, p):
        for sub in ast.walk(p):
            name = getattr(sub, "name", None) if not isinstance(sub, ast.MatchMapping) else sub.rest
            if isinstance(sub, (ast.MatchAs, ast.MatchStar, ast.MatchMapping)) and name:
                self._bind(name, sub, pos=_pos(sub))
            elif isinstance(sub, ast.MatchValue):
                self._expr(sub.value)
            elif isinstance(sub, ast.MatchClass):
                self._expr(sub.cls)

    # ---- expressions --------------------------------------------------------------------
    def _expr(self, e):
        if e is None:
            return
        t = type(e)
        if t is ast.Constant:
            return
        if t is ast.Name:
            if isinstance(e.ctx, ast.Load):
                self.load_names.setdefault(e.id, []).append(e)
                self.events.append(("chain", e, e, [], self._scope, self._ctx))
            else:
                self._bind_target(e)
            return
        if t is ast.Attribute:
            if not isinstance(e.ctx, ast.Load):
                self._expr_store_attr(e)
                return
            base, attrs, root = _chain(e)
            if base is not None:
                self.load_names.setdefault(base.id, []).append(base)
                self.events.append(("chain", e, base, attrs, self._scope, self._ctx))
            else:
                self.events.append(("attrs", e, root, attrs, self._scope, self._ctx))
                self._expr(root)
            return
        if t is ast.Call:
            self.events.append(("call", e, self._scope, self._ctx))
            self._expr(e.func)
            for a in e.args:
                self._expr(a)
            for k in e.keywords:
                self._expr(k.value)
            return
        if t is ast.Lambda:
            args = e.args
            for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
                self._expr(default)
            outer_scope, outer_ctx = self._scope, self._ctx
            scope = Scope("lambda", e, outer_scope)
            self._scope, self._ctx = scope, outer_ctx.deferred()
            for a in list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs):
                self._bind(a.arg, a, pos=(0, 0))
            for a in (args.vararg, args.kwarg):
                if a is not None:
                    self._bind(a.arg, a, pos=(0, 0))
            self._expr(e.body)
            self._scope, self._ctx = outer_scope, outer_ctx
            return
        if t in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            gens = e.generators
            if gens:
                self._expr(gens[0].iter)
            outer_scope = self._scope
            scope = Scope("comprehension", e, outer_scope)
            self._scope = scope
            for i, g in enumerate(gens):
                if i:
                    self._expr(g.iter)
                self._bind_target(g.target, pos=(0, 0))
                for cond in g.ifs:
                    self._expr(cond)
            if t is ast.DictComp:
                self._expr(e.key)
                self._expr(e.value)
            else:
                self._expr(e.elt)
            self._scope = outer_scope
            return
        if t is ast.NamedExpr:
            self._expr(e.value)
            scope = self._scope
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent
            saved = self._scope
            self._scope = scope
            self._bind(e.target.id, e.target, pos=_end(e))
            self._scope = saved
            return
        if t is ast.BinOp:
            self._expr(e.left)
            self._expr(e.right)
            return
        if t in (ast.Tuple, ast.List, ast.Set):
            for elt in e.elts:
                self._expr(elt)
            return
        if t is ast.Compare:
            self._expr(e.left)
            for c in e.comparators:
                self._expr(c)
            return
        if t is ast.Subscript:
            self._expr(e.value)
            self._expr(e.slice)
            return
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                self._expr(child)
            elif isinstance(child, ast.AST):
                self._generic_expr(child)

    def _generic_expr(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._expr(child)
            elif isinstance(child, ast.AST):
                self._generic_expr(child)

    # ---- version guards -----------------------------------------------------------------
    def _version_test(self, test):
        """(true-branch range, false-branch range) of an ``if`` test, each (lo, hi) or None."""
        sets = self._version_sets(test)
        if sets is None:
            return None, None
        return _hull(sets[0]), _hull(sets[1])

    def _version_sets(self, test):
        """(minor versions where the test can be true, where it can be false), or None."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._version_sets(test.operand)
            return (inner[1], inner[0]) if inner else None
        if isinstance(test, ast.BoolOp):
            parts = [self._version_sets(v) for v in test.values]
            known = [p for p in parts if p is not None]
            if not known:
                return None
            if isinstance(test.op, ast.And):
                true = frozenset.intersection(*(p[0] for p in known))
                false = _GRID if len(known) < len(parts) else frozenset.union(*(p[1] for p in known))
            else:
                if len(known) < len(parts):
                    return None
                true = frozenset.union(*(p[0] for p in known))
                false = frozenset.intersection(*(p[1] for p in known))
            return true, false
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        left, op, right = test.left, test.ops[0], test.comparators[0]
        kind = self._version_expr(left)
        flipped = False
        if kind is None:
            kind = self._version_expr(right)
            left, right, flipped = right, left, True
        if kind is None:
            return None
        value = _literal_version(right)
        fn = _OPS.get(type(op))
        if value is None or fn is None:
            return None
        if kind == "major":
            if len(value) != 1:
                return None
            value = value[0]
        true, false = set(), set()
        for minor in _GRID:
            for rep in _representatives(kind, minor):
                try:
                    ok = fn(value, rep) if flipped else fn(rep, value)
                except TypeError:
                    return None
                (true if ok else false).add(minor)
        return frozenset(true), frozenset(false)

    def _version_expr(self, node):
        """How the running version appears: 'full' (sys.version_info), 'slice1'/'slice2'
        (sys.version_info[:1] / [:2]), 'major' ([0] or .major), 'minor' ([1] or .minor)."""
        if isinstance(node, ast.Subscript) and self._is_version_info(node.value):
            sl = node.slice
            if isinstance(sl, ast.Slice) and sl.lower is None and sl.step is None \
                    and isinstance(sl.upper, ast.Constant) and sl.upper.value in (1, 2, 3):
                return f"slice{sl.upper.value}"
            if isinstance(sl, ast.Constant) and sl.value in (0, 1):
                return "major" if sl.value == 0 else "minor"
            return None
        if isinstance(node, ast.Attribute) and node.attr in ("major", "minor") \
                and self._is_version_info(node.value):
            return node.attr
        if self._is_version_info(node):
            return "full"
        return None

    def _is_version_info(self, node) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "version_info":
            return isinstance(node.value, ast.Name) and node.value.id == "sys"
        return isinstance(node, ast.Name) and node.id == "version_info"


def _feature_probes(test) -> tuple[frozenset, bool]:
    """(names probed with hasattr/getattr, whether a module is probed in sys.modules) in an
    ``if`` test (through ``not``/``and``/``or``): both branches of such an ``if`` are feature
    detection, not plain uses."""
    names = set()
    module_probe = False
    stack = [test]
    while stack:
        node = stack.pop()
        t = type(node)
        if t is ast.BoolOp:
            stack.extend(node.values)
        elif t is ast.UnaryOp:
            stack.append(node.operand)
        elif t is ast.Call:
            if isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr") and node.args:
                root = node.args[0]
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name):
                    names.add(root.id)
        elif t is ast.Compare:
            if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                for side in node.comparators:
                    if isinstance(side, ast.Attribute) and side.attr == "modules" \
                            and isinstance(side.value, ast.Name) and side.value.id == "sys":
                        module_probe = True
            else:
                stack.append(node.left)
                stack.extend(node.comparators)
    return frozenset(names), module_probe


import operator as _operator  # noqa: E402

_OPS = {
    ast.Lt: _operator.lt, ast.LtE: _operator.le, ast.Gt: _operator.gt, ast.GtE: _operator.ge,
    ast.Eq: _operator.eq, ast.NotEq: _operator.ne,
}
#: the minor versions a version guard is evaluated on
_GRID_LIST = [(2, m) for m in range(8)] + [(3, m) for m in range(41)] + [(4, 0)]
_GRID = frozenset(_GRID_LIST)
_NEXT = {v: (_GRID_LIST[i + 1] if i + 1 < len(_GRID_LIST) else None) for i, v in enumerate(_GRID_LIST)}


def _representatives(kind, minor):
    major, m = minor
    if kind == "full":
        return [(major, m, 0, 0, 0), (major, m, 99, 99, 99)]
    if kind == "slice1":
        return [(major,)]
    if kind == "slice2":
        return [(major, m)]
    if kind == "slice3":
        return [(major, m, 0), (major, m, 99)]
    if kind == "major":
        return [major]
    if kind == "minor":
        return [m]
    return []


def _literal_version(node):
    if isinstance(node, ast.Tuple) and node.elts and all(
        isinstance(x, ast.Constant) and type(x.value) is int for x in node.elts
    ):
        return tuple(x.value for x in node.elts)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return (node.value,)
    return None


def _hull(versions):
    """The interval [lo, hi) covering a set of grid versions (None: no constraint)."""
    if versions is None:
        return None
    if not versions:
        return ((0, 0), (0, 0))  # never runs: no version reaches anything here
    lo = min(versions)
    hi = _NEXT[max(versions)]
    if lo == _GRID_LIST[0]:
        lo = None
    return (lo, hi)


# =============================================================================================
# Resolution
# =============================================================================================


def lookup(name: str, scope: Scope, pos) -> tuple[Binding | None, bool]:
    """The binding a name refers to at ``pos`` in ``scope``: (binding, certain).  A binding
    made in an ``except`` fallback stands for the try body's binding it replaces (the one that
    runs where the code is meant to run)."""
    b, certain = _lookup(name, scope, pos)
    if b is not None and b.primary is not None:
        return b.primary, certain
    return b, certain


def _lookup(name: str, scope: Scope, pos) -> tuple[Binding | None, bool]:
    immediate = True  # scopes whose code runs at the point of use (comprehensions, the home)
    s = scope
    home = scope
    while s is not None:
        if s is not home and s.kind == "class":
            s = s.parent
            continue
        if name in s.globals and s.kind != "module":
            module = s
            while module.parent is not None:
                module = module.parent
            s = module
            immediate = False
        bl = s.bindings.get(name)
        if bl:
            if immediate:
                before = [b for b in bl if b.pos <= pos]
                if before:
                    return before[-1], True
                if s.kind in ("function", "lambda"):
                    return None, False
            else:
                mains = [b for b in bl if b.primary is None]
                if len(mains) == 1:
                    return mains[0], True
                if all(b.is_import for b in bl):
                    return bl[-1], len({b.qual for b in bl}) == 1 or all(b.guarded for b in bl)
                return bl[-1], len(bl) == 1
        if s.kind not in ("comprehension", "class"):
            immediate = False  # a function body runs later; class bodies and comprehensions now
        s = s.parent
    return None, True


class Hit:
    """A candidate finding before versions are considered.  Of the hits that share a ``site``
    (one place in the code) only the most severe, most general applicable one is reported."""

    __slots__ = ("entry", "site", "span", "ctx", "fix")

    def __init__(self, entry, site, span, ctx, fix=None):
        self.entry = entry
        self.site = site
        self.span = span
        self.ctx = ctx
        self.fix = fix  # callable -> Fix | None (built only when reported)


class Resolver:
    def __init__(self, model, an: Analyzer, cat: Catalogue):
        self.model = model
        self.src = model.source
        self.an = an
        self.cat = cat
        self.hits: list[Hit] = []

    # ---- spans --------------------------------------------------------------------------
    def col(self, line, byte_col):
        return self.model.col(line, byte_col)

    def span_node(self, node) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno
        c = self.col(line, node.col_offset)
        ec = self.col(end_line, node.end_col_offset if node.end_col_offset is not None else node.col_offset)
        if (end_line, ec) <= (line, c):
            end_line, ec = line, c + 1
        return Span(line, c, end_line, ec)

    def span_attr_name(self, node: ast.Attribute) -> Span:
        line = node.end_lineno or node.lineno
        end = self.col(line, node.end_col_offset)
        return Span(line, max(1, end - len(node.attr)), line, end)

    def span_alias_name(self, alias) -> Span:
        c = self.col(alias.lineno, alias.col_offset)
        text = self.src.line(alias.lineno)
        m = re.match(r"[\w.\s]*?(?=\s+as\b|$|\s*[,)#])", text[c - 1:])
        length = len(alias.name)
        if m and m.group().replace(" ", "").replace("\t", "") == alias.name:
            length = len(m.group().rstrip())
        return Span(alias.lineno, c, alias.lineno, c + max(1, length))

    def span_from_module(self, stmt: ast.ImportFrom) -> Span:
        c = self.col(stmt.lineno, stmt.col_offset)
        text = self.src.line(stmt.lineno)
        m = re.compile(r"from\s+([\w.]+)").match(text, c - 1)
        if m:
            return Span(stmt.lineno, m.start(1) + 1, stmt.lineno, m.end(1) + 1)
        return self.span_node(stmt)

    # ---- qualified names ----------------------------------------------------------------
    def qual_of(self, expr, scope, pos) -> str | None:
        base, attrs, _ = _chain(expr) if isinstance(expr, ast.Attribute) else (
            (expr, [], expr) if isinstance(expr, ast.Name) else (None, [], expr))
        if base is None:
            return None
        b, certain = lookup(base.id, scope, pos)
        if b is None or not b.is_import or not certain or b.qual is None:
            return None
        return ".".join([b.qual] + [a.attr for a in attrs])

    def types_of(self, expr, scope, pos, depth=0) -> set[str]:
        """Qualified names of the classes (or factory functions) that produced ``expr``."""
        if depth > 8:
            return set()
        if isinstance(expr, ast.Call):
            q = self.qual_of(expr.func, scope, pos)
            return {q} if q else set()
        if isinstance(expr, ast.Name):
            b, _ = lookup(expr.id, scope, pos)
            if b is None or b.is_import:
                return set()
            if b.param_index == 0 and b.scope.kind == "function" and not b.scope.static:
                parent = b.scope.parent
                if parent is not None and parent.kind == "class":
                    return self.class_bases(parent.node, parent.parent, depth + 1)
            if b.annotation is not None:
                q = self.qual_of(b.annotation, b.scope, b.pos)
                if q:
                    return {q}
            if b.value is not None:
                return self.types_of(b.value, b.scope, b.pos, depth + 1)
        return set()

    def class_bases(self, classdef, scope, depth=0) -> set[str]:
        out: set[str] = set()
        if depth > 8 or scope is None:
            return out
        for base in classdef.bases:
            q = self.qual_of(base, scope, _pos(classdef))
            if q:
                out.add(q)
                continue
            if isinstance(base, ast.Name):
                b, _ = lookup(base.id, scope, _pos(classdef))
                if b is not None and isinstance(b.node, ast.ClassDef):
                    out |= self.class_bases(b.node, b.scope, depth + 1)
        return out

    # ---- events -------------------------------------------------------------------------
    def run(self) -> list[Hit]:
        for ev in self.an.events:
            kind = ev[0]
            if kind == "import":
                self.on_import(*ev[1:])
            elif kind == "chain":
                self.on_chain(*ev[1:])
            elif kind == "attrs":
                self.on_attrs(*ev[1:])
            elif kind == "call":
                self.on_call(*ev[1:])
        return self.hits

    def _prefix_entries(self, dotted: str) -> list[Entry]:
        """Reference entries whose name is ``dotted`` or a dotted prefix of it."""
        out = []
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            out.extend(self.cat.refs.get(".".join(parts[:i]), ()))
        return out

    def on_import(self, stmt, alias, scope, ctx, binding):
        if ctx.import_guard:
            return
        if isinstance(stmt, ast.Import):
            site = (id(stmt), alias.name)
            span = self.span_alias_name(alias)
            for e in self._prefix_entries(alias.name):
                self.hits.append(Hit(e, site, span, ctx))
            return
        module = stmt.module
        site = (id(stmt), alias.name)
        # a removed module: reported once, at the module name (the site of every alias)
        mod_span = None
        for e in self._prefix_entries(module):
            mod_span = mod_span or self.span_from_module(stmt)
            self.hits.append(Hit(e, site, mod_span, ctx))
        if alias.name == "*":
            return
        for e in self.cat.refs.get(f"{module}.{alias.name}", ()):
            self.hits.append(Hit(e, site, self.span_alias_name(alias), ctx,
                                 fix=lambda e=e: self.fix_from_import(e, stmt, alias, binding)))

    def on_chain(self, outer, base, attrs, scope, ctx):
        if base.id not in self.an.import_names and not any(a.attr in self.cat.members for a in attrs):
            return  # neither an imported name nor an attribute any entry is about
        b, certain = lookup(base.id, scope, _pos(base))
        if b is not None and b.is_import:
            if certain:
                b.uses.append(base)
        if base.id in ctx.probed:
            return
        resolved_upto = 0
        if b is not None and b.is_import and certain and b.qual and not ctx.attr_guard:
            q = b.qual
            for i, node in enumerate(attrs, start=1):
                q = f"{q}.{node.attr}"
                entries = [e for e in self.cat.refs.get(q, ())]
                if entries:
                    resolved_upto = i
                    span = self.span_node(node)
                    for e in entries:
                        self.hits.append(Hit(e, id(node), span, ctx,
                                             fix=lambda e=e, i=i: self.fix_chain(e, base, attrs, i, b)))
                    break
        if ctx.attr_guard:
            return
        # attributes on values: self.assertEquals, df.append, cert.not_valid_before
        for i, node in enumerate(attrs, start=1):
            if i <= resolved_upto:
                continue
            receiver = attrs[i - 2] if i >= 2 else base
            self.check_attribute(node, receiver, scope, ctx, receiver_is_module=(
                b is not None and b.is_import and i == 1))

    def on_attrs(self, outer, root, attrs, scope, ctx):
        if ctx.attr_guard or not any(a.attr in self.cat.members for a in attrs):
            return
        for i, node in enumerate(attrs):
            receiver = attrs[i - 1] if i else root
            self.check_attribute(node, receiver, scope, ctx, receiver_is_module=False)

    def check_attribute(self, node, receiver, scope, ctx, receiver_is_module):
        name = node.attr
        for e in self.cat.attrs.get(name, ()):
            if e.root in self.an.import_roots and not receiver_is_module:
                self.hits.append(Hit(e, id(node), self.span_attr_name(node), ctx,
                                     fix=lambda e=e: self.fix_attr(e, node)))
                return
        candidates = self.cat.methods.get(name)
        if not candidates:
            return
        types = self.types_of(receiver, scope, _pos(node))
        if not types:
            return
        for e in candidates:
            if types & set(e.types) or types & set(e.returned_by):
                self.hits.append(Hit(e, id(node), self.span_attr_name(node), ctx,
                                     fix=lambda e=e: self.fix_attr(e, node)))
                return

    def on_call(self, call, scope, ctx):
        func = call.func
        base = func
        while isinstance(base, ast.Attribute):
            base = base.value
        if not isinstance(base, ast.Name) or (base.id not in self.an.import_names and base.id != "__import__"):
            return
        q = self.qual_of(func, scope, _pos(call))
        if q is None and isinstance(func, ast.Name) and func.id == "__import__":
            b, _ = lookup("__import__", scope, _pos(call))
            if b is None:
                q = "__import__"
        if q in ("importlib.import_module", "__import__"):
            if not ctx.import_guard and call.args and isinstance(call.args[0], ast.Constant) \
                    and isinstance(call.args[0].value, str):
                target = call.args[0].value
                if re.match(r"^[A-Za-z_][\w.]*$", target):
                    span = self.span_node(call.args[0])
                    for e in self._prefix_entries(target):
                        self.hits.append(Hit(e, id(call.args[0]), span, ctx))
            return
        if q is None:
            return
        for e in self.cat.calls.get(q, ()):
            if self.call_matches(e, call):
                shape = e.keyword or (e.missing or {}).get("keyword")
                self.hits.append(Hit(e, (id(func), shape), self.span_node(func), ctx))

    @staticmethod
    def call_matches(e: Entry, call: ast.Call) -> bool:
        kw_names = {k.arg for k in call.keywords}
        if None in kw_names or any(isinstance(a, ast.Starred) for a in call.args):
            return False  # **kwargs / *args: cannot tell
        if e.missing:
            if e.missing["keyword"] in kw_names or len(call.args) > e.missing["position"]:
                return False
            if kw_names & set(e.missing.get("unless-keywords", ())):
                return False
            return True
        if e.keyword:
            return e.keyword in kw_names
        return False

    # ---- fixes --------------------------------------------------------------------------
    def _rename_uses_ok(self, old: str, binding: Binding) -> tuple[bool, bool]:
        """(possible, safe) to rename every use of ``old`` bound by ``binding``."""
        if old in self.an.all_names:
            return False, False
        used = {id(n) for n in binding.uses}
        others = [n for n in self.an.load_names.get(old, ()) if id(n) not in used]
        return True, not others

    def fix_from_import(self, e: Entry, stmt, alias, binding) -> Fix | None:
        if not e.fix or "." not in e.fix or binding is None:
            return None
        new_module, new_name = e.fix.rsplit(".", 1)
        edits: list[Edit] = []
        safe = e.fix_safe
        if new_module == stmt.module:
            edits.append(Edit(self.span_alias_name(alias), new_name))
        elif len(stmt.names) == 1 and stmt.lineno == stmt.end_lineno:
            text = f"from {new_module} import {new_name}" + (f" as {alias.asname}" if alias.asname else "")
            edits.append(Edit(self.span_node(stmt), text))
        else:
            return None
        if alias.asname is None and new_name != alias.name:
            possible, rename_safe = self._rename_uses_ok(alias.name, binding)
            if not possible:
                return None
            existing = binding.scope.bindings.get(new_name, [])
            if any(not (b.is_import and b.qual == e.fix) for b in existing):
                return None
            safe = safe and rename_safe
            for use in binding.uses:
                edits.append(Edit(self.span_node(use), new_name))
        old = f"{stmt.module}.{alias.name}"
        return Fix(f"Replace `{old}` with `{e.fix}`", tuple(sorted(edits, key=lambda x: x.span)), safe=safe)

    def fix_chain(self, e: Entry, base, attrs, i, binding) -> Fix | None:
        if not e.fix:
            return None
        node = attrs[i - 1]
        old_rest = [a.attr for a in attrs[:i]]
        safe = e.fix_safe
        if "." not in e.fix:  # a builtin (np.float -> float)
            if e.fix in self.an.bound_anywhere:
                return None
            text = e.fix
        elif e.fix.startswith(binding.qual + "."):
            new_rest = e.fix[len(binding.qual) + 1:].split(".")
            text = ".".join([base.id] + new_rest)
            if len(new_rest) > len(old_rest):
                # the new path may need a submodule import, unless the file imports it
                needed = ".".join([binding.qual] + new_rest[:-1])
                if needed not in self.an.imported_modules:
                    safe = False
        else:
            return None
        span = self.span_node(node)
        start = self.span_node(base)
        span = Span(start.line, start.col, span.end_line, span.end_col)
        return Fix(f"Replace `{e.name}` with `{e.fix}`", (Edit(span, text),), safe=safe)

    def fix_attr(self, e: Entry, node: ast.Attribute) -> Fix | None:
        if not e.fix:
            return None
        new = e.fix.rsplit(".", 1)[-1]
        return Fix(f"Replace `.{node.attr}` with `.{new}`", (Edit(self.span_attr_name(node), new),),
                   safe=e.fix_safe)


# =============================================================================================
# Versions and dependencies: which hits are reported, at which level
# =============================================================================================


def _level(e: Entry, ctx: Ctx, facts) -> tuple[str | None, str]:
    """('removed' | 'deprecated' | None, context sentence)."""
    if e.kind == "never-existed":
        return "removed", ""
    if e.provided_by and any(p in facts.pins() for p in e.provided_by):
        return None, ""  # a dependency of the project provides it (setuptools' distutils)
    if e.is_python:
        target = facts.target()
        t = target.version

        def reaches(v):
            return (t is None or t >= v) and (ctx.hi is None or ctx.hi > v)

        if target.version is None:
            context = ("No target Python version was found (python-version, requires-python, or a "
                       "Dockerfile FROM python:3.X), so the newest is assumed.")
        else:
            context = f"This code targets Python {_show_ver(t)} ({target.origin})."
    else:
        pin = facts.pins().get(_norm_pkg(e.package))

        def reaches(v):
            return pin is None or pin.admits(v)

        if pin is None:
            context = f"No version pin for {e.package} was found, so every release is assumed."
        else:
            context = f"The project allows it: {pin.text} in {pin.file}."
    if e.kind == "removed":
        if reaches(e.since):
            return "removed", context
        if e.is_python and ctx.hi is not None and ctx.hi <= e.since:
            return None, ""  # `if sys.version_info < (3, 12):` — the code handles the removal
        if e.dep is not None and reaches(e.dep):
            return "deprecated", context
        return None, ""
    if reaches(e.since):
        return "deprecated", context
    return None, ""


def _message(e: Entry, level: str, context: str) -> str:
    where = "Python" if e.is_python else e.package
    if e.kind == "never-existed":
        head = f"{e.label} does not exist in {where}: {e.message}"
    elif level == "removed":
        head = f"{e.label} was removed in {where} {e.since_text}: {e.message}"
    elif e.kind == "removed":
        head = (f"{e.label} is deprecated since {where} {e.dep_text} and removed in "
                f"{e.since_text}: {e.message}")
    else:
        head = f"{e.label} is deprecated since {where} {e.since_text}: {e.message}"
    if not head.endswith((".", "!", "?")):
        head += "."
    return f"{head} {context}".strip()


_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*(\(\))?$")


def _hint(e: Entry) -> str:
    r = e.replacement.strip()
    return f"use `{r}`" if _DOTTED.match(r) else r


class _Facts:
    """Per-file lazily computed project facts."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._target = None
        self._pins = None

    def target(self) -> Target:
        if self._target is None:
            self._target = python_target(self.ctx.source.abspath, self.ctx.settings)
        return self._target

    def pins(self) -> dict[str, Pin]:
        if self._pins is None:
            self._pins = project_pins(self.ctx.source.abspath, self.ctx.settings)
        return self._pins


_IMPORT_WORDS = re.compile(r"\b(?:import|from)[ \t]+([^\n;#]+)")
_DYNAMIC_IMPORT = re.compile(r"(?:__import__|import_module)\(\s*[\'\"]([A-Za-z_]\w*)")


def _imported_roots(text: str) -> set[str]:
    """Top-level names after every `import`/`from` keyword (and in dynamic imports): a cheap
    superset of the modules a file imports, to skip files no entry can concern."""
    out: set[str] = set()
    for m in _IMPORT_WORDS.finditer(text):
        for part in m.group(1).replace("(", " ").split(","):
            words = part.split()
            if words:
                out.add(words[0].split(".", 1)[0])
    out.update(_DYNAMIC_IMPORT.findall(text))
    return out


def _analyse(ctx) -> list[tuple[str, Span, str, str, object, str]]:
    """(level, span, message, hint, fix, key) for every applicable hit in the file."""
    cat = catalogue(getattr(ctx.settings, "rule_packs", ()) or ())
    if not (_imported_roots(ctx.source.text) & cat.roots):
        return []
    an = Analyzer(ctx.model.tree)
    hits = Resolver(ctx.model, an, cat).run()
    if not hits:
        return []
    facts = _Facts(ctx)
    out = []
    seen: set = set()
    by_site: dict = {}
    for h in hits:
        by_site.setdefault(h.site, []).append(h)
    for group in by_site.values():
        chosen = None
        for h in group:
            e = h.entry
            if e.is_python and "." not in e.name and _local_module(ctx.source.abspath, ctx.settings, e.name):
                continue  # the project's own module of that name
            level, context = _level(e, h.ctx, facts)
            if level is None:
                continue
            rank = (0 if level == "removed" else 1, len(e.name))
            if chosen is None or rank < chosen[0]:
                chosen = (rank, h, level, context)
        if chosen is None:
            continue
        _, h, level, context = chosen
        if (h.span, h.entry.name) in seen:
            continue
        seen.add((h.span, h.entry.name))
        fix = h.fix() if h.fix is not None else None
        out.append((level, h.span, _message(h.entry, level, context), _hint(h.entry), fix, h.entry.name))
    out.sort(key=lambda x: (x[1], x[5]))
    return out


def _results(ctx):
    return ctx.cached(("python-apis",), lambda: _analyse(ctx))


# =============================================================================================
# Rules
# =============================================================================================


@rule("PY001", "removed-api", kinds={"python"}, severity="error", fix="safe", tags=("python", "compatibility"))
def removed_api(ctx):
    """
    ## What it does
    Flags imports and uses of Python APIs that do not exist in the Python or library version the
    project runs. The catalogue is the `python-apis` rule pack (standard-library removals,
    library removals, names that never existed), extendable with `rule-packs`.

    ## Why is this bad?
    The import or attribute access raises `ImportError`/`AttributeError` at run time, often only
    in the container: `from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2` works on no
    version of cryptography (the class is `PBKDF2HMAC`), and `import cgi` works on a laptop with
    Python 3.12 but not in a `python:3.13` image.

    The target Python version is `python-version` from the configuration, else the lower bound
    of `requires-python` in the nearest `pyproject.toml`, else the `FROM python:3.X` image of a
    Dockerfile in the file's folder or a parent folder up to the repository root, else the
    newest.  A library entry is reported when the requirements (`requirements*.txt`,
    `pyproject.toml`) allow the release that removed it, or when the library is not pinned.
    Names are resolved through the real imports (`from m import X as Y`, `import m.sub as s`,
    attribute chains); imports inside `try: ... except ImportError:` and code under
    `if sys.version_info < (3, 12):` are only reported where they can actually run.

    ## Example
    ```python
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2

    kdf = PBKDF2(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=600_000)
    ```

    ## Use instead
    ```python
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=600_000)
    ```

    ## Fix
    When the replacement is a plain rename (the pack's `fix` field), the fix rewrites the import
    and every use bound to it (or the attribute chain / the attribute name).  It is marked safe
    when the old name cannot work on the target anyway and the new name is the same object or
    its documented successor; it is unsafe when a use of the old name could not be resolved,
    when the new path may need another submodule import, or when the entry says `fix-safe: false`.
    """
    for level, span, message, hint, fix, key in _results(ctx):
        if level == "removed":
            yield ctx.report(span, message, hint=hint, fix=fix, key=key)


@rule("PY002", "deprecated-api", kinds={"python"}, severity="warning", fix="unsafe",
      tags=("python", "compatibility", "deprecated"))
def deprecated_api(ctx):
    """
    ## What it does
    Flags uses of Python APIs that are deprecated in the Python or library version the project
    runs, including APIs already removed in a later release.

    ## Why is this bad?
    Deprecated APIs emit warnings today and break on the next upgrade of the base image or of
    the library; `datetime.datetime.utcnow()` also returns a naive datetime that is easy to
    mix up with local time.  Versions are worked out as for PY001 (configuration, then
    `requires-python`, then the Dockerfile's `FROM python:3.X`, then the newest).

    ## Example
    ```python
    import datetime

    stamp = datetime.datetime.utcnow()
    ```

    ## Use instead
    ```python
    import datetime

    stamp = datetime.datetime.now(tz=datetime.timezone.utc)
    ```

    ## Fix
    Only plain renames carry a fix (for example `assertEquals` -> `assertEqual`).  Fixes of
    deprecated APIs are unsafe unless the pack marks the new name as the same object
    (`fix-safe: true`): the replacement may behave differently (aware instead of naive
    datetimes, a class moved to another module).
    """
    for level, span, message, hint, fix, key in _results(ctx):
        if level == "deprecated":
            yield ctx.report(span, message, hint=hint, fix=fix, key=key)
