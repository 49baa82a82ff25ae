"""Baselines (``--write-baseline`` / ``--baseline``): the findings a repository accepts for now,
as a JSON file of (path, rule, fingerprint) entries; each entry hides one matching finding."""
from __future__ import annotations

import json
import os
from collections import Counter

from ..model import Finding
from .files import atomic_write

BASELINE_VERSION = 1


def baseline_key(f: Finding) -> tuple[str, str, str]:
    return (f.path, f.rule_id, f.fingerprint or f.message)


def baseline_entries(run) -> list[dict]:
    out = []
    for f in run.findings:
        if f.suppressed:
            continue
        path, rule, fp = baseline_key(f)
        out.append({"path": path, "rule": rule, "fingerprint": fp, "message": f.message})
    out.sort(key=lambda e: (e["path"], e["rule"], e["fingerprint"], e["message"]))
    return out


def write_baseline(path: str, run) -> int:
    entries = baseline_entries(run)
    doc = {"version": BASELINE_VERSION, "tool": "archlint", "findings": entries}
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    atomic_write(path, data)
    return len(entries)


MAX_BASELINE_BYTES = 256 << 20  # a baseline of a million findings is ~150 MB


class BaselineError(Exception):
    pass


def load_baseline(path: str) -> Counter:
    from ..source import read_regular

    try:
        data = read_regular(path, MAX_BASELINE_BYTES)
        if len(data) > MAX_BASELINE_BYTES:
            raise BaselineError(f"baseline {path}: larger than {MAX_BASELINE_BYTES >> 20} MiB")
        doc = json.loads(data.decode("utf-8-sig"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: no such file (create it with --write-baseline)") from None
    except OSError as e:  # unreadable, or a FIFO or device (/dev/zero): never read
        raise BaselineError(f"baseline {path}: cannot read: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BaselineError(f"baseline {path}: not valid JSON: {e}") from None
    except RecursionError:
        raise BaselineError(f"baseline {path}: not valid JSON: nested too deep") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"baseline {path}: expected an object with a \"findings\" list")
    version = doc.get("version")
    if not isinstance(version, int) or version > BASELINE_VERSION:
        raise BaselineError(f"baseline {path}: unsupported version {version!r} (this archlint reads version {BASELINE_VERSION})")
    out: Counter = Counter()
    for i, e in enumerate(doc["findings"]):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("path", "rule", "fingerprint")):
            raise BaselineError(f"baseline {path}: findings[{i}] needs string path, rule and fingerprint")
        out[(e["path"], e["rule"], e["fingerprint"])] += 1
    return out


def filter_baseline(run, known: Counter) -> int:
    """Drop the findings of ``run`` that the baseline holds (each entry absorbs one finding).
    Returns how many were dropped."""
    left = Counter(known)
    dropped = 0
    for fr in run.files:
        keep = []
        for f in sorted(fr.findings, key=Finding.sort_key):
            if not f.suppressed:
                k = baseline_key(f)
                if left[k] > 0:
                    left[k] -= 1
                    dropped += 1
                    continue
            keep.append(f)
        fr.findings = keep
    return dropped
