"""Human output: ``path:line:col: ID message``, the source line with a caret underline and the
hint, then a summary line (``text``, ``full``); one line per finding (``concise``); only the
count per rule (``--statistics``).  A note (an info notice: what archlint did not read, or a
setting it needs, said once: ``is_note``) is one line in its place, ``path:line:col: note: ID
message``, and is not counted among the findings: SARIF has it as a notification, not a result.  Paths are relative to the folder archlint runs in.  Text from linted files is made safe to print: control characters and
ANSI escapes are shown escaped, never sent to the terminal."""
from __future__ import annotations

import re
from collections import Counter

from ..model import Severity
from . import notice_message, once_for_generated, path_shower

_CTRL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|##\[")

COLORS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}
BOLD, DIM, RESET, BLUE = "\x1b[1m", "\x1b[2m", "\x1b[0m", "\x1b[1;34m"


def _escape(m: re.Match) -> str:
    ch = m.group(0)
    if ch == "##[":  # the runner's legacy workflow command, honoured anywhere in a line
        return "#\\x23["
    return "\\x%02x" % ord(ch) if ord(ch) < 0x100 else "\\u%04x" % ord(ch)


def safe(text: str) -> str:
    """Escape control characters (ESC, CR, LF, BEL, bidi overrides ...) for a terminal and a CI
    log, and defuse the legacy ``##[command]`` of GitHub's runner."""
    if not _CTRL.search(text):
        return text
    return _CTRL.sub(_escape, text)


def safe_path(path: str) -> str:
    """A path printed at the start of a line: also never ``::command`` (after blanks)."""
    s = safe(path)
    return "./" + s if s.lstrip().startswith("::") or s[:1].isspace() else s


def _display(line: str) -> tuple[str, list[int]]:
    """Printable line and, per source column, its display column (tabs expanded, escapes widened)."""
    if "\t" not in line and "##[" not in line and not _CTRL.search(line):
        return line, list(range(len(line) + 1))  # printable as it is: column n is display column n
    out: list[str] = []
    cols: list[int] = []
    width = 0
    for i, ch in enumerate(line):
        cols.append(width)
        if ch == "\t":
            rep = " " * (4 - width % 4)
        elif ch == "[" and line[i - 2 : i] == "##":
            rep = "\\x5b"
        else:
            rep = safe(ch)
        out.append(rep)
        width += len(rep)
    cols.append(width)
    return "".join(out), cols


def is_note(notice) -> bool:
    """Whether a notice is printed as a note rather than a finding: an info notice (a templated
    file, one left out or too large, DF005's ``platforms`` reminder) says what archlint did not
    check, nothing to change in the file.  A file that does not parse (AL001) is a finding."""
    return notice.severity is Severity.INFO


def _shown(run, opts) -> tuple[list, object, set]:
    """The findings printed (not suppressed, notices included, each group of notices once, in
    order), the path shower, and the ids of those that are notes (``is_note``); the notices'
    messages name their file as it is printed."""
    from ..model import group_notices

    show = path_shower(run, getattr(opts, "cwd", None))
    findings = once_for_generated(run, [f for f in run.findings if not f.suppressed])
    notes = set()
    for n in group_notices(run.notices):
        f = n.as_finding()
        f.message = notice_message(f.message, f.path, show(f.path))
        findings.append(f)
        if is_note(n):
            notes.add(id(f))
    findings.sort(key=lambda f: f.sort_key())
    return findings, show, notes


def _note_line(f, show, c) -> str:
    return (c(BOLD, f"{safe_path(show(f.path))}:{f.span.line}:{f.span.col}:") + " " + c(DIM, "note:") + " "
            + f.rule_id + " " + safe(f.message))


def _painter(color: bool):
    def c(code: str, s: str) -> str:
        return f"{code}{s}{RESET}" if color else s

    return c


def render(run, opts, layout: dict | None = None) -> str:
    """``text`` and ``full``: each finding with its source line, then the summary.  ``layout``:
    filled with where each path's findings are in the report (``_record``)."""
    findings, show, notes = _shown(run, opts)
    if opts.statistics:
        return statistics(run, [f for f in findings if id(f) not in notes], opts)
    lines_by_path = {fr.path: fr.lines for fr in run.files}
    out: list[str] = []
    c = _painter(opts.color)
    for f in findings:
        start = len(out)
        if id(f) in notes:
            out.append(_note_line(f, show, c))
        else:
            _block(f, out, lines_by_path, show, c, opts)
        if layout is not None:
            _record(layout, f, start, len(out), id(f) in notes)
    return _finish(run, findings, opts, out, show, notes)


def _record(layout: dict, f, start: int, end: int, note: bool = False) -> None:
    """Note that lines ``start:end`` of the report are ``f``'s: per path, the range of its
    findings' lines (a path's findings are together: they are sorted by path first) and their
    count per severity, fixable with ``--fix``, with ``--unsafe-fixes``, and its notes."""
    got = layout.get(f.path)
    if got is None:
        got = layout[f.path] = [start, end, 0, 0, 0, 0, 0, 0]
    got[1] = end
    if note:
        got[7] += 1
        return
    got[2 + (Severity.ERROR, Severity.WARNING, Severity.INFO).index(f.severity)] += 1
    if f.fix is not None:
        got[5] += 1
        got[6] += not f.fix.safe


def _block(f, out: list, lines_by_path: dict, show, c, opts) -> None:
    """The lines of one finding: its place, ID and message; its source line, underlined, and the
    hint, when the file's text is at hand."""
    sp = f.span
    head = f"{safe_path(show(f.path))}:{sp.line}:{sp.col}: "
    out.append(c(BOLD, head) + c(COLORS[f.severity], f.rule_id) + " " + safe(f.message))
    src = lines_by_path.get(f.path)
    if src and 1 <= sp.line <= len(src):
        text, cols = _display(src[sp.line - 1])
        start = cols[min(sp.col - 1, len(cols) - 1)]
        if sp.end_line == sp.line:
            end = cols[min(max(sp.end_col - 1, sp.col), len(cols) - 1)]
        else:
            end = cols[-1]
        end = max(end, start + 1)
        num = str(sp.line)
        pad = " " * len(num)
        out.append(c(BLUE, f"{pad} |"))
        out.append(c(BLUE, f"{num} |") + f" {text}")
        underline = " " * start + "^" * (end - start)
        out.append(c(BLUE, f"{pad} |") + " " + c(COLORS[f.severity], underline + " " + f.severity.label))
        if f.hint or f.fix:
            hint = safe(f.hint) if f.hint else safe(f.fix.description)
            if f.fix is not None and opts.show_fixes:
                hint += " (fixable with --fix)" if f.fix.safe else " (fixable with --fix --unsafe-fixes)"
            out.append(c(BLUE, f"{pad} =") + f" help: {hint}")
        out.extend(_elsewhere(f, show, c(BLUE, f"{pad} =")))
        out.append("")
    elif f.hint:
        out.append(f"  = help: {safe(f.hint)}")
        out.extend(_elsewhere(f, show, "  ="))
        out.append("")


def _elsewhere(f, show, lead: str) -> list[str]:
    """The related locations of a finding that are in other files (a project rule's builds and
    deployments), one line each under the finding."""
    return [f"{lead} see: {safe_path(show(r.path))}:{r.span.line}: {safe(r.message)}"
            for r in f.related if r.path and r.path != f.path]


def render_concise(run, opts, layout: dict | None = None) -> str:
    """``concise``: one line per finding (``path:line:col: ID message``), then the summary."""
    findings, show, notes = _shown(run, opts)
    if opts.statistics:
        return statistics(run, [f for f in findings if id(f) not in notes], opts)
    c = _painter(opts.color)
    out = [_note_line(f, show, c) if id(f) in notes else
           c(BOLD, f"{safe_path(show(f.path))}:{f.span.line}:{f.span.col}:") + " "
           + c(COLORS[f.severity], f.rule_id) + " " + safe(f.message) for f in findings]
    if layout is not None:
        for i, f in enumerate(findings):
            _record(layout, f, i, i + 1, id(f) in notes)
    return _finish(run, findings, opts, out, show, notes)


def _finish(run, findings, opts, out: list[str], show, notes: set) -> str:
    """The list of fixes (``--show-fixes``) and the summary line, always the last line."""
    c = _painter(opts.color)
    if getattr(opts, "list_fixes", False):
        out += fixes_available(findings, show, bool(getattr(opts, "unsafe_fixes", False)))
    counted = [f for f in findings if id(f) not in notes]
    sev = Counter(f.severity for f in counted)
    fixable = sum(1 for f in counted if f.fix is not None)
    unsafe = any(f.fix and not f.fix.safe for f in counted)
    out.append(summary_line(sev, len(run.files), fixable, unsafe, opts, len(findings) - len(counted)))
    return "\n".join(out) + "\n"


def summary_line(sev, nfiles: int, fixable: int, unsafe: bool, opts, notes: int = 0) -> str:
    """The last line of a report: findings per severity (``sev``: a Counter), files, fixes, and
    how many notes are printed above (not findings)."""
    c = _painter(opts.color)
    total = sum(sev.values())
    if total:
        parts = []
        for s, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info")):
            if sev[s]:
                parts.append(f"{sev[s]} {word}{'s' if sev[s] != 1 and word != 'info' else ''}")
        summary = f"{total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {nfiles} file{'s' if nfiles != 1 else ''}"
    else:
        summary = f"No findings in {nfiles} file{'s' if nfiles != 1 else ''}"
    if fixable and opts.show_fixes:
        summary += f"; {fixable} fixable with --fix" + (" (some need --unsafe-fixes)" if unsafe else "")
    if notes:
        summary += f"; {notes} note{'s' if notes != 1 else ''}"
    return c(BOLD, summary)


def fixes_available(findings, show, unsafe: bool) -> list[str]:
    """``--show-fixes``: every fix the findings offer, one line each (with a blank line after)."""
    rows = []
    for f in findings:
        if f.fix is None:
            continue
        how = "--fix" if f.fix.safe else "--fix --unsafe-fixes"
        kind = "safe" if f.fix.safe else "unsafe"
        rows.append(f"  {safe_path(show(f.path))}:{f.span.line}:{f.span.col}: {f.rule_id} {safe(f.fix.description)} "
                    f"({kind}: {how})")
    if not rows:
        return ["No fixes available.", ""]
    n = len(rows)
    head = f"{n} fix{'es' if n != 1 else ''} available"
    if not unsafe and any(f.fix is not None and not f.fix.safe for f in findings):
        head += " (unsafe ones with --unsafe-fixes)"
    return [head + ":"] + rows + [""]


def fixes_applied(applied, show) -> str:
    """``--fix --show-fixes``: what was fixed, per file and rule (``applied``: (display path,
    Finding) pairs)."""
    if not applied:
        return "No fixes applied.\n"
    from . import lookup_rule, rule_table

    table = rule_table(None)
    per_file: dict[str, Counter] = {}
    for path, f in applied:
        per_file.setdefault(path, Counter())[f.rule_id] += 1
    n = len(applied)
    out = [f"Fixed {n} finding{'s' if n != 1 else ''}:"]
    for path in sorted(per_file):
        out.append(f"- {safe_path(show(path))}:")
        for rid, k in sorted(per_file[path].items()):
            r = lookup_rule(rid, table)
            out.append(f"    {k} × {rid}" + (f" ({r.name})" if r is not None else ""))
    return "\n".join(out) + "\n"


def statistics(run, findings, opts) -> str:
    """``--statistics``: only the table: count, rule ID, name, whether a fix applies."""
    if not findings:
        return ""
    from . import lookup_rule, rule_table

    table = rule_table(run)
    unsafe = bool(getattr(opts, "unsafe_fixes", False))
    counts = Counter(f.rule_id for f in findings)
    fix: dict[str, str] = {}
    for f in findings:
        if f.fix is None:
            continue
        if f.fix.safe or unsafe:
            fix[f.rule_id] = "fixable"
        else:
            fix.setdefault(f.rule_id, "fixable with --unsafe-fixes")
    rows = []
    for rid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        r = lookup_rule(rid, table)
        rows.append((str(n), rid, r.name if r is not None else "", fix.get(rid, "")))
    w = [max(len(row[i]) for row in rows) for i in range(3)]
    return "".join(f"{row[0]:>{w[0]}}  {row[1]:<{w[1]}}  {row[2]:<{w[2]}}  {row[3]}".rstrip() + "\n" for row in rows)
