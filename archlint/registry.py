"""The rule registry.

A rule is a small unit: an ID, a slug name, the file kinds it reads, a default severity, a
docstring in the shape of ruff's rule pages (What it does / Why is this bad? / Example / Use
instead / Fix) and a check function that yields findings built with ``ctx.report``.

Rule modules are imported lazily, per family, so linting a Dockerfile never imports the YAML or
Python rule code.
"""
from __future__ import annotations

import re

from . import checks as _checks
from .checks import FAMILIES
from .model import Edit, Finding, Fix, Related, Severity, Span

#: family prefix -> Family, and file kind -> prefixes of the families whose rules may apply to
#: it; both derived from archlint.checks.FAMILIES, where families are declared
_BY_PREFIX: dict = {}
_KIND_FAMILIES: dict[str, tuple[str, ...]] = {}


def register_family(fam) -> None:
    """Index a family (an ``archlint.checks.Family``).  Every entry of ``FAMILIES`` is indexed
    when this module is imported; tests call it for a family of their own."""
    _BY_PREFIX[fam.prefix] = fam
    for kind in fam.kinds:
        if fam.prefix not in _KIND_FAMILIES.get(kind, ()):
            _KIND_FAMILIES[kind] = _KIND_FAMILIES.get(kind, ()) + (fam.prefix,)


for _fam in FAMILIES:
    register_family(_fam)

RULES: dict[str, "Rule"] = {}
_loaded: set[str] = set()

_ID_RE = re.compile(r"^([A-Z][A-Z0-9]*?)(\d{3})$")


class Rule:
    __slots__ = ("id", "name", "kinds", "severity", "check", "_doc", "enabled", "fix", "tags", "precision", "family")

    def __init__(self, id, name, kinds, severity, check, doc, enabled=True, fix=None, tags=(), precision="high", family=""):
        self.id = id
        self.name = name
        self.kinds = frozenset(kinds)
        self.severity = severity
        self.check = check  # check(ctx) -> iterable of Finding
        self._doc = doc  # the docstring as written; dedented when first read
        self.enabled = enabled  # on by default
        self.fix = fix  # None, "safe" or "unsafe"
        self.tags = tuple(tags)
        self.precision = precision
        self.family = family

    def __repr__(self):
        return f"Rule({self.id} {self.name})"

    @property
    def doc(self) -> str:
        doc = self._doc
        if doc and doc[:1] in " \n":
            import textwrap  # only when documentation is shown (rules, hover, SARIF)

            doc = self._doc = textwrap.dedent(doc).strip()
        return doc

    @property
    def family_name(self) -> str:
        fam = _BY_PREFIX.get(self.family)
        return fam.name if fam is not None else self.family.lower()

    @property
    def summary(self) -> str:
        """One sentence: the first sentence of the doc's first paragraph."""
        body = doc_sections(self.doc).get("What it does", self.doc.strip())
        para = " ".join(body.strip().split("\n\n")[0].split())
        m = re.match(r"(.+?[.!?])(\s|$)", para)
        return (m.group(1) if m else para).strip()

    @property
    def fixable(self) -> bool:
        return self.fix is not None


def rule(
    id: str,
    name: str,
    *,
    kinds=None,
    severity: Severity | str = Severity.WARNING,
    enabled: bool = True,
    fix: str | None = None,
    tags=(),
    precision: str = "high",
):
    """Register ``check`` as rule ``id``; its docstring is the rule's documentation.

    The ID's prefix must be a declared family (archlint/checks/__init__.py).  ``kinds`` defaults
    to the family's kinds; a rule that reads fewer names them, a subset of the family's: a rule the engine would never run is a programming error,
    raised when the family is imported (the test suite imports every family)."""
    m = _ID_RE.match(id)
    if not m:
        raise ValueError(f"bad rule id {id!r}")
    fam = _BY_PREFIX.get(m.group(1))
    if fam is None:
        raise ValueError(f"rule {id}: no family with prefix {m.group(1)!r} in archlint.checks.FAMILIES")
    if kinds is None:
        kinds = fam.kinds
    if not set(kinds) <= set(fam.kinds):
        raise ValueError(f"rule {id}: kinds {sorted(set(kinds) - set(fam.kinds))} are not kinds of family {fam.name}")
    sev = Severity.parse(severity) if isinstance(severity, str) else severity

    def deco(fn):
        doc = fn.__doc__ or ""
        RULES[id] = Rule(
            id=id,
            name=name,
            kinds=frozenset(kinds),
            severity=sev,
            check=fn,
            doc=doc,
            enabled=enabled,
            fix=fix,
            tags=tuple(tags),
            precision=precision,
            family=m.group(1),
        )
        return fn

    return deco


_resets: list = []


def on_new_run(forget) -> None:
    """Register ``forget()``: it drops what a family remembered from disk besides the linted
    file (the Python rules' project files), so that the next run reads them again.  A CLI
    process lints once; a language server or a program that lints repeatedly calls
    ``new_run()`` before each lint."""
    _resets.append(forget)


def new_run() -> None:
    for forget in _resets:
        forget()


def load_family(prefix: str) -> None:
    """Import the family's package, which registers its rules (once)."""
    if prefix in _loaded:
        return
    _loaded.add(prefix)
    fam = _BY_PREFIX.get(prefix)
    if fam is not None:
        # __import__, not importlib.import_module: the importlib package imports warnings
        __import__(fam.module)


def load_all() -> dict[str, Rule]:
    for prefix in list(_BY_PREFIX):
        load_family(prefix)
    return RULES


def known_selector(selector: str, allow_all: bool = True) -> bool:
    """Whether ``selector`` (upper case) names rules: ``ALL`` (when ``allow_all``), a family
    prefix or a prefix of one (``D`` covers DF and DC), or a prefix of a registered rule ID
    (``DF0``, ``DF001``).  Family prefixes are judged from the FAMILIES table without importing
    anything; a longer selector imports the one family it starts with, never all of them."""
    if selector == "ALL" and allow_all:
        return True
    if not selector:
        return False
    longer = []
    for prefix in _BY_PREFIX:
        if prefix.startswith(selector):
            return True
        if selector.startswith(prefix):
            longer.append(prefix)
    for prefix in longer:
        ids = _declared_ids(prefix)
        if ids is None:  # no source to read (a frozen build): ask the family itself
            load_family(prefix)
            ids = [rid for rid, r in RULES.items() if r.family == prefix]
        if any(rid.startswith(selector) for rid in ids):
            return True
    # registered besides what the source declares (a test's or a plugin's rule)
    return bool(longer) and any(rid.startswith(selector) for rid in RULES)


def family_enabled(settings, prefix: str) -> bool:
    """Whether ``settings`` enable any rule of the family, judged from the IDs its source
    declares (no import) when they can be read; a family whose rules are all on by default is
    judged by the selectors alone (the project family's are)."""
    if prefix in _loaded:
        return any(settings.rule_enabled(r) for r in RULES.values() if r.family == prefix)
    ids = _declared_ids(prefix)
    if ids is None:
        load_family(prefix)
        return any(settings.rule_enabled(r) for r in RULES.values() if r.family == prefix)
    return ids_enabled(settings, ids)


class _Named:  # what rule_enabled reads of a rule on by default
    __slots__ = ("id", "enabled")

    def __init__(self, rid):
        self.id, self.enabled = rid, True


def ids_enabled(settings, ids) -> bool:
    """Whether ``settings`` enable any of the rules ``ids`` (rules on by default), without
    importing them."""
    return any(settings.rule_enabled(_Named(i)) for i in ids)


_DECLARED: dict = {}


def _declared_ids(prefix: str) -> list[str] | None:
    """The rule IDs a family's source declares (``@rule("DF001", ...``), read as text rather than
    imported: naming ``PY002`` in ``ignore`` must not cost every run the Python family's import
    (~20 ms).  None when the family's files cannot be found."""
    hit = _DECLARED.get(prefix)
    if hit is not None:
        return hit
    fam = _BY_PREFIX[prefix]
    if fam.module != f"{_checks.__name__}.{fam.package}":
        return None  # a family from elsewhere (a test's): import it to know its rules
    import os

    folder = os.path.join(os.path.dirname(_checks.__file__), fam.package)
    try:
        files = [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.endswith(".py")]
    except OSError:
        return None
    pattern = re.compile(r'@rule\(\s*["\'](' + re.escape(prefix) + r'\d{3})["\']')
    ids: list[str] = []
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                ids += pattern.findall(fh.read())
        except (OSError, UnicodeDecodeError):
            return None
    _DECLARED[prefix] = ids
    return ids


def closest_selector(selector: str, allow_all: bool = True) -> str | None:
    """The known selector nearest to an unknown one, for a "did you mean": a rule ID of the
    family it starts with (or of families with a similar prefix), a family prefix, or ``ALL``.
    Imports at most the families whose prefix resembles the selector's."""
    import difflib

    if selector.startswith("DL"):  # a hadolint code where archlint's is meant
        from .suppress import HADOLINT_MAP

        mapped = HADOLINT_MAP.get(selector)
        if mapped:
            return mapped[0]
    head = selector.rstrip("0123456789") or selector
    prefixes = list(_BY_PREFIX)
    near = [p for p in prefixes if selector.startswith(p)]
    near += [p for p in difflib.get_close_matches(head, prefixes, n=2, cutoff=0.5) if p not in near]
    candidates = (["ALL"] if allow_all else []) + prefixes
    for prefix in near:
        load_family(prefix)
        candidates += [rid for rid, r in RULES.items() if r.family == prefix]
    # the best ratio wins; on a tie the lowest ID (a new rule, numbered last, does not take over)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(selector)
    scored = []
    for cand in candidates:
        matcher.set_seq1(cand)
        ratio = matcher.ratio()
        if ratio >= 0.5:
            scored.append((-ratio, cand))
    return min(scored)[1] if scored else None


def rules_for_kind(kind: str) -> list[Rule]:
    fams = _KIND_FAMILIES.get(kind, ())
    for f in fams:
        load_family(f)
    return [r for r in RULES.values() if r.family in fams and kind in r.kinds]


def get_rule(rule_id: str) -> Rule | None:
    m = _ID_RE.match(rule_id.upper())
    if m:
        load_family(m.group(1))
    return RULES.get(rule_id.upper())


def doc_sections(doc: str) -> dict[str, str]:
    """Split a rule doc into its ``## Heading`` sections."""
    out: dict[str, str] = {}
    current = None
    buf: list[str] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            if current is not None:
                out[current] = "\n".join(buf).strip()
            current, buf = line[3:].strip(), []
        else:
            buf.append(line)
    if current is not None:
        out[current] = "\n".join(buf).strip()
    return out


class Context:
    """What a check sees: the source, the parsed model of its kind, the settings that apply to
    the file, and ``report`` to build findings for the rule being run."""

    __slots__ = ("source", "model", "kind", "settings", "rule", "_cache")

    def __init__(self, source, model, kind: str, settings):
        self.source = source
        self.model = model
        self.kind = kind
        self.settings = settings
        self.rule: Rule | None = None
        self._cache: dict = {}

    def depends_on(self, *paths: str) -> None:
        """Record paths besides the linted file that a rule read: files whose bytes, or folders
        whose listing, decide its findings (a pyproject.toml, a Dockerfile next to it, the
        folder where a sibling module may appear).  They join the parser's own list in
        ``FileResult.deps``, which is all the result cache checks: a family never describes its
        inputs anywhere else."""
        self.source.inputs.extend(paths)

    def repository_root(self) -> str | None:
        """The git top level of the linted file (a folder holding ``.git``), or None when it is in
        no repository (or is not a file on disk).  Rules that look at other files never look above
        it.  The ``.git`` paths looked for are recorded as inputs (one appearing changes it)."""
        def compute():
            import os

            path = self.source.abspath
            if not path or not os.path.isabs(path):
                return None
            from .discovery import find_root

            probes: list = []
            top = find_root(os.path.dirname(path), probes)
            self.depends_on(*probes)
            return top if os.path.exists(os.path.join(top, ".git")) else None

        return self.cached("repository_root", compute)

    @property
    def targets(self):
        """The configured platforms and the none / single / several policy
        (``platforms.Targets``): the one place rules ask it."""
        t = self._cache.get("targets")
        if t is None:
            from .platforms import Targets

            t = self._cache["targets"] = Targets(self.settings.platforms)
        return t

    def cached(self, key, compute):
        """Share derived data (commands extracted from the file, ...) between rules."""
        try:
            return self._cache[key]
        except KeyError:
            val = self._cache[key] = compute()
            return val

    def report(
        self,
        span: Span,
        message: str,
        *,
        hint: str | None = None,
        fix: Fix | None = None,
        related=(),
        key: str = "",
        severity: Severity | None = None,
    ) -> Finding:
        rule = self.rule
        assert rule is not None
        return Finding(
            rule.id,
            message,
            span,
            severity or rule.severity,
            hint=hint,
            fix=fix,
            related=tuple(related),
            key=key,
        )

    def notice(self, span: Span, message: str, *, group: str = "", summary: str = ""):
        """A notice about the file rather than a finding in it (yield it like a finding): an
        info note that obeys ``ignore``, ``per-file-ignores`` and inline suppressions at its
        place, never fails a run, and in SARIF is a notification, not a result.  Notices with the same
        ``group`` are printed once by the human formats, as ``summary`` (``{count}`` = how many
        files): what a rule says about the whole run (``platforms`` is not configured) is said
        once, not once per file."""
        from .model import Notice

        rule = self.rule
        assert rule is not None
        return Notice(rule.id, message, self.source.path, span.line, span.col, Severity.INFO,
                      group=group, summary=summary)

    def invalid_platform(self, span: Span, value: str, where: str, fixable: bool = True,
                         bare_os: bool = True, on_linux: bool = False) -> Finding | None:
        """The one shape of the invalid-platform rules (DF009, BC008, DC004, GHA004), by how
        the build reads ``value`` (``platforms.read``): None for a canonical spelling; an info
        finding with a safe fix for another spelling of the same platform (``linux/x86_64``);
        an info finding with an unsafe fix for an architecture without OS (``amd64``: the client
        adds its own OS, ``darwin`` on a Mac; with ``on_linux``, a value read where the OS is
        always Linux, a ``FROM --platform`` BuildKit reads on its Linux daemon or buildah's
        ``--platform``, only another spelling: ``x86_64``); a warning for an OS without architecture when ``bare_os`` (the
        build machine's CPU decides; DF003 reports it in a FROM); else "Invalid platform
        <where>: <reason>." with the nearest valid value as a safe fix.  Fixes only when
        ``fixable`` (the value is written as it is at ``span``, not produced by a variable)."""
        from . import platforms as plat

        try:
            sp = plat.read(value)
        except plat.PlatformError as e:
            err = e
        else:
            return self._platform_spelling(span, value, where, sp, fixable, bare_os, on_linux)
        fix = None
        if err.suggestion and fixable:
            fix = Fix(f"Replace with {err.suggestion}", (Edit(span, err.suggestion),), safe=True)
        return self.report(
            span,
            f"Invalid platform {where}: {err.message}.",
            hint=f"did you mean {err.suggestion}?" if err.suggestion else "use os/arch[/variant], e.g. linux/amd64",
            fix=fix,
            key=value,
        )

    def _platform_spelling(self, span: Span, value: str, where: str, sp, fixable: bool, bare_os: bool,
                           on_linux: bool = False):
        shown = value.strip()
        if sp.kind == "canonical" or (sp.kind == "bare-os" and not bare_os):
            return None
        if on_linux and sp.kind == "bare-arch" and sp.canonical == "linux/" + shown:
            # FROM --platform=arm64: the Dockerfile frontend reads it inside BuildKit, on its Linux
            # daemon: linux/arm64 (a client's --platform arm64 takes the client's OS: darwin on a
            # Mac); buildah runs on Linux only
            return None
        it = "it" if where == repr(shown) else repr(shown)  # DF009 names the value as its place
        if sp.kind == "bare-os":
            return self.report(
                span,
                f"Incomplete platform {where}: {it} names no architecture, so the build uses the build "
                "machine's CPU and the result depends on where it runs.",
                hint=f"name the architecture ({sp.canonical}/amd64, {sp.canonical}/arm64 ...)",
                severity=Severity.WARNING,
                key=value,
            )
        edit = (Edit(span, sp.canonical),) if fixable else ()
        if sp.kind == "alias":
            return self.report(
                span,
                f"Non-canonical platform {where}: the build reads {it} as {sp.canonical}.",
                hint=f"write {sp.canonical}",
                fix=Fix(f"Replace with {sp.canonical}", edit, safe=True) if edit else None,
                severity=Severity.INFO,
                key=value,
            )
        return self.report(  # bare-arch
            span,
            f"Incomplete platform {where}: {it} names no OS, so the build adds its own "
            f"({sp.canonical} on a Linux build machine).",
            hint=f"write {sp.canonical}",
            fix=Fix(f"Replace with {sp.canonical}", edit, safe=False) if edit else None,
            severity=Severity.INFO,
            key=value,
        )


__all__ = [
    "Context",
    "Edit",
    "Fix",
    "Related",
    "Rule",
    "RULES",
    "Severity",
    "Span",
    "doc_sections",
    "get_rule",
    "load_all",
    "rule",
    "rules_for_kind",
]
