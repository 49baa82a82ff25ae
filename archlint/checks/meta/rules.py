"""archlint's own rules: about files and suppressions rather than their content.  They have no
check of their own; the engine and the suppression pass produce them."""
from __future__ import annotations

from ...model import Severity
from ...registry import rule



@rule("AL001", "parse-error", severity=Severity.ERROR, tags=("reliability",))
def parse_error(ctx):
    """
    ## What it does
    Reports a file that could not be read or parsed, with the parser's line and column.

    ## Why is this bad?
    A file archlint cannot parse is not checked at all, and usually the build tool that reads it
    (BuildKit, kubectl, make) cannot parse it either. The rest of the run goes on.

    ## Example
    ```dockerfile
    RUN <<EOF
    echo the heredoc is never closed
    ```

    ## Use instead
    Fix the syntax error at the reported position. Binary files, files with NUL bytes and files
    that are not text are reported here too. A Python file with an f-string the Python archlint
    runs on cannot read (before 3.12: quotes reused inside a replacement field, a line break in one, PEP 701) is an
    info notice, not an error: Python 3.12 may read it; so is a Python 2 script (`print "x"`,
    tuple parameters, `0755`), `except A, B:` (Python 2's, and Python 3.14's: PEP 758), a `*.py` whose `#!` names another language, a
    Markdown code block in a file named like YAML (its first line a ``` fence: gloo's docs), and a Dockerfile with
    instructions and no `FROM`: a fragment a script puts after one (corpusops' `cat Dockerfile.from Dockerfile.base ...`).

    ## Fix
    No automatic fix.
    """
    return ()


@rule("AL002", "unused-suppression", severity=Severity.INFO, enabled=False, tags=("maintainability",))
def unused_suppression(ctx):
    """
    ## What it does
    Reports an `archlint: ignore[...]` comment that suppressed nothing.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and readers take it for a
    known problem. Off by default; enable it with `extend-select = ["AL002"]`.

    ## Example
    ```dockerfile
    # archlint: ignore[DF001]
    FROM python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Fix
    No automatic fix: delete the comment.
    """
    return ()


@rule("AL003", "templated-file", severity=Severity.INFO, tags=("reliability",))
def templated_file(ctx):
    """
    ## What it does
    Notes a templated file that is therefore not linted, or not in full.

    A file named like a template (`Dockerfile-linux.template`, `*.tmpl`, `*.tpl`, `*.gotmpl`, `*.j2`,
    `*.jinja`, `*.erb`, `*.ejs`, `*.mustache`, `*.hbs`, `*.in`) whose text has template markup
    (`{{`, `{%`, ERB's `<%`, or autoconf `@NAME@` but in Makefiles), a templated
    YAML file outside a Helm chart (a ytt template included: `#@ load(...)`, `#@ if/end`, `#@overlay/match`,
    `name: #@ data.values.name`, valid YAML whose documents ytt decides; FreeMarker's `<#if ...>`, `</#list>` starting a
    line; a YAML file that does not parse and has a line that is only a placeholder such as
    `<CERT_MANAGER_ISSUER_ANNOTATION_1>`; YAML that fails at `%%NAME%%`; a Python file that fails at a
    `${NAME}` placeholder envsubst fills), a Dockerfile with markup where an instruction must be (or a
    `${NAME}` line from the first column, which envsubst fills) or in a `FROM` line, and a
    Helm chart's template that could not be rendered in full (it does not parse, Helm would fail
    it with the chart's values: `fail`, a missing `define`, a nil pointer; the message says why).
    A chart's templates are otherwise rendered and linted as what they render. One notice per
    file, never a parse error per line. The text, concise, GitHub and GitLab formats print one
    line per Helm chart ("N templates of the Helm chart ... could not be rendered in full") and
    one for all templated YAML outside charts; JSON and SARIF (a notification) keep every file.
    So is an excerpt: a file of a documentation or examples folder, or named for a sample or an
    example (`samples.yaml`), whose parse stops at, or just after, a line that only says `...`
    (lines left out of a snippet; in YAML an indented one), one line for all; elsewhere such a
    file is an `AL001`.

    ## Why is this bad?
    It is not bad; it says why the file has no findings, or fewer than it might. Lint the
    rendered output (`helm template ... | archlint check --stdin-filename rendered.yaml -`) to
    check it, or give the chart the values it needs (`helm-values = ["values-ci.yaml"]`).

    ## Example
    ```yaml
    {{ fail "set .Values.storage" }}
    ```

    ## Use instead
    Lint the rendered manifests, or name a values file that sets what the chart requires.

    ## Fix
    None needed.
    """
    return ()


@rule("AL004", "internal-error", severity=Severity.ERROR, tags=("reliability",))
def internal_error(ctx):
    """
    ## What it does
    Reports that a rule or parser of archlint itself failed on a file; the other rules' findings
    for that file are kept and the run goes on.

    ## Why is this bad?
    It is a bug in archlint: please report it with the file. `--strict-internal-errors` makes
    the run exit with code 2 when it happens.

    ## Example
    Any file that triggers the bug.

    ## Use instead
    Upgrade archlint, or disable the named rule with `--ignore` until it is fixed.

    ## Fix
    None.
    """
    return ()


@rule("AL005", "file-too-large", severity=Severity.INFO, tags=("reliability",))
def file_too_large(ctx):
    """
    ## What it does
    Notes a file skipped because it is larger than `max-file-size` (4 MiB by default).

    ## Why is this bad?
    It is not linted. Generated or vendored files are usually better excluded.

    ## Example
    A 50 MB generated manifest.

    ## Use instead
    Exclude it (`extend-exclude`) or raise `max-file-size`.

    ## Fix
    None.
    """
    return ()


@rule("AL006", "encoding-assumed", severity=Severity.INFO, tags=("reliability",))
def encoding_assumed(ctx):
    """
    ## What it does
    Notes a file that is not UTF-8: one that is not valid UTF-8 and was decoded as Windows-1252 (what
    Windows editors save; Latin-1 where a byte has no Windows-1252 meaning), or
    one in UTF-16 or UTF-32 (recognised by its byte-order mark).  The notice names the encoding
    assumed; `--fix` writes the file back in that same encoding.

    ## Why is this bad?
    Positions and messages may show wrong characters; Docker, make, shells and most YAML tools
    expect UTF-8 and may misread the file or reject it.

    ## Example
    A Dockerfile saved in Windows-1252 with an accented maintainer name, or a Makefile saved as
    "Unicode" (UTF-16LE with a BOM) by a Windows editor.

    ## Use instead
    Save the file as UTF-8.

    ## Fix
    None.
    """
    return ()


@rule("AL007", "fix-not-applied", severity=Severity.WARNING, tags=("reliability",))
def fix_not_applied(ctx):
    """
    ## What it does
    Notes a file that `--fix` (or `--add-suppressions`) left unchanged although it had fixes to
    apply, and says why: the file changed on disk after archlint read it, it could not be written
    (permissions, a read-only file system), or it is a symlink to a file outside the repository.

    ## Why is this bad?
    The findings you asked archlint to fix are still there; the run must not look successful.

    ## Example
    An editor saves the Dockerfile while `archlint check --fix` is running.

    ## Use instead
    Run `archlint check --fix` again once nothing else is writing the file, or fix its
    permissions.

    ## Fix
    None: archlint never writes a file it cannot write whole and unchanged-since-read.
    """
    return ()


@rule("AL008", "unknown-rule-in-suppression", severity=Severity.WARNING, tags=("maintainability",))
def unknown_rule_in_suppression(ctx):
    """
    ## What it does
    Reports a rule ID in an `archlint: ignore[...]` or `archlint: ignore-file[...]` comment that
    matches no archlint rule (no rule ID starts with it), with the nearest known ID.

    ## Why is this bad?
    A mistyped ID suppresses nothing: the finding it was meant to silence is still reported,
    while readers take the comment for a deliberate, reviewed exception. Fixing the typo later
    may silence findings nobody has looked at since.

    ## Example
    ```dockerfile
    # archlint: ignore[DF0001] pinned by the base image's own release process
    FROM ubuntu:latest
    ```

    ## Use instead
    ```dockerfile
    # archlint: ignore[DF001] pinned by the base image's own release process
    FROM ubuntu:latest
    ```

    ## Fix
    No automatic fix: correct the ID (`archlint rules` lists them) or delete it.
    """
    return ()


@rule("AL009", "excluded-folder-has-sources", severity=Severity.INFO, tags=("reliability",))
def excluded_folder_has_sources(ctx):
    """
    ## What it does
    Notes, once per run, the folders of archived code the default `exclude` leaves out (`archived/`,
    `archive/`, `deprecated/`...) that hold files archlint would lint (Dockerfiles, Makefiles, shell
    scripts, compose files). The list is `_archived/`, `archived/`, `archive/`, `_archive/`, `.archive/`, `deprecated/`,
    `_deprecated/`, `DEPRECATED/` and `Deprecated/`; a Python package of that name (holding `__init__.py`) is walked. Only when `exclude` is the default; `--show-files`
    lists every folder left out and why. (`build/` is linted: the Go project layout keeps its
    Dockerfiles and CI scripts there, and build output is git-ignored; only Python's
    `build/lib*`, `build/bdist.*`, `build/temp.*` and `build/scripts-*` copies are excluded.)

    ## Why is this bad?
    It is not bad; it says what was not linted, so a silent run is not mistaken for a clean one.

    ## Example
    `archived/push-images.sh` in a repository with the default settings.

    ## Use instead
    Set `exclude` without `archived` to lint the folder (`exclude = [".git", "node_modules", ...]`),
    or `ignore = ["AL009"]` to keep it excluded quietly.

    ## Fix
    None.
    """
    return ()
