"""archlint lock, the PL rules and the digest fix against a real registry (CNCF distribution on
loopback, images pushed through its HTTP API: tests/registry_helper.py)."""
from __future__ import annotations

import base64
import json
import socket
import sys
import time

import pytest

from registry_helper import Registry, archlint, ensure_family

from archlint.lock import file as lockfile
from archlint.lock import names
from archlint.lock.client import Client, RegistryError

ensure_family()


# ---- names and the file format (no registry) ----------------------------------------------------


@pytest.mark.parametrize("ref,key", [
    ("python:3.12", "docker.io/library/python:3.12"),
    ("python", "docker.io/library/python:latest"),
    ("index.docker.io/library/python:3.12", "docker.io/library/python:3.12"),
    ("registry-1.docker.io/bitnami/redis:7", "docker.io/bitnami/redis:7"),
    ("docker.io/bitnami/redis:7", "docker.io/bitnami/redis:7"),
    ("ghcr.io/org/app:1.0", "ghcr.io/org/app:1.0"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
    ("docker://quay.io/a/b:2", "quay.io/a/b:2"),
    ("nginx:1.27@sha256:" + "a" * 64, "docker.io/library/nginx:1.27"),
    ("nginx@sha256:" + "b" * 64, "docker.io/library/nginx@sha256:" + "b" * 64),
    ("$BASE", None), ("app:${TAG}", None), ("Upper/Case:1", None), ("oci:./layout", None), ("x@sha256:12", None),
    ("docker-daemon:alpine:3", None), ("containers-storage:quay.io/a/b:1", None),  # local storage, no registry
])
def test_references_are_normalised_as_docker_reads_them(ref, key):
    assert names.key(ref) == key


def test_the_docker_hub_api_host_and_loopback():
    assert names.parse("alpine:3").api_host == "registry-1.docker.io"
    assert names.parse("ghcr.io/a/b:1").api_host == "ghcr.io"
    assert names.loopback("127.0.0.1:5000") and names.loopback("localhost") and names.loopback("[::1]:80")
    assert not names.loopback("localhost.example.com")


def test_the_lock_text_is_sorted_and_round_trips():
    a = lockfile.Entry("ghcr.io/a/b:1", "sha256:" + "1" * 64, "index", ["linux/amd64", "linux/arm64"])
    b = lockfile.Entry("docker.io/library/alpine:3", "sha256:" + "2" * 64, "manifest", ["linux/amd64"])
    text = lockfile.dump([a, b])
    assert text.splitlines()[0] == '{"archlint-lock": 1}'
    assert text.splitlines()[1].startswith('{"ref": "docker.io/library/alpine:3"')
    assert lockfile.parse(text.encode()) == {b.key: b, a.key: a}


@pytest.mark.parametrize("data,message", [
    (b"", "line 1 is not"),
    (b'{"archlint-lock": 1}\nnot json\n', "line 2 is not JSON"),
    (b'{"archlint-lock": 1}\n{"ref": "python:3", "digest": "sha256:' + b"0" * 64 + b'", "kind": "index", '
     b'"platforms": []}\n', "not a normalised image reference"),
    (b'{"archlint-lock": 1}\n{"ref": "docker.io/library/python:3", "digest": "md5:1", "kind": "index", '
     b'"platforms": []}\n', "bad digest"),
    (b'{"archlint-lock": 1}\n{"ref": "docker.io/library/python:3", "digest": "sha256:' + b"0" * 64 + b'", '
     b'"kind": "index", "platforms": ["linux/x86_64"]}\n', "bad platform"),
    (b'{"archlint-lock": 1}\n' + b"[" * 100000 + b"\n", "line 2 is not JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b" " * (lockfile.MAX_LOCK + 1), "over"),
])
def test_a_broken_lock_is_one_error_never_a_crash(data, message):
    with pytest.raises(lockfile.LockError, match=message):
        lockfile.parse(data)


# ---- a real registry ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    r = Registry(tmp_path_factory.mktemp("registry"))
    r.image("vendor/tool", "1.2", "linux/amd64")
    r.index("lib/base", "3", ["linux/amd64", "linux/arm64/v8"], attest=True)
    r.index("lib/old", "1", ["linux/amd64", "linux/arm/v7"], docker=True)
    r.image("lib/dockerv2", "1", "linux/arm64", docker=True)
    yield r
    r.stop()


def _repo(tmp_path, files: dict):
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


def _lines(out: str, rule: str) -> list:
    return [line for line in out.splitlines() if f" {rule} " in line]


def test_the_client_reads_indexes_manifests_and_attestations(registry):
    c = Client()
    multi = c.resolve(names.parse(f"{registry.host}/lib/base:3"))
    assert (multi.kind, multi.platforms) == ("index", ("linux/amd64", "linux/arm64"))  # no unknown/unknown
    one = c.resolve(names.parse(f"{registry.host}/vendor/tool:1.2"))
    assert (one.kind, one.platforms) == ("manifest", ("linux/amd64",))
    assert c.resolve(names.parse(f"{registry.host}/lib/old:1")).platforms == ("linux/amd64", "linux/arm/v7")
    assert c.resolve(names.parse(f"{registry.host}/lib/dockerv2:1")).platforms == ("linux/arm64",)
    by_digest = c.resolve(names.parse(f"{registry.host}/lib/base@{multi.digest}"))
    assert by_digest.digest == multi.digest and by_digest.platforms == multi.platforms
    with pytest.raises(RegistryError) as e:
        c.resolve(names.parse(f"{registry.host}/lib/none:1"))
    assert e.value.missing


def test_a_manifest_over_the_size_limit_is_refused(registry):
    registry.index("lib/huge", "1", ["linux/amd64"], padding=200_000)
    c = Client(max_manifest=64 << 10)
    with pytest.raises(RegistryError, match="over the limit of 65536"):
        c.resolve(names.parse(f"{registry.host}/lib/huge:1"))
    assert Client().resolve(names.parse(f"{registry.host}/lib/huge:1")).platforms == ("linux/amd64",)


SAMPLE_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: a}}
spec:
  template:
    spec:
      nodeSelector:
        kubernetes.io/arch: arm64
      containers:
      - name: a
        image: {host}/vendor/tool:1.2
      - name: b
        image: {host}/lib/base:3
"""


def test_lock_then_an_offline_check_reports_the_platforms_an_image_publishes(registry, tmp_path):
    h = registry.host
    repo = _repo(tmp_path, {
        "archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
        "Dockerfile": f"FROM {h}/vendor/tool:1.2\nFROM --platform=linux/arm/v7 {h}/lib/base:3 AS x\n"
                      f"FROM {h}/lib/base:3\n",
        "deploy.yaml": SAMPLE_DEPLOY.format(host=h),
        "app/Dockerfile": "FROM scratch\n",
    })
    r = archlint(repo, "lock")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"added: {h}/lib/base:3 (index: linux/amd64, linux/arm64)",
        f"added: {h}/vendor/tool:1.2 (manifest: linux/amd64)",
        "archlint.lock: 2 images",
    ]
    text = (repo / "archlint.lock").read_text()
    entries = [json.loads(line) for line in text.splitlines()]
    assert entries[0] == {"archlint-lock": 1}
    assert [(e["ref"], e["kind"], e["platforms"]) for e in entries[1:]] == [
        (f"{h}/lib/base:3", "index", ["linux/amd64", "linux/arm64"]),
        (f"{h}/vendor/tool:1.2", "manifest", ["linux/amd64"]),
    ]
    r = archlint(repo, "check", "--output-format", "concise", "--select", "PL")
    assert r.returncode == 1
    assert r.stdout.splitlines()[:-1] == [
        f"Dockerfile:1:6: PL001 Base image {h}/vendor/tool:1.2 does not publish linux/arm64 (a configured target "
        "platform): archlint.lock records linux/amd64.",
        f"Dockerfile:2:30: PL002 Base image {h}/lib/base:3 does not publish linux/arm/v7, the stage's --platform: "
        "archlint.lock records linux/amd64, linux/arm64.",
        f"deploy.yaml:11:16: PL001 Image {h}/vendor/tool:1.2 does not publish linux/arm64 (selected by its "
        "nodeSelector): archlint.lock records linux/amd64.",
    ]
    # a second lock changes nothing, byte for byte; --check agrees
    before = (repo / "archlint.lock").stat().st_mtime_ns
    r = archlint(repo, "lock")
    assert r.stdout.splitlines() == ["archlint.lock: 2 images, unchanged"]
    assert (repo / "archlint.lock").read_text() == text and (repo / "archlint.lock").stat().st_mtime_ns == before
    r = archlint(repo, "lock", "--check")
    assert (r.returncode, r.stdout) == (0, "archlint.lock is up to date (2 images)\n")


def test_without_a_lock_the_family_says_nothing(registry, tmp_path):
    repo = _repo(tmp_path, {"archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
                            "Dockerfile": f"FROM {registry.host}/vendor/tool:1.2\n"})
    r = archlint(repo, "check", "--select", "PL")
    assert (r.returncode, r.stdout.strip()) == (0, "No findings in 1 file"), r.stdout + r.stderr


def test_a_broken_lock_is_one_notice(tmp_path):
    repo = _repo(tmp_path, {"Dockerfile": "FROM alpine:3.20\n", "sub/Dockerfile": "FROM alpine:3.19\n",
                            "archlint.lock": "garbage\n"})
    r = archlint(repo, "check", "--select", "PL")
    assert r.returncode == 0, r.stdout + r.stderr
    notes = [line for line in r.stdout.splitlines() if "archlint.lock cannot be used" in line]
    assert len(notes) == 1, r.stdout
    assert 'line 1 is not {"archlint-lock": 1}' in notes[0]


def test_missing_images_are_notices_and_the_lock_lists_what_is_missing(registry, tmp_path):
    h = registry.host
    repo = _repo(tmp_path, {"Dockerfile": f"FROM {h}/vendor/tool:1.2\nFROM {h}/lib/gone:1\n"})
    r = archlint(repo, "lock")
    assert r.returncode == 0
    assert r.stderr == f"notice: {h}/lib/gone:1 (Dockerfile:2): not found in the registry\n"
    assert f"{h}/lib/gone:1" not in (repo / "archlint.lock").read_text()
    r = archlint(repo, "check", "--output-format", "concise", "--select", "PL")
    assert _lines(r.stdout, "PL003") == [
        f"Dockerfile:2:6: PL003 Image {h}/lib/gone:1 is not in archlint.lock, so its platforms are not checked."]
    r = archlint(repo, "lock", "--check")
    assert r.returncode == 1
    assert r.stdout.splitlines() == [f"missing: {h}/lib/gone:1 (Dockerfile:2)",
                                     "archlint.lock is not up to date: run `archlint lock`"]


def test_online_reports_a_moved_tag_and_lock_refreshes_it(registry, tmp_path):
    h = registry.host
    registry.index("lib/moving", "1", ["linux/amd64", "linux/arm64"])
    repo = _repo(tmp_path, {"Dockerfile": f"FROM {h}/lib/moving:1\nFROM {h}/vendor/tool:1.2\n"})
    assert archlint(repo, "lock").returncode == 0
    old = json.loads((repo / "archlint.lock").read_text().splitlines()[1])
    r = archlint(repo, "check", "--online", "--select", "PL", "--output-format", "concise")
    assert r.returncode == 0 and _lines(r.stdout, "PL004") == []
    new = registry.index("lib/moving", "1", ["linux/amd64", "linux/arm64"], salt="rebuilt")
    r = archlint(repo, "check", "--online", "--select", "PL", "--output-format", "concise")
    assert _lines(r.stdout, "PL004") == [
        f"Dockerfile:1:6: PL004 The tag of {h}/lib/moving:1 now resolves to {new}, not the digest archlint.lock "
        f"records ({old['digest']})."]
    r = archlint(repo, "check", "--select", "PL")  # offline: nothing to say
    assert r.returncode == 0 and "PL004" not in r.stdout
    r = archlint(repo, "lock", "--check")
    assert r.returncode == 1 and r.stdout.startswith(f"stale: {h}/lib/moving:1 (")
    r = archlint(repo, "lock")
    assert r.stdout.splitlines()[0].startswith(f"updated: {h}/lib/moving:1 ({old['digest'][:19]}… -> {new[:19]}…")
    lines = (repo / "archlint.lock").read_text().splitlines()
    assert json.loads(lines[1])["digest"] == new and json.loads(lines[2])["ref"] == f"{h}/vendor/tool:1.2"


def test_the_digest_fix_pins_every_image_from_the_lock(registry, tmp_path):
    h = registry.host
    repo = _repo(tmp_path, {
        "archlint.toml": 'extend-select = ["DF011", "K8S008"]\n',
        "Dockerfile": f"ARG BASE={h}/lib/base:3\nFROM {h}/vendor/tool:1.2\nFROM $BASE\nFROM {h}/lib/base:3\n",
        "deploy.yaml": SAMPLE_DEPLOY.format(host=h),
    })
    assert archlint(repo, "lock").returncode == 0
    lines = (repo / "archlint.lock").read_text().splitlines()[1:]
    entries = {json.loads(x)["ref"]: json.loads(x)["digest"] for x in lines}
    tool, base = entries[f"{h}/vendor/tool:1.2"], entries[f"{h}/lib/base:3"]
    r = archlint(repo, "check", "--fix")  # unsafe: not applied without --unsafe-fixes
    assert "@sha256" not in (repo / "Dockerfile").read_text()
    r = archlint(repo, "check", "--fix", "--unsafe-fixes", "--output-format", "concise")
    assert (repo / "Dockerfile").read_text() == (
        f"ARG BASE={h}/lib/base:3\nFROM {h}/vendor/tool:1.2@{tool}\nFROM $BASE\nFROM {h}/lib/base:3@{base}\n")
    deploy = (repo / "deploy.yaml").read_text()
    assert f"image: {h}/vendor/tool:1.2@{tool}\n" in deploy and f"image: {h}/lib/base:3@{base}\n" in deploy
    # pinned references are still the lock's (no PL003), and still judged (PL001 on the arm64 node)
    r = archlint(repo, "check", "--select", "PL", "--output-format", "concise")
    assert [line.split(": ", 2)[1].split(" ")[0] for line in r.stdout.splitlines()[:-1]] == ["DF011", "PL001"], r.stdout
    assert "Dockerfile:3:6: DF011" in r.stdout  # FROM $BASE: the text is not the reference, no fix
    assert archlint(repo, "lock", "--check").returncode == 0


def _auth_config(user, password, host):
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    return json.dumps({"auths": {f"http://{host}/v2/": {"auth": auth}},
                       "credsStore": "desktop"})


def test_basic_auth_from_the_docker_config_and_the_environment(tmp_path_factory):
    r = Registry(tmp_path_factory.mktemp("authreg"), users={"ci": "s3cret"})
    try:
        r.index("team/app", "1", ["linux/amd64", "linux/arm64"])
        repo = _repo(tmp_path_factory.mktemp("authrepo"), {"Dockerfile": f"FROM {r.host}/team/app:1\n"})
        # no credentials: a notice, no entry
        out = archlint(repo, "lock")
        assert out.returncode == 0
        assert "the registry wants credentials and none are configured for it" in out.stderr
        assert f"{r.host}/team/app:1" not in (repo / "archlint.lock").read_text()
        # the Docker configuration file's auths (its credential helper is not run)
        conf = repo / "dockerconf"
        conf.mkdir()
        (conf / "config.json").write_text(_auth_config("ci", "s3cret", r.host))
        out = archlint(repo, "lock", env={"DOCKER_CONFIG": str(conf)})
        assert out.stdout.startswith(f"added: {r.host}/team/app:1 (index: linux/amd64, linux/arm64)"), out.stderr
        assert "credential helpers (credsStore, credHelpers) are not run" in out.stderr
        (repo / "archlint.lock").unlink()
        # DOCKER_AUTH_CONFIG
        out = archlint(repo, "lock", env={"DOCKER_AUTH_CONFIG": json.dumps(
            {"auths": {r.host: {"username": "ci", "password": "s3cret"}}})})
        assert out.stdout.startswith(f"added: {r.host}/team/app:1"), out.stderr
        # wrong credentials: a notice
        out = archlint(repo, "lock", "--check", env={"DOCKER_AUTH_CONFIG": _auth_config("ci", "nope", r.host)})
        assert "access denied (HTTP 401" in out.stderr and out.returncode == 0
    finally:
        r.stop()


def test_a_registry_stopped_mid_run_gives_notices(tmp_path_factory):
    r = Registry(tmp_path_factory.mktemp("stopping"))
    r.image("a/one", "1", "linux/amd64")
    r.image("a/two", "1", "linux/amd64")
    c = Client(timeout=5)
    assert c.resolve(names.parse(f"{r.host}/a/one:1")).platforms == ("linux/amd64",)
    r.stop()
    t = time.monotonic()
    for name in ("a/two:1", "a/three:1"):
        with pytest.raises(RegistryError) as e:
            c.resolve(names.parse(f"{r.host}/{name}"))
        assert not e.value.missing and r.host in e.value.message
    assert time.monotonic() - t < 2


def test_online_never_hangs_on_a_registry_that_never_answers(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # accepts connections (the kernel does) and never answers
    host = f"127.0.0.1:{silent.getsockname()[1]}"
    try:
        entries = [lockfile.Entry(f"{host}/a/{n}:1", "sha256:" + str(n) * 64, "index", ["linux/amd64"])
                   for n in range(1, 10)]
        repo = _repo(tmp_path, {
            "archlint.toml": "registry-timeout = 1\n",
            "Dockerfile": "".join(f"FROM {e.key}\n" for e in entries),
            "archlint.lock": lockfile.dump(entries),
        })
        t = time.monotonic()
        r = archlint(repo, "check", "--online", "--select", "PL", "--output-format", "concise", timeout=30)
        took = time.monotonic() - t
        assert took < 6, took
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"{host}/a/1:1 could not be checked online: {host}: no answer within 1 s" in r.stdout
        assert "PL004 The tag" not in r.stdout
    finally:
        silent.close()


def test_a_plain_check_imports_no_http_client(tmp_path):
    import os
    import subprocess

    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "archlint.lock").write_text('{"archlint-lock": 1}\n')
    (tmp_path / ".git").mkdir()
    code = ("import sys; from archlint import checks, registry; "
            "fam = checks.Family('PL', 'platform-lock', 'lock', ('dockerfile',)); "
            "registry.register_family(fam) if not any(f.prefix == 'PL' for f in checks.FAMILIES) else None; "
            "from archlint.cli import main; main(['check', '--no-cache', '--select', 'PL,DF', 'Dockerfile']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('http', 'ssl', 'urllib', 'socket', "
            "'concurrent') or m.startswith(('archlint.lock.c', 'archlint.lock.command'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env=dict(os.environ, ARCHLINT_NO_CACHE="1"))
    assert "PL003 Image alpine:3.20 is not in archlint.lock" in out.stdout, out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_compose_workflow_and_helm_images_are_judged_from_the_lock(tmp_path):
    amd = lockfile.Entry("docker.io/vendor/tool:1", "sha256:" + "1" * 64, "manifest", ["linux/amd64"])
    both = lockfile.Entry("docker.io/library/redis:7", "sha256:" + "2" * 64, "index", ["linux/amd64", "linux/arm64"])
    repo = _repo(tmp_path, {
        "archlint.lock": lockfile.dump([amd, both]),
        "compose.yaml": "services:\n  a:\n    image: vendor/tool:1\n    platform: linux/arm64\n"
                        "  b:\n    image: redis:7\n    platform: linux/arm64\n  c:\n    image: vendor/tool:1\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04-arm\n"
                                    "    container: docker.io/vendor/tool:1\n    steps:\n      - run: true\n",
        "chart/values.yaml": "image: index.docker.io/vendor/tool:1\nnodeSelector:\n  kubernetes.io/arch: arm64\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    })
    r = archlint(repo, "check", "--select", "PL", "--output-format", "concise")
    assert r.stdout.splitlines()[:-1] == [
        ".github/workflows/ci.yml:5:16: PL001 Image docker.io/vendor/tool:1 does not publish linux/arm64 (selected "
        "by its runs-on): archlint.lock records linux/amd64.",
        "chart/values.yaml:1:8: PL001 Image index.docker.io/vendor/tool:1 does not publish linux/arm64 (selected by "
        "its nodeSelector): archlint.lock records linux/amd64.",
        "compose.yaml:3:12: PL001 Image vendor/tool:1 does not publish linux/arm64 (selected by its platform:): "
        "archlint.lock records linux/amd64.",
    ], r.stdout + r.stderr


# ---- PL005: pins the lock's tags moved away from -------------------------------------------------


def _children(registry, repo: str, digest: str) -> list:
    status, _h, body = registry.request("GET", f"/v2/{repo}/manifests/{digest}",
                                        headers={"Accept": "application/vnd.oci.image.index.v1+json"})
    assert status == 200
    return [m["digest"] for m in json.loads(body)["manifests"]]


def test_a_pin_the_tag_moved_away_from_is_reported_and_fixed_from_the_lock(registry, tmp_path):
    h = registry.host
    old = registry.index("lib/pinned", "1", ["linux/amd64", "linux/arm64"], attest=True)
    child = _children(registry, "lib/pinned", old)[0]  # the amd64 image of the tag
    repo = _repo(tmp_path, {
        "archlint.toml": 'platforms = ["linux/amd64", "linux/arm64"]\n',
        "Dockerfile": f"ARG PINNED={h}/lib/pinned:1@{old}\nFROM {h}/lib/pinned:1@{old}\n"
                      f"FROM {h}/lib/pinned:1@{child} AS one\nFROM $PINNED\n",
        "deploy.yaml": SAMPLE_DEPLOY.format(host=h).replace(f"{h}/lib/base:3", f"{h}/lib/pinned:1@{old}"),
    })
    r = archlint(repo, "lock")
    assert r.stdout.splitlines() == [
        f"added: {h}/lib/pinned:1 (index: linux/amd64, linux/arm64)",
        f"added: {h}/vendor/tool:1.2 (manifest: linux/amd64)",
        "archlint.lock: 2 images"], r.stdout + r.stderr
    entry = json.loads((repo / "archlint.lock").read_text().splitlines()[1])
    assert entry["ref"] == f"{h}/lib/pinned:1" and entry["digest"] == old
    assert child in entry["manifests"] and len(entry["manifests"]) == 2  # the attestations are not listed
    r = archlint(repo, "check", "--select", "PL005")
    assert r.returncode == 0, r.stdout  # the pins are the tag's, the one-platform pin too

    new = registry.index("lib/pinned", "1", ["linux/amd64", "linux/arm64"], attest=True, salt="rebuilt")
    r = archlint(repo, "lock")
    assert r.stdout.splitlines() == [
        f"updated: {h}/lib/pinned:1 ({old[:19]}… -> {new[:19]}…, index: linux/amd64, linux/arm64)",
        f"pinned: Dockerfile:2: {h}/lib/pinned:1@{old[:19]}…, the lock has {new[:19]}…",
        f"pinned: Dockerfile:3: {h}/lib/pinned:1@{child[:19]}…, the lock has {new[:19]}…",
        f"pinned: Dockerfile:4: {h}/lib/pinned:1@{old[:19]}…, the lock has {new[:19]}…",
        f"pinned: deploy.yaml:13: {h}/lib/pinned:1@{old[:19]}…, the lock has {new[:19]}…",
        "4 pinned references differ from archlint.lock: archlint check --fix --unsafe-fixes --select PL005",
        "archlint.lock: 2 images",
    ], r.stdout
    lock_lines = (repo / "archlint.lock").read_text().splitlines()
    assert json.loads(lock_lines[1])["ref"] == f"{h}/lib/pinned:1"  # still keyed by the tag
    r = archlint(repo, "check", "--select", "PL005", "--output-format", "concise")
    assert r.stdout.splitlines()[:-1] == [
        f"Dockerfile:2:6: PL005 {h}/lib/pinned:1@{old} is pinned to {old[:19]}…, but archlint.lock records its "
        f"tag 1 at {new[:19]}….",
        f"Dockerfile:3:6: PL005 {h}/lib/pinned:1@{child} is pinned to {child[:19]}…, but archlint.lock records its "
        f"tag 1 at {new[:19]}….",
        f"Dockerfile:4:6: PL005 {h}/lib/pinned:1@{old} is pinned to {old[:19]}…, but archlint.lock records its "
        f"tag 1 at {new[:19]}….",
        f"deploy.yaml:13:16: PL005 {h}/lib/pinned:1@{old} is pinned to {old[:19]}…, but archlint.lock records its "
        f"tag 1 at {new[:19]}….",
    ], r.stdout + r.stderr
    assert r.returncode == 1
    r = archlint(repo, "check", "--fix", "--select", "PL005")  # unsafe: nothing without --unsafe-fixes
    assert f"FROM {h}/lib/pinned:1@{old}\n" in (repo / "Dockerfile").read_text()
    archlint(repo, "check", "--fix", "--unsafe-fixes", "--select", "PL005")
    assert (repo / "Dockerfile").read_text() == (
        f"ARG PINNED={h}/lib/pinned:1@{old}\nFROM {h}/lib/pinned:1@{new}\n"
        f"FROM {h}/lib/pinned:1@{new} AS one\nFROM $PINNED\n")  # an ARG default: reported, not rewritten
    assert f"image: {h}/lib/pinned:1@{new}\n" in (repo / "deploy.yaml").read_text()
    r = archlint(repo, "check", "--select", "PL", "--output-format", "concise")
    assert [line.split(": ", 2)[1].split(" ")[0] for line in r.stdout.splitlines()[:-1]] == [
        "PL005", "PL001"], r.stdout  # FROM $PINNED still; the tool image on the arm64 node
    r = archlint(repo, "lock")
    assert r.stdout.splitlines()[-2:] == [
        "1 pinned reference differs from archlint.lock: archlint check --fix --unsafe-fixes --select PL005",
        "archlint.lock: 2 images, unchanged"]


def test_pins_against_a_lock_without_manifests_or_a_single_manifest(tmp_path):
    d = ["sha256:" + str(n) * 64 for n in range(4)]
    repo = _repo(tmp_path, {
        "archlint.lock": lockfile.dump([
            lockfile.Entry("docker.io/library/python:3", d[1], "index", ["linux/amd64"]),  # manifests not recorded
            lockfile.Entry("docker.io/vendor/tool:1", d[2], "manifest", ["linux/amd64"]),
        ]),
        "Dockerfile": f"FROM python:3@{d[0]}\nFROM vendor/tool:1@{d[3]}\nFROM vendor/tool:1@{d[2]}\n",
    })
    r = archlint(repo, "check", "--select", "PL", "--output-format", "concise")
    assert r.stdout.splitlines()[:-1] == [
        f"Dockerfile:2:6: PL005 vendor/tool:1@{d[3]} is pinned to {d[3][:19]}…, but archlint.lock records its tag 1 "
        f"at {d[2][:19]}…."], r.stdout + r.stderr


@pytest.mark.parametrize("extra,message", [
    (', "manifests": ["sha256:nope"]', "manifests is not a list"),
    (', "manifests": "sha256:' + "1" * 64 + '"', "manifests is not a list"),
    (', "other": 1', "an entry is not"),
])
def test_the_manifests_of_an_entry_are_validated(extra, message):
    line = ('{"ref": "docker.io/library/python:3", "digest": "sha256:' + "0" * 64 + '", "kind": "index", '
            '"platforms": []' + extra + "}")
    with pytest.raises(lockfile.LockError, match=message):
        lockfile.parse(b'{"archlint-lock": 1}\n' + line.encode() + b"\n")
    manifest = line.replace('"index"', '"manifest"').replace(extra, ', "manifests": ["sha256:' + "1" * 64 + '"]')
    with pytest.raises(lockfile.LockError, match="manifests is not a list"):
        lockfile.parse(b'{"archlint-lock": 1}\n' + manifest.encode() + b"\n")
