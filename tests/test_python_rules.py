"""PY001 removed-api and PY002 deprecated-api on inline Python files: resolution through real
bindings, guards, versions from configuration / pyproject / Dockerfile, dependency pins, fixes,
user packs.  Each file is linted inside a throw-away repository (``repo``: a ``.git`` folder stops
the search for project files), with the project files a test needs written beside it."""
from __future__ import annotations

import sys

import pytest

from archlint import packs
from archlint.checks import python as pychecks
from archlint.config import Settings
from archlint.parsers import ParseError
from archlint.parsers.python import parse
from archlint.registry import doc_sections, get_rule
from archlint.source import Source
from helpers import SHARED, apply_fix, check, dedent, findings, lint, lint_inline, show, write_files


pytestmark = pytest.mark.usefixtures("fresh_python_caches")


#: the context sentences of the messages
ON_313 = "This code targets Python 3.13 (python-version in the configuration)."
ON_312 = "This code targets Python 3.12 (python-version in the configuration)."
NEWEST = ("No target Python version was found (python-version, requires-python, ruff's target-version, "
          ".python-version, a Dockerfile FROM python:3.X, or a workflow's setup-python), so the newest is assumed.")


def unpinned(package: str) -> str:
    return f"No version pin for {package} was found, so every release is assumed."


PBKDF2 = ("`cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2` does not exist in cryptography: the module "
          "defines only PBKDF2HMAC, so this import raises ImportError (PBKDF2 is PyCryptodome's name, "
          "Crypto.Protocol.KDF.PBKDF2, with a different signature).")
CAST5_REMOVED = ("`cryptography.hazmat.primitives.ciphers.algorithms.CAST5` was removed in cryptography 46.0.0: "
                 "CAST5 now lives only in cryptography.hazmat.decrepit.ciphers.algorithms, so this name raises "
                 "ImportError/AttributeError.")
CAST5_DEPRECATED = ("`cryptography.hazmat.primitives.ciphers.algorithms.CAST5` is deprecated since cryptography "
                    "37.0.0 and removed in 46.0.0: CAST5 now lives only in "
                    "cryptography.hazmat.decrepit.ciphers.algorithms, so this name raises "
                    "ImportError/AttributeError.")
DEAD_BATTERY = "PEP 594 removed this dead battery; importing it raises ModuleNotFoundError."
PEP_594 = "PEP 594 removed the module; importing it raises ModuleNotFoundError."
CGI_REMOVED = f"`cgi` was removed in Python 3.13: {DEAD_BATTERY}"
CGI_DEPRECATED = f"`cgi` is deprecated since Python 3.11 and removed in 3.13: {DEAD_BATTERY}"
IMP_REMOVED = "`imp` was removed in Python 3.12: the module was removed; importing it raises ModuleNotFoundError."


# ---- resolution forms ----------------------------------------------------------------------

FROM_IMPORT = """
    import base64
    import os

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2


    def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
        salt = salt or os.urandom(16)
        kdf = PBKDF2(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=600_000)
        return base64.b64encode(kdf.derive(password.encode())), salt


    def verify(password: str, salt: bytes, expected: bytes) -> None:
        PBKDF2(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=600_000).verify(password.encode(), expected)
"""


def test_from_import_pbkdf2_with_fix_rewriting_import_and_uses(repo):
    found = findings(lint_inline(FROM_IMPORT, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [f"5:55 PY001 {PBKDF2}"]
    f = found[0]
    assert f.span.end_col == 61
    assert f.hint == "use `cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC`"
    assert f.key == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2"
    assert f.fix is not None and f.fix.safe is False  # PBKDF2HMAC takes other arguments
    assert [(e.span.line, e.span.col, e.text) for e in f.fix.edits] == [
        (5, 55, "PBKDF2HMAC"), (10, 11, "PBKDF2HMAC"), (15, 5, "PBKDF2HMAC"),
    ]
    fixed = apply_fix(dedent(FROM_IMPORT), f.fix)
    assert "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n" in fixed
    assert "kdf = PBKDF2HMAC(algorithm=" in fixed and "    PBKDF2HMAC(algorithm=" in fixed
    assert "PBKDF2(" not in fixed
    # the fixed file is clean
    assert check(fixed, "PY", kind="python", tmp_path=repo, python_version="3.13") == []


def test_from_import_as_reports_the_import_and_fixes_only_the_imported_name(repo):
    text = """
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2 as KDF


        def derive(password: bytes, salt: bytes) -> bytes:
            return KDF(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=1).derive(password)
    """
    found = findings(lint_inline(text, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [f"2:55 PY001 {PBKDF2}"]
    fixed = apply_fix(dedent(text), found[0].fix)
    assert "import PBKDF2HMAC as KDF\n" in fixed
    assert "return KDF(" in fixed


def test_import_submodule_as_alias_then_attribute(repo):
    found = findings(lint_inline("""
        import cryptography.hazmat.primitives.ciphers.algorithms as algs
        import cryptography.hazmat.primitives.kdf.pbkdf2 as pbkdf2

        cipher = algs.CAST5(b"0" * 16)
        kdf_class = pbkdf2.PBKDF2
    """, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [
        f"4:10 PY001 {CAST5_REMOVED} {unpinned('cryptography')}",
        f"5:13 PY001 {PBKDF2}",
    ]
    assert found[0].key.endswith("algorithms.CAST5")
    assert found[1].key.endswith("pbkdf2.PBKDF2")


def test_import_module_then_attribute_chains(repo):
    text = """
        import collections
        import cryptography
        import numpy as np

        ABC = collections.Mapping
        cipher = cryptography.hazmat.primitives.ciphers.algorithms.Blowfish(b"0" * 16)
        values = np.zeros(3, dtype=np.float)
        name = np.float_.__name__
    """
    found = findings(lint_inline(text, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [
        "5:7 PY001 `collections.Mapping` was removed in Python 3.10: the ABC aliases in collections were "
        f"removed; the classes live in collections.abc. {ON_313}",
        "6:10 PY001 `cryptography.hazmat.primitives.ciphers.algorithms.Blowfish` was removed in cryptography "
        "46.0.0: Blowfish now lives only in cryptography.hazmat.decrepit.ciphers.algorithms, so this name "
        f"raises ImportError/AttributeError. {unpinned('cryptography')}",
        "7:28 PY001 `numpy.float` was removed in numpy 1.24.0: the alias of the builtin float was removed; "
        f"np.float raises AttributeError. {unpinned('numpy')}",
        "8:8 PY001 `numpy.float_` was removed in numpy 2.0.0: np.float_ was removed from the main namespace "
        f"in NumPy 2.0. {unpinned('numpy')}",
    ]
    by_line = {f.span.line: f for f in found}
    assert by_line[6].key == "cryptography.hazmat.primitives.ciphers.algorithms.Blowfish"
    assert apply_fix(dedent(text), by_line[7].fix).count("dtype=float)") == 1
    assert "name = np.float64.__name__" in apply_fix(dedent(text), by_line[8].fix)
    # collections.Mapping -> collections.abc.Mapping needs the submodule: offered, but unsafe
    assert by_line[5].fix.safe is False
    assert "ABC = collections.abc.Mapping" in apply_fix(dedent(text), by_line[5].fix)


def test_methods_on_typed_receivers_and_call_shapes(repo):
    text = """
        import unittest

        import pandas as pd
        import yaml


        class ConfigTest(unittest.TestCase):
            def test_load(self):
                with open("config.yaml") as fh:
                    data = yaml.load(fh)
                self.assertEquals(data["name"], "athena")
                self.assertEqual(data["name"], "athena")


        def merge(path: str, extra: pd.DataFrame) -> pd.DataFrame:
            frame = pd.read_csv(path)
            rows = []
            rows.append(extra)
            return frame.append(extra)


        def safe(fh):
            return yaml.load(fh, Loader=yaml.SafeLoader), yaml.load(fh, yaml.SafeLoader)
    """
    found = findings(lint_inline(text, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [
        "10:20 PY001 `yaml.load()` without `Loader` was removed in PyYAML 6.0: Loader became a required "
        "argument, so the call raises TypeError (and the old default loader could run arbitrary code). "
        f"{unpinned('PyYAML')}",
        "11:14 PY001 `unittest.TestCase.assertEquals` was removed in Python 3.12: the assertEquals alias was "
        f"removed; assertEqual is the same method. {ON_313}",
        "19:18 PY001 `pandas.DataFrame.append` was removed in pandas 2.0.0: DataFrame.append raises "
        f"AttributeError in pandas 2. {unpinned('pandas')}",
    ]
    by_line = {f.span.line: f for f in found}
    assert by_line[11].key == "unittest.TestCase.assertEquals"
    assert "self.assertEqual(data" in apply_fix(dedent(text), by_line[11].fix)
    assert by_line[19].key == "pandas.DataFrame.append"


def test_python_2_code_gets_no_python_3_removals(repo):
    # cluster-api's hack/scripts/verify/boilerplate/boilerplate_test.py: import StringIO at its
    # top, so it runs on no Python 3 and its assertEquals is moot
    text = """
        import unittest
        {imports}


        class BoilerplateTest(unittest.TestCase):
            def test_boilerplate(self):
                self.assertEquals(1, 1)
    """

    def ids(imports):
        return [f.rule_id for f in findings(lint_inline(text.format(imports=imports), kind="python", tmp_path=repo,
                                                        python_version="3.13"), "PY")]

    assert ids("import StringIO") == ids("from urllib2 import urlopen") == []
    # guarded, in a function, Python 3's own module, or the project's own module of that name: a 3.x file
    for imports in ("try:\n            import StringIO\n        except ImportError:\n            import io",
                    "import io", "import queue"):
        assert ids(imports) == ["PY001"], imports
    write_files(repo, {"StringIO.py": "class StringIO: pass\n"})
    assert ids("import StringIO") == ["PY001"]


def test_a_deprecated_property_is_not_a_method_of_the_same_name(repo):
    # getsentry/self-hosted: CertificateBuilder().not_valid_before(...) is the builder's method,
    # not Certificate.not_valid_before, the deprecated property (a property is never called)
    text = """
        import datetime

        from cryptography import x509


        def build(name, key):
            now = datetime.datetime.now(datetime.timezone.utc)
            return (x509.CertificateBuilder().subject_name(name).not_valid_before(now)
                    .not_valid_after(now + datetime.timedelta(days=1)).public_key(key))


        def expired(cert: x509.Certificate) -> bool:
            return cert.not_valid_after < datetime.datetime.utcnow()
    """
    found = findings(lint_inline(text, kind="python", tmp_path=repo, python_version="3.13"), "PY002")
    assert [(f.span.line, f.key) for f in found] == [(13, "cryptography.x509.Certificate.not_valid_after"),
                                                     (13, "datetime.datetime.utcnow")]


GOOD_PYCRYPTODOME = """
    from Crypto.Hash import SHA256
    from Crypto.Protocol.KDF import PBKDF2

    key = PBKDF2("password", b"salt", 32, count=100_000, hmac_hash_module=SHA256)
"""

GOOD_GUARDS = """
    import sys

    try:
        from collections.abc import Mapping
    except ImportError:
        from collections import Mapping

    try:
        import imp
    except ImportError:
        imp = None

    if sys.version_info < (3, 12):
        import distutils.version as dv
        from asyncore import dispatcher
    else:
        dv = None

    if sys.version_info >= (3, 13):
        telnet = None
    else:
        import telnetlib as telnet

    if sys.version_info[:2] <= (3, 12):
        from typing.io import IO

    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import CAST5
    except ImportError:
        from cryptography.hazmat.primitives.ciphers.algorithms import CAST5


    def check(value):
        return isinstance(value, Mapping)
"""

GOOD_SHADOWED = """
    import collections
    import numpy as np
    from collections import OrderedDict


    class Mapping(dict):
        pass


    def f(np):
        return np.float


    def g():
        collections = {"Mapping": Mapping}
        return collections.Mapping


    def h():
        from collections import abc as collections

        return collections.Mapping


    PBKDF2 = OrderedDict
    value = PBKDF2()
"""


@pytest.mark.parametrize("text", [GOOD_PYCRYPTODOME, GOOD_GUARDS, GOOD_SHADOWED],
                         ids=["pycryptodome", "guards", "shadowed"])
def test_not_reported(repo, text):
    assert check(text, "PY", kind="python", tmp_path=repo, python_version="3.13") == []


def test_deprecated_apis(repo):
    found = findings(lint_inline("""
        import datetime
        from datetime import datetime as dt
        import threading


        def stamp():
            return datetime.datetime.utcnow(), dt.utcfromtimestamp(0), threading.currentThread()
    """, kind="python", tmp_path=repo, python_version="3.13"), "PY")
    assert show(found) == [
        "7:12 PY002 `datetime.datetime.utcnow` is deprecated since Python 3.12: it returns a naive datetime "
        f"that is easily mistaken for local time. {ON_313}",
        "7:40 PY002 `datetime.datetime.utcfromtimestamp` is deprecated since Python 3.12: it returns a naive "
        f"datetime that is easily mistaken for local time. {ON_313}",
        "7:64 PY002 `threading.currentThread` is deprecated since Python 3.10: the camelCase alias is "
        f"deprecated; current_thread is the same function. {ON_313}",
    ]
    assert all(f.severity.label == "warning" for f in found)
    # locale.getdefaultlocale's deprecation was withdrawn (python/cpython#134086, 2025-12-23: "It has
    # been undeprecated"): nothing to act on (changedetection.io's flask_app.py, judged a wrong reading)
    assert findings(lint_inline("import locale\nlocale.getdefaultlocale()\n", kind="python", tmp_path=repo,
                                python_version="3.14"), "PY") == []
    assert check("""
        import datetime
        import sys


        def stamp():
            if sys.version_info >= (3, 12):
                return datetime.datetime.now(tz=datetime.UTC)
            else:
                return datetime.datetime.utcnow()
    """, "PY", kind="python", tmp_path=repo, python_version="3.13") == []


def test_version_guard_forms(repo):
    # only `import asyncore` runs on 3.12+ (where it is gone)
    assert check("""
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
        if sys.version_info[1] > 5:
            from typing import TextIO
        else:
            from typing.io import TextIO
    """, "PY", kind="python", tmp_path=repo, python_version="3.13") == [
        f"10:12 PY001 `asyncore` was removed in Python 3.12: {PEP_594} {ON_313}",
    ]


def test_a_version_flag_the_module_sets_once_guards_like_its_test(repo):
    # requests_toolbelt's _compat.py (2 PY001 judged wrong readings): the else of `if PY3:` runs on Python 2
    # only; six's flags too; a flag the module rebinds is no guard
    assert check("""
        import sys

        import six

        PY3 = sys.version_info > (3, 0)
        PY2 = not PY3
        if PY3:
            from collections.abc import Mapping, MutableMapping
        else:
            from collections import Mapping, MutableMapping
        if PY2:
            import imp
        if six.PY2:
            import asyncore
        IS_OLD = sys.version_info < (3, 0)
        IS_OLD = False
        if IS_OLD:
            import smtpd
    """, "PY", kind="python", tmp_path=repo, python_version="3.13") == [
        f"18:12 PY001 `smtpd` was removed in Python 3.12: {PEP_594} {ON_313}",
    ]


def test_a_compatibility_library_s_flags_guard_like_six_s(repo):
    # Tautulli's vendored future: `from future.utils import PY3`, `if utils.PY3: ... else:
    # base64.decodestring`; a flag imported under another name too; one rebound later is no guard
    assert check("""
        import base64

        from future import utils
        from future.utils import PY3
        from past.utils import PY2 as OLD
        from six import PY2

        if PY3:
            from collections.abc import Iterable
        else:
            from collections import Iterable
        if utils.PY3:
            decode = base64.decodebytes
        else:
            decode = base64.decodestring
        if OLD:
            import imp
        if not PY3:
            import asyncore
        PY2 = False
        if PY2:
            import smtpd
    """, "PY", kind="python", tmp_path=repo, python_version="3.13") == [
        f"22:12 PY001 `smtpd` was removed in Python 3.12: {PEP_594} {ON_313}",
    ]


def test_feature_detection_and_fallbacks_are_not_reported(repo):
    assert check("""
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
    """, "PY", kind="python", tmp_path=repo, python_version="3.13") == []


def test_a_call_in_a_branch_of_a_feature_probe_is_guarded(repo):
    # hep-gc/cloudscheduler's csv2_yaml.py: yaml.load without Loader only where full_load is absent
    # (PyYAML before 5.1); a call after the if, outside its branches, is judged
    text = """
        import yaml


        def load(s):
            if hasattr(yaml, "full_load"):
                return yaml.full_load(s)
            else:
                return yaml.load(s)


        def load2(s):
            if hasattr(yaml, "FullLoader"):
                return yaml.load(s, Loader=yaml.FullLoader)
            return yaml.load(s)
    """
    assert [ln.split(" ", 2)[:2] for ln in check(text, "PY", kind="python", tmp_path=repo)] == [["14:12", "PY001"]]


def test_what_follows_a_feature_probe_in_an_and_is_guarded(repo):
    # metaflow's graph.py: `hasattr(ast, "Str") and isinstance(node, ast.Str)` reads ast.Str only
    # where it exists; read before the probe, or in an `or` after it, it is reported
    assert [line.split(" PY001")[0] for line in check("""
        import ast

        def literal(node):
            if hasattr(ast, "Str") and isinstance(node, ast.Str):
                return node.s
            ok = hasattr(ast, "Num") and ast.Num
            if isinstance(node, ast.Bytes) and hasattr(ast, "Bytes"):
                return node.s
            return hasattr(ast, "NameConstant") or ast.NameConstant
    """, "PY001", kind="python", tmp_path=repo, python_version="3.14")] == ["7:25", "9:44"]


def test_python_2_code_told_by_its_builtins(repo):
    # metaflow's util.py: a try body that reads `unicode` (NameError on Python 3) and then imports
    # pipes runs on Python 2 only; werf's ansible callback reads `unicode` unguarded and unbound:
    # Python 2 code. Bound (`unicode = str`) or guarded, the file is Python 3's
    assert check("""
        try:
            unicode_type = unicode
            from pipes import quote
        except NameError:
            from shlex import quote
    """, "PY001", kind="python", tmp_path=repo, python_version="3.13") == []
    werf = """
        from collections import Iterable

        def flat(x):
            return isinstance(x, (unicode, str, bytes))
    """
    assert check(werf, "PY001", kind="python", tmp_path=repo, python_version="3.13") == []
    assert len(check(werf.replace("from collections", "unicode = str\n        from collections"), "PY001", kind="python",
                     tmp_path=repo, python_version="3.13")) == 1
    assert len(check("""
        try:
            from pipes import quote
            unicode_type = unicode
        except NameError:
            pass
    """, "PY001", kind="python", tmp_path=repo, python_version="3.13")) == 1
    # nor after a read that does not run there (in a function it defines) or of a name the module binds
    for first in ("def f():\n        return unicode\n", "x = unicode\n"):
        text = "unicode = str\n" if first.startswith("x") else ""
        assert len(check(text + "try:\n    " + first.replace("\n    ", "\n        ") + "    from pipes import quote\n"
                         "except NameError:\n    pass\n", "PY001", kind="python", tmp_path=repo,
                         python_version="3.13")) == 1, first
    # (a second review's cases) a shim's read in a branch or a try is Python 3 code's
    for shim in ("if sys.version_info[0] >= 3:\n    s = str\nelse:\n    s = basestring\n",
                 "if six.PY2:\n    text = unicode\n", "def f(x):\n    try:\n        return unicode(x)\n    except Exception:\n        return x\n",
                 "t = str if sys.version_info[0] >= 3 else unicode\n", "t = PY3 and str or unicode\n"):
        assert len(check("import sys\nimport six\nimport imp\n" + shim, "PY", kind="python", tmp_path=repo,
                         python_version="3.13")) == 1, shim


def test_fallback_binding_stands_for_the_primary_import(repo):
    assert check("""
        try:
            import numpy as np
        except ImportError:
            np = None

        values = np.float(1)


        def later():
            return np.float_
    """, "PY", kind="python", tmp_path=repo, python_version="3.13") == [
        "6:10 PY001 `numpy.float` was removed in numpy 1.24.0: the alias of the builtin float was removed; "
        f"np.float raises AttributeError. {unpinned('numpy')}",
        "10:12 PY001 `numpy.float_` was removed in numpy 2.0.0: np.float_ was removed from the main namespace "
        f"in NumPy 2.0. {unpinned('numpy')}",
    ]


def test_distutils_is_not_reported_when_setuptools_is_a_dependency(repo):
    text = "from distutils.core import setup\n"
    assert check(text, "PY", kind="python", tmp_path=repo, python_version="3.12") == [
        "1:6 PY001 `distutils` was removed in Python 3.12: PEP 632 removed the package; importing it raises "
        f"ModuleNotFoundError (unless setuptools provides it). {ON_312}",
    ]
    write_files(repo, {"requirements.txt": "setuptools>=70\n"})
    pychecks.clear_caches()
    assert check(text, "PY", kind="python", tmp_path=repo, python_version="3.12") == []


def test_dynamic_import_of_a_removed_module(repo):
    assert check("""
        import importlib
        mod = importlib.import_module('imp')
        other = __import__('asynchat')
    """, "PY", kind="python", tmp_path=repo, python_version="3.12") == [
        f"2:31 PY001 {IMP_REMOVED} {ON_312}",
        f"3:20 PY001 `asynchat` was removed in Python 3.12: {PEP_594} {ON_312}",
    ]


def test_function_scope_and_module_level_shadowing(repo):
    # the import is reported; the function's `Mapping` is rebound at module level (not reported)
    mapping = ("`collections.Mapping` was removed in Python 3.10: the ABC aliases in collections were removed; "
               f"the classes live in collections.abc. {ON_312}")
    assert check("""
        import collections
        from collections import Mapping


        def later():
            return collections.Mapping, Mapping


        Mapping = dict
    """, "PY", kind="python", tmp_path=repo, python_version="3.12") == [
        f"2:25 PY001 {mapping}",
        f"6:12 PY001 {mapping}",
    ]


def test_a_project_module_with_a_removed_stdlib_name_is_not_reported(repo):
    write_files(repo, {"imp.py": "X = 1\n"})
    assert check("""
        import imp
        import asynchat
    """, "PY", kind="python", name="pkg/uses.py", tmp_path=repo, python_version="3.12") == [
        f"2:8 PY001 `asynchat` was removed in Python 3.12: {PEP_594} {ON_312}",
    ]


# ---- target Python version -----------------------------------------------------------------


@pytest.mark.parametrize(
    "image, expected",
    [
        ("python:3.13-slim",
         [f"1:8 PY001 {CGI_REMOVED} This code targets Python 3.13 (FROM python:3.13-slim in Dockerfile)."]),
        ("python:3.11",
         [f"1:8 PY002 {CGI_DEPRECATED} This code targets Python 3.11 (FROM python:3.11 in Dockerfile)."]),
        ("python:3.10-alpine", []),
    ],
)
def test_python_version_from_dockerfile_in_the_same_folder(repo, image, expected):
    write_files(repo, {"Dockerfile": f"FROM {image}\nCOPY app.py /app/\n"})
    assert check("import cgi\n", "PY", kind="python", tmp_path=repo) == expected


def test_python_version_from_dockerfile_at_repository_root(repo):
    write_files(repo, {"Dockerfile": """
        ARG PY=3.13
        FROM python:${PY}-slim AS build
        RUN pip wheel .
        FROM build
    """})
    assert check("import telnetlib\n", "PY", kind="python", name="src/app/web.py", tmp_path=repo) == [
        f"1:8 PY001 `telnetlib` was removed in Python 3.13: {DEAD_BATTERY} "
        "This code targets Python 3.13 (FROM python:3.13-slim in Dockerfile).",
    ]


def test_config_python_version_wins_over_dockerfile(repo):
    write_files(repo, {"Dockerfile": "FROM python:3.13\n"})
    assert check("import cgi\n", "PY", kind="python", tmp_path=repo, python_version="3.10") == []


@pytest.mark.parametrize(
    "requires, expected",
    [
        (">=3.13",
         [f'1:8 PY001 {CGI_REMOVED} This code targets Python 3.13 (requires-python ">=3.13" in pyproject.toml).']),
        (">=3.11,<3.14",
         [f"1:8 PY002 {CGI_DEPRECATED} This code targets Python 3.11 "
          '(requires-python ">=3.11,<3.14" in pyproject.toml).']),
        ("~=3.9", []),
    ],
)
def test_python_version_from_requires_python(repo, requires, expected):
    write_files(repo, {
        "pyproject.toml": f'[project]\nname = "x"\nrequires-python = "{requires}"\n',
        "Dockerfile": "FROM python:3.13\n",  # pyproject comes first
    })
    assert check("import cgi\n", "PY", kind="python", name="pkg/mod.py", tmp_path=repo) == expected


@pytest.mark.parametrize(
    "files, expected",
    [
        # frigate: ruff's target-version (what ruff reads after requires-python)
        ({"pyproject.toml": '[project]\nname = "x"\n[tool.ruff]\ntarget-version = "py311"\n'},
         [f'1:8 PY002 {CGI_DEPRECATED} This code targets Python 3.11 (target-version "py311" in pyproject.toml).']),
        ({".python-version": "3.11.4\n"},
         [f"1:8 PY002 {CGI_DEPRECATED} This code targets Python 3.11 (3.11.4 in .python-version)."]),
        # test-infra's gubernator: an App Engine python27 app (nothing of Python 3 was ever there)
        ({"app.yaml": "runtime: python27\napi_version: 1\n"}, []),
        ({"app.yaml": "runtime: python313\n"},
         [f"1:8 PY001 {CGI_REMOVED} This code targets Python 3.13 (runtime python313 in app.yaml)."]),
        # requires-python first; a pyproject nearer than a .python-version above it wins
        ({"pyproject.toml": '[project]\nrequires-python = ">=3.13"\n[tool.ruff]\ntarget-version = "py39"\n'},
         [f'1:8 PY001 {CGI_REMOVED} This code targets Python 3.13 (requires-python ">=3.13" in pyproject.toml).']),
    ],
)
def test_python_version_from_ruff_pyenv_and_app_engine(repo, files, expected):
    write_files(repo, files)
    assert check("import cgi\n", "PY", kind="python", name="mod.py", tmp_path=repo) == expected


def test_newest_python_when_nothing_says_otherwise(repo):
    assert check("import cgi\n", "PY", kind="python", name="mod.py", tmp_path=repo) == [
        f"1:8 PY001 {CGI_REMOVED} {NEWEST}",
    ]


# ---- library pins --------------------------------------------------------------------------

CAST5 = "from cryptography.hazmat.primitives.ciphers.algorithms import CAST5\n"


@pytest.mark.parametrize(
    "requirements, expected",
    [
        # deprecated there, removed later
        ("cryptography==43.0.1\n", [f"1:63 PY002 {CAST5_DEPRECATED} The project allows it: cryptography==43.0.1 "
                                    "in requirements.txt."]),
        ("cryptography>=44\n", [f"1:63 PY001 {CAST5_REMOVED} The project allows it: cryptography>=44 in "
                                "requirements.txt."]),
        ("cryptography~=45.0\n", [f"1:63 PY002 {CAST5_DEPRECATED} The project allows it: cryptography~=45.0 "
                                  "in requirements.txt."]),
        ("cryptography==36.0.2\n", []),  # before the deprecation
        # not pinned: every release
        ("fastapi==0.115.0\n", [f"1:63 PY001 {CAST5_REMOVED} {unpinned('cryptography')}"]),
    ],
)
def test_requirements_pin_decides_library_entries(repo, requirements, expected):
    write_files(repo, {"requirements.txt": requirements})
    assert check(CAST5, "PY", kind="python", name="app/crypto.py", tmp_path=repo) == expected


def test_a_pin_outside_any_repository_is_named_from_the_working_directory(tmp_path, monkeypatch):
    # getsentry/self-hosted unpacked without .git: the walk up ends at the filesystem's root,
    # which is no repository root; the pin's file is named as the user sees it
    proj = tmp_path / "proj"
    write_files(proj, {"requirements.txt": "cryptography>=44\n"})
    monkeypatch.chdir(proj)
    assert check(CAST5, "PY", kind="python", name="app/crypto.py", tmp_path=proj) == [
        f"1:63 PY001 {CAST5_REMOVED} The project allows it: cryptography>=44 in requirements.txt."]


def test_pyproject_and_poetry_dependencies(repo):
    write_files(repo, {"pyproject.toml": """
        [project]
        name = "x"
        dependencies = ["PyYAML>=5.1,<6", "numpy<1.24"]

        [tool.poetry.dependencies]
        python = "^3.11"
        cryptography = "^45.0"
    """})
    text = "import yaml\nimport numpy as np\nyaml.load(open('f'))\nx = np.float\n" + CAST5
    # PyYAML <6: deprecated only; numpy <1.24: still there (deprecated since 1.20);
    # cryptography ^45.0 (<46): deprecated only
    assert check(text, "PY", kind="python", name="mod.py", tmp_path=repo) == [
        "3:1 PY002 `yaml.load()` without `Loader` is deprecated since PyYAML 5.1 and removed in 6.0: Loader "
        "became a required argument, so the call raises TypeError (and the old default loader could run "
        "arbitrary code). The project allows it: PyYAML>=5.1,<6 in pyproject.toml.",
        "4:5 PY002 `numpy.float` is deprecated since numpy 1.20.0 and removed in 1.24.0: the alias of the "
        "builtin float was removed; np.float raises AttributeError. The project allows it: numpy<1.24 in "
        "pyproject.toml.",
        f"5:63 PY002 {CAST5_DEPRECATED} The project allows it: cryptography = '^45.0' in pyproject.toml.",
    ]


def test_never_existed_ignores_pins(repo):
    write_files(repo, {"requirements.txt": "cryptography==3.4.8\n"})
    text = "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2\n"
    assert check(text, "PY", kind="python", name="m.py", tmp_path=repo) == [f"1:55 PY001 {PBKDF2}"]


def test_athena_admin_sample():
    path = SHARED / "samples" / "athena-admin" / "backend" / "app" / "security.py"
    if not path.is_file():
        pytest.skip("shared samples not available")
    text = path.read_text(encoding="utf-8")
    found = findings(lint(path, text, kind="python"), "PY")
    assert show(found) == [f"5:55 PY001 {PBKDF2}"]
    fixed = apply_fix(text, found[0].fix)
    assert "import PBKDF2HMAC" in fixed and "kdf = PBKDF2HMAC(" in fixed


# ---- user packs ----------------------------------------------------------------------------

ACME = """
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


def test_user_pack_entries_are_reported(repo):
    write_files(repo, {"packs/acme.yaml": ACME})
    pack = str(repo / "packs" / "acme.yaml")
    text = "import acme.clients\nclient = acme.clients.get_client()\n"
    found = findings(lint_inline(text, kind="python", name="m.py", tmp_path=repo, rule_packs=[pack]), "PY")
    assert show(found) == [
        "2:10 PY002 `acme.clients.get_client` is deprecated since acme-sdk 2.0: the module-level factory is "
        "going away. No version pin for acme-sdk was found, so every release is assumed.",
    ]
    assert apply_fix(text, found[0].fix) == "import acme.clients\nclient = acme.clients.Client()\n"
    write_files(repo, {"requirements.txt": "acme-sdk==1.9\n"})
    pychecks.clear_caches()
    assert check(text, "PY", kind="python", name="m.py", tmp_path=repo, rule_packs=[pack]) == []


@pytest.mark.parametrize("field, safe", [("", False), ("fix-safety: unsafe", False),
                                          ("fix-safety: safe", True), ("fix-safety: none", None)])
def test_user_pack_fix_safety_decides_the_fix(repo, field, safe):
    """Without ``fix-safety`` a rename is unsafe; ``safe`` is applied by --fix; ``none`` offers no fix."""
    pack = ACME.replace("fix: acme.clients.Client", f"fix: acme.clients.Client\n        {field}")
    write_files(repo, {"packs/acme.yaml": pack})
    text = "import acme.clients\nclient = acme.clients.get_client()\n"
    found = findings(lint_inline(text, kind="python", name="m.py", tmp_path=repo,
                                 rule_packs=[str(repo / "packs" / "acme.yaml")]), "PY")
    assert [f.hint for f in found] == ["use `acme.clients.Client`"]
    if safe is None:
        assert found[0].fix is None
    else:
        assert found[0].fix.safe is safe
        assert apply_fix(text, found[0].fix) == "import acme.clients\nclient = acme.clients.Client()\n"


def test_bad_user_pack_is_a_pack_error_naming_the_entry(repo):
    write_files(repo, {"packs/bad.yaml": ACME.replace("kind: deprecated", "kind: obsolete")})
    settings = Settings(rule_packs=(str(repo / "packs" / "bad.yaml"),))
    with pytest.raises(packs.PackError) as exc:
        pychecks.catalogue(settings.rule_packs)
    assert "bad.yaml: entries[0] (acme.clients.get_client): kind:" in str(exc.value)


# ---- parser --------------------------------------------------------------------------------


def test_syntax_error_is_a_parse_error_with_position():
    with pytest.raises(ParseError) as exc:
        parse(Source("bad.py", "x = 1\ndef broken(:\n    pass\n"))
    assert exc.value.line == 2 and exc.value.col >= 1
    assert "invalid Python syntax" in exc.value.message


def test_a_shell_script_named_like_a_python_file_is_a_notice_not_a_parse_error():
    # docker-zulip's manage.py: `#!/bin/sh` then `docker compose exec ... manage.py "$@"`
    text = '#!/bin/sh\ndocker compose exec -u zulip zulip /home/zulip/deployments/current/manage.py "$@"\n'
    r = lint_inline(text, name="manage.py", kind="python")
    assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", 1, "info")]
    assert r.findings == [] and "#!/bin/sh starts this file" in r.notices[0].message
    # a Python shebang, or none, keeps the parse error
    for head in ("#!/usr/bin/env python3\n", ""):
        with pytest.raises(ParseError):
            parse(Source("x.py", head + "def broken(:\n    pass\n"))


def test_a_python_2_script_is_a_notice_not_a_parse_error():
    # mosquitto's 2010 examples: `print "menu"`
    r = lint_inline('import gtk\ndef show(self):\n    print "menu"\n', name="cc.py", kind="python")
    assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", 3, "info")]
    assert "Python 2 syntax here" in r.notices[0].message and r.findings == []
    # `except SerialException, e:` (Python 2), `except TypeError, ValidationError:` (vnghia's homelab,
    # Python 3.14's PEP 758): the same text; before 3.14 an info notice naming both, not "Python 2"
    r = lint_inline("try:\n    run()\nexcept TypeError, ValidationError:\n    pass\n", name="g.py", kind="python")
    if sys.version_info < (3, 14):
        assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", 3, "info")]
        assert "Python 3.14 reads it (PEP 758)" in r.notices[0].message and "Python 2 syntax" not in r.notices[0].message
    else:
        assert r.notices == []
    # test-infra's gubernator: tuple parameters; an octal literal of Python 2
    # (Python 3.11's parser names tuple parameters; an older one says "invalid syntax")
    cases = [("os.chmod(p, 0755)\n", 1)] + ([("def get_logs((log_files, pod_name)):\n    pass\n", 1),
                                            ("futures.sort(key=lambda (job, build): job)\n", 1)]
                                           if sys.version_info >= (3, 11) else [])
    for text, line in cases:
        r = lint_inline(text, name="view.py", kind="python")
        assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", line, "info")], text
    # Oracle's WLST scripts (Jython 2, 2 AL001 errors judged wrong readings): the first error is
    # `from __builtin__ import False`; a print statement further down says which Python it is
    r = lint_inline("import os\nfrom __builtin__ import False\nif len(sys.argv) < 2:\n    print 'Expected arguments!!'\n",
                    name="ping_database.py", kind="python")
    assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", 2, "info")]
    assert "a Python 2 statement on line 2: from __builtin__" in r.notices[0].message
    # not one in a docstring: the parse error stays
    with pytest.raises(ParseError):
        parse(Source("x.py", '"""Example:\n\n    print "hello"\n"""\ndef f(:\n    pass\n'))
    # other syntax errors stay parse errors, a print call too
    with pytest.raises(ParseError):
        parse(Source("x.py", "def broken(:\n    pass\n"))
    with pytest.raises(ParseError):
        parse(Source("x.py", "print('x')\ndef broken(:\n    pass\n"))


def test_a_placeholder_a_build_replaces_makes_a_python_file_a_template():
    # Oracle's WebCenter Sites config.py: `'ListenPort': <ADMIN_SERVER_PORT>,`, replaced by its Groovy build
    r = lint_inline("SERVERS = {\n    'AdminServer': {\n        'ListenPort': <ADMIN_SERVER_PORT>,\n    }\n}\n",
                    name="config.py", kind="python")
    assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL003", 3, "info")]
    with pytest.raises(ParseError):
        parse(Source("x.py", "x = <ADMIN>\n"))  # (one word: no placeholder's shape)
    # r3zound's birdnet_to_mqtt.py: `mqtt_port = %%mqtt_port%%`, which a cont-init script's sed fills
    r = lint_inline("import paho\nmqtt_port = %%mqtt_port%%\n", name="birdnet_to_mqtt.py", kind="python")
    assert [(n.rule_id, n.line) for n in r.notices] == [("AL003", 2)]
    with pytest.raises(ParseError):
        parse(Source("x.py", "x = 5 %% 2\n"))  # (an operator typed twice: no placeholder's shape)


def test_jinja_markup_or_a_template_folder_makes_a_python_file_a_template():
    # cookiecutter-django's config/settings/base.py (`{%- if cookiecutter.use_celery == 'y' %}`),
    # api_router.py (`from {{ cookiecutter.project_slug }}.users...`), cookiecutter-api's files under
    # {{cookiecutter.project_name}}-python/; a syntax error elsewhere stays one
    for text, name in (("import os\n{%- if cookiecutter.use_celery == 'y' %}\nimport celery\n{%- endif %}\n", "base.py"),
                       ("from {{ cookiecutter.project_slug }}.users.api.views import UserViewSet\n", "api_router.py"),
                       ("def f(:\n    pass\n", "{{cookiecutter.project_name}}-python/src/app.py")):
        r = lint_inline(text, name=name, kind="python")
        assert [(n.rule_id, n.severity.label, n.line) for n in r.notices] == [
            ("AL003", "info", 2 if name == "base.py" else 1)], name
    for path in ("x.py", "cookiecutter/{{x/app.py", "src/{{x}}.py"):
        with pytest.raises(ParseError):
            parse(Source(path, "d = {'a': 1}\ndef broken(:\n    pass\n"))
    for bad in ('x = f"{{x}}" + (\n', 'x = f"{{\n', "x = {% 1\n"):  # (an f-string's escaped braces, no Jinja)
        with pytest.raises(ParseError):
            parse(Source("bad.py", bad))


def test_an_f_string_of_a_newer_python_is_an_info_notice_where_archlint_runs_on_an_older_one():
    # dapr's quickstarts: f'... {subscription.json()['id']}' is Python 3.12 (PEP 701)
    text = "import json\nd = {'id': 1}\nprint(f'id: {d['id']}')\n"
    r = lint_inline(text, name="app.py", kind="python")
    if sys.version_info < (3, 12):
        assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", 3, "info")]
        assert "cannot read an f-string here" in r.notices[0].message and "3.12 may: not linted" in r.notices[0].message
    else:
        assert r.notices == []
    # an f-string no Python reads stays a parse error
    for bad in ("x = f'{a}}'\n", "print(f'{x!z}')\n", "print(f'{x y}')\n", "print(f'{x')\n"):
        with pytest.raises(ParseError) as exc:
            parse(Source("bad.py", bad))
        assert "invalid Python syntax: f-string" in exc.value.message, bad


def test_pep_695_syntax_and_a_field_after_another_are_newer_pythons_too():
    # hatchet's dependency_annotations312.py: a `type` statement; postgrest's generate_targets.py:
    # f"{URL}?{headers["alg"]}", the reused quote in the second field; a broken line stays an error
    for text, line in (("import x\ntype Dep = int | None\n", 2), ("def first[T](xs: list[T]) -> T:\n    return xs[0]\n", 1),
                       ("class Box[T]:\n    pass\n", 1), ('u = 1\nh = {"a": 1}\nx = f"{u}?{h["a"]}"\n', 3)):
        r = lint_inline(text, name="m.py", kind="python")
        if sys.version_info < (3, 12):
            assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", line, "info")], text
            assert "3.12 may: not linted" in r.notices[0].message
        else:
            assert r.notices == [], text
    for bad in ("type = = 1\n", "class Box[:\n", "x = f'{a}?{b'\n"):
        with pytest.raises(ParseError):
            parse(Source("bad.py", bad))


def test_a_python_file_with_a_shell_placeholder_where_it_fails_is_a_template():
    # openframe's tactical-rmm local_settings.py: `TRMM_DISABLE_WEB_TERMINAL = ${TRMM_DISABLE_WEB_TERMINAL}`,
    # which envsubst fills when the container starts; a placeholder in a string elsewhere says
    # nothing of another line's error
    r = lint_inline("DB = '${POSTGRES_DB}'\nX = ${TRMM_DISABLE_WEB_TERMINAL}\n", name="local_settings.py", kind="python")
    assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL003", 2, "info")]
    with pytest.raises(ParseError):
        parse(Source("bad.py", "DB = '${POSTGRES_DB}'\ndef f(:\n    pass\n"))


def test_an_escaped_quote_before_the_field_and_a_field_over_lines_are_newer_pythons_too():
    # rfhold's homelab (requires-python >= 3.13): f"\"{snap["cron"]}\"" (an escaped quote before the
    # field that reuses it) and f"linux-modules-nvidia-{ then the name on the next line (PEP 701
    # allows a line break in a field); a plain string left open, or an escaped {{, stays an error
    for text, line in (('snap = {"cron": "x"}\nv = f"\\"{snap["cron"]}\\""\n', 2),
                       ('V = 1\npkg = f"linux-modules-nvidia-{\n    V}-server-generic"\n', 2),
                       # cnoe-io's graph_db.py: a backslash in a field that reuses the quote; its
                       # webex mcp_server.py: a line break after a nested string in a field
                       ('kw = 1\ns = f"{str(kw).replace("\'", \'\\\\"\').replace(\'"\', \'\\\\"\')}"\n', 2),
                       ("m = {}\nt = f\"- {m.get('text',\n    '')}\"\n", 2)):
        r = lint_inline(text, name="d.py", kind="python")
        if sys.version_info < (3, 12):
            assert [(n.rule_id, n.line, n.severity.label) for n in r.notices] == [("AL001", line, "info")], text
        else:
            assert r.notices == [], text
    for bad in ('x = "a{\n', 'x = f"{{\n', 'x = f"{a}" + "oops {\n',  # (a plain string left open)
                "x = 1 \\ 2\n", "x = f'{a}' \\ 2\n"):  # (a backslash outside any string)
        with pytest.raises(ParseError):
            parse(Source("bad.py", bad))


def test_columns_are_code_points():
    result = lint("/nonexistent/dir/m.py", "é = 'ü'; import imp\n", kind="python", python_version="3.12")
    assert show(findings(result, "PY")) == [f"1:17 PY001 {IMP_REMOVED} {ON_312}"]


def test_rule_docs_have_the_contract_sections():
    for rule_id in ("PY001", "PY002"):
        rule = get_rule(rule_id)
        assert list(doc_sections(rule.doc)) == ["What it does", "Why is this bad?", "Example", "Use instead", "Fix"]
        assert rule.summary.endswith(".") and len(rule.summary) < 200
    assert get_rule("PY001").severity.label == "error" and get_rule("PY002").severity.label == "warning"


def test_jwt_decode_with_verify_is_the_verify_entry_s(repo):
    # openedx/ecommerce's cybersource.py: jwt.decode(token, verify=False) means not to verify; the
    # "missing algorithms" entry's hint (a key and HS256) does not fit it, the verify entry's does
    text = """
        import jwt


        def header(token, key):
            claims = jwt.decode(token, verify=False)
            return claims, jwt.decode(token, key)
    """
    found = findings(lint_inline(text, kind="python", tmp_path=repo), "PY")
    assert [(f.span.line, f.message.split(":")[0], f.hint) for f in found] == [
        (5, "the `verify` argument of `jwt.decode()` was removed in PyJWT 2.0.0",
         'jwt.decode(token, key, algorithms=[...], options={"verify_signature": False})'),
        (6, "`jwt.decode()` without `algorithms` was removed in PyJWT 2.0.0", 'jwt.decode(token, key, algorithms=["HS256"])'),
    ]
