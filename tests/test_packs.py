"""Rule packs: the shipped packs validate against their JSON schemas, user packs are merged,
and a bad pack is a clear PackError naming the file, the entry and the problem."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from archlint import packs

REPO = Path(__file__).resolve().parents[1]
PY_PACK = REPO / "rules" / "python-apis.yaml"


@pytest.fixture(autouse=True)
def _fresh_cache():
    packs.clear_cache()
    yield
    packs.clear_cache()


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_schemas_are_valid_draft7():
    for schema in packs.SCHEMAS.values():
        jsonschema.Draft7Validator.check_schema(schema)
    assert {"python-apis", "kubernetes-apis"} <= set(packs.SCHEMAS)


def test_shipped_packs_validate_against_their_schema():
    shipped = sorted((REPO / "rules").glob("*.yaml"))
    assert PY_PACK in shipped
    for path in shipped:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["pack"] in packs.SCHEMAS, path
        jsonschema.Draft7Validator(packs.SCHEMAS[data["pack"]]).validate(data)
        packs.validate_pack(data, path)  # schema plus the cross-field and duplicate checks
        # the built-in fallback checker agrees with jsonschema on the shipped packs
        assert packs._mini_errors(data, packs.SCHEMAS[data["pack"]], []) == []


def test_python_pack_has_enough_sourced_entries():
    entries = yaml.safe_load(PY_PACK.read_text(encoding="utf-8"))["entries"]
    assert len(entries) >= 60
    for e in entries:
        assert "://" in e["source"] or "What's New" in e["source"], e["name"]
    names = {e["name"] for e in entries}
    for required in (
        "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2",
        "cryptography.hazmat.primitives.ciphers.algorithms.TripleDES",
        "cryptography.hazmat.primitives.ciphers.algorithms.CAST5",
        "cryptography.x509.Certificate.not_valid_before",
        "distutils", "imp", "asynchat", "asyncore", "smtpd", "cgi", "telnetlib", "lib2to3",
        "collections.Mapping", "ssl.wrap_socket", "unittest.TestCase.assertEquals",
        "configparser.SafeConfigParser", "datetime.datetime.utcnow", "asyncio.coroutine",
        "typing.io", "typing.re", "pkgutil.ImpImporter",
        "numpy.float", "numpy.float_", "pandas.DataFrame.append", "pkg_resources", "yaml.load",
        "jwt.ExpiredSignature", "OpenSSL.crypto.PKCS12",
    ):
        assert required in names, required
    pbkdf2 = next(e for e in entries if e["name"].endswith("pbkdf2.PBKDF2"))
    assert pbkdf2["kind"] == "never-existed"
    assert pbkdf2["fix"] == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC"
    assert pbkdf2["fix-safety"] == "unsafe"  # another signature: not a drop-in
    # every fix says how far it can be trusted, and why (tests/test_python_fixes.py checks them)
    assert [e["name"] for e in entries if "fix" in e and not ("fix-safety" in e and "fix-reason" in e)] == []


def test_shipped_pack_is_found_and_loaded():
    assert os.path.samefile(packs.shipped_pack_path("python-apis"), PY_PACK)
    entries = packs.load_pack("python-apis")
    assert len(entries) >= 60
    assert packs.load_pack("python-apis") is entries  # cached per process


USER_PACK = """\
    pack: python-apis
    entries:
      - name: acme.clients.get_client
        kind: deprecated
        since: "2.0"
        package: acme-sdk
        replacement: acme.clients.Client
        message: the module-level factory is going away
        source: internal ADR-12 (client factory)
      - name: cgi
        kind: removed
        since: "3.14"
        package: python
        replacement: our own form parser
        message: we decided to stop using it earlier than Python
        source: internal ADR-13 (no cgi)
"""


def test_user_pack_is_appended_and_replaces_same_identity(tmp_path):
    user = write(tmp_path, "acme.yaml", USER_PACK)
    entries = packs.load_pack("python-apis", [str(user)])
    names = [e["name"] for e in entries]
    assert "acme.clients.get_client" in names
    cgi = [e for e in entries if e["name"] == "cgi"]
    assert len(cgi) == 1 and cgi[0]["since"] == "3.14"  # the user's entry replaced the shipped one


def test_official_images_pack_takes_names_as_the_reference_grammar_writes_them(tmp_path):
    # a repository path component: lower-case letters and digits, separated by ".", "_", "__" or dashes
    good = write(tmp_path, "good.yaml", """\
        pack: docker-official-images
        entries:
          - name: my--app
          - name: my__app
          - name: a.b-c
        """)
    names = {e["name"] for e in packs.load_pack("docker-official-images", [str(good)])}
    assert {"my--app", "my__app", "a.b-c", "alpine", "centos"} <= names
    for bad in ("MyApp", "library/myapp", "my___app", "-app", "app."):
        path = write(tmp_path, "bad.yaml", f"pack: docker-official-images\nentries:\n  - name: '{bad}'\n")
        packs.clear_cache()
        with pytest.raises(packs.PackError, match="name"):
            packs.load_pack("docker-official-images", [str(path)])


def test_user_pack_of_another_type_is_ignored_for_this_type(tmp_path):
    k8s = write(tmp_path, "k8s.yaml", """\
        pack: kubernetes-apis
        entries:
          - apiVersion: acme.io/v1beta1
            kind: Widget
            removed-in: "1.30"
            replacement: acme.io/v1
            source: internal ADR-14
        """)
    assert packs.load_pack("python-apis", [str(k8s)]) == packs.load_pack("python-apis")
    assert packs.load_pack("kubernetes-apis", [str(k8s)])[-1]["kind"] == "Widget"


def test_bad_user_pack_names_file_entry_and_problem(tmp_path):
    bad = write(tmp_path, "bad.yaml", """\
        pack: python-apis
        entries:
          - name: acme.ok
            kind: removed
            since: "1.0"
            package: acme
            replacement: acme.new
            message: this one is fine
            source: internal ADR-1
          - name: acme.clients.get_client
            kind: gone
            since: "2.0"
            package: acme-sdk
            replacement: acme.clients.Client
            message: the module-level factory is going away
            source: internal ADR-12
        """)
    with pytest.raises(packs.PackError) as exc:
        packs.load_pack("python-apis", [str(bad)])
    text = str(exc.value)
    assert str(bad) in text
    assert "entries[1] (acme.clients.get_client)" in text
    assert "kind" in text and "'gone'" in text
    assert exc.value.entry == "entries[1] (acme.clients.get_client)"


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('{name: a.b, kind: removed, since: "1", package: x, replacement: y, message: long enough text}',
         "'source' is required"),
        ('{name: a.b, kind: removed, since: "1.x", package: x, replacement: y, message: long enough text, source: internal ADR 1}',
         "since"),
        ('{name: a.b, kind: removed, since: "1", package: x, replacement: y, message: long enough text, source: internal ADR 1, colour: red}',
         "unknown key 'colour'"),
        ('{name: a.b, kind: removed, since: "1", package: x, match: call, replacement: y, message: long enough text, source: internal ADR 1}',
         "match: call needs"),
        ('{name: a.b, kind: deprecated, since: "1", deprecated-since: "1", package: x, replacement: y, message: long enough text, source: internal ADR 1}',
         "'deprecated-since' only applies to kind: removed"),
        ('{name: a.b, kind: removed, since: "1", package: x, replacement: a.c, fix: a.c, fix-safety: true, message: long enough text, source: internal ADR 1}',
         "fix-safety: True is not one of ['safe', 'unsafe', 'none']"),
        ('{name: a.b, kind: removed, since: "1", package: x, replacement: a.c, fix-safety: safe, message: long enough text, source: internal ADR 1}',
         "'fix-safety' without 'fix'"),
        ('{name: a.b, kind: removed, since: "1", package: x, replacement: a.c, fix: a.c, fix-reason: same, message: long enough text, source: internal ADR 1}',
         "fix-reason: 'same' is too short"),
        ('{name: a.b, kind: removed, since: "1", package: x, replacement: a.c, fix: a.c, fix-safe: true, message: long enough text, source: internal ADR 1}',
         "'fix-safe' was replaced by 'fix-safety: safe | unsafe | none'"),
    ],
)
def test_schema_and_cross_field_problems(tmp_path, entry, problem):
    bad = write(tmp_path, "bad.yaml", f"pack: python-apis\nentries:\n  - {entry}\n")
    with pytest.raises(packs.PackError) as exc:
        packs.check_user_packs([str(bad)])
    assert "entries[0] (a.b)" in str(exc.value)
    assert problem in str(exc.value)


def test_fallback_checker_reports_the_same_problem_as_jsonschema(tmp_path):
    data = yaml.safe_load(textwrap.dedent("""\
        pack: python-apis
        entries:
          - {name: a.b, kind: gone, since: "1", package: x, replacement: y, message: long enough text, source: internal ADR 1}
        """))
    schema = packs.SCHEMAS["python-apis"]
    mini = packs._mini_errors(data, schema, [])
    real = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    assert [p for p, _ in mini] == [list(e.absolute_path) for e in real] == [["entries", 0, "kind"]]


def test_duplicate_entries_in_one_pack(tmp_path):
    e = '{name: a.b, kind: removed, since: "1", package: x, replacement: y, message: long enough text, source: internal ADR 1}'
    bad = write(tmp_path, "dup.yaml", f"pack: python-apis\nentries:\n  - {e}\n  - {e}\n")
    with pytest.raises(packs.PackError, match=r"entries\[1\] \(a\.b\): duplicate of entries\[0\]"):
        packs.check_user_packs([str(bad)])


def test_unreadable_invalid_and_untyped_packs(tmp_path):
    with pytest.raises(packs.PackError, match="cannot read rule pack"):
        packs.load_pack("python-apis", [str(tmp_path / "missing.yaml")])
    broken = write(tmp_path, "broken.yaml", "pack: python-apis\nentries: [\n")
    with pytest.raises(packs.PackError, match=r"invalid YAML \(line \d+, column \d+\)"):
        packs.load_pack("python-apis", [str(broken)])
    untyped = write(tmp_path, "untyped.yaml", "entries: []\n")
    with pytest.raises(packs.PackError, match="'pack' must name a pack type"):
        packs.load_pack("python-apis", [str(untyped)])


def test_kubernetes_schema_needs_deprecated_or_removed(tmp_path):
    ok = write(tmp_path, "ok.yaml", """\
        pack: kubernetes-apis
        entries:
          - apiVersion: policy/v1beta1
            kind: PodDisruptionBudget
            deprecated-in: "1.21"
            removed-in: "1.25"
            replacement: policy/v1
            source: https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-25
        """)
    packs.check_user_packs([str(ok)])
    bad = write(tmp_path, "bad.yaml", """\
        pack: kubernetes-apis
        entries:
          - apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            replacement: Pod Security Admission
            source: https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-25
        """)
    with pytest.raises(packs.PackError) as exc:
        packs.check_user_packs([str(bad)])
    assert "entries[0] (policy/v1beta1 PodSecurityPolicy)" in str(exc.value)
    assert "deprecated-in" in str(exc.value) and "removed-in" in str(exc.value)


def test_importing_packs_does_not_import_yaml_or_jsonschema():
    code = "import sys, archlint.packs; print('yaml' in sys.modules, 'jsonschema' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_property_applies_to_attribute_entries_only(tmp_path):
    entry = """\
        pack: python-apis
        entries:
          - name: acme.Thing.old
            kind: deprecated
            since: "2.0"
            package: acme
            match: {match}
            property: true
            replacement: acme.Thing.new
            message: old is gone
            source: https://example.com/changelog
        """
    packs.check_user_packs([str(write(tmp_path, "ok.yaml", entry.replace("{match}", "attribute")))])
    with pytest.raises(packs.PackError, match="'property' only applies to match: attribute"):
        packs.check_user_packs([str(write(tmp_path, "bad.yaml", entry.replace("{match}", "reference")))])
