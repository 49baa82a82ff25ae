"""BC009: architecture-specific downloads in shell scripts that a multi-platform image build
runs (DF006 reads Dockerfile RUN and ADD; the URL/token detection
they share is archlint/archnames.py)."""
from __future__ import annotations

import os

from ...archnames import ARCH_VARIABLE, arch_tokens, derives_arch, download_words, has_arch_token
from ...commands import snippets_for
from ...kinds import kind_by_name
from ...model import Severity
from ...project.refine import NO_PLATFORMS  # (DF006's words; refine.script_built_for names the builds instead)
from ...registry import rule
from ...source import read_regular

#: Dockerfile names looked for next to the script and in the folders above it
#: how many folders up (the script's own included) a Dockerfile that runs it is looked for
_UP = 3
_MAX_DOCKERFILE = 256 * 1024


def _written(word) -> str:
    """A word as the script writes it (``raw``: a URL holding a command's output, discourse's
    ``$FIREFOX_VERSION``, is shown with its variable, not the command), at most 240 characters."""
    got = word.raw.strip("\"'")
    return got if len(got) <= 240 else got[:239] + "…"


def _detects_arch(text: str) -> bool:
    return derives_arch(text) or ARCH_VARIABLE.search(text) is not None


def _instructions(text: str) -> list:
    """A Dockerfile's instructions, each with its continued lines (a line ending in ``\\``; the
    comment and blank lines among them dropped)."""
    out: list = []
    part: list = []
    for line in text.splitlines():
        if part and (not line.strip() or line.lstrip().startswith("#")):
            continue  # (a comment or blank line inside a continued instruction: the parser drops it)
        part.append(line)
        if not line.rstrip().endswith("\\"):
            out.append(" ".join(part))
            part = []
    return out + ([" ".join(part)] if part else [])


def _runs_it(text: str, name: str) -> bool:
    """Whether a ``COPY``, ``ADD`` or ``RUN`` of the Dockerfile names the script, and not only
    ``RUN`` instructions that work out the CPU they build for around it (the name it is copied
    to counts: neko's ``COPY ./widevinecdm.sh /widevine.sh``, run only where ``dpkg
    --print-architecture`` says amd64, for the amd64 download it makes)."""
    names, named = {name}, False
    ins = _instructions(text)
    for i in ins:
        words = i.split()
        if words and words[0].upper() in ("COPY", "ADD") and name in i:
            named = True
            if not words[-1].endswith("/") and len(names) < 16:  # (a few names: each RUN is read once for them)
                names.add(words[-1].rsplit("/", 1)[-1])
    runs = [i for i in ins if i.lstrip()[:4].upper() == "RUN " and any(n in i for n in names)]
    return (named or bool(runs)) and not (runs and all(derives_arch(r) for r in runs))


def _image_build_using(ctx) -> str | None:
    """A Dockerfile in the script's folder or up to two folders above whose COPY/ADD/RUN names
    the script's file name (``COPY build.sh /`` then ``RUN /build.sh``): the script runs inside
    that image build.  Returns its path relative to the script's folder, or None."""
    path = ctx.source.abspath
    name = os.path.basename(path)
    if not name or not os.path.isabs(path):
        return None
    folder = os.path.dirname(path)
    top = ctx.repository_root()  # never above the repository (when there is one)
    for up in range(_UP):
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            return None
        ctx.depends_on(folder)
        for entry in entries:
            if kind_by_name(entry) != "dockerfile":
                continue
            candidate = os.path.join(folder, entry)
            if not os.path.isfile(candidate):
                continue
            ctx.depends_on(candidate)
            try:
                text = read_regular(candidate, _MAX_DOCKERFILE)[:_MAX_DOCKERFILE].decode("utf-8", "replace")
            except OSError:
                continue
            if _runs_it(text, name):
                return os.path.relpath(candidate, os.path.dirname(path))
        parent = os.path.dirname(folder)
        if parent == folder or folder == top:
            break
        folder = parent
    return None


@rule("BC009", "script-arch-specific-download", kinds=("shell",), severity=Severity.WARNING,
      tags=("multi-arch",))
def script_arch_specific_download(ctx):
    """
    ## What it does
    Flags a download in a shell script whose URL names one CPU architecture when a
    multi-platform image build runs the script.

    That is: a download (`curl`, `wget`, `git clone`...) whose URL or path names one
    architecture (`kubectl-linux-amd64`, `tool_x86_64.tar.gz`), several target `platforms`
    are configured (with none configured: a build of that Dockerfile found in the run targets
    another CPU, as discourse_docker's Bake matrix over `linux/${arch}` does; the message names
    it; a file linted alone says the image may be built for another CPU), a Dockerfile or
    Containerfile in the script's folder or up to two folders above names the script in a
    `COPY`, `ADD` or `RUN` (`COPY build.sh /` then `RUN /build.sh`), not only in `RUN` instructions
    that work out the CPU they build for around it (neko's `if [ "$(dpkg --print-architecture)" =
    amd64 ]; then /widevine.sh`, the name it is copied to), and the script never works
    out its architecture (no `uname -m`, `dpkg --print-architecture`, `arch`, `$TARGETARCH`,
    `go env GOARCH`, and no `$ARCH`-like variable anywhere in it). DF006 is the same check for
    a Dockerfile's own `RUN` and `ADD`; both read URLs the same way (archlint/archnames.py),
    and neither reads a signing key, signature or checksum (`RPM-GPG-KEY-*`, `.asc`, `.sha256`)
    in a CPU's folder: the same bytes for every CPU.

    Other downloads in scripts, Makefile recipes and workflow `run:` steps install a tool on
    the machine that runs them (a CI runner, a laptop), where one architecture is the author's
    fair choice: on real repositories every such finding was of that kind (release scripts,
    test hooks), so they are not reported.

    ## Why is this bad?
    A script that an image build runs (`COPY build.sh /` then `RUN /build.sh`) fetches the same
    binary for every target platform: the arm64 image carries an amd64 program and fails with
    `exec format error`.

    ## Example
    With `platforms = ["linux/amd64", "linux/arm64"]`:
    ```shell
    curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl
    ```

    ## Use instead
    ```shell
    ARCH="$(uname -m)"; case "$ARCH" in x86_64) ARCH=amd64;; aarch64) ARCH=arm64;; esac
    curl -fsSLo /usr/local/bin/kubectl "https://dl.k8s.io/release/v1.31.0/bin/linux/${ARCH}/kubectl"
    ```

    ## Fix
    No automatic fix: projects name their artefacts differently.
    """
    targets = ctx.targets
    if not targets.several and not targets.none:
        return
    text = ctx.source.text
    if not has_arch_token(text) or _detects_arch(text):
        return
    used_by: str | None = None
    looked = False
    for snip in snippets_for(ctx):
        if not has_arch_token(snip.text):
            continue
        for word, value in download_words(snip):
            for token, arch, _, _ in arch_tokens(value):
                if not looked:
                    used_by, looked = _image_build_using(ctx), True
                if used_by is None:
                    return  # a tool for the machine that runs the script
                shown = value if "$(" not in value and "`" not in value and len(value) <= 240 else _written(word)
                said = (f"in an image built for several platforms ({targets.describe()}): every platform's image gets "
                        f"the {token} build") if targets.several else f"in an image build; {NO_PLATFORMS}"
                yield ctx.report(
                    word.span,
                    f"The download names one architecture, {token} ({shown}), and the script never detects its "
                    f"own, yet {used_by} runs it {said}.",
                    hint="derive it: $TARGETARCH (ARG TARGETARCH in the Dockerfile stage) or ARCH=$(uname -m) "
                         "(map x86_64/aarch64 to amd64/arm64 if needed)",
                    severity=Severity.ERROR if targets.several and arch not in targets.arches else Severity.WARNING,
                    key=f"{token}:{value}",
                )
                break
