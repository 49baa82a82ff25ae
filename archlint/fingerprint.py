"""Fingerprints: GitHub's line hash and archlint's own semantic fingerprint.

``line_hashes`` reproduces ``partialFingerprints.primaryLocationLineHash`` as
github/codeql-action's upload-sarif computes it (``src/fingerprints.ts``): a polynomial rolling
hash (base 37, modulo 2**64) over a window of the next 100 characters of the file, where
characters are UTF-16 code units, spaces and tabs are skipped, CR / LF / CRLF all count as one LF,
and the file is followed by a 65535 "end of file" unit and zero padding.  Each line gets the hash
of the window that starts at its first non-blank unit, as lowercase hex without leading zeros,
plus ``:n`` where n counts how often that hash value has been seen so far in the file.

``semantic_fingerprint`` identifies a finding by what it is about rather than where it is: rule,
path, the offending line's text (stripped), the rule's key and the index among otherwise identical
findings of the file, so adding or moving unrelated lines leaves it unchanged.
"""
from __future__ import annotations

try:  # the built-in SHA-256 (the same digest as hashlib's) spares loading OpenSSL at start-up
    from _sha2 import sha256  # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.11
    except ImportError:
        from hashlib import sha256
from itertools import chain

_BLOCK = 100
_BASE = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_BASE, _BLOCK, 1 << 64)
_EOF = 0xFFFF
_LF = 10


def _code_units(text: str):
    """The UTF-16 code units of ``text`` (what JavaScript's charCodeAt sees)."""
    if not text or max(text) < "\U00010000":
        return map(ord, text)
    data = text.encode("utf-16-le")
    return (data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2))


def _hash_units(text: str):
    """The units the rolling hash consumes: CRLF, CR and LF become one LF (a LF counts as part
    of a CRLF only when it directly follows the CR), spaces and tabs are dropped, and the
    end-of-file unit follows."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace(" ", "").replace("\t", "")
    return chain(_code_units(text), (_EOF,))


def line_hashes(text: str, upto: int | None = None) -> list[str]:
    """``primaryLocationLineHash`` of every line of ``text`` (index i is line i+1).

    ``text`` is the file as upload-sarif reads it (decoded UTF-8, any line terminators).  With
    ``upto``, stop once the hashes of lines 1..upto are known (the list may then be shorter than
    the file)."""
    out: list[str] = []
    limit = upto if upto is not None else -1
    if limit == 0:
        return out
    window = [0] * _BLOCK
    starts = [False] * _BLOCK  # a line starts at this window slot
    counts: dict[str, int] = {}
    h = 0
    index = 0
    line_start = True
    first_mod, mask, block, base, lf = _FIRST_MOD, _MASK, _BLOCK, _BASE, _LF

    def emit(value: int) -> str:
        hexed = format(value, "x")
        n = counts.get(hexed, 0) + 1
        counts[hexed] = n
        return f"{hexed}:{n}"

    for c in _hash_units(text):
        if starts[index]:
            # the window that began at a line start is now full: that line's hash
            out.append(emit(h))
            starts[index] = False
            if len(out) == limit:
                return out
        if line_start:
            line_start = False
            starts[index] = True
        if c == lf:
            line_start = True
        h = (base * h + c - first_mod * window[index]) & mask
        window[index] = c
        index += 1
        if index == block:
            index = 0
    for _ in range(block):  # pad with zeros until every pending line has a full window
        if starts[index]:
            out.append(emit(h))
            starts[index] = False
            if len(out) == limit:
                return out
        h = (base * h - first_mod * window[index]) & mask
        window[index] = 0
        index += 1
        if index == block:
            index = 0
    return out


def file_text_as_uploaded(lines: list[str], encoding: str = "utf-8") -> str | None:
    """The text upload-sarif hashes for a file archlint decoded into ``lines`` (LF-joined; the
    hash treats every line terminator alike).  Node reads files as UTF-8 and keeps a BOM; for
    files that are not UTF-8 at all (UTF-16/32) there is no faithful reconstruction: None."""
    text = "\n".join(lines)
    enc = (encoding or "utf-8").lower().replace("_", "-")
    if enc in ("utf-8", "utf8", "ascii"):
        return text
    if enc == "utf-8-sig":
        return "\ufeff" + text
    if enc in ("latin-1", "latin1", "iso-8859-1", "cp1252", "windows-1252"):
        # archlint fell back to Windows-1252 or Latin-1 for invalid UTF-8; Node substitutes U+FFFD
        # like Python's "replace" handler (one per maximal ill-formed subsequence).
        return text.encode("latin-1" if enc in ("latin-1", "latin1", "iso-8859-1") else "cp1252").decode("utf-8", "replace")
    return None


def semantic_fingerprint(finding, line_text: str, occurrence: int) -> str:
    """A stable hex digest of rule id, path, the stripped text of the offending line, the rule's
    key and ``occurrence`` (index among findings of the file sharing all of those)."""
    parts = (
        "archlint-fp-v1",
        finding.rule_id,
        finding.path,
        line_text.strip(),
        finding.key or "",
        str(occurrence),
    )
    data = "\x00".join(parts).encode("utf-8", "surrogatepass")
    return sha256(data).hexdigest()[:32]


def _line_text(lines, n: int) -> str:
    if lines and 1 <= n <= len(lines):
        return lines[n - 1]
    return ""


def assign_fingerprints(file_result) -> None:
    """Set ``fingerprint`` on every finding of ``file_result`` (in position order, so the
    occurrence index is stable; suppressed findings count too)."""
    lines = file_result.lines
    seen: dict[tuple, int] = {}
    stripped: dict[int, str] = {}
    heads: dict[tuple, object] = {}  # the digest state after rule, path and line text
    for f in sorted(file_result.findings, key=lambda f: f.sort_key()):
        line = f.span.line
        text = stripped.get(line)
        if text is None:
            text = stripped[line] = _line_text(lines, line).strip()
        ident = (f.rule_id, f.path, text, f.key or "")
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        # semantic_fingerprint's digest, the line hashed once however many findings it has (a
        # long line with thousands of findings cost their product)
        head = heads.get((f.rule_id, f.path, line))
        if head is None:
            head = heads[(f.rule_id, f.path, line)] = sha256(
                "\x00".join(("archlint-fp-v1", f.rule_id, f.path, text, "")).encode("utf-8", "surrogatepass"))
        h = head.copy()
        h.update("\x00".join((f.key or "", str(n))).encode("utf-8", "surrogatepass"))
        f.fingerprint = h.hexdigest()[:32]


__all__ = ["assign_fingerprints", "file_text_as_uploaded", "line_hashes", "semantic_fingerprint"]
