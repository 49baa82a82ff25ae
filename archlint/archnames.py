"""Architecture names written into builds: the one place that recognises a download URL or a
path naming a CPU (``tool-linux-arm64.tar.gz``), an image named after one architecture
(``debian-base-amd64``, ``arm64v8/alpine``), and a script that detects its architecture
(``uname -m``, ``dpkg --print-architecture``, ``$TARGETARCH``).

Used by the Dockerfile rules (DF006, DF014) and by the shell/Makefile rule BC009, so that every
file kind reads an architecture in a name the same way.  The tokens themselves are
``platforms.ARCH_TOKENS``.  Every pattern here is linear in the text it scans.
"""
from __future__ import annotations

import functools
import re

from . import platforms as plat
from .images import without_registry

#: programs whose URL/path arguments fetch something (``curl -o x URL``, ``git clone URL``)
DOWNLOADERS = frozenset(("curl", "wget", "aria2c", "fetch", "git", "http", "axel"))
#: a URL (``scheme://``) or a path (contains ``/``): the only arguments read for a token
_URL_OR_PATH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|/|\./|\.\./|~/)|/")

#: commands and variables that read the architecture of the machine (or emulated stage) they
#: run on (``$(arch)``, also piped into a mapping: ``$(arch | sed 's|x86_64|amd64|')``)
_READS_OWN_ARCH = (
    r"uname\s+-[a-z]*[mp]|dpkg\s+--print-architecture|apk\s+--print-arch|\$\(\s*arch\s*[)|]|`\s*arch\s*[`|]|"
    r"rpm\s+--eval\s+'?%\{?_arch|go\s+env\s+GOARCH|\$\{?(?:HOSTTYPE|MACHTYPE|RUNNER_ARCH)\b|"
    # (Node's and Python's own: cypress' ``node -p "process.arch === 'arm64' ? ... : process.exit(1)" || wget ...``)
    r"\bprocess\.arch\b|\bplatform\.machine\(\)"
)
READS_OWN_ARCH = re.compile(_READS_OWN_ARCH)
#: a script or stage that works out its architecture instead of writing one: BuildKit's platform
#: ARGs, tonistiigi/xx, or any of READS_OWN_ARCH
DERIVES_ARCH = re.compile(r"\$\{?(?:TARGETARCH|TARGETPLATFORM|TARGETVARIANT)\b|\bxx-info\b|" + _READS_OWN_ARCH)


def _emulator_file(value: str, at: int) -> bool:
    """Whether the token at ``at`` names the CPU a QEMU emulator emulates: it follows ``qemu-``
    (``qemu-aarch64-static``, ``qemu-system-x86_64``), or a ``-`` in a file name that starts with
    ``qemu`` (balena's ``qemu-6.0.0.balena1-aarch64.tar.gz``): a program for the
    build machine that runs code for that CPU; not a package for the host,
    ``qemu-user-static_7.2_amd64.deb``.  Looks back 64 characters at most: linear in the value."""
    seg = value[max(0, at - 64):at].lower()
    return seg.endswith(("qemu-", "qemu-system-")) or seg.endswith("-") and seg[seg.rfind("/") + 1:].startswith("qemu")


#: after an architecture token, the rest of a cross toolchain's name: the CPU it compiles for
#: (``aarch64-linux-musl-cross.tgz`` in musl.cc's ``x86_64-linux-musl/`` folder of host builds)
#: ("cross" ends the name: loongson's x86_64-cross-tools-loongarch64-... is a host build)
_CROSS_TARGET = re.compile(r"[-_](?:[a-z0-9]+[-_]){0,3}cross(?:\.[a-z0-9]+){0,3}(?![\w.-])", re.I)


def _qualified_linux64(value: str, m, token_re) -> bool:
    """``linux64`` followed by another architecture (Mozilla's ``os=linux64-aarch64``): a
    64-bit Linux build for that CPU, not the x86_64 one ``linux64`` alone names."""
    end = m.end(1)
    return m.group(1).lower() == "linux64" and value[end:end + 1] in ("-", "_") and token_re.match(value, end + 1) is not None


def arch_tokens(value: str):
    """(token, canonical arch, start, end) of each architecture token in ``value``, but the one
    naming the CPU a QEMU emulator emulates (``/usr/bin/qemu-aarch64-static``, a release of
    one: ``qemu-3.0.0+resin-aarch64.tar.gz``), not its own, and the target of a cross
    toolchain whose host the value names too (``x86_64-linux-musl/aarch64-linux-musl-cross.tgz``)."""
    token_re = plat.arch_token_re()
    found = [(m, _CROSS_TARGET.match(value, m.end(1)) is not None) for m in token_re.finditer(value)
             if not _emulator_file(value, m.start(1)) and not _qualified_linux64(value, m, token_re)]
    # a cross toolchain's target is left out where the value names the CPU it runs on too
    # (musl.cc's x86_64-linux-musl/aarch64-linux-musl-cross.tgz); a top-level
    # aarch64-linux-musl-cross.tgz names no host, and it is still a build for one CPU
    hosted = any(not cross for _m, cross in found)
    for m, cross in found:
        if cross and hosted:
            continue
        token = m.group(1)
        yield token, plat.TOKEN_ARCH[token.lower()], m.start(1), m.end(1)


def around_arch_tokens(value: str) -> list[str]:
    """The pieces of ``value`` between its architecture tokens (``arch_tokens``): the same name
    for every CPU (``tool-linux-`` and ``.tar.gz`` of ``tool-linux-amd64.tar.gz``)."""
    pieces, last = [], 0
    for _t, _a, start, end in arch_tokens(value):
        pieces.append(value[last:start])
        last = end
    return pieces + [value[last:]]


def windows_dockerfile_name(path: str) -> bool:
    """A Dockerfile named for Windows (``Dockerfile.windows``, ``windows.Dockerfile``): Windows
    images are built natively on a Windows host, for it (amd64 in practice)."""
    return "windows" in path.replace("\\", "/").rsplit("/", 1)[-1].lower()


def bundle_dockerfile_name(path: str) -> bool:
    """``bundle.Dockerfile``: the name operator-sdk gives the Dockerfile of an OLM bundle image
    (``FROM scratch``, the operator's manifests and metadata as files, labelled
    ``operators.operatorframework.io.bundle.mediatype.v1``).  OLM unpacks such an image and
    never runs it: it holds no program, so no CPU."""
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower() == "bundle.dockerfile"


def has_arch_token(text: str) -> bool:
    """Cheap pre-filter: does ``text`` name an architecture anywhere?"""
    return plat.arch_token_re().search(text) is not None


#: a variable that holds an architecture (``$ARCH``, ``${GO_ARCH}``, ``$(OS_ARCH)``): a script that
#: keeps one picks per machine somewhere
ARCH_VARIABLE = re.compile(r"\$[({]?[A-Za-z_]*(?:ARCH|arch)\b")


def derives_arch(text: str) -> bool:
    return DERIVES_ARCH.search(text) is not None


def reads_own_arch(text: str) -> bool:
    return READS_OWN_ARCH.search(text) is not None


#: ends of a downloaded file's name that hold the same bytes for every CPU whatever folder of
#: its URL names one: a signing key (AlmaLinux's ``.../8/BaseOS/x86_64/os/RPM-GPG-KEY-AlmaLinux``),
#: a signature, a checksum or a list of them
_ARCH_FREE_ENDS = (".gpg", ".asc", ".sig", ".pub", ".key", ".sha1", ".sha256", ".sha512", ".md5", ".sha256sum",
                   ".sha512sum", "sha256sums", "sha512sums", "sha1sums", "md5sums", "sha256sums.txt",
                   "sha512sums.txt", "checksums.txt",
                   # a package for every CPU, in a CPU's folder of its mirror (percona's
                   # ``.../AppStream/x86_64/os/Packages/perl-JSON-2.97.001-2.el8.noarch.rpm``)
                   ".noarch.rpm", "_all.deb")


#: a package repository's index for one CPU (Alpine's ``APKINDEX.tar.gz``, Debian's ``Packages``,
#: RPM's ``repomd.xml``): read for the versions it lists (LinuxServer's Dockerfiles read
#: ``.../main/x86_64/APKINDEX.tar.gz`` for the nginx release to pin, in every CPU's file), it
#: installs nothing
_PACKAGE_INDEXES = frozenset(("apkindex.tar.gz", "packages", "packages.gz", "packages.xz", "repomd.xml"))


def arch_free_file(value: str) -> bool:
    """Whether a URL or path names a file that installs nothing for a CPU, whatever architecture
    its folders name: a signing key (``RPM-GPG-KEY-*``), a signature, a checksum, a package built
    for every CPU (``.noarch.rpm``, ``_all.deb``: ``_ARCH_FREE_ENDS``), a package index
    (``_PACKAGE_INDEXES``), a browser extension from Chrome's update service
    (``https://clients2.google.com/service/update2/crx?...&nacl_arch=x86-64``: JavaScript for every
    CPU, the parameter naming the browser's Native Client architecture; m1k1o/neko's
    ungoogled-chromium image fetches uBlock Origin so)."""
    path = value.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    name = path.rsplit("/", 1)[-1].lower()
    return name.startswith("rpm-gpg-key") or name.endswith(_ARCH_FREE_ENDS) or name in _PACKAGE_INDEXES \
        or path.endswith("/service/update2/crx")


#: a word naming another operating system than Linux, in a file name (Netty's ``-osx-x86_64.jar``,
#: Node's ``-win-x64.zip``, a ``darwin-arm64`` release) or a target triple (``x86_64-pc-windows-gnu``,
#: ``aarch64-apple-ios``, ``wasm32-wasip1``, ``x86_64-w64-mingw32``): a program the image does not run
OTHER_OS = re.compile(r"(?<![a-z0-9])(?:windows|win|win32|win64|darwin|apple|osx|macos|macosx|ios|freebsd|netbsd|"
                      r"openbsd|wasi(?:p\d)?|emscripten|mingw(?:32|64)?)(?![a-z0-9])", re.IGNORECASE)
_LINUX = re.compile(r"(?<![a-z0-9])linux(?![a-z])", re.IGNORECASE)


def for_another_os(value: str) -> bool:
    """Whether a URL or path names a build for another operating system than Linux (``OTHER_OS``;
    one naming Linux too is a Linux host's: a cross toolchain for macOS,
    ``x86_64-apple-darwin-...-linux-x86_64``), in its last three parts (the file and the folders naming its build: kubectl's
    ``bin/darwin/amd64/kubectl``; not a release's owner or repository, ``github.com/darwin-tools/x``)."""
    tail = "/".join(value.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 3)[1:] or [value])
    return OTHER_OS.search(tail) is not None and _LINUX.search(tail) is None


def download_words(snippet):
    """(word, value) of each URL/path argument of a download command in a shell snippet, but
    those naming a file that is the same for every CPU (``arch_free_file``), a local path, the local file or
    folder an option names (``curl -o``, ``wget -O``: where it is saved, not what) or what the
    request sends (``-H "User-Agent: ... x86_64"``), and those of
    a download piped to a text tool (``| grep``, ``| jq``: read for a version, not installed)."""
    from .parsers.shell import simple_commands

    for cmd in simple_commands(snippet):
        words = cmd.words
        if not words:
            continue
        name = words[0].value.rsplit("/", 1)[-1]
        if name not in DOWNLOADERS:
            continue
        if _read_as_text(snippet.text, cmd.end):
            continue  # (its output piped to a text tool: an index read for a version, not a build)
        local = _LOCAL_FILE_OPTIONS.get(name, ())
        for prev, w in zip(words, words[1:]):
            v = w.value
            if v.startswith(("-", "/", "./", "../", "~/")) or not _URL_OR_PATH.search(v) or arch_free_file(v) \
                    or prev.value in local:
                continue  # (the local file an option names: ``-o /tmp/s6-overlay-amd64.tar.gz``, or a
                # local path where a URL goes, never fetched: cypress' ``wget /usr/src/x_amd64.deb "http://.../x_amd64.deb"``)
            yield w, v


#: a pipeline stage that is a text tool (a continued line goes on): a download whose output
#: only such stages read (jellyfin's ``curl -sX GET .../binary-amd64/Packages | grep -A 7 ... |
#: awk ...``) reads the version a package index names, the same for every CPU
_TEXT_STAGE = re.compile(r"[ \t]*(?:\\\n[ \t]*)?\|[ \t]*(?:\\\n[ \t]*)?"
                         r"(?:grep|egrep|fgrep|awk|gawk|sed|jq|yq|cut|head|tail|sort|tr|xmllint)\b")
_STAGE_END = frozenset("|;&)\n<>`")
_COMMAND_END = re.compile(r"[ \t]*(?:\)|;|&&|\|\||\n|$)")


def _read_as_text(text: str, at: int) -> bool:
    """Whether the output of the command ending at ``at`` goes only through text tools to the end
    of its command (``$(curl ... | grep ... | awk ...)``): not when a later stage runs or unpacks
    it (``| sed 's/sudo //' | sh``, ``| tail -n +42 | tar -xz``) or a stage writes a file
    (``> v``).  Each character looked at once."""
    i, saw, n = at, False, len(text)
    while True:
        m = _TEXT_STAGE.match(text, i)
        if m is None:
            break
        saw, i = True, m.end()
        while i < n and text[i] not in _STAGE_END:
            i += 2 if text[i] == "\\" else 1
    return saw and _COMMAND_END.match(text, min(i, n)) is not None


#: options whose value is not what is fetched: a local file or folder (curl's ``-o``, wget's
#: ``-O``: nginx-proxy-manager's dev Dockerfile names its download's arch in both), or what the
#: request sends (a header, the user agent: tensorflow/serving's ``curl -H "User-Agent: Mozilla/5.0
#: (X11; Linux x86_64) ..."``, a referer, form data)
_LOCAL_FILE_OPTIONS = {
    "curl": frozenset(("-o", "--output", "--output-dir", "-D", "--dump-header", "-c", "--cookie-jar", "-K",
                       "--config", "--cacert", "--cert", "--key", "-H", "--header", "-A", "--user-agent", "-e",
                       "--referer", "-d", "--data", "--data-raw", "-F", "--form", "-u", "--user", "-b", "--cookie")),
    "wget": frozenset(("-O", "--output-document", "-P", "--directory-prefix", "-o", "--output-file", "-a",
                       "--append-output", "--ca-certificate", "--header", "-U", "--user-agent", "--referer",
                       "--post-data")),
}


def image_arch_token(ref: str):
    """(token, canonical arch) if an image reference names one architecture in its repository
    path or tag (``registry.k8s.io/debian-base-amd64:0.3``, ``amd64/ubuntu:24.04``,
    ``arm64v8/alpine``, ``grafana/logcli:3.7.3-amd64``), else None.  The registry host and a
    digest are not read."""
    ref = without_registry(ref.split("@", 1)[0])  # (a registry host's name says nothing of the image's CPU)
    for token, arch, _, _ in arch_tokens(ref):
        return token, arch
    return None


#: a cross toolchain's image names the CPU it builds for, not its own (dockcross' linux-arm64,
#: rust-cross' manylinux2014-cross:aarch64, an ``aarch64-linux-gnu`` sysroot), and an emulator's
#: the CPUs it emulates (``multiarch/qemu-user-static:x86_64-aarch64``)
_CROSS_IMAGE = re.compile(r"cross|toolchain|-linux-(?:gnu|musl)|unknown-linux|sysroot|qemu", re.I)


def one_arch_image(ref: str) -> str | None:
    """The architecture of an image that is one architecture's by its name: its repository path
    or tag names exactly one (``registry.k8s.io/debian-base-amd64:0.3``, ``arm64v8/alpine``,
    ``gcr.io/distroless/static:nonroot-amd64``: one platform's image, which a builder takes
    whatever machine it runs on, as DF014 reads it), and it is no cross toolchain's (named for
    the CPU it builds for).  None otherwise, and for a reference with a variable in its
    repository path; one only in its tag leaves the path's word (zeroprg's
    ``arm32v7/python:${PYTHON_VERSION_SHORT}-buster``: arm's whatever the version)."""
    if not ref:
        return None
    path = without_registry(ref.split("@", 1)[0])
    repo, colon, tag = path.rpartition(":") if ":" in path.rsplit("/", 1)[-1] else (path, "", "")
    if "$" in repo:
        return None
    if "$" in tag:
        path = repo
    archs = {arch for _t, arch, _s, _e in arch_tokens(path)}
    return archs.pop() if len(archs) == 1 and not _CROSS_IMAGE.search(path) else None


def without_arch(ref: str, token: str) -> str:
    """The reference with its architecture token and one joining ``-``/``_``/``/`` removed: the
    name its multi-architecture image usually has (``debian-base-amd64:0.3`` ->
    ``debian-base:0.3``, ``amd64/ubuntu`` -> ``ubuntu``)."""
    i = ref.find(token)
    if i < 0:
        return ref
    j = i + len(token)
    if j < len(ref) and ref[j] == "/" and (i == 0 or ref[i - 1] == "/"):
        return ref[:i] + ref[j + 1:]
    if i > 0 and ref[i - 1] in "-_.":
        return ref[:i - 1] + ref[j:]
    if j < len(ref) and ref[j] in "-_":
        return ref[:i] + ref[j + 1:]
    return ref[:i] + ref[j:]


#: the label of a ``case`` arm (``amd64)``, ``x86_64|amd64)``, ``"arm64")``, ``(aarch64*)``): its
#: patterns (17 at most: each start reads a bounded stretch), at the start of a word, then ``)``;
#: an arm ends at ``;;``, ``;&`` or ``esac``
_ARM_LABEL = re.compile(r"(?:^|(?<=[\s;(]))\(?((?:[\"']?[\w*.?-]+(?:/[\w*.?-]+)?[\"']?[ \t]*\|[ \t]*){0,16}"
                        r"[\"']?[\w*.?-]+(?:/[\w*.?-]+)?[\"']?)\)")
_ARM_END = re.compile(r";;|;&|\besac\b")
#: ``case WORD in``: the word an arm's label is matched against
_CASE = re.compile(r"\bcase[ \t]+(\S{1,200})[ \t]+in\b")
#: a case on the build machine's CPU (BuildKit's ``BUILDARCH``...): an arm may pick the other
#: CPU's cross compiler on purpose (beyla's ``amd64) CC=aarch64-linux-gnu-gcc``)
_BUILD_SUBJECT = re.compile(r"\bBUILD(?:ARCH|PLATFORM|OS)\b")


#: ``if``/``elif`` whose test compares a value with an architecture
#: (``if [ "${ARCH}" = "amd64" ]; then``, ``elif [[ $(uname -m) == aarch64 ]]; then``): its
#: condition (300 characters at most), then ``then``; the branch ends at the next ``elif``,
#: ``else`` or ``fi``
#: (``then`` on the next line of a continued one, ``; \`` then ``then``: a Dockerfile RUN's, deconz')
_IF_HEAD = re.compile(r"\b(?:el)?if[ \t]+([^;\n]{1,300}?)[ \t]*(?:;|\n)(?:[ \t\n]|\\\n)*then\b")
_IF_END = re.compile(r"\b(?:elif|else|fi)\b")
_BARE_ARM = re.compile(r"(?<![\w$/.-])arm(?![\w/.-])")
_EQUALS = re.compile(r"(?<![!<>=])==?(?!=)|\s-eq\s")


def arch_case_arms(text: str) -> list:
    """(start, end, CPUs, on the build machine's) of each arm of a ``case`` statement of ``text``
    whose label names an architecture (``case "$ARCH" in arm64) curl ...tool-linux-arm64.tgz``),
    and of each ``if``/``elif`` branch whose test is an equality with one (``if [ "$ARCH" =
    "arm64" ]; then curl ...``): one arm per CPU, what it writes for its own chosen for it; with
    a case on ``$BUILDARCH``, any CPU (the cross compiler for the other).  In order of start.
    Linear: labels are read from the first ``case`` on, each to its arm's end, and each arm's
    case found by a moving index; each branch head is read once, its end found among the
    ``elif``/``else``/``fi`` found once."""
    import bisect

    out = _case_arms(text) if "case" in text else []
    if "then" in text:
        for start, end, cond, arches in _equality_branches(text):
            out.append((start, end, arches, bool(_BUILD_SUBJECT.search(cond))))
        out.sort(key=lambda arm: arm[0])
    return out


def _equality_branches(text: str):
    """(start, end, test, CPUs) of each ``if``/``elif`` branch of ``text`` whose test is an
    equality with an architecture (``if [ "$ARCH" = "arm64" ]; then``), not a negated one (``!=``,
    ``! [ ... ]``) nor one with another way in (``|| true``, ``-o``).  Each branch head read once,
    its end found among the ``elif``/``else``/``fi`` found once."""
    import bisect

    ends = None  # where each elif, else, fi starts: found once, for every branch
    for m in _IF_HEAD.finditer(text):
        cond = m.group(1)
        if "!" in cond or "||" in cond or " -o " in cond or not _EQUALS.search(cond):
            continue
        arches = frozenset(a for _t, a, _s, _e in arch_tokens(cond)) | (
            {"arm"} if _BARE_ARM.search(cond) else frozenset())  # ``= "arm"``: a word alone
        if arches:
            if ends is None:
                ends = [e.start() for e in _IF_END.finditer(text)]
            k = bisect.bisect_left(ends, m.end())
            yield m.end(), ends[k] if k < len(ends) else len(text), cond, arches


def _case_arms(text: str) -> list:
    cases = [(m.start(), bool(_BUILD_SUBJECT.search(m.group(1)))) for m in _CASE.finditer(text)]
    if not cases:
        return []
    out = []
    pos, k = cases[0][0], 0
    while True:
        m = _ARM_LABEL.search(text, pos)
        if m is None:
            return out
        end = _ARM_END.search(text, m.end())
        stop = end.start() if end is not None else len(text)
        arches = frozenset(a for _t, a, _s, _e in arch_tokens(m.group(1)))
        while k + 1 < len(cases) and cases[k + 1][0] < m.start():
            k += 1
        if arches:
            out.append((m.end(), stop, arches, cases[k][1]))
        pos = max(m.end(), stop)


#: a variable set to the machine's own architecture (``platform="$(uname -m)"``)
_OWN_ARCH_VAR = re.compile(r"(?<![\w$])([A-Za-z_]\w{0,60})=[\"']?(?:\$\(|`)[ \t]*(?:uname[ \t]+-[a-z]*m|arch|dpkg[ \t]+"
                           r"--print-architecture)[ \t]*(?:\)|`)")


_VAR_USE = re.compile(r"\$\{?([A-Za-z_]\w{0,60})")
#: an assignment to a variable (``ARCH=$1``, ``local ARCH=...``)
_ASSIGNMENT = re.compile(r"(?<![\w$.-])([A-Za-z_]\w{0,60})=")


def machine_arch_at(text: str, offset: int) -> str | None:
    """The architecture of the machine that runs the command at ``offset``, where it sits in an
    ``if``/``elif`` branch whose test compares the machine's own (``$(uname -m)``, ``$(arch)``, or
    a variable set from one: ``platform="$(uname -m)"``) with one architecture (zeroprg's build
    scripts: ``if [ "$(uname -m)" = "x86_64" ]; then docker build ...``); None elsewhere."""
    import bisect

    branches = _machine_arch_branches(text)
    k = bisect.bisect_right(branches, offset, key=lambda b: b[0]) - 1
    return branches[k][2] if k >= 0 and offset < branches[k][1] else None


@functools.lru_cache(maxsize=8)
def _machine_arch_branches(text: str) -> list:
    """(start, end, architecture) of each branch ``machine_arch_at`` knows, in order: an equality
    branch (``_equality_branches``) on one architecture whose test reads the machine's own, or a
    variable the text sets from it and nothing else."""
    if "then" not in text or not READS_OWN_ARCH.search(text):
        return []
    own = {m.group(1) for m in _OWN_ARCH_VAR.finditer(text)}
    if own:  # (set from uname -m and then from $1 too: the caller's value)
        sets: dict = {}
        for m in _ASSIGNMENT.finditer(text):
            sets[m.group(1)] = sets.get(m.group(1), 0) + 1
        own = {v for v in own if sets.get(v, 0) == 1}
    return [(start, end, next(iter(arches))) for start, end, cond, arches in _equality_branches(text)
            if len(arches) == 1 and (READS_OWN_ARCH.search(cond) or any(v.group(1) in own
                                                                        for v in _VAR_USE.finditer(cond)))]


def in_arms(arms: list, offset: int, arch: str) -> bool:
    """Whether a literal for ``arch`` at ``offset`` lies inside one of ``arms``
    (``arch_case_arms``, in order) that chooses it: an arm for that CPU, or any arm of a case on
    the build machine's (a copy-paste slip, ``arm64) curl ...-amd64.tgz``, is still reported)."""
    import bisect

    k = bisect.bisect_right(arms, offset, key=lambda arm: arm[0]) - 1
    return k >= 0 and offset < arms[k][1] and (arch in arms[k][2] or arms[k][3])
