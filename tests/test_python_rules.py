"""PY001 removed-api and PY002 deprecated-api: resolution through real bindings, guards,
versions from configuration / pyproject / Dockerfile, dependency pins, fixes, user packs."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from archlint import packs
from archlint.checks import python as pychecks
from archlint.config import Settings
from archlint.parsers import ParseError
from archlint.parsers.python import parse
from archlint.registry import Context, doc_sections, get_rule
from archlint.source import Source

FIXTURES = Path(__file__).parent / "fixtures" / "PY"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def _fresh_caches():
    pychecks.clear_caches()
    packs.clear_cache()
    yield
    pychecks.clear_caches()
    packs.clear_cache()


def lint(display: str, text: str, abspath: str, settings: Settings | None = None):
    """Findings of PY001/PY002 for ``text`` as the file ``abspath`` (through the engine when
    it is complete; directly through the registry otherwise)."""
    settings = settings or Settings()
    try:
        from archlint.engine import lint_text

        result = lint_text(display, text, settings, kind="python", abspath=abspath)
        return [f for f in result.findings if f.rule_id.startswith("PY") and not f.suppressed]
    except ModuleNotFoundError as e:  # engine modules not landed yet
        if not (e.name or "").startswith("archlint"):
            raise
    source = Source(display, text, abspath=abspath)
    ctx = Context(source, parse(source), "python", settings)
    out = []
    for rule_id in ("PY001", "PY002"):
        ctx.rule = get_rule(rule_id)
        out.extend(ctx.rule.check(ctx))
    return sorted(out, key=lambda f: (f.span.line, f.span.col, f.rule_id))


def ids(findings) -> list[tuple[str, int, int]]:
    return sorted((f.rule_id, f.span.line, f.span.col) for f in findings)


def apply_fix(text: str, fix) -> str:
    src = Source("x.py", text)
    for edit in sorted(fix.edits, key=lambda e: e.span, reverse=True):
        start = src.offset(edit.span.line, edit.span.col)
        end = src.offset(edit.span.end_line, edit.span.end_col)
        text = text[:start] + edit.text + text[end:]
        src = Source("x.py", text)
    return text


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A throw-away repository (a .git folder stops the upward search) with ``files``."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def lint_fixture(name: str, tmp_path: Path, **kw):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    root = project(tmp_path, {})
    settings = Settings(python_version=kw.pop("python_version", "3.13"), **kw)
    return text, lint(f"tests/fixtures/PY/{name}", text, str(root / Path(name).name), settings)


# ---- resolution forms ----------------------------------------------------------------------


def test_from_import_pbkdf2_with_fix_rewriting_import_and_uses(tmp_path):
    text, found = lint_fixture("PY001/from_import.py", tmp_path)
    assert ids(found) == [("PY001", 5, 55)]
    f = found[0]
    assert f.span.end_col == 61
    assert "PBKDF2HMAC" in f.message and "ImportError" in f.message
    assert f.key == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2"
    assert f.fix is not None and f.fix.safe
    assert [(e.span.line, e.span.col, e.text) for e in f.fix.edits] == [
        (5, 55, "PBKDF2HMAC"), (10, 11, "PBKDF2HMAC"), (15, 5, "PBKDF2HMAC"),
    ]
    fixed = apply_fix(text, f.fix)
    assert "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n" in fixed
    assert "kdf = PBKDF2HMAC(algorithm=" in fixed and "    PBKDF2HMAC(algorithm=" in fixed
    assert "PBKDF2(" not in fixed
    # the fixed file is clean
    assert lint("x.py", fixed, str(tmp_path / "from_import.py"), Settings(python_version="3.13")) == []


def test_from_import_as_reports_the_import_and_fixes_only_the_imported_name(tmp_path):
    text, found = lint_fixture("PY001/from_import_as.py", tmp_path)
    assert ids(found) == [("PY001", 2, 55)]
    fixed = apply_fix(text, found[0].fix)
    assert "import PBKDF2HMAC as KDF\n" in fixed
    assert "return KDF(" in fixed


def test_import_submodule_as_alias_then_attribute(tmp_path):
    _, found = lint_fixture("PY001/import_sub_as.py", tmp_path)
    assert ids(found) == [("PY001", 4, 10), ("PY001", 5, 13)]
    assert found[0].key.endswith("algorithms.CAST5")
    assert found[1].key.endswith("pbkdf2.PBKDF2")


def test_import_module_then_attribute_chains(tmp_path):
    text, found = lint_fixture("PY001/import_chain.py", tmp_path)
    assert ids(found) == [("PY001", 5, 7), ("PY001", 6, 10), ("PY001", 7, 28), ("PY001", 8, 8)]
    by_line = {f.span.line: f for f in found}
    assert by_line[6].key == "cryptography.hazmat.primitives.ciphers.algorithms.Blowfish"
    assert apply_fix(text, by_line[7].fix).count("dtype=float)") == 1
    assert "name = np.float64.__name__" in apply_fix(text, by_line[8].fix)
    # collections.Mapping -> collections.abc.Mapping needs the submodule: offered, but unsafe
    assert by_line[5].fix.safe is False
    assert "ABC = collections.abc.Mapping" in apply_fix(text, by_line[5].fix)


def test_methods_on_typed_receivers_and_call_shapes(tmp_path):
    text, found = lint_fixture("PY001/methods_and_calls.py", tmp_path)
    assert ids(found) == [("PY001", 10, 20), ("PY001", 11, 14), ("PY001", 19, 18)]
    by_line = {f.span.line: f for f in found}
    assert "without `Loader`" in by_line[10].message
    assert by_line[11].key == "unittest.TestCase.assertEquals"
    assert "self.assertEqual(data" in apply_fix(text, by_line[11].fix)
    assert by_line[19].key == "pandas.DataFrame.append"


@pytest.mark.parametrize("name", ["good_pycryptodome.py", "good_guards.py", "good_shadowed.py"])
def test_not_reported(tmp_path, name):
    _, found = lint_fixture(f"PY001/{name}", tmp_path)
    assert found == []


def test_deprecated_apis(tmp_path):
    _, found = lint_fixture("PY002/bad.py", tmp_path)
    assert ids(found) == [("PY002", 7, 12), ("PY002", 7, 40), ("PY002", 7, 64)]
    assert all(f.severity.label == "warning" for f in found)
    _, found = lint_fixture("PY002/good.py", tmp_path)
    assert found == []


def test_version_guard_forms(tmp_path):
    text = """\
        import sys

        if sys.version_info >= (3, 12):
            import tomllib
        else:
            import imp
        if not sys.version_info >= (3, 13):
            import cgi
        if sys.version_info > (3, 11):
            import asyncore
        if (3, 12) > sys.version_info:
            import smtpd
        if sys.version_info.major == 2:
            import imp as imp2
        """
    found = lint("m.py", textwrap.dedent(text), str(project(tmp_path, {}) / "m.py"), Settings(python_version="3.13"))
    # only `import asyncore` runs on 3.12+ (where it is gone)
    assert ids(found) == [("PY001", 10, 12)]


def test_feature_detection_and_fallbacks_are_not_reported(tmp_path):
    text = textwrap.dedent("""\
        import base64
        import pkgutil
        import sys

        try:
            import collections.abc as collections_abc
        except ImportError:
            import collections as collections_abc

        try:
            callable
        except NameError:
            from collections import Callable

        if hasattr(base64, "decodebytes"):
            decode = base64.decodebytes
        else:
            decode = base64.decodestring

        if getattr(pkgutil, "ImpImporter", None) is not None:
            finder = pkgutil.ImpImporter

        if "pkg_resources" in sys.modules:
            import pkg_resources


        class Store(collections_abc.MutableMapping):
            pass
        """)
    found = lint("m.py", text, str(project(tmp_path, {}) / "m.py"), Settings(python_version="3.13"))
    assert found == []


def test_fallback_binding_stands_for_the_primary_import(tmp_path):
    text = textwrap.dedent("""\
        try:
            import numpy as np
        except ImportError:
            np = None

        values = np.float(1)


        def later():
            return np.float_
        """)
    found = lint("m.py", text, str(project(tmp_path, {}) / "m.py"), Settings(python_version="3.13"))
    assert ids(found) == [("PY001", 6, 10), ("PY001", 10, 12)]


def test_distutils_is_not_reported_when_setuptools_is_a_dependency(tmp_path):
    root = project(tmp_path, {"m.py": "from distutils.core import setup\n"})
    text = "from distutils.core import setup\n"
    assert ids(lint("m.py", text, str(root / "m.py"), Settings(python_version="3.12"))) == [("PY001", 1, 6)]
    (root / "requirements.txt").write_text("setuptools>=70\n")
    pychecks.clear_caches()
    assert lint("m.py", text, str(root / "m.py"), Settings(python_version="3.12")) == []


def test_dynamic_import_of_a_removed_module(tmp_path):
    text = "import importlib\nmod = importlib.import_module('imp')\nother = __import__('asynchat')\n"
    found = lint("m.py", text, str(project(tmp_path, {}) / "m.py"), Settings(python_version="3.12"))
    assert ids(found) == [("PY001", 2, 31), ("PY001", 3, 20)]


def test_function_scope_and_module_level_shadowing(tmp_path):
    text = textwrap.dedent("""\
        import collections
        from collections import Mapping


        def later():
            return collections.Mapping, Mapping


        Mapping = dict
        """)
    found = lint("m.py", text, str(project(tmp_path, {}) / "m.py"), Settings(python_version="3.12"))
    # the import is reported; the function's `Mapping` is rebound at module level (not reported)
    assert ids(found) == [("PY001", 2, 25), ("PY001", 6, 12)]


def test_a_project_module_with_a_removed_stdlib_name_is_not_reported(tmp_path):
    root = project(tmp_path, {"imp.py": "X = 1\n", "pkg/uses.py": "import imp\n"})
    found = lint("pkg/uses.py", "import imp\nimport asynchat\n", str(root / "pkg" / "uses.py"),
                 Settings(python_version="3.12"))
    assert ids(found) == [("PY001", 2, 8)]


# ---- target Python version -----------------------------------------------------------------


@pytest.mark.parametrize(
    "image, expected",
    [("python:3.13-slim", [("PY001", 1, 8)]), ("python:3.11", [("PY002", 1, 8)]), ("python:3.10-alpine", [])],
)
def test_python_version_from_dockerfile_in_the_same_folder(tmp_path, image, expected):
    root = project(tmp_path, {"Dockerfile": f"FROM {image}\nCOPY app.py /app/\n", "app.py": "import cgi\n"})
    found = lint("app.py", "import cgi\n", str(root / "app.py"))
    assert ids(found) == expected
    if expected and expected[0][0] == "PY001":
        assert f"FROM {image} in Dockerfile" in found[0].message


def test_python_version_from_dockerfile_at_repository_root(tmp_path):
    root = project(tmp_path, {
        "Dockerfile": "ARG PY=3.13\nFROM python:${PY}-slim AS build\nRUN pip wheel .\nFROM build\n",
        "src/app/web.py": "import telnetlib\n",
    })
    found = lint("src/app/web.py", "import telnetlib\n", str(root / "src" / "app" / "web.py"))
    assert ids(found) == [("PY001", 1, 8)]
    assert "Python 3.13" in found[0].message


def test_config_python_version_wins_over_dockerfile(tmp_path):
    root = project(tmp_path, {"Dockerfile": "FROM python:3.13\n", "app.py": "import cgi\n"})
    found = lint("app.py", "import cgi\n", str(root / "app.py"), Settings(python_version="3.10"))
    assert found == []


@pytest.mark.parametrize(
    "requires, expected",
    [(">=3.13", [("PY001", 1, 8)]), (">=3.11,<3.14", [("PY002", 1, 8)]), ("~=3.9", [])],
)
def test_python_version_from_requires_python(tmp_path, requires, expected):
    root = project(tmp_path, {
        "pyproject.toml": f'[project]\nname = "x"\nrequires-python = "{requires}"\n',
        "Dockerfile": "FROM python:3.13\n",  # pyproject comes first
        "pkg/mod.py": "import cgi\n",
    })
    found = lint("pkg/mod.py", "import cgi\n", str(root / "pkg" / "mod.py"))
    assert ids(found) == expected


def test_newest_python_when_nothing_says_otherwise(tmp_path):
    root = project(tmp_path, {"mod.py": "import cgi\n"})
    found = lint("mod.py", "import cgi\n", str(root / "mod.py"))
    assert ids(found) == [("PY001", 1, 8)]
    assert "newest is assumed" in found[0].message


# ---- library pins --------------------------------------------------------------------------

CAST5 = "from cryptography.hazmat.primitives.ciphers.algorithms import CAST5\n"


@pytest.mark.parametrize(
    "requirements, expected",
    [
        ("cryptography==43.0.1\n", [("PY002", 1, 63)]),  # deprecated there, removed later
        ("cryptography>=44\n", [("PY001", 1, 63)]),
        ("cryptography~=45.0\n", [("PY002", 1, 63)]),
        ("cryptography==36.0.2\n", []),  # before the deprecation
        ("fastapi==0.115.0\n", [("PY001", 1, 63)]),  # not pinned: every release
    ],
)
def test_requirements_pin_decides_library_entries(tmp_path, requirements, expected):
    root = project(tmp_path, {"requirements.txt": requirements, "app/crypto.py": CAST5})
    found = lint("app/crypto.py", CAST5, str(root / "app" / "crypto.py"))
    assert ids(found) == expected


def test_pyproject_and_poetry_dependencies(tmp_path):
    root = project(tmp_path, {
        "pyproject.toml": """\
            [project]
            name = "x"
            dependencies = ["PyYAML>=5.1,<6", "numpy<1.24"]

            [tool.poetry.dependencies]
            python = "^3.11"
            cryptography = "^45.0"
            """,
        "mod.py": "",
    })
    text = "import yaml\nimport numpy as np\nyaml.load(open('f'))\nx = np.float\n" + CAST5
    found = lint("mod.py", text, str(root / "mod.py"))
    # PyYAML <6: deprecated only; numpy <1.24: still there (deprecated since 1.20);
    # cryptography ^45.0 (<46): deprecated only
    assert ids(found) == [("PY002", 3, 1), ("PY002", 4, 5), ("PY002", 5, 63)]


def test_never_existed_ignores_pins(tmp_path):
    text = "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2\n"
    root = project(tmp_path, {"requirements.txt": "cryptography==3.4.8\n"})
    assert ids(lint("m.py", text, str(root / "m.py"))) == [("PY001", 1, 55)]


def test_athena_admin_sample(tmp_path):
    path = SHARED / "samples" / "athena-admin" / "backend" / "app" / "security.py"
    if not path.is_file():
        pytest.skip("shared samples not available")
    text = path.read_text(encoding="utf-8")
    found = lint("backend/app/security.py", text, str(path))
    assert ids(found) == [("PY001", 5, 55)]
    fixed = apply_fix(text, found[0].fix)
    assert "import PBKDF2HMAC" in fixed and "kdf = PBKDF2HMAC(" in fixed


# ---- user packs ----------------------------------------------------------------------------

ACME = """\
    pack: python-apis
    entries:
      - name: acme.clients.get_client
        kind: deprecated
        since: "2.0"
        package: acme-sdk
        replacement: acme.clients.Client
        fix: acme.clients.Client
        message: the module-level factory is going away
        source: internal ADR-12 (client factory)
"""


def test_user_pack_entries_are_reported(tmp_path):
    root = project(tmp_path, {"packs/acme.yaml": ACME})
    settings = Settings(rule_packs=(str(root / "packs" / "acme.yaml"),))
    text = "import acme.clients\nclient = acme.clients.get_client()\n"
    found = lint("m.py", text, str(root / "m.py"), settings)
    assert ids(found) == [("PY002", 2, 10)]
    assert "acme-sdk 2.0" in found[0].message
    assert apply_fix(text, found[0].fix) == "import acme.clients\nclient = acme.clients.Client()\n"
    (root / "requirements.txt").write_text("acme-sdk==1.9\n")
    pychecks.clear_caches()
    assert lint("m.py", text, str(root / "m.py"), settings) == []


def test_bad_user_pack_is_a_pack_error_naming_the_entry(tmp_path):
    root = project(tmp_path, {"packs/bad.yaml": ACME.replace("kind: deprecated", "kind: obsolete")})
    settings = Settings(rule_packs=(str(root / "packs" / "bad.yaml"),))
    with pytest.raises(packs.PackError) as exc:
        pychecks.catalogue(settings.rule_packs)
    assert "bad.yaml: entries[0] (acme.clients.get_client): kind:" in str(exc.value)


# ---- parser --------------------------------------------------------------------------------


def test_syntax_error_is_a_parse_error_with_position():
    with pytest.raises(ParseError) as exc:
        parse(Source("bad.py", "x = 1\ndef broken(:\n    pass\n"))
    assert exc.value.line == 2 and exc.value.col >= 1
    assert "invalid Python syntax" in exc.value.message


def test_columns_are_code_points():
    text = "é = 'ü'; import imp\n"
    found = lint("m.py", text, "/nonexistent/dir/m.py", Settings(python_version="3.12"))
    assert ids(found) == [("PY001", 1, 17)]


def test_rule_docs_have_the_contract_sections():
    for rule_id in ("PY001", "PY002"):
        rule = get_rule(rule_id)
        assert list(doc_sections(rule.doc)) == ["What it does", "Why is this bad?", "Example", "Use instead", "Fix"]
        assert rule.summary.endswith(".") and len(rule.summary) < 200
    assert get_rule("PY001").severity.label == "error" and get_rule("PY002").severity.label == "warning"
