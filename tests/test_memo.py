"""The on-disk memo of parsed configuration files and rule packs: faster, never different."""
from __future__ import annotations

import datetime
import os

import pytest

from archlint.run import memo


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ARCHLINT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "memo"


class Counting:
    def __init__(self, make=lambda text: {"text": text}):
        self.calls = 0
        self.make = make

    def __call__(self, path):
        self.calls += 1
        with open(path, encoding="utf-8") as fh:
            return self.make(fh.read())


def test_second_load_comes_from_the_memo(cache, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    parse = Counting()
    assert memo.load(str(f), parse) == {"text": "x = 1\n"}
    assert memo.load(str(f), parse) == {"text": "x = 1\n"}
    assert parse.calls == 1
    assert len(os.listdir(cache)) == 1


def test_a_same_size_rewrite_is_seen_at_once(cache, tmp_path):
    """No reliance on modification times (file systems stamp them with a coarse clock)."""
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    parse = Counting()
    memo.load(str(f), parse)
    st = os.stat(f)
    f.write_text("x = 2\n")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    assert memo.load(str(f), parse) == {"text": "x = 2\n"}
    assert parse.calls == 2


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01garbage", None], ids=["empty", "garbage", "truncated"])
def test_a_corrupt_entry_is_ignored_and_rewritten(cache, tmp_path, garbage):
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    parse = Counting()
    memo.load(str(f), parse)
    (entry,) = cache.iterdir()
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if garbage is None else garbage)
    assert memo.load(str(f), parse) == {"text": "x = 1\n"}
    assert parse.calls == 2
    assert entry.read_bytes() == data  # rewritten whole
    assert memo.load(str(f), parse) == {"text": "x = 1\n"} and parse.calls == 2


def test_a_damaged_entry_that_still_unmarshals_is_not_trusted(cache, tmp_path):
    """Moved here from the result cache's former ``derived`` data (parsed rule packs)."""
    f = tmp_path / "pack.yaml"
    f.write_text("n: 3\n")
    parse = Counting(lambda text: {"entries": [{"name": "a.b", "since": "3.12"}], "n": 3})
    assert memo.load(str(f), parse)["n"] == 3
    (entry,) = cache.iterdir()
    data = entry.read_bytes()
    assert data.count(b"3.12") == 1
    entry.write_bytes(data.replace(b"3.12", b"3.99"))  # same length, still valid marshal data
    assert memo.load(str(f), parse) == {"entries": [{"name": "a.b", "since": "3.12"}], "n": 3}
    assert parse.calls == 2


def test_values_marshal_cannot_hold_are_returned_not_stored(cache, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("d = 2024-01-01\n")
    parse = Counting(lambda text: {"d": datetime.date(2024, 1, 1)})
    assert memo.load(str(f), parse) == {"d": datetime.date(2024, 1, 1)}
    assert memo.load(str(f), parse) == {"d": datetime.date(2024, 1, 1)}
    assert parse.calls == 2
    assert not cache.exists() or not list(cache.iterdir())


def test_parse_errors_propagate_and_are_not_remembered(cache, tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("x = \n")

    def bad(path):
        raise ValueError("invalid TOML")

    for _ in range(2):
        with pytest.raises(ValueError, match="invalid TOML"):
            memo.load(str(f), bad)


def test_no_cache_switch_and_unwritable_folder(tmp_path, monkeypatch):
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n")
    parse = Counting()
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    memo.load(str(f), parse)
    memo.load(str(f), parse)
    assert parse.calls == 2 and not (tmp_path / "cache").exists()
    monkeypatch.delenv("ARCHLINT_NO_CACHE")
    (tmp_path / "blocker").write_text("a file where the cache folder should be")
    monkeypatch.setenv("ARCHLINT_CACHE_DIR", str(tmp_path / "blocker"))
    assert memo.load(str(f), parse) == {"text": "x = 1\n"}
    assert memo.load(str(f), parse) == {"text": "x = 1\n"}
    assert parse.calls == 4


def test_configuration_through_the_memo_matches_a_fresh_parse(cache, tmp_path):
    from archlint.config import _toml_parse, load_file

    cfg = tmp_path / ".archlint.toml"
    cfg.write_text('platforms = ["linux/amd64"]\n[severity]\nDF005 = "error"\n')
    first = load_file(str(cfg))
    second = load_file(str(cfg))  # from the memo
    assert list(cache.iterdir())
    assert repr(first) == repr(second)
    assert memo.load(str(cfg), _toml_parse) == _toml_parse(str(cfg))


def test_no_cache_skips_results_not_the_memo_and_the_env_switch_skips_both(tmp_path):
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    (tmp_path / ".archlint.toml").write_text('platforms = ["linux/amd64"]\n')
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    (tmp_path / "app.py").write_text("import imp\n")  # loads the Python API pack
    env = {k: v for k, v in os.environ.items() if k != "ARCHLINT_NO_CACHE"}
    env["ARCHLINT_CACHE_DIR"] = str(tmp_path / "cache")

    def run(*args, **extra):
        r = subprocess.run([sys.executable, "-m", "archlint", "check", *args, "."], cwd=tmp_path,
                           env={**env, **extra}, capture_output=True, text=True, timeout=120)
        assert r.returncode == 1 and "PY001" in r.stdout, r.stderr
        return r

    run(ARCHLINT_NO_CACHE="1")
    assert not (tmp_path / "cache").exists()
    run("--no-cache")
    assert sorted(os.listdir(tmp_path / "cache")) == ["memo"]  # config and pack remembered, no results
    first = run()
    assert run().stdout == first.stdout
