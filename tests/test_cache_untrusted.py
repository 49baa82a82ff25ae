"""The cache folder is input, not trusted state (issue 17, section 2).

CI systems restore cache folders from shared caches, so whoever can write one must not be able to
crash a run, silence it or forge its findings.  Crafted memo entries (garbage, allocation bombs,
truncated code objects, deep nesting, a well-formed entry with a forged meaning), folders and
entries owned by another user, and the modes of what the cache creates.
"""
from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from archlint.run.cache import FORMAT

from archlint import __version__
from archlint.config import _toml_parse
from archlint.run import cache as C
from archlint.run import memo

CONFIG = 'platforms = ["linux/amd64"]\n'
DOCKERFILE = "FROM acme/base:latest\n"  # DF001 (mutable tag) with any configuration but ignore = ["ALL"]
# (namespaced: a one-part name would have DF001 read the official-images pack, a second memo entry)


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """A private cache folder and a private key location for this test."""
    cache = tmp_path / "cache"
    state = tmp_path / "state"
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(cache))
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(C, "RACY_NS", 0)
    return cache, state


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".archlint.toml").write_text(CONFIG)
    (root / "Dockerfile").write_text(DOCKERFILE)
    return root


def _check(root: Path, cache: Path, state: Path, *args: str, limit_mb: int | None = None):
    """``archlint check --no-cache`` in a subprocess (a crash must not take the test with it);
    ``limit_mb``: its address space, so that an allocation bomb fails fast instead of swapping."""
    env = {k: v for k, v in os.environ.items() if k != "ARCHLINT_NO_CACHE"}
    env.update(ARCHLINT_CACHE_DIR=str(cache), XDG_STATE_HOME=str(state), NO_COLOR="1")
    pre = None
    if limit_mb is not None:
        import resource

        def pre():
            resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))
    return subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache", "--jobs", "1", *args, "."],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120, preexec_fn=pre)


def _memo_files(cache: Path) -> list[Path]:
    folder = cache / "memo"
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []


# ---- crafted memo entries ---------------------------------------------------------------------


def _old_framed(payload: bytes) -> bytes:
    """The former memo framing (a CRC-32 of the payload, then marshal data): an attacker
    computes the checksum as easily as the loader does."""
    return zlib.crc32(payload).to_bytes(4, "little") + payload


def _truncated_code() -> bytes:
    code = marshal.dumps(compile("def f(a, *b, **c):\n    return [x for x in a]\n", "x.py", "exec"))
    return code[: len(code) * 2 // 3]


CRAFTED = {
    "garbage": os.urandom(236),
    # a tuple of 2**31-1 items: 16 GB asked for by a 9-byte entry (MemoryError, or the OOM killer)
    "allocation-bomb": _old_framed(b"(" + (2**31 - 1).to_bytes(4, "little")),
    # a string of 2 GB claimed by a 5-byte header
    "string-bomb": _old_framed(b"u" + (2**31 - 1).to_bytes(4, "little")),
    "truncated-code": _old_framed(_truncated_code()),
    "deep-nesting": _old_framed(b")\x01" * 5000 + b"N"),
    "json-bomb": b"archlint-memo 2\n" + b"0" * 32 + b"\n" + b"[" * 200_000,
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_a_crafted_memo_entry_never_crashes_a_run(dirs, tmp_path, name):
    cache, state = dirs
    root = _repo(tmp_path)
    base = _check(root, cache, state)
    assert base.returncode == 1 and "DF001" in base.stdout, base.stderr
    entries = _memo_files(cache)
    assert entries, "the configuration was not remembered"
    for p in entries:
        p.write_bytes(CRAFTED[name])
    r = _check(root, cache, state, limit_mb=1024)
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and r.stdout == base.stdout
    # the entry was replaced by a good one
    assert all(p.read_bytes() != CRAFTED[name] for p in _memo_files(cache))


def _forge(entry: Path, real: str, value: dict, source: bytes) -> None:
    """The best forgery for the format the folder holds, made by someone who can write the folder
    and knows the configuration file's bytes (a public repository's ``.archlint.toml``) but not
    the user's key."""
    if entry.suffix == ".marshal":  # the former format: its key is computable from the bytes
        tag = f"archlint-memo-1/{__version__}/{sys.implementation.cache_tag}"
        key = (tag, real, len(source), zlib.crc32(source), zlib.adler32(source))
        entry.write_bytes(_old_framed(marshal.dumps((key, value))))
        return
    body = json.dumps({"tag": memo._TAG, "path": real, "source": memo._blake2b(source, digest_size=16).hexdigest(),
                       "value": value}, separators=(",", ":")).encode()
    forged_key = os.urandom(32)  # the attacker's own key: the folder does not hold the user's
    entry.write_bytes(memo._MAGIC + memo.mac(forged_key, body).encode() + b"\n" + body)


def test_a_forged_configuration_entry_cannot_silence_a_run(dirs, tmp_path):
    cache, state = dirs
    root = _repo(tmp_path)
    base = _check(root, cache, state)
    assert "DF001" in base.stdout
    (entry,) = _memo_files(cache)
    cfg = root / ".archlint.toml"
    _forge(entry, os.path.realpath(cfg), {"platforms": ["linux/amd64"], "ignore": ["ALL"]}, cfg.read_bytes())
    r = _check(root, cache, state)
    assert r.stdout == base.stdout and "DF001" in r.stdout, r.stdout


def test_a_forged_rule_pack_entry_is_a_miss(dirs, tmp_path):
    cache, _state = dirs
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: python-apis\nentries: []\n")
    calls = []

    def parse(p):
        calls.append(p)
        return {"pack": "python-apis", "entries": []}

    memo.load(str(pack), parse)
    (entry,) = _memo_files(cache)
    _forge(entry, os.path.realpath(pack), {"pack": "python-apis", "entries": [{"forged": True}]}, pack.read_bytes())
    assert memo.load(str(pack), parse) == {"pack": "python-apis", "entries": []}
    assert len(calls) == 2


def test_an_entry_is_bound_to_the_bytes_it_was_parsed_from(dirs, tmp_path):
    """A genuine entry (made with the user's key) put back after the file changed is a miss."""
    cache, _state = dirs
    cfg = tmp_path / ".archlint.toml"
    cfg.write_text('ignore = ["ALL"]\n')
    assert memo.load(str(cfg), _toml_parse) == {"ignore": ["ALL"]}
    (entry,) = _memo_files(cache)
    saved = entry.read_bytes()
    cfg.write_text('select = ["DF"]\n')
    memo.load(str(cfg), _toml_parse)
    entry.write_bytes(saved)
    assert memo.load(str(cfg), _toml_parse) == {"select": ["DF"]}


def test_what_is_read_back_is_shape_checked(dirs, tmp_path):
    """Even with the user's key (the one thing the folder does not give), a value that is not a
    table, or an entry of another shape, is a miss."""
    cache, _state = dirs
    cfg = tmp_path / "a.toml"
    cfg.write_text("x = 1\n")
    memo.load(str(cfg), _toml_parse)
    (entry,) = _memo_files(cache)
    key = memo.secret()
    real = os.path.realpath(cfg)
    source = memo._blake2b(cfg.read_bytes(), digest_size=16).hexdigest()
    docs = [
        {"tag": memo._TAG, "path": real, "source": source, "value": ["x"]},
        {"tag": memo._TAG, "path": real, "source": source, "value": {"x": 1}, "extra": 1},
        {"tag": "archlint-memo-2/0.0/other", "path": real, "source": source, "value": {"x": 2}},
        {"tag": memo._TAG, "path": real + "x", "source": source, "value": {"x": 2}},
        [memo._TAG, real, source, {"x": 2}],
    ]
    for doc in docs:
        body = json.dumps(doc).encode()
        entry.write_bytes(memo._MAGIC + memo.mac(key, body).encode() + b"\n" + body)
        assert memo.load(str(cfg), _toml_parse) == {"x": 1}, doc
    body = b'{"tag": NaN}'
    entry.write_bytes(memo._MAGIC + memo.mac(key, body).encode() + b"\n" + body)
    assert memo.load(str(cfg), _toml_parse) == {"x": 1}


def test_without_a_usable_key_nothing_is_remembered(dirs, tmp_path):
    cache, state = dirs
    (state / "archlint").mkdir(parents=True)
    (state / "archlint" / "cache-key").mkdir()  # not a file: no key can be read or written
    cfg = tmp_path / "a.toml"
    cfg.write_text("x = 1\n")
    assert memo.load(str(cfg), _toml_parse) == {"x": 1}
    assert not _memo_files(cache)
    assert not C.Cache.open().enabled


def test_the_key_is_private_and_outside_the_cache_folder(dirs, tmp_path):
    cache, state = dirs
    key = memo.secret()
    path = state / "archlint" / "cache-key"
    assert key is not None and len(key) == 32 and path.read_bytes() == key
    assert not str(path).startswith(str(cache))
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


# ---- owners and modes -------------------------------------------------------------------------

NOBODY = 65534


def _chown_or_skip(path: Path) -> None:
    if not hasattr(os, "geteuid"):
        pytest.skip("no user ids here")
    try:
        os.chown(path, NOBODY, NOBODY)
    except (PermissionError, OSError):
        pytest.skip("chown is not permitted (not root)")


def test_a_memo_entry_owned_by_another_user_is_neither_read_nor_written(dirs, tmp_path):
    cache, _state = dirs
    cfg = tmp_path / "a.toml"
    cfg.write_text("x = 1\n")
    calls = []

    def parse(p):
        calls.append(p)
        return _toml_parse(p)

    memo.load(str(cfg), parse)
    (entry,) = _memo_files(cache)
    before = entry.read_bytes()
    _chown_or_skip(entry)
    assert memo.load(str(cfg), parse) == {"x": 1}
    assert len(calls) == 2  # not read
    assert entry.stat().st_uid == NOBODY and entry.read_bytes() == before  # not replaced


def test_a_memo_folder_owned_by_another_user_is_ignored(dirs, tmp_path):
    cache, _state = dirs
    folder = cache / "memo"
    folder.mkdir(parents=True)
    _chown_or_skip(folder)
    cfg = tmp_path / "a.toml"
    cfg.write_text("x = 1\n")
    calls = []

    def parse(p):
        calls.append(p)
        return _toml_parse(p)

    memo.load(str(cfg), parse)
    memo.load(str(cfg), parse)
    assert len(calls) == 2 and not list(folder.iterdir())


def test_a_result_cache_folder_owned_by_another_user_is_ignored(dirs, tmp_path):
    cache, _state = dirs
    cache.mkdir()
    _chown_or_skip(cache)
    c = C.Cache.open()
    assert not c.enabled


def test_an_index_file_owned_by_another_user_is_neither_read_nor_written(dirs, tmp_path, monkeypatch):
    from archlint.config import Settings
    from archlint.engine import lint_file

    cache, _state = dirs
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    p = str(root / "Dockerfile")
    c = C.Cache.open()
    c.put(p, "Dockerfile", Settings(), lint_file(p, "Dockerfile", Settings()))
    c.close()
    (shard,) = list(Path(c.directory).glob("*.idx"))
    before = shard.read_bytes()
    c2 = C.Cache.open()
    assert c2.get(p, "Dockerfile", Settings()) is not None  # ours: a hit
    _chown_or_skip(shard)
    c3 = C.Cache.open()
    assert c3.get(p, "Dockerfile", Settings()) is None  # another user's: absent
    c3.put(p, "Dockerfile", Settings(), lint_file(p, "Dockerfile", Settings()))
    c3.close()
    assert shard.stat().st_uid == NOBODY and shard.read_bytes() == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_cache_folders_are_private_whatever_the_umask(dirs, tmp_path, monkeypatch):
    from archlint.config import Settings
    from archlint.engine import lint_file

    cache, _state = dirs
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    old = os.umask(0)
    try:
        memo.load(str(root / ".archlint.toml"), _toml_parse)
        c = C.Cache.open()
        p = str(root / "Dockerfile")
        c.put(p, "Dockerfile", Settings(), lint_file(p, "Dockerfile", Settings()))
        c.close()
    finally:
        os.umask(old)
    folders = [cache, cache / "memo", cache / f"v{FORMAT}", Path(c.directory)]
    assert {f.name: oct(f.stat().st_mode & 0o777) for f in folders} == {f.name: "0o700" for f in folders}
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files and {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}


# ---- the result index -------------------------------------------------------------------------


def test_a_forged_index_cannot_silence_a_file(dirs, tmp_path, monkeypatch):
    """An index made by someone who knows the file's bytes and the format, but not the key:
    a well-formed entry with no findings is not used."""
    from archlint.config import Settings
    from archlint.engine import lint_file

    cache, _state = dirs
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    p = str(root / "Dockerfile")
    s = Settings()
    c = C.Cache.open()
    fr = lint_file(p, "Dockerfile", s)
    assert fr.findings
    c.put(p, "Dockerfile", s, fr)
    c.close()
    (shard,) = list(Path(c.directory).glob("*.idx"))
    data = shard.read_bytes()
    body = data.split(b"\n", 2)[2]
    doc = json.loads(body)
    for e in doc["entries"].values():
        e[5][2] = []  # no findings
    body = json.dumps(doc, separators=(",", ":")).encode()
    shard.write_bytes(C._MAGIC + C._digest(body).encode() + b"\n" + body)  # an unkeyed digest
    c2 = C.Cache.open()
    assert c2.get(p, "Dockerfile", s) is None


def test_index_entries_of_the_wrong_shape_are_dropped_not_raised(dirs, tmp_path, monkeypatch):
    """Entries are checked where they are used: ``stored`` (read by the whole-report snapshot)
    and the merge of another run's index never raise on a well-MACed entry of the wrong shape."""
    from archlint.config import Settings
    from archlint.engine import lint_file

    cache, _state = dirs
    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    p = str(root / "Dockerfile")
    s = Settings()
    c = C.Cache.open()
    c.put(p, "Dockerfile", s, lint_file(p, "Dockerfile", s))
    n, key = c._key(p, s)
    shard = c._store.shard(n)
    shard.entries[key][3] = "x"
    shard.depsets["x"] = [1, 2]  # an input set of the wrong shape
    assert c.stored(p, s) is None
    shard.entries[key] = {"4": 1}
    assert c.stored(p, s) is None
    shard.dirty = True
    c.close()  # writes without raising; the bad entry is dropped
    assert not C._parse_index(Path(shard.path).read_bytes(), C.environment_key())


def test_wheel_rule_packs_are_keyed_on_their_bytes(tmp_path, monkeypatch):
    """A pack inside the package (a wheel's ``archlint/_packs``) rewritten with the same size
    and mtime changes the environment key."""
    import archlint

    pkg = tmp_path / "archlint"
    (pkg / "run").mkdir(parents=True)
    (pkg / "_packs").mkdir()
    pack = pkg / "_packs" / "python-apis.yaml"
    pack.write_text("pack: python-apis\nentries: [a]\n")
    monkeypatch.setattr(C, "__file__", str(pkg / "run" / "cache.py"))

    def key():
        monkeypatch.setattr(C, "_ENV", None)
        return C.environment_key()

    first = key()
    st = pack.stat()
    pack.write_text("pack: python-apis\nentries: [b]\n")
    os.utime(pack, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert key() != first
    assert archlint  # the real package is untouched



def test_a_forged_whole_report_is_never_replayed(tmp_path, monkeypatch, capsys):
    """A stored report written without this user's key (a poisoned shared cache) is a miss:
    the run lints and prints its own report, not the forged text (issue 17, section 2)."""
    import hashlib

    from archlint import cli
    from archlint.run import cache as C, snapshot

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "Dockerfile").write_text("FROM alpine:3.20\n")
    for p in (repo / ".git", repo / "Dockerfile", repo):
        os.utime(p, (1_600_000_000, 1_600_000_000))
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(C, "RACY_NS", 0)
    monkeypatch.chdir(repo)

    def run():
        code = cli.main(["check", "--isolated", "--color", "never", "."])
        return code, capsys.readouterr().out

    first = run()
    assert run() == first
    runs = list((tmp_path / "cache").rglob("*.run"))
    assert runs, "the report was stored"
    for r in runs:  # forge: the same manifest, the attacker's report, a digest made without the key
        data = r.read_bytes()
        body = zlib.decompress(data[len(snapshot.MAGIC) + 33:])
        blob = zlib.compress(body[:body.index(b"\0") + 1] + b"::error::forged\nNo findings in 1 file\n", 1)
        r.write_bytes(snapshot.MAGIC + hashlib.blake2b(blob, digest_size=16).hexdigest().encode() + b"\n" + blob)
    third = run()
    assert "forged" not in third[1] and third == first
