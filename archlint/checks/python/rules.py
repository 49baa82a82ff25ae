"""PY001 removed-api and PY002 deprecated-api: the hits the resolver finds (resolver.py), kept
when the project's Python version or dependency pins (project.py) reach the entry's release."""
from __future__ import annotations

import re

from ...model import Span
from ...registry import rule
from .analysis import Analyzer, Ctx
from .catalogue import Entry, catalogue
from .project import BUILD_PROVIDES, Pin, Target, build_time, local_module, project_pins, python_target
from .resolver import Resolver
from .versions import OLDEST_SUPPORTED, norm_pkg, show_ver

__all__ = ["removed_api", "deprecated_api"]


# ---- which hits are reported, at which level -------------------------------------------------


def _level(e: Entry, ctx: Ctx, facts) -> tuple[str | None, str]:
    """('removed' | 'deprecated' | None, context sentence)."""
    if e.kind == "never-existed":
        return "removed", ""
    if e.provided_by and any(p in facts.pins() for p in e.provided_by):
        return None, ""  # a dependency of the project provides it (setuptools' distutils)
    if e.provided_by and BUILD_PROVIDES.intersection(e.provided_by) and facts.build_time():
        return None, ""  # setup.py and what it imports run where setuptools is
    if e.is_python:
        target = facts.target()
        t = target.version

        def reaches(v):
            return (t is None or t >= v) and (ctx.hi is None or ctx.hi > v)

        if target.version is None:
            context = ("No target Python version was found (python-version, requires-python, ruff's "
                       "target-version, .python-version, a Dockerfile FROM python:3.X, or a workflow's "
                       "setup-python), so the newest is assumed.")
        else:
            context = f"This code targets Python {show_ver(t)} ({target.origin})."
    else:
        pin = facts.pins().get(norm_pkg(e.package))

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
    if reaches(e.since) and not (e.is_python and t is None and e.since > OLDEST_SUPPORTED):
        # (no target found: a deprecation not every supported Python has is not known to apply:
        # utcnow, deprecated in 3.12, in ntn-stack's code its python:3.11 images run, 37 judged wrong)
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
    """A file's project facts, read when first asked for (and both at the end of an analysis that
    found candidates); the paths each was read from are reported with ``ctx.depends_on``."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._target = None
        self._pins = None

    def _read(self, fact, *args):
        paths: list[str] = []
        value = fact(self.ctx.source.abspath, self.ctx.settings, *args, deps=paths)
        self.ctx.depends_on(*paths)
        return value

    def target(self) -> Target:
        if self._target is None:
            self._target = self._read(python_target)
        return self._target

    def pins(self) -> dict[str, Pin]:
        if self._pins is None:
            self._pins = self._read(project_pins)
        return self._pins

    def build_time(self) -> bool:
        return self._read(build_time)

    def local_module(self, name: str) -> bool:
        return self._read(local_module, name)


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


#: modules of Python 2 that Python 3 renamed or removed (``import StringIO`` fails on every 3.x)
_PYTHON2_ONLY = frozenset((
    "StringIO", "cStringIO", "urllib2", "urlparse", "ConfigParser", "cPickle", "Queue", "SocketServer",
    "HTMLParser", "httplib", "Tkinter", "__builtin__", "cookielib", "Cookie", "xmlrpclib",
    "SimpleHTTPServer", "BaseHTTPServer", "CGIHTTPServer", "copy_reg", "anydbm", "dbhash", "whichdb",
    "robotparser", "htmlentitydefs", "UserDict", "UserList", "UserString", "mimetools", "rfc822", "popen2",
    "dummy_thread"))  # (not commands, exceptions, thread, sets...: names a project's own module may have)


def _python2_imports(tree) -> list:
    """The Python 2 modules a module imports at its top level, unguarded (not in a ``try``):
    such a file is Python 2 code (cluster-api's ``boilerplate_test.py``: ``import StringIO``)."""
    import ast

    out = []
    for st in getattr(tree, "body", ()):
        if isinstance(st, ast.Import):
            out += [a.name for a in st.names if a.name in _PYTHON2_ONLY]
        elif isinstance(st, ast.ImportFrom) and not st.level and st.module in _PYTHON2_ONLY:
            out.append(st.module)
    return out


def _python2_builtins(tree) -> bool:
    """Whether the module reads, unguarded, a builtin only Python 2 has (``unicode``,
    ``basestring``...) that it never binds: Python 2 code (werf's ansible callback, run by the
    python2.7 its image ships).  A read in a branch of an ``if`` (``if six.PY2:``, a version test),
    of a conditional expression, after the first operand of ``and``/``or``, or in a ``try`` is a
    compatibility shim's, and says nothing; so does a module with an ``except NameError``."""
    import ast

    from .analysis import PYTHON2_BUILTINS, reads_python2_builtin

    if not reads_python2_builtin(tree):
        return False
    for n in ast.walk(tree):
        t = type(n)
        if t is ast.Name and type(n.ctx) is not ast.Load and n.id in PYTHON2_BUILTINS \
                or t in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef) and n.name in PYTHON2_BUILTINS \
                or t is ast.alias and (n.asname or n.name) in PYTHON2_BUILTINS \
                or t is ast.arg and n.arg in PYTHON2_BUILTINS \
                or t is ast.ExceptHandler and n.type is not None and "NameError" in ast.dump(n.type):
            return False
    stack = [tree]  # (the unguarded part of the tree: an if's test, not its branches)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is ast.Name and n.id in PYTHON2_BUILTINS and type(n.ctx) is ast.Load:
            return True
        if t in (ast.If, ast.IfExp, ast.While):
            stack.append(n.test)
        elif t is ast.BoolOp:
            stack.append(n.values[0])
        elif t not in (ast.Try, getattr(ast, "TryStar", ast.Try)):
            stack.extend(ast.iter_child_nodes(n))
    return False


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
    if any(not facts.local_module(m) for m in _python2_imports(ctx.model.tree)) or _python2_builtins(ctx.model.tree):
        return []  # Python 2 code: it runs on no Python 3, so what 3.x removed is moot
    out = []
    seen: set = set()
    by_site: dict = {}
    for h in hits:
        by_site.setdefault(h.site, []).append(h)
    for group in by_site.values():
        chosen = None
        for h in group:
            e = h.entry
            if e.is_python and "." not in e.name and facts.local_module(e.name):
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
    # both facts, whichever the hits needed: the result then follows every project file that
    # decides a level (the cache re-lints it when a requirement or the Python version changes)
    facts.target()
    facts.pins()
    return out


def _results(ctx):
    return ctx.cached(("python-apis",), lambda: _analyse(ctx))


# ---- the rules --------------------------------------------------------------------------------


@rule("PY001", "removed-api", severity="error", fix="safe", tags=("python", "compatibility"))
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

    The target Python version is `python-version` from the configuration, else, in the nearest
    folder that says one, the lower bound of `requires-python` or ruff's `target-version` in
    `pyproject.toml`, pyenv's `.python-version` or App Engine's `runtime: python27` in `app.yaml`
    (frigate, test-infra's gubernator), else the `FROM python:3.X` image of a
    Dockerfile in the file's folder or a parent folder up to the repository root, or in the top's `docker/`,
    `build/`... folders that copies the file's top-level folder (clearml-server's `COPY apiserver`), or in a folder
    beside the file's that copies its folder (`src/api/Dockerfile`'s `COPY shared/`), else ruff's
    `target-version` in its own `.ruff.toml` or `ruff.toml` (nearest first), else the lowest `python-version` the repository's GitHub workflows set up (`actions/setup-python`, a matrix's list
    too: metalk8s' build job), else the newest.  A library entry is reported when the requirements (`requirements*.txt`,
    `pyproject.toml`) allow the release that removed it, or when the library is not pinned.
    Names are resolved through the real imports (`from m import X as Y`, `import m.sub as s`,
    attribute chains); imports inside `try: ... except ImportError:` and code under
    `if sys.version_info < (3, 12):` (or a flag the module sets once from such a test: `PY3 = sys.version_info > (3, 0)`,
    a compatibility library's `PY2`/`PY3`: six's, python-future's `from future.utils import PY3`, `utils.PY3`) are only
    reported where they can actually run. A file
    importing a Python 2 module unguarded at its top (`import StringIO`), or reading a builtin only Python 2 has
    (`unicode`, `basestring`...) that it never binds nor guards, is Python 2 code: not reported; so is what follows
    such a read in a `try` whose handler catches NameError (metaflow's `unicode_type = unicode`, then `from pipes ...`). An API a dependency provides (setuptools' `distutils`) is not reported where the
    project requires it, nor in `setup.py` and the modules it imports (python-versioneer's
    `versioneer.py`): pip builds a setup.py project with setuptools.

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
    and every use bound to it (or the attribute chain / the attribute name).  The entry's
    `fix-safety` decides: `safe` only when the new name is a drop-in (the same object, or a
    callable accepting every call the old one accepted, with the same meaning, on every release
    the old one worked on: `collections.Mapping` -> `collections.abc.Mapping`, `assertEquals` ->
    `assertEqual`); `unsafe` (the default) when the rename can change behaviour or break a call,
    so it is applied only with `--unsafe-fixes`: `PBKDF2` -> `PBKDF2HMAC` (another signature),
    `np.issubclass_` -> `issubclass` (raises where it returned False), a class moved to a module
    that older releases lack; `none` offers no fix.  A safe entry's fix is still unsafe when a
    use of the old name could not be resolved or the new path may need another submodule import.
    """
    for level, span, message, hint, fix, key in _results(ctx):
        if level == "removed":
            yield ctx.report(span, message, hint=hint, fix=fix, key=key)


@rule("PY002", "deprecated-api", severity="warning", fix="safe",
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
    `requires-python`, then the Dockerfile's `FROM python:3.X`, then the lowest `python-version` the GitHub
    workflows set up). Where none says, an API Python deprecated is reported only when every supported
    Python (3.11 and later) deprecates it: `datetime.utcnow()`, deprecated in 3.12, is not (on real
    repositories, 46 of 53 such findings were judged wrong readings: the code ran on 3.11 or older).

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
    Only plain renames carry a fix, and as for PY001 the entry's `fix-safety` decides whether it
    is safe: `threading.currentThread` -> `threading.current_thread` is (the old function only
    warns and calls the new one); `Certificate.not_valid_before` -> `not_valid_before_utc` is
    unsafe (an aware instead of a naive datetime), and so is a class moved to a module that
    older releases of the library lack.  An entry without `fix-safety` is unsafe.
    `datetime.datetime.utcnow()` carries no fix: `now(tz=...)` returns an aware datetime.
    """
    for level, span, message, hint, fix, key in _results(ctx):
        if level == "deprecated":
            yield ctx.report(span, message, hint=hint, fix=fix, key=key)
