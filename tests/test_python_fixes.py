"""PY001/PY002 fix safety: a fix is safe only when the replacement is a drop-in.

Every entry of rules/python-apis.yaml with a ``fix`` says so in ``fix-safety`` (and why in
``fix-reason``).  Here: ``--fix`` leaves an unsafe rename alone (PBKDF2 -> PBKDF2HMAC); every safe
entry whose old and new names this Python can import has a replacement that accepts every call the
old name accepted (positions, keyword names, kinds, defaults); and every safe fix, applied to a
small program using the old name, gives a program that parses, is clean, and whose rewritten call
still binds to the new callable."""
from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import warnings

import pytest
import yaml

from archlint import cli
from helpers import REPO, apply_fix, check, dedent, findings, lint_inline, show


pytestmark = pytest.mark.usefixtures("fresh_python_caches")

ENTRIES = yaml.safe_load((REPO / "rules" / "python-apis.yaml").read_text(encoding="utf-8"))["entries"]
FIXED = [e for e in ENTRIES if "fix" in e]
SAFE = [e for e in FIXED if e.get("fix-safety") == "safe"]
P = inspect.Parameter
POSITIONAL = (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)


# ---- the PBKDF2 case: another signature, so the fix is unsafe -------------------------------

PBKDF2_APP = """
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2

    key = PBKDF2(b"password", b"salt", 32, 1000)
"""


@pytest.fixture
def cli_repo(repo, monkeypatch):
    """``repo`` as the working directory of an in-process ``archlint check``."""
    monkeypatch.chdir(repo)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(repo / ".cache-archlint"))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return repo


def run_check(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["check", "--isolated", "--no-cache", "--python-version", "3.13", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_pbkdf2_fix_is_unsafe_so_fix_leaves_the_file_alone(cli_repo, capsys):
    target = cli_repo / "app.py"
    target.write_text(dedent(PBKDF2_APP), encoding="utf-8")
    before = target.read_bytes()
    code, out, err = run_check(capsys, "--fix", "app.py")
    assert target.read_bytes() == before
    assert code == 1 and "PY001" in out
    assert "1 more with --unsafe-fixes" in err
    code, out, err = run_check(capsys, "--fix", "--unsafe-fixes", "app.py")
    assert target.read_text(encoding="utf-8") == dedent(PBKDF2_APP).replace("PBKDF2", "PBKDF2HMAC")


def test_pbkdf2_finding_carries_an_unsafe_fix(repo):
    found = findings(lint_inline(PBKDF2_APP, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert [f.key for f in found] == ["cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2"]
    assert found[0].fix is not None and found[0].fix.safe is False


# ---- the shipped pack: every fix classified ----------------------------------------------------


def test_every_fix_of_the_shipped_pack_is_classified_with_a_reason():
    assert FIXED and SAFE
    for e in FIXED:
        assert e.get("fix-safety") in ("safe", "unsafe", "none"), e["name"]
        assert len(e.get("fix-reason", "")) >= 20, e["name"]
        assert "fix-safe" not in e, e["name"]
    unsafe = {e["name"] for e in FIXED if e["fix-safety"] == "unsafe"}
    # renames that change a signature, a result type or need a newer release stay unsafe
    assert {
        "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2",
        "cryptography.x509.Certificate.not_valid_before",
        "cryptography.hazmat.primitives.ciphers.algorithms.CAST5",
        "configparser.RawConfigParser.readfp",
        "locale.format",
        "numpy.issubclass_",
    } <= unsafe


# ---- signatures ----------------------------------------------------------------------------------


def resolve(dotted: str):
    """The object a dotted name stands for in this Python, or None when it cannot be imported
    (a library that is not installed, a name this Python or the installed release removed)."""
    if "." not in dotted:
        return getattr(builtins, dotted, None)
    parts = dotted.split(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            try:
                for attr in parts[i:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                return None
            return obj
    return None


def signature(obj):
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def forwarded(obj):
    """What a deprecation shim taking only ``(*args, **kwargs)`` hands its arguments to: the base
    class of ``class Old(New)`` whose ``__init__`` warns and calls ``super().__init__``, the one
    function a wrapper closes over (``_deprecate(assertEqual)``); else ``obj`` itself."""
    sig = signature(obj)
    if sig is None or [p.kind for p in sig.parameters.values()] != [P.VAR_POSITIONAL, P.VAR_KEYWORD]:
        return obj
    if isinstance(obj, type):
        return obj.__mro__[1]
    cells = [c.cell_contents for c in getattr(obj, "__closure__", None) or () if callable(c.cell_contents)]
    return cells[0] if len(cells) == 1 else obj


def _same_default(a, b) -> bool:
    if a is P.empty or b is P.empty:
        return a is b
    try:
        return a is b or bool(a == b)
    except Exception:  # noqa: BLE001 - an odd __eq__: not the same default
        return False


def incompatibilities(old, new) -> list[str]:
    """How a call of ``old`` could fail or change meaning with ``new``; [] for a drop-in.
    (None when a signature cannot be read: not introspectable.)"""
    old, new = forwarded(old), forwarded(new)
    if old is new:
        return []
    a, b = signature(old), signature(new)
    if a is None or b is None:
        return None
    out = []
    old_params, new_params = list(a.parameters.values()), list(b.parameters.values())
    new_by_name = {p.name: p for p in new_params}
    new_pos = [p for p in new_params if p.kind in POSITIONAL]
    new_kinds = {p.kind for p in new_params}
    matched = set()
    for i, p in enumerate(x for x in old_params if x.kind in POSITIONAL):
        q = new_pos[i] if i < len(new_pos) else None
        if q is None:
            if P.VAR_POSITIONAL not in new_kinds:
                out.append(f"no place for positional argument {i + 1} ({p.name})")
            continue
        matched.add(q.name)
        if not _same_default(p.default, q.default):
            out.append(f"argument {i + 1}: default {p.default!r} -> {q.default!r}")
        if p.kind == P.POSITIONAL_OR_KEYWORD and q.name != p.name:
            out.append(f"keyword {p.name}= is now {q.name}=")
        elif p.kind == P.POSITIONAL_OR_KEYWORD and q.kind == P.POSITIONAL_ONLY:
            out.append(f"{p.name} can no longer be passed by keyword")
    for p in old_params:
        if p.kind == P.KEYWORD_ONLY:
            q = new_by_name.get(p.name)
            if q is None or q.kind not in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY):
                out.append(f"keyword {p.name}= is not accepted")
                continue
            matched.add(q.name)
            if not _same_default(p.default, q.default):
                out.append(f"{p.name}=: default {p.default!r} -> {q.default!r}")
        elif p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD) and p.kind not in new_kinds:
            out.append(f"{'*' if p.kind == P.VAR_POSITIONAL else '**'}{p.name} is not accepted")
    for q in new_params:
        if q.name not in matched and q.default is P.empty and q.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            out.append(f"new required argument {q.name}")
    return out


def test_the_signature_check_sees_what_breaks_a_call():
    def old(percent, value, grouping=False, monetary=False, *additional): ...
    def new(f, val, grouping=False, monetary=False): ...
    assert incompatibilities(old, new) == [
        "keyword percent= is now f=", "keyword value= is now val=", "*additional is not accepted",
    ]

    def old_kw(a, *, strict=True): ...
    def new_kw(a, b, *, strict=False): ...
    assert incompatibilities(old_kw, new_kw) == ["strict=: default True -> False", "new required argument b"]

    def new_ok(a, /, *args, strict=True, extra=None, **kwargs): ...
    assert incompatibilities(old_kw, new_ok) == ["a can no longer be passed by keyword"]

    def target(x, y=1): ...

    def shim(*args, **kwargs):
        return target(*args, **kwargs)

    assert incompatibilities(shim, target) == []


def test_every_safe_fix_accepts_every_call_of_the_old_name():
    checked, not_here = [], []
    for e in SAFE:
        old, new = resolve(e["name"]), resolve(e["fix"])
        problems = None if old is None or new is None else incompatibilities(old, new)
        if problems is None:
            not_here.append(e["name"])
            continue
        assert problems == [], e["name"]
        checked.append(e["name"])
    # what this Python cannot import (libraries that are not installed, names it removed) must
    # say why the rename is a drop-in
    reasons = {e["name"]: e.get("fix-reason", "") for e in SAFE}
    assert [n for n in not_here if len(reasons[n]) < 20] == []
    assert len(checked) + len(not_here) == len(SAFE)
    if resolve("unittest.TestCase.assertEquals") is not None:  # Python < 3.12
        assert {"unittest.TestCase.assertEquals", "configparser.SafeConfigParser", "io.OpenWrapper",
                "threading.currentThread"} <= set(checked)


def test_the_unsafe_stdlib_renames_are_caught_where_this_python_has_them():
    readfp = resolve("configparser.RawConfigParser.readfp")
    if readfp is None:
        pytest.skip("this Python removed configparser's readfp")
    assert incompatibilities(readfp, resolve("configparser.RawConfigParser.read_file")) == [
        "keyword fp= is now f=", "keyword filename= is now source=",
    ]
    assert "keyword percent= is now f=" in incompatibilities(resolve("locale.format"), resolve("locale.format_string"))


# ---- every safe fix applied to a small program ---------------------------------------------------


def call_arguments(obj, method: bool) -> str | None:
    """Literal arguments for a call that the old callable accepts, every one by keyword where it
    can be: ``name=0`` for a required parameter (a bare 0 when it is positional-only),
    ``name=default`` for one with a literal default.  None when no signature can be read."""
    sig = signature(forwarded(obj))
    if sig is None or not callable(obj):
        return None
    params = list(sig.parameters.values())[1 if method else 0:]
    args = []
    for p in params:
        if p.kind in POSITIONAL and p.default is P.empty:
            args.append("0" if p.kind == P.POSITIONAL_ONLY else f"{p.name}=0")
    for p in params:
        if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY) and p.default is not P.empty:
            try:
                literal = ast.literal_eval(repr(p.default)) == p.default
            except (ValueError, SyntaxError):
                literal = False
            if literal:
                args.append(f"{p.name}={p.default!r}")
    return ", ".join(args)


def programs(e: dict) -> list[tuple[str, str]]:
    """(form, program) using the entry's old name; a call of it with literal arguments when its
    signature can be read here, assigned to ``result``."""
    module, attr = e["name"].rsplit(".", 1)
    old = resolve(e["name"])
    if e.get("match", "reference") == "method":
        owner = e.get("types", [module])[0]
        root = owner.split(".")[0]
        args = call_arguments(old, method=True)
        use = f"obj.{attr}" if args is None else f"obj.{attr}({args})"
        return [("method", f"import {root}\n\nobj = {owner}()\nresult = {use}\n")]
    assert e.get("match", "reference") == "reference", e["name"]
    args = call_arguments(old, method=False)
    out = []
    if "." in e["fix"]:  # a builtin replacement is not imported from a module
        use = attr if args is None else f"{attr}({args})"
        out.append(("from-import", f"from {module} import {attr}\n\nresult = {use}\n"))
    use = e["name"] if args is None else f"{e['name']}({args})"
    out.append(("module", f"import {module}\n\nresult = {use}\n"))
    return out


def bind_result_call(program: str, new, method: bool) -> None:
    """Bind the literal arguments of the call assigned to ``result`` (if it is a call) to
    ``new``'s signature."""
    tree = ast.parse(program)
    call = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "result")
    if not isinstance(call, ast.Call):
        return  # the old name's signature could not be read here: a reference, no call
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    sig = signature(forwarded(new))
    if method:
        args = [object()] + args  # self
    sig.bind(*args, **kwargs)  # TypeError when the rewritten call no longer binds


@pytest.mark.parametrize("entry", SAFE, ids=[e["name"] for e in SAFE])
def test_every_safe_fix_gives_a_program_that_parses_and_binds(repo, entry):
    new = resolve(entry["fix"])
    new_attr = entry["fix"].rsplit(".", 1)[-1]
    for form, program in programs(entry):
        found = [f for f in findings(lint_inline(program, kind="python", name="m.py", tmp_path=repo,
                                                 python_version="3.13"), "PY")
                 if f.key == entry["name"]]
        assert len(found) == 1 and found[0].fix is not None, (form, show(found))
        fixed = apply_fix(dedent(program), found[0].fix)
        ast.parse(fixed)
        assert new_attr in fixed, (form, fixed)
        relint = lint_inline(fixed, kind="python", name="m.py", tmp_path=repo, python_version="3.13")
        assert [f.key for f in findings(relint, "PY")] == [], (form, fixed)
        if new is not None and signature(forwarded(new)) is not None:
            bind_result_call(fixed, new, method=form == "method")


def test_a_safe_fix_from_an_import_is_applied_by_fix(repo):
    text = """
        from collections import Mapping

        def is_mapping(value):
            return isinstance(value, Mapping)
    """
    found = findings(lint_inline(text, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [
        "1:25 PY001 `collections.Mapping` was removed in Python 3.10: the ABC aliases in collections were "
        "removed; the classes live in collections.abc. This code targets Python 3.13 (python-version in "
        "the configuration).",
    ]
    assert found[0].fix.safe is True
    assert apply_fix(dedent(text), found[0].fix).startswith("from collections.abc import Mapping\n")
    assert check(apply_fix(dedent(text), found[0].fix), "PY", kind="python", tmp_path=repo,
                 python_version="3.13") == []
