"""The engine: read a file, decide its kind, parse it, run the rules that apply, apply
suppressions, and return a FileResult.  Bad input never raises out of here: it becomes a Notice.
"""
from __future__ import annotations

import os
import re
import stat

from . import kinds as kindmod
from .config import selects
from .model import FileResult, Finding, Notice, Severity
from .parsers import ParseError, SkipFile
from .registry import Context, rules_for_kind
from .source import DecodeError, Source, decode, open_nonblocking, read_fd

_parsers: dict[str, object] = {}


def _parser(kind: str):
    fn = _parsers.get(kind)
    if fn is None:
        row = kindmod.TABLE.get(kind)
        if row is None:
            return None
        target = row.parser
        mod, _, name = target.partition(":")
        try:
            # __import__, not importlib.import_module: the importlib package imports warnings
            # (0.6 ms of a one-file run) for nothing used here
            fn = getattr(__import__(mod, fromlist=("_",)), name)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
            return None
        _parsers[kind] = fn
    return fn


def read_file(abspath: str, display: str, max_size: int) -> tuple[str | None, str, Notice | None, Notice | None]:
    """Return (text, encoding, fatal_notice, info_notice).

    The file is opened without blocking and checked with ``fstat`` on the open descriptor, so a
    FIFO or device named like a file is reported, never read (and a file swapped for one between
    the walk and the read is caught too)."""
    if os.path.isdir(abspath):
        return None, "", Notice("AL001", f"could not read {display}: it is a directory", display), None
    try:
        fd, st = open_nonblocking(abspath)
    except OSError as e:
        return None, "", Notice("AL001", f"could not read {display}: {e.strerror or e}", display), None
    try:
        if stat.S_ISDIR(st.st_mode):
            return None, "", Notice("AL001", f"could not read {display}: it is a directory", display), None
        if not stat.S_ISREG(st.st_mode):
            return None, "", Notice("AL001", f"could not read {display}: not a regular file (a FIFO, socket or device)", display), None
        if st.st_size > max_size:
            return None, "", _too_large_notice(display, st.st_size, max_size), None
        data = read_fd(fd, max_size)
    except OSError as e:
        return None, "", Notice("AL001", f"could not read {display}: {e.strerror or e}", display), None
    finally:
        os.close(fd)
    if len(data) > max_size:
        return None, "", Notice(
            "AL005", f"{display} skipped: it grew over max-file-size ({max_size}) while being read",
            display, severity=Severity.INFO,
        ), None
    try:
        text, enc, warning = decode(data)
    except DecodeError as e:
        return None, "", Notice("AL001", f"could not parse {display}: {e}", display), None
    info = Notice("AL006", f"{display}: {warning}", display, severity=Severity.INFO) if warning else None
    return text, enc, None, info


def lint_file(abspath: str, display: str, settings, kind: str | None = None) -> FileResult:
    text, enc, fatal, info = read_file(abspath, display, settings.max_file_size)
    if fatal is not None and kind is None and text is None and _no_script(abspath, display):
        # an extension-less file is linted only as a script: a compiled program (tailscale's
        # committed Mach-O ``TailMac/main``) or binary test data (thanos'
        # ``pkg/store/6545postingsrepro``) is not one, and not a file archlint failed to read
        return FileResult(display, None, deps=())
    if fatal is not None:
        result = FileResult(display, kind, notices=[fatal], deps=())  # depends on the file alone
    else:
        result = _lint_text(display, text, settings, kind, abspath, enc)
        if info is not None and result.kind is not None:
            # a file not linted (an extension-less file that is no script: thanos' binary
            # pkg/store/6545postingsrepro) needs no word on how it was decoded
            result.notices.append(info)
    return _without_ignored_notices(result, settings, abspath)


def _no_script(abspath: str, display: str) -> bool:
    """An extension-less file (a script only by its shebang) whose first bytes hold a NUL or no
    shell shebang."""
    if kindmod.kind_by_name(display.rsplit("/", 1)[-1]) != "maybe-shell":
        return False
    from .source import read_regular

    try:
        head = read_regular(abspath, 8192)[:8192]
    except OSError:
        return False
    return b"\0" in head or kindmod.kind_by_content(display, "maybe-shell", head) is None


def _too_large_notice(display: str, size, max_size: int) -> Notice:
    return Notice("AL005", f"{display} skipped: {size} bytes is over max-file-size ({max_size})", display,
                  severity=Severity.INFO)


def too_large(display: str, size, settings, abspath: str | None = None) -> FileResult:
    """The result of a text over ``max-file-size`` that was not read whole (stdin, an editor's
    buffer): the AL005 notice a file on disk gets, obeying ``ignore`` like it.  ``size`` is the
    byte count, or a text such as "more than 4194304" when only the limit was read."""
    notice = _too_large_notice(display, size, settings.max_file_size)
    return _without_ignored_notices(FileResult(display, None, notices=[notice], deps=()), settings, abspath or display)


def lint_text(
    path: str,
    text: str,
    settings,
    kind: str | None = None,
    abspath: str | None = None,
    encoding: str = "utf-8",
) -> FileResult:
    """Lint ``text`` as the file ``path`` (display path).  Never raises for bad input."""
    return _without_ignored_notices(_lint_text(path, text, settings, kind, abspath, encoding), settings, abspath or path)


def _without_ignored_notices(result: FileResult, settings, abspath: str) -> FileResult:
    """Notices (AL001 could not parse, AL003 templated file, AL005 too large ...) obey ``ignore``
    and ``per-file-ignores`` like findings do, so a chart's templates can be quietened with
    ``ignore = ["AL003"]``.  ``select`` does not hide them (as ruff never hides syntax errors)."""
    if not result.notices:
        return result
    off = tuple(settings.ignore) + settings.ignored_for(_rel_to_config(abspath, settings))
    if off:
        result.notices = [n for n in result.notices if not any(selects(s, n.rule_id) for s in off)]
    return result


def _lint_text(path: str, text: str, settings, kind: str | None, abspath: str | None, encoding: str) -> FileResult:
    source = Source(path, text, abspath=abspath or path, encoding=encoding)
    if kind is None:
        kind = kindmod.detect(path, text[:65536].encode("utf-8", "replace"), abspath, source.inputs)
    result = FileResult(path, kind, lines=None, encoding=encoding)
    try:
        _lint_source(source, kind, settings, result)
    finally:
        # every path the kind detection, the parser and the rules looked at: all the result
        # cache checks besides the file itself
        result.deps = tuple(dict.fromkeys(source.inputs))
    return result


def _lint_source(source: Source, kind: str | None, settings, result: FileResult) -> None:
    path = source.path
    if kind is None or (kind == "markdown" and not settings.markdown):
        return
    rules = [r for r in rules_for_kind(kind) if settings.rule_enabled(r)]
    file_ignores = settings.ignored_for(_rel_to_config(source.abspath, settings))
    if file_ignores:
        rules = [r for r in rules if not any(selects(s, r.id) for s in file_ignores)]
    result.lines = source.lines
    result.generated = kindmod.generated(source.text, kind)
    if kind in ("helm-template", "helm-values") and source.abspath \
            and kindmod.vendored_chart(source.abspath, source.inputs):
        return  # another project's chart, unpacked by helm dependency update: as vendor/ is, not linted
    if kind == "helm-template":  # rendered with its chart, linted as what it renders
        from .helm.lint import lint_template

        try:
            lint_template(source, settings, result, _lint_source)
        except Exception as e:  # a renderer defect must not end the run
            result.notices.append(_internal(path, "the Helm renderer", e))
        return
    row = kindmod.TABLE.get(kind)
    # the YAML reader tells its own templates (Helm's); others by their name and markup
    markup = kindmod.template_markup(path, kind, source.text) if row is not None and not row.yaml else None
    if markup is not None:  # one templated file, not a file of its kind with errors on every line
        at = markup.start()
        line = source.text.count("\n", 0, at) + 1
        result.notices.append(_skipped(path, _templated(line, at - source.text.rfind("\n", 0, at))))
        return
    model = _parse(source, kind, result)
    if kind == "dockerfile" and (result.notices and _dockerfile_template(source, result)
                                 or model is not None and _templated_from(source.path, model, result)):
        return
    if result.notices and kind != "python" and _excerpt(source, result, row is not None and row.yaml):
        return
    if model is None:
        return
    from .project import wants_facts

    facts = wants_facts(kind, settings)
    if not rules and not facts:
        return
    ctx = Context(source, model, kind, settings)
    if facts:
        _facts(ctx, result)
    if not rules:
        return
    findings: list[Finding] = []
    noted: list[tuple[Notice, Finding]] = []  # ctx.notice: about the file, not a finding in it
    for rule in rules:
        ctx.rule = rule
        try:
            for f in rule.check(ctx) or ():
                if type(f) is Notice:
                    # judged by inline suppressions like a finding at its place, then set apart
                    proxy = f.as_finding()
                    noted.append((f, proxy))
                    findings.append(proxy)
                    continue
                f.path = path
                f.severity = settings.severity_of(rule.id, f.severity)
                findings.append(f)
        except Exception as e:
            result.notices.append(_internal(path, f"rule {rule.id} ({rule.name})", e))
    from .suppress import apply_suppressions

    findings = apply_suppressions(source, kind, model, findings, settings, rules)
    if noted:
        proxies = {id(p) for _, p in noted}
        findings = [f for f in findings if id(f) not in proxies]
        result.notices += [n for n, p in noted if not p.suppressed]
    findings.sort(key=Finding.sort_key)
    # one finding per rule, place and message (one with a fix first): a recipe line of several
    # targets is judged once per target (``gm lc: ; docker build -f $@/Dockerfile``), alike for each
    kept: dict = {}
    for f in findings:
        k = (f.rule_id, f.span, f.message, f.suppressed)
        if k not in kept or kept[k].fix is None and f.fix is not None:
            kept[k] = f
    result.findings = list(kept.values())
    from .fingerprint import assign_fingerprints

    assign_fingerprints(result)


def _facts(ctx: Context, result: FileResult) -> None:
    """What the file tells the project model (``archlint.project.facts``).  A crash there is an
    AL004 notice, never the end of the file's lint."""
    from .project.facts import extract

    try:
        result.facts = extract(ctx)
    except Exception as e:
        result.notices.append(_internal(result.path, "the project facts", e))


def _dockerfile_template(source: Source, result: FileResult) -> bool:
    """A Dockerfile whose parse stopped at template markup where an instruction must be
    (``{{ range .Packages }}``), or that is named or kept as a template (``kinds.template_kept``)
    and does not parse: one AL003 for
    the file instead of an AL001 per line.  Markup in a heredoc or a continued ``RUN`` is text,
    and the parser never complains about it."""
    lines = source.lines
    bad = [n for n in result.notices if n.rule_id == "AL001" and 1 <= n.line <= len(lines)]
    at = [n for n in bad if kindmod.markup_line(lines[n.line - 1])]
    # a file named as a template that does not parse as a Dockerfile (docker-node's
    # Dockerfile-alpine.template: "${ALPINE_ARCH[@]}" lines its update.sh replaces with case arms)
    named = bad and (source.path.rsplit("/", 1)[-1].lower().endswith(kindmod.TEMPLATE_SUFFIXES)
                     or kindmod.template_kept(source.path))  # (dotnet-docker's eng/dockerfile-templates/ fragments)
    if not at and not named:
        return False
    line = (at or bad)[0].line
    result.notices = [n for n in result.notices if n.rule_id != "AL001"]
    result.notices.append(_skipped(source.path, _templated(line, kindmod.markup_line(lines[line - 1]) or 1)))
    return True


def _templated_from(path: str, model, result: FileResult) -> bool:
    """A Dockerfile whose ``FROM`` holds template markup (``FROM {{base_image}}``: Jinja's, filled
    in by mongodb-kubernetes-operator's pipeline), or, kept as a template (``kinds.template_kept``),
    a variable it never declares, is a template: one AL003, nothing linted (a ``RUN`` may hold
    ``{{ .Id }}`` of a Go template it runs; a ``FROM`` never does)."""
    kept = kindmod.template_kept(path)
    for st in getattr(model, "stages", ()):
        args = st.from_ins.args
        m = kindmod.MARKUP.search(args.text)
        hit = (m.start(), m.end()) if m is not None else None
        if hit is None and kept and "$" in args.text:
            # a Dockerfile kept as a template whose FROM names a variable it never declares:
            # what fills the template sets it (traefik-library-image's tmpl/alpine/tmplv1.Dockerfile,
            # FROM alpine:$ALPINE_VERSION, which update.sh's envsubst fills)
            from .parsers.dockerfile import PLATFORM_ARGS, uses_vars

            hit = next(((s, e) for n, s, e in uses_vars(args.text)
                        if n not in model.global_args and n not in PLATFORM_ARGS), None)
        if hit is not None:
            return _templated_at(path, args, hit, result)
    for ins in getattr(model, "instructions", ()):
        # ``${project.artifactId}``: a name no builder takes (BuildKit stops at the dot: "unsupported
        # modifier"), in an instruction whose variables the builder expands; what fills the
        # file first sets it (Maven's resource filtering: docker-maven-plugin's src/main/docker)
        if ins.keyword in _EXPANDED and "${" in ins.args.text:
            text = ins.args.text
            m = next((m for m in _DOTTED.finditer(text) if text.count("'", 0, m.start()) % 2 == 0), None)
            if m is not None:  # (not in single quotes: ENV JAVA_OPTS='-Dlog.dir=${log.dir}' is literal)
                return _templated_at(path, ins.args, (m.start(), m.end()), result)
    return False


#: the instructions whose arguments the builder expands (not RUN, CMD...: the shell's)
_EXPANDED = frozenset(("FROM", "ADD", "COPY", "ENV", "ARG", "LABEL", "EXPOSE", "USER", "WORKDIR", "VOLUME",
                       "STOPSIGNAL"))
#: ``${a.b}``: a dotted name in braces (``$$`` and ``\$`` are no references: rare, left as they are)
_DOTTED = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_.-]*\}")  # (not ${V-1.2}: a default)


def _templated_at(path: str, args, hit, result: FileResult) -> bool:
    at = args.span(*hit)
    result.notices = [n for n in result.notices if n.rule_id != "AL001"]
    result.notices.append(_skipped(path, _templated(at.line, at.col)))
    return True


#: a line standing for lines left out of an excerpt (``...``, ``…``)
_ELISIONS = ("...", "\u2026")


def _excerpt(source: Source, result: FileResult, yaml: bool) -> bool:
    """A file of a documentation or examples folder, or named for a sample or an example, whose
    parse stopped at (or just after) a line that only says ``...``: an excerpt with lines left out
    (external-secrets' and skaffold's documentation snippets), one AL003 for the file instead of
    an AL001.  In YAML a ``...`` at the start of a line ends a document: only an indented one is
    an elision there; in Python ``...`` is a statement (never asked)."""
    from .tooling import example_path

    rel = source.path.replace(os.sep, "/")
    if not example_path(rel) and not rel.rsplit("/", 1)[-1].lower().startswith(("sample", "example")):
        return False  # elsewhere a "..." line breaks a file the build reads (a file named for a sample is one:
        # vitess-operator's pkg/apis/vitess/v1alpha2/samples.yaml beside the API types)
    lines = source.lines
    for n in result.notices:
        if n.rule_id != "AL001" or not 1 <= n.line <= len(lines):
            continue
        for k in range(n.line, max(0, n.line - 3), -1):
            text = lines[k - 1]
            if text.strip() in _ELISIONS and not (yaml and not text[:1].isspace()):
                result.notices = [x for x in result.notices if x.rule_id != "AL001"]
                col = len(text) - len(text.lstrip()) + 1
                result.notices.append(_skipped(source.path, SkipFile(
                    "AL003", "an excerpt with lines left out (...), not linted", k, col, group="AL003:excerpts",
                    summary="{count} excerpts with lines left out (...) are not linted")))
                return True
    return False


def _templated(line: int, col: int) -> SkipFile:
    """A templated file of another kind than YAML (``Dockerfile-alpine.template``): one line for
    all of them in the human formats, as for templated YAML files."""
    return SkipFile("AL003", "templated file, not linted", line, col, group="AL003:templates",
                    summary="{count} templated files are not linted (lint what they render)")


def _skipped(path: str, e: SkipFile) -> Notice:
    """The info notice of a file deliberately not linted (AL003 ...)."""
    return Notice(e.rule_id, f"{path}: {e.message}", path, e.line, e.col, Severity.INFO, group=e.group, summary=e.summary)


def _parse(source: Source, kind: str, result: FileResult):
    """The kind's model of ``source``, or None (no parser, or a notice says why not)."""
    parse = _parser(kind)
    if parse is None:
        return None
    path = source.path
    try:
        model = parse(source)
    except SkipFile as e:
        if not e.quiet:
            result.notices.append(_skipped(path, e))
        return None
    except ParseError as e:
        result.notices.append(
            Notice("AL001", f"could not parse {path}: {e.message} (line {e.line}, column {e.col})", path, e.line, e.col)
        )
        return None
    except RecursionError:
        result.notices.append(Notice("AL001", f"could not parse {path}: nesting too deep", path))
        return None
    except Exception as e:  # a parser bug must not end the run
        result.notices.append(_internal(path, f"the {kind} parser", e))
        return None
    inputs = getattr(model, "inputs", None)  # a parser that keeps its own list (the Makefile reader)
    if inputs:
        source.inputs += inputs
    for problem in getattr(model, "problems", ()) or ():
        result.notices.append(
            Notice("AL001", f"could not parse {path}: {problem.message} (line {problem.line}, column {problem.col})",
                   path, problem.line, problem.col)
        )
    return model


def _rel_to_config(path: str, settings) -> str:
    root = settings.root or os.getcwd()
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        rel = path
    return rel.replace(os.sep, "/")


def _internal(path: str, what: str, exc: BaseException) -> Notice:
    import traceback  # only when a rule crashed

    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
    return Notice(
        "AL004",
        f"internal error in {what} on {path}: {type(exc).__name__}: {exc}{where}",
        path,
        internal=True,
    )
