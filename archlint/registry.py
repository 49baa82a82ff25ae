"""The rule registry.

A rule is a small unit: an ID, a slug name, the file kinds it reads, a default severity, a
docstring in the shape of ruff's rule pages (What it does / Why is this bad? / Example / Use
instead / Fix) and a check function that yields findings built with ``ctx.report``.

Rule modules are imported lazily, per family, so linting a Dockerfile never imports the YAML or
Python rule code.
"""
from __future__ import annotations

import re

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

    def invalid_platform(self, span: Span, value: str, where: str, fixable: bool = True) -> Finding | None:
        """The one shape of the invalid-platform rules (DF009, BC008, DC004, GHA004): None when
        ``value`` is a valid platform, else "Invalid platform <where>: <reason>." with the
        nearest valid value as a safe fix when ``fixable`` (the value is written as it is at
        ``span``, not produced by a variable)."""
        from . import platforms as plat

        try:
            plat.parse(value)
            return None
        except plat.PlatformError as e:
            err = e
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
