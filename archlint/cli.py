"""Command line: ``archlint [check] [PATH...]``, ``archlint rules``, ``archlint rule ID``,
``archlint server``.  Exit codes: 0 no failing findings, 1 failing findings, 2 usage error or
internal failure."""
from __future__ import annotations

import os
import sys

from . import __version__

FORMATS = ("text", "full", "concise", "json", "sarif", "github", "gitlab")
TEXT_FORMATS = ("text", "full", "concise")  # for people: coloured, a summary line (--quiet drops it)


class UsageError(Exception):
    pass


_WIDTH: list[int] = []


def _formatter(prog: str):
    """argparse builds a formatter for every ``add_argument`` and, without a width, imports
    shutil (with bz2 and lzma) to ask the terminal's: ``os.get_terminal_size`` costs nothing."""
    if not _WIDTH:
        try:
            width = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                width = os.get_terminal_size(sys.stdout.fileno()).columns
            except (OSError, ValueError, AttributeError):
                width = 80
        _WIDTH.append(max(40, width - 2))
    import argparse

    return argparse.HelpFormatter(prog, width=_WIDTH[0])


_HELP = {
    "check": "lint files and folders (the default command)",
    "rules": "list every rule",
    "rule": "print the documentation of a rule, of every rule of a family or prefix (DF, BC00), or --all",
    "server": "run the language server (LSP on stdio; needs archlint[lsp])",
    "graph": "print the project model: build sites, Dockerfiles, images, deployments and their links",
    "lock": "resolve every image the repository uses in its registry and write archlint.lock (--check: verify it)",
    "version": "print the version",
}
SUBCOMMANDS = tuple(_HELP)


#: the options of ``archlint check``: (flags, add_argument keywords).  argparse is built from
#: this table, and so is ``_fast_check_args``, which reads the common command lines without
#: importing argparse (argparse's import, parser construction and gettext look-ups are ~7 ms
#: of a one-file run).
CHECK_OPTIONS: tuple = (
    (("--stdin-filename",), dict(help="the file name (and so the kind) of what is read from stdin")),
    (("--output-format",), dict(choices=FORMATS, default=None)),
    (("--output-file", "-o"), dict()),
    (("--config",), dict(help="use this configuration file for every file")),
    (("--isolated",), dict(action="store_true", help="ignore configuration files")),
    (("--platform",), dict(action="append", help="target platform(s), e.g. linux/amd64[,linux/arm64]")),
    (("--select",), dict(help="comma-separated rule IDs or prefixes (replaces the default set)")),
    (("--ignore",), dict(help="comma-separated rule IDs or prefixes to switch off")),
    (("--extend-select",), dict(help="comma-separated rule IDs or prefixes to add")),
    (("--severity",), dict(action="append", metavar="RULE=LEVEL", help="override a rule's severity")),
    (("--exclude",), dict(action="append", help="glob(s) to exclude (replaces the default list)")),
    (("--extend-exclude",), dict(action="append", help="glob(s) to exclude in addition")),
    (("--no-respect-gitignore",), dict(action="store_true", help="lint files git ignores too")),
    (("--force-exclude",), dict(action="store_true", help="apply exclude and fixtures to files named too")),
    (("--kubernetes-version",), dict()),
    (("--python-version",), dict()),
    (("--exit-zero",), dict(action="store_true", help="exit 0 even when there are findings")),
    (("--fail-on",), dict(choices=("error", "warning", "info"), default="warning")),
    (("--strict-internal-errors",), dict(action="store_true", help="exit 2 when a rule or parser crashes")),
    (("--color",), dict(choices=("auto", "always", "never"), default="auto")),
    (("--statistics",), dict(action="store_true", help="print only the number of findings per rule")),
    (("--quiet", "-q"), dict(action="store_true", help="print only the findings, no summary")),
    (("--sarif-root",), dict(help="folder SARIF URIs are relative to (default: the git top level)")),
    (("--sarif-category",), dict(help="SARIF runAutomationDetails.id (one per upload)")),
    (("--sarif-include-suppressed",), dict(action="store_true")),
    (("--jobs", "-j"), dict(type=int, default=None, help="worker processes (default: CPU count)")),
    (("--no-cache",), dict(action="store_true", help="do not reuse stored reports or cached results, nor store them")),
    (("--fix",), dict(action="store_true", help="apply safe fixes")),
    (("--unsafe-fixes",), dict(action="store_true", help="apply unsafe fixes too (with --fix or --diff)")),
    (("--diff",), dict(action="store_true", help="print the diff --fix would apply; write nothing")),
    (("--fix-only",), dict(action="store_true", help="apply fixes and report nothing else (exit 0 unless --exit-non-zero-on-fix)")),
    (("--exit-non-zero-on-fix",), dict(action="store_true", help="with --fix: exit 1 when a fix was applied, even if nothing remains")),
    (("--show-fixes",), dict(action="store_true", help="list the fixes available (with --fix: the fixes applied)")),
    (("--show-files",), dict(action="store_true", help="list the files that would be linted, as which kind, and what is left out and why")),
    (("--show-settings",), dict(action="store_true", help="print the settings for the first path (a file or folder) and where each comes from")),
    (("--add-suppressions",), dict(action="store_true", help="add an ignore comment for every finding")),
    (("--baseline",), dict(help="report only findings not in this baseline file")),
    (("--write-baseline",), dict(help="write the current findings to this baseline file")),
    (("--online",), dict(action="store_true", help="ask the registries whether the tags in archlint.lock still "
                                                   "resolve to the digests it records (PL004; for CI)")),
)


_DESCRIPTION = {
    "server": "Run archlint's language server for editors: it speaks the Language Server Protocol (LSP) "
              "on stdin and stdout (JSON-RPC; no TCP port). It needs the lsp extra: "
              "pip install 'archlint[lsp]' (pygls and lsprotocol).",
    "rule": "Print a rule's documentation (archlint rule DF005), every rule of a family or an ID prefix "
            "(archlint rule DF, archlint rule BC00), or every rule (archlint rule --all).",
    "graph": "Print what archlint inferred about the repository: every build site (with its Dockerfile, "
             "platforms and image names), the deployments of those images and the Dockerfiles' base "
             "images, linked. What could not be resolved is shown as unknown (* in a name). Paths are "
             "relative to the repository root; given PATHS, only what is in them and what is linked to "
             "it is printed.",
    "lock": "Resolve every image the repository uses (FROM bases after ARG defaults, Kubernetes, Helm, "
            "Kustomize, compose and workflow images) through its registry's OCI Distribution API and write "
            "archlint.lock at the repository's top: one line per image with its digest, whether it is an "
            "index or one manifest, and the platforms it publishes. The PL rules read it offline. Credentials: "
            "auths of the Docker configuration file and DOCKER_AUTH_CONFIG (credential helpers are never run). "
            "--check writes nothing and exits 1 when an entry is missing, stale or unused.",
}


def _add_command(sub, name: str):
    """The parser of one subcommand, with its options."""
    description = _DESCRIPTION.get(name)
    formatter = _formatter
    if name == "server":  # the settings an editor can send, from the server's own (light) table, as written
        import argparse
        import textwrap

        from .server.settings import help_text

        description = f"{textwrap.fill(description, 88)}\n\n{help_text()}"
        formatter = argparse.RawDescriptionHelpFormatter
    c = sub.add_parser(name, help=_HELP[name], description=description, formatter_class=formatter)
    if name == "check":
        c.add_argument("paths", nargs="*", help="files or folders (default: .); - reads stdin")
        for flags, kw in CHECK_OPTIONS:
            c.add_argument(*flags, **kw)
    elif name == "rules":
        c.add_argument(
            "--output-format", choices=("text", "json", "markdown", "table"), default="text",
            help="markdown: every rule's documentation (docs/rules.md); table: the README's rule table",
        )
    elif name == "rule":
        c.add_argument("rule_id", nargs="?", help="a rule ID (DF005), a family (DF) or an ID prefix (BC00)")
        c.add_argument("--all", action="store_true", help="every rule")
    elif name == "lock":
        c.add_argument("--check", action="store_true", help="write nothing; exit 1 when the lock is not up to date")
        for flags, kw in CHECK_OPTIONS:
            if flags[0] in GRAPH_CHECK_OPTIONS:
                c.add_argument(*flags, **kw)
    elif name == "graph":
        c.add_argument("paths", nargs="*", help="print only the nodes in these files or folders and what is linked "
                                                "to them (default: the whole repository)")
        c.add_argument("--output-format", choices=GRAPH_FORMATS, default="text")
        c.add_argument("--output-file", "-o")
        for flags, kw in CHECK_OPTIONS:
            if flags[0] in GRAPH_CHECK_OPTIONS:
                c.add_argument(*flags, **kw)
    return c


class Args:
    """What ``_fast_check_args`` returns: the attributes argparse's Namespace would have."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __eq__(self, other):
        return vars(self) == vars(other)

    def __repr__(self):
        return f"Args({vars(self)!r})"


def _fast_check_args(argv: list[str]):
    """``archlint check ...`` read without argparse, for command lines made only of the table's
    options spelled in full (``--opt value``, ``--opt=value``, ``-o F``, ``-j4``, ``-q``) and
    paths.  None for anything else (help, an abbreviation, a bad value, ``--``, an option value
    that starts with ``-``): argparse then reads it, with its own messages."""
    if not argv or argv[0] != "check":
        return None
    table = {}
    values: dict = {"command": "check", "paths": []}
    for flags, kw in CHECK_OPTIONS:
        dest = flags[0][2:].replace("-", "_")
        action = kw.get("action", "store")
        values[dest] = False if action == "store_true" else kw.get("default")
        for f in flags:
            table[f] = (dest, action, kw)
    i, n = 1, len(argv)
    paths_ended = False  # argparse takes the paths as one group: "a --fix b" is its error
    while i < n:
        tok = argv[i]
        i += 1
        if tok == "-" or not tok.startswith("-"):
            if paths_ended:
                return None
            values["paths"].append(tok)
            continue
        if values["paths"]:
            paths_ended = True
        if tok.startswith("--"):
            name, eq, value = tok.partition("=")
            inline = bool(eq)
        elif len(tok) > 2:  # -j4 (argparse reads "-j=4" as 4 too: left to it)
            if tok[2] == "=":
                return None
            name, value, inline = tok[:2], tok[2:], True
        else:
            name, value, inline = tok, "", False
        spec = table.get(name)
        if spec is None:
            return None
        dest, action, kw = spec
        if action == "store_true":
            if inline:
                return None
            values[dest] = True
            continue
        if not inline:
            if i >= n or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
        if "type" in kw:
            try:
                value = kw["type"](value)
            except ValueError:
                return None
        if "choices" in kw and value not in kw["choices"]:
            return None
        if action == "append":
            values[dest] = (values[dest] or []) + [value]
        else:
            values[dest] = value
    return Args(**values)


def _build_parser(only: str | None = None):
    """The command line.  With ``only``, just that subcommand's options are built: argparse
    costs a few milliseconds per parser (formatters, gettext look-ups), which every pre-commit
    and on-save run would pay for the help of commands it does not use."""
    import argparse

    p = argparse.ArgumentParser(
        prog="archlint",
        description="Catch CPU-architecture and mutable-image mistakes before they reach a cluster.",
        formatter_class=_formatter,
    )
    p.add_argument("--version", action="version", version=f"archlint {__version__}")
    sub = p.add_subparsers(dest="command")
    for name in _HELP:
        if only is None or name == only:
            _add_command(sub, name)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["check"] + argv
    args = _fast_check_args(argv)
    if args is None:
        wants_help = any(a in ("-h", "--help") for a in argv[1:]) or argv[0] in ("-h", "--help", "--version")
        parser = _build_parser(None if wants_help else argv[0])
        try:
            args = parser.parse_args(argv)
        except SystemExit as e:
            return int(e.code or 0) if e.code in (0, None) else 2
    try:
        if args.command == "rules":
            return _cmd_rules(args)
        if args.command == "rule":
            return _cmd_rule(args)
        if args.command == "version":
            print(f"archlint {__version__}")
            return 0
        if args.command == "graph":
            return _cmd_graph(args)
        if args.command == "lock":
            return _cmd_lock(args)
        if args.command == "server":
            from .server import main as server_main

            return server_main()
        return _cmd_check(args)
    except UsageError as e:
        _err(f"error: {e}")
        return 2
    except BrokenPipeError:
        _quiet_pipe()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # an internal failure: exit 2 with the cause
        from .config import ConfigError

        if isinstance(e, ConfigError):
            _err(f"error: {e}")
            return 2
        import traceback

        traceback.print_exc()
        _err(f"archlint: internal error: {type(e).__name__}: {e}")
        return 2


def entry() -> None:
    """The ``archlint`` command (console script and ``python -m archlint``): ``main()``, then a
    quick exit.  Tearing the interpreter down (modules, the collector's last full pass over
    parsers, rule tables and results) costs 8-10 ms that a one-file run would otherwise pay
    after its work is done, so once the output is flushed and the exit handlers have run (the
    result cache writes its index in one), the process ends with ``os._exit``.  When threads
    are still running, the ordinary exit waits for them."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_pipe()
    except (OSError, ValueError):
        pass
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _err(msg: str) -> None:
    try:
        sys.stderr.write(msg + "\n")
    except Exception:
        pass


def _quiet_pipe() -> None:
    """stdout was closed (``| head``): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except Exception:
        pass


def _split(values) -> list[str]:
    """Comma-separated option values, as every list in archlint is split (platforms.split_list)."""
    from .platforms import split_list

    return [item for v in (values if isinstance(values, list) else [values]) for item, _ in split_list(v)]


def _overrides(args) -> dict:
    ov: dict = {}
    if args.platform:
        ov["platforms"] = _split(args.platform)
    for key in ("select", "ignore", "extend_select"):
        val = getattr(args, key)
        if val:
            ov[key.replace("_", "-")] = _split(val)
    if args.severity:
        table = {}
        for item in args.severity:
            rid, eq, level = item.partition("=")
            if not eq:
                raise UsageError(f"--severity expects RULE=LEVEL, got {item!r}")
            table[rid.strip()] = level.strip()
        ov["severity"] = table
    if args.exclude:
        ov["exclude"] = _split(args.exclude)
    if args.extend_exclude:
        ov["extend-exclude"] = _split(args.extend_exclude)
    if args.kubernetes_version:
        ov["kubernetes-version"] = args.kubernetes_version
    if args.python_version:
        ov["python-version"] = args.python_version
    return ov


def _use_color(args, fmt: str) -> bool:
    if fmt not in TEXT_FORMATS:
        return False
    if args.color == "always":
        return True
    if args.color == "never":
        return False
    force = os.environ.get("FORCE_COLOR")
    if force is not None and force not in ("", "0"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    if args.output_file:
        return False
    try:
        return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    except Exception:
        return False


def _path_base(fmt: str) -> str | None:
    """The folder printed paths are relative to: the working folder, as ruff, hadolint and
    eslint print them, so ``path:line:col`` opens from where the user stands.  GitHub's runner
    reads a relative ``file=`` from the checkout (``$GITHUB_WORKSPACE``) and GitLab a report's
    paths from the project folder (``$CI_PROJECT_DIR``): there, those.  SARIF has its own
    (``--sarif-root``)."""
    if fmt == "sarif":
        return None
    env = {"github": "GITHUB_WORKSPACE", "gitlab": "CI_PROJECT_DIR"}.get(fmt)
    if env and os.environ.get(env):
        return os.path.realpath(os.environ[env])
    return os.getcwd()


def _cmd_check(args) -> int:
    from .config import ConfigResolver, ConfigError
    from .model import Severity

    fmt = args.output_format or os.environ.get("ARCHLINT_OUTPUT_FORMAT") or "text"
    if fmt not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r} (allowed: {', '.join(FORMATS)})")
    if args.fix_only:
        args.fix = True
    resolver = ConfigResolver(overrides=_overrides(args), explicit=args.config, isolated=args.isolated)
    try:
        resolver.for_dir(os.getcwd())  # validate the CLI overrides (and the config here) up front
    except ConfigError:
        raise
    from .discovery import find_root, not_left_out
    from .output import OutputOptions

    root = find_root(os.getcwd())
    if args.force_exclude and args.paths:  # (the pre-commit hooks': every file named is one a walk leaves out: 0)
        args.paths = not_left_out(args.paths, resolver, root)
        if not args.paths:
            return 0
    paths = args.paths or ["."]
    if args.show_settings or args.show_files:
        from .output import show

        if args.show_settings:
            return show.settings(args, resolver, paths, _overrides(args))
        return show.files(args, resolver, paths, root)
    opts = OutputOptions(
        color=_use_color(args, fmt),
        statistics=args.statistics,
        sarif_root=os.path.abspath(args.sarif_root) if args.sarif_root else None,
        sarif_category=args.sarif_category,
        sarif_include_suppressed=args.sarif_include_suppressed,
        cwd=_path_base(fmt),
        list_fixes=args.show_fixes and not args.fix,  # with --fix: the fixes applied, on stderr
        unsafe_fixes=args.unsafe_fixes,
    )
    actions = args.fix or args.diff or args.add_suppressions or args.baseline or args.write_baseline
    snap = None  # (cache, key, recorder): this command's whole report may be reused
    if args.online:  # the registries' answer now: no stored report or result may stand for it
        from .lock.command import prepare_online

        prepare_online(root, resolver)
        args.no_cache = True
    if "-" in paths:
        if len(paths) != 1:
            raise UsageError("- (stdin) cannot be combined with other paths")
        run = _run_stdin(args, resolver, root)
    else:
        if args.stdin_filename:
            raise UsageError("--stdin-filename needs - as the path")
        if not (actions or args.no_cache or os.environ.get("ARCHLINT_NO_CACHE")):
            snap = _stored_report(args, fmt, opts, paths, root, resolver)
            if type(snap) is int:
                return snap  # the stored report, as it was or brought up to date, is printed
        from .run.runner import run_paths

        run = run_paths(
            paths, resolver, root,
            respect_gitignore=not args.no_respect_gitignore,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            cache=snap[0] if snap else None,
            recorder=snap[2] if snap else None,
        )
    applied: list = []  # (display path, Finding) of every fix written
    if actions:
        from . import fixes

        code = fixes.cli_actions(args, run, resolver, root, applied=applied)
        if code is not None:
            return code
    if args.fix_only:
        return _fix_only(args, run, applied, opts)
    failing = _failing(run, Severity.parse(args.fail_on))
    if fmt == "sarif":
        run.rules = _sarif_rules(run, resolver)
    layout = {} if snap is not None and snap[2].groups is not None else None  # kept for a delta run
    text = _report(args, fmt, run, opts, failing, keep=snap is not None, layout=layout)
    if layout is not None:
        from .run.delta import describe

        snap[2].layout = describe(args, fmt, opts, paths, root, run, layout)
    if args.fix and args.show_fixes and fmt in TEXT_FORMATS and not args.quiet:
        from .output.text import fixes_applied
        from .output import path_shower

        _err(fixes_applied(applied, path_shower(run, opts.cwd)).rstrip("\n"))
    internal = any(n.internal for n in run.notices)
    if internal and args.strict_internal_errors:
        code = 2
    elif args.exit_zero:
        code = 0
    elif args.exit_non_zero_on_fix and applied:
        code = 1
    else:
        code = 1 if failing else 0
    if snap is not None and not internal and text is not None:
        from .run import snapshot

        cache, key, recorder = snap
        cache.close()  # the entries the snapshot names are on disk before it is
        snapshot.store(cache, key, recorder, resolver, paths, root, text, code)
    return code


GRAPH_FORMATS = ("text", "json", "mermaid", "dot")
#: the options of ``archlint check`` that ``archlint graph`` takes too (how files are found and read)
GRAPH_CHECK_OPTIONS = ("--config", "--isolated", "--exclude", "--extend-exclude", "--no-respect-gitignore",
                       "--jobs", "--no-cache")


def _facts_resolver(args):
    """(configuration resolver, repository root) of a command that reads every file's project
    facts (``graph``, ``lock``): ``--config``/``--isolated``/``--exclude`` as ``check`` takes them,
    the configuration validated up front (ConfigError: exit 2), and the project family switched
    back on for the command's own run when the configuration ignores it (files give their facts
    only while a project rule is on; the findings are not printed)."""
    from .config import ConfigResolver
    from .discovery import find_root
    from .project import FAMILY
    from .registry import family_enabled

    ov: dict = {}
    if args.exclude:
        ov["exclude"] = _split(args.exclude)
    if args.extend_exclude:
        ov["extend-exclude"] = _split(args.extend_exclude)
    resolver = ConfigResolver(overrides=ov, explicit=args.config, isolated=args.isolated)
    resolver.for_dir(os.getcwd())
    root = find_root(os.getcwd())
    if not family_enabled(resolver.for_dir(root), FAMILY):
        ov.update({"ignore": [], "extend-select": [FAMILY]})
        resolver = ConfigResolver(overrides=ov, explicit=args.config, isolated=args.isolated)
    return resolver, root


def _cmd_graph(args) -> int:
    """``archlint graph``: the project model of the repository, built from every file's facts
    (from the result cache where it can be), rendered by ``output.graph``."""
    resolver, root = _facts_resolver(args)
    only = None
    if args.paths:
        only = []
        top = os.path.realpath(root)
        for p in args.paths:
            if p == "-":
                raise UsageError("archlint graph does not read stdin")
            if not os.path.exists(p):
                raise UsageError(f"{p}: no such file or folder")
            a = os.path.realpath(p)
            if a != top and not a.startswith(top.rstrip(os.sep) + os.sep):
                raise UsageError(f"{p} is outside the repository ({root})")
            only.append(os.path.relpath(a, top).replace(os.sep, "/"))
    from .project.model import build_project
    from .run.runner import run_paths

    run = run_paths([root], resolver, root, respect_gitignore=not args.no_respect_gitignore, jobs=args.jobs,
                    use_cache=not args.no_cache, model=False)  # built once, here
    entries = [(fr.path, os.path.join(root, fr.path), fr.kind, fr.facts) for fr in run.files if fr.facts]
    project = build_project(root, entries)
    from .output import graph

    text = graph.RENDERERS[args.output_format](project, only)
    _emit(args, text)
    return 0


def _cmd_lock(args) -> int:
    """``archlint lock [--check]`` (archlint.lock.command)."""
    resolver, root = _facts_resolver(args)  # the references are the project facts
    from .lock.command import run_lock

    return run_lock(root, resolver, check=args.check, respect_gitignore=not args.no_respect_gitignore,
                    jobs=args.jobs, use_cache=not args.no_cache)


def _sarif_rules(run, resolver) -> list:
    """The rules SARIF describes: every rule enabled for a file of the run, and AL."""
    from .registry import load_all

    rules = load_all()
    settings_seen = {id(s): s for s in getattr(run, "settings_used", [])} or {0: resolver.for_dir(os.getcwd())}
    return sorted(
        (r for r in rules.values() if any(s.rule_enabled(r) for s in settings_seen.values()) or r.id.startswith("AL")),
        key=lambda r: r.id,
    )


def _fix_only(args, run, applied, opts) -> int:
    """``--fix-only``: the fixes are written; nothing is reported on standard output but the
    fixes that could not be written (on standard error); exit 0, or 1 with
    ``--exit-non-zero-on-fix`` when a fix was applied, or 2 for an internal error with
    ``--strict-internal-errors``."""
    from .output import notice_message, path_shower

    show = path_shower(run, opts.cwd)
    for fr in run.files:
        for n in fr.notices:
            if n.rule_id in ("AL004", "AL007"):
                _err(f"{show(n.path)}: {n.rule_id} {notice_message(n.message, n.path, show(n.path))}")
    if args.show_fixes and not args.quiet:
        from .output.text import fixes_applied

        _err(fixes_applied(applied, show).rstrip("\n"))
    if args.strict_internal_errors and any(n.internal for n in run.notices):
        return 2
    return 1 if args.exit_non_zero_on_fix and applied and not args.exit_zero else 0


#: a streamed report kept for the whole-report snapshot up to this many characters: a larger one
#: is not stored (holding it, then encoding and compressing it, would cost more memory than the
#: report itself, which is written piece by piece)
SNAPSHOT_MAX_CHARS = 16 << 20


def _stored_report(args, fmt: str, opts, paths, root: str, resolver):
    """The exit code of a command whose stored report was printed (archlint/run/snapshot.py:
    nothing changed since; archlint/run/delta.py: a few files changed); else the (cache, key,
    snapshot.Recorder) of a run that may store its report, or None (no cache)."""
    from .run import delta, snapshot
    from .run.cache import Cache, environment_key

    cache = Cache.open()
    if not cache.enabled:
        return None
    key = snapshot.run_key(args, fmt, opts, root, environment_key())
    stored: list = []  # a stored report whose files changed since
    eligible = delta.eligible(args, fmt, opts, paths, root)
    hit = snapshot.load(cache.directory, key, stored if eligible else None)
    if hit is not None:
        _emit(args, hit[0])
        return hit[1]
    got = delta.run(args, fmt, opts, root, resolver, cache, stored[0]) if stored else None
    if got is not None:
        cache.close()
        _emit(args, got[0])
        return 0 if args.exit_zero else got[1]
    snap = (cache, key, snapshot.Recorder())
    snap[2].keep_groups = eligible
    from .run.index import Index, index_key

    snap[2].index = Index(cache.directory, index_key(args, root, environment_key()))
    return snap


def _report(args, fmt: str, run, opts, failing: bool, keep: bool, layout: dict | None = None) -> str | None:
    """Write the report where it goes; its text when ``keep`` (for the snapshot), if kept;
    ``layout`` filled with where each path's findings are (``output.render``)."""
    from .output import render, write
    from .run.snapshot import Tee

    if fmt in TEXT_FORMATS or fmt == "github":
        text = render(fmt, run, opts, layout)
        if args.quiet and fmt in TEXT_FORMATS and not args.statistics:
            text = "\n".join(text.rstrip("\n").split("\n")[:-1]) + "\n" if failing else ""
        _emit(args, text)
        return text
    # the formats whose documents grow with the tree are written piece by piece
    if args.output_file:
        from .fixes.files import write_output

        sinks = []

        def fill(fh):
            sinks.append(Tee(fh, SNAPSHOT_MAX_CHARS) if keep else fh)
            write(fmt, run, opts, sinks[0])

        write_output(args.output_file, fill)
        sink = sinks[0]
    else:
        sink = Tee(sys.stdout, SNAPSHOT_MAX_CHARS) if keep else sys.stdout
        write(fmt, run, opts, sink)
        sys.stdout.flush()
    return sink.text if keep else None


def _emit(args, text: str) -> None:
    if args.output_file:
        _write_output(args.output_file, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _failing(run, threshold) -> bool:
    return any(fr.fails(threshold) for fr in run.files)


def _write_output(path: str, text: str) -> None:
    from .fixes.files import write_output

    write_output(path, lambda fh: fh.write(text))


def _run_stdin(args, resolver, root):
    from .engine import lint_text
    from .model import RunResult
    from .registry import new_run

    new_run()
    name = args.stdin_filename or "-"
    from .source import DecodeError, decode
    from .model import FileResult, Notice

    abspath = os.path.abspath(name)
    display = os.path.relpath(abspath, root).replace(os.sep, "/") if name != "-" else "-"
    settings = resolver.for_path(abspath)
    data = sys.stdin.buffer.read(settings.max_file_size + 1)  # max-file-size bounds stdin too
    if len(data) > settings.max_file_size:
        from .engine import too_large

        run = RunResult([too_large(display, f"more than {settings.max_file_size}", settings, abspath)], root, [])
        run.settings_used = [settings]
        return run
    try:
        text, enc, warning = decode(data)
    except DecodeError as e:
        fr = FileResult(display, None, notices=[Notice("AL001", f"could not parse {display}: {e}", display)])
        return RunResult([fr], root, [])
    from . import kinds

    kind = kinds.kind_from_stdin_name(name, text) if name != "-" else None
    if kind is None and name == "-":
        raise UsageError("reading stdin needs --stdin-filename to know the file kind")
    fr = lint_text(display, text, settings, kind=kind, abspath=abspath, encoding=enc)
    if warning:
        from .model import Severity

        fr.notices.append(Notice("AL006", f"{display}: {warning}", display, severity=Severity.INFO))
    run = RunResult([fr], root, [])
    run.settings_used = [settings]
    return run


def _cmd_rules(args) -> int:
    from .registry import load_all

    rules = sorted(load_all().values(), key=lambda r: r.id)
    if args.output_format == "json":
        import json

        print(json.dumps([
            {"id": r.id, "name": r.name, "family": r.family_name, "severity": r.severity.label,
             "fixable": r.fix, "enabled": r.enabled, "summary": r.summary}
            for r in rules
        ], indent=2))
        return 0
    if args.output_format in ("markdown", "table"):
        sys.stdout.write(rules_markdown(rules, table_only=args.output_format == "table"))
        return 0
    rows = [("ID", "NAME", "FAMILY", "SEVERITY", "FIX", "DEFAULT")]
    for r in rules:
        rows.append((r.id, r.name, r.family_name, r.severity.label, r.fix or "-", "on" if r.enabled else "off"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def _cmd_rule(args) -> int:
    """One rule's documentation, or every rule's of a family / ID prefix, or of all (``--all``)."""
    from .registry import get_rule

    if args.all:
        if args.rule_id:
            raise UsageError("give a rule ID, a prefix or --all, not both")
        from .registry import load_all

        rules = sorted(load_all().values(), key=lambda r: r.id)
    elif not args.rule_id:
        raise UsageError("which rule? give an ID (DF005), a family or prefix (DF, BC00), or --all")
    else:
        r = get_rule(args.rule_id)
        if r is not None:
            rules = [r]
        else:
            from .config import selects
            from .registry import load_all

            prefix = args.rule_id.strip().upper()
            rules = sorted((r for r in load_all().values() if prefix != "ALL" and selects(prefix, r.id)), key=lambda r: r.id)
            if not rules:
                raise UsageError(f"unknown rule or prefix {args.rule_id!r} (see `archlint rules`)")
    sys.stdout.write("\n".join(_rule_doc(r) for r in rules))
    return 0


#: what every rule shares about context (README: "What is a finding where it stands"), with the
#: default fixture folders (config.DEFAULT_FIXTURES) where "{fixtures}" stands
CONTEXT_NOTE = (
    "Context (every rule): files in test and fixture folders (`fixtures`, default {fixtures}) and archived folders "
    "are not linted unless named; a templated file (`*.template`, `*.j2`..., templated YAML outside a Helm chart) is "
    "one AL003 notice, not findings, and a Helm chart's templates are linted as what they render; a finding repeated in generated files (\"DO NOT EDIT\", operator-sdk's bundle CSVs) is "
    "printed once by the text formats; an unresolved variable never makes a finding on its own."
)


def _context_note() -> str:
    from .config import DEFAULT_FIXTURES

    return CONTEXT_NOTE.format(fixtures=", ".join(DEFAULT_FIXTURES))


def _rule_doc(r) -> str:
    fix = {"safe": "safe fix available", "unsafe": "unsafe fix available (--unsafe-fixes)"}.get(r.fix or "", "no automatic fix")
    return (f"# {r.id} {r.name}\n\n"
            f"Family: {r.family_name}. Default severity: {r.severity.label}. "
            f"{'On' if r.enabled else 'Off'} by default. {fix[0].upper() + fix[1:]}.\n\n"
            f"{r.doc}\n\n{_context_note()}\n")


def rules_markdown(rules, table_only: bool = False) -> str:
    """The rule table (README) or the full rule reference (docs/rules.md)."""
    out = ["| ID | name | family | severity | fix | default |", "|---|---|---|---|---|---|"]
    for r in rules:
        link = f"[{r.id}](docs/rules.md#{r.id.lower()})" if table_only else f"[{r.id}](#{r.id.lower()})"
        out.append(f"| {link} | {r.name} | {r.family_name} | {r.severity.label} | {r.fix or '-'} | {'on' if r.enabled else 'off'} |")
    if table_only:
        return "\n".join(out) + "\n"
    doc = ["# archlint rules", "", "Generated by `archlint rules --output-format markdown`; do not edit by hand.", "",
           _context_note(), ""]
    doc += out + [""]
    for r in rules:
        body = r.doc.replace("\n## ", "\n### ")
        if body.startswith("## "):
            body = "#" + body
        doc += [f'<a id="{r.id.lower()}"></a>', f"## {r.id} {r.name}", "",
                f"Family: {r.family_name}. Default severity: {r.severity.label}. {'On' if r.enabled else 'Off'} by default. "
                f"Fix: {r.fix or 'none'}.", "", body, ""]
    return "\n".join(doc)
