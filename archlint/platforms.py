"""Platform strings (``os/arch[/variant]``): parse, validate, suggest, and recognise the many
spellings of an architecture.  The one module every file kind uses for platforms.

Valid values follow the OCI image-index platform table and containerd's normalisation: OS and
architecture are Go's ``GOOS``/``GOARCH`` names; variants are ``v5``-``v8`` for ``arm``, ``v8`` for
``arm64`` (the same as no variant), ``v1``-``v4`` for ``amd64``.  Docker's WebAssembly workloads
add ``wasi/wasm`` (and the older ``wasi/wasm32``), which its runtimes accept.
"""
from __future__ import annotations

import re

#: the build arguments BuildKit (and podman, buildah) set for every build, usable in FROM
#: without a declaration
PLATFORM_ARGS = (
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
)
#: those of the target platform (the others say where a stage runs)
TARGET_ARGS = frozenset(PLATFORM_ARGS[:4])
OSES = (
    "linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "dragonfly", "solaris",
    "illumos", "aix", "android", "ios", "plan9", "js", "wasip1", "wasi", "zos",
)
ARCHES = (
    "amd64", "arm64", "arm", "386", "ppc64le", "ppc64", "s390x", "riscv64", "mips64le",
    "mips64", "mipsle", "mips", "loong64", "wasm", "wasm32",
)
VARIANTS = {
    "arm": ("v5", "v6", "v7", "v8"),
    "arm64": ("v8",),
    "amd64": ("v1", "v2", "v3", "v4"),
}

#: other spellings of an architecture -> (arch, variant)
ARCH_ALIASES: dict[str, tuple[str, str]] = {
    "x86_64": ("amd64", ""),
    "x86-64": ("amd64", ""),
    "x64": ("amd64", ""),
    "amd": ("amd64", ""),
    "intel": ("amd64", ""),
    "aarch64": ("arm64", ""),
    "arm64v8": ("arm64", ""),
    "armv8": ("arm64", ""),
    "armv8l": ("arm", "v8"),
    "armv7": ("arm", "v7"),
    "armv7l": ("arm", "v7"),
    "armhf": ("arm", "v7"),
    "arm32v7": ("arm", "v7"),
    "armv6": ("arm", "v6"),
    "armv6l": ("arm", "v6"),
    "armel": ("arm", "v6"),
    "arm32v6": ("arm", "v6"),
    "armv5": ("arm", "v5"),
    "i386": ("386", ""),
    "i686": ("386", ""),
    "x86": ("386", ""),
    "ppc64el": ("ppc64le", ""),
    "powerpc64le": ("ppc64le", ""),
    "riscv": ("riscv64", ""),
}

#: literal tokens that name a CPU architecture inside URLs/paths, by canonical arch.  Go-style
#: names (what TARGETARCH expands to) first, then the uname/Debian spellings.
ARCH_TOKENS: dict[str, tuple[str, ...]] = {
    # (``aarch_64``, ``x86_32``, ``ppcle_64``, ``s390_64``: os-maven-plugin's classifiers, Netty's
    # and protoc's ``-linux-aarch_64.jar``)
    "amd64": ("amd64", "x86_64", "x86-64", "x64", "linux64"),
    "arm64": ("arm64", "aarch64", "arm64v8", "aarch_64"),
    "arm": ("armv7", "armv7l", "armhf", "armv6", "armv6l", "armel", "arm32v7", "arm32v6"),
    "386": ("i386", "i686", "386", "x86_32"),
    "ppc64le": ("ppc64le", "ppc64el", "ppcle_64"),
    "s390x": ("s390x", "s390_64"),
    "riscv64": ("riscv64",),
}
TOKEN_ARCH = {tok: arch for arch, toks in ARCH_TOKENS.items() for tok in toks}

_TOKEN_RE: re.Pattern | None = None


def arch_token_re() -> re.Pattern:
    """Matches an architecture token delimited by non-alphanumerics (``-linux-arm64.tar.gz``)."""
    global _TOKEN_RE
    if _TOKEN_RE is None:
        alts = sorted((t for t in TOKEN_ARCH if t != "386"), key=len, reverse=True)
        # a bare 386 only after - _ or / (linux-386.tar.gz), never in a version number (1.386)
        _TOKEN_RE = re.compile(
            r"(?<![A-Za-z0-9])(" + "|".join(re.escape(a) for a in alts) + r"|(?<=[-_/])386)"
            r"(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
    return _TOKEN_RE


class Platform(tuple):
    """``os/arch[/variant]``; a tuple, so platforms are immutable, hashable and comparable."""

    __slots__ = ()

    def __new__(cls, os: str, arch: str, variant: str = ""):
        return tuple.__new__(cls, (os, arch, variant))

    def __getnewargs__(self):
        return tuple(self)

    @property
    def os(self) -> str:
        return self[0]

    @property
    def arch(self) -> str:
        return self[1]

    @property
    def variant(self) -> str:
        return self[2]

    def __repr__(self):
        return f"Platform({str(self)!r})"

    def __str__(self) -> str:
        return f"{self.os}/{self.arch}/{self.variant}" if self.variant else f"{self.os}/{self.arch}"

    def matches(self, other: "Platform") -> bool:
        """Same OS and architecture; a missing variant matches any variant."""
        return (
            self.os == other.os
            and self.arch == other.arch
            and (not self.variant or not other.variant or self.variant == other.variant)
        )

    @property
    def tokens(self) -> tuple[str, ...]:
        """The spellings of this platform's architecture that may appear in a download URL."""
        if self.arch == "arm" and self.variant:
            v = self.variant[1:]
            return tuple(t for t in ARCH_TOKENS["arm"] if v in t) or ARCH_TOKENS["arm"]
        return ARCH_TOKENS.get(self.arch, (self.arch,))


class PlatformError(ValueError):
    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


def _normalize_variant(arch: str, variant: str) -> str:
    if variant and not variant.startswith("v") and variant.isdigit():
        variant = "v" + variant
    if arch == "arm64" and variant == "v8":
        return ""
    return variant


def _closest(word: str, options) -> str | None:
    import difflib

    m = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return m[0] if m else None


def _arch_guess(arch: str) -> tuple[str, str] | None:
    a = arch.lower()
    if a in ARCHES:
        return a, ""
    if a in ARCH_ALIASES:
        return ARCH_ALIASES[a]
    c = _closest(a, ARCHES) or _closest(a, ARCH_ALIASES)
    if c is None:
        # a transposition such as amd46: same letters as a known arch
        for cand in ARCHES:
            if sorted(cand) == sorted(a):
                c = cand
                break
    if c is None:
        return None
    return ARCH_ALIASES.get(c, (c, ""))


#: what the build itself normalises (containerd's ``normalizeArch``): spelling -> (arch, variant)
BUILD_ALIASES: dict[str, tuple[str, str]] = {
    "i386": ("386", ""),
    "x86_64": ("amd64", ""),
    "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""),
    "armhf": ("arm", "v7"),
    "armel": ("arm", "v6"),
}
_COMPONENT = re.compile(r"[A-Za-z0-9_-]+")
_OS_COMPONENT = re.compile(r"([A-Za-z0-9_-]+)(\([^()/]*\))?")


class Spelling:
    """How the build reads a platform string (``read``):

    - ``canonical``: already the normal form (``linux/amd64``, ``linux/arm/v7``);
    - ``alias``: another spelling of one platform, the same on every build machine
      (``linux/x86_64``, ``Linux/AMD64``, ``linux/armhf``, ``macos/arm64``);
    - ``bare-arch``: an architecture alone; the build adds its own OS (``linux`` on Linux
      builders: ``canonical`` is that reading);
    - ``bare-os``: an OS alone; the build adds the build machine's architecture, so the result
      depends on where it runs (``platform`` is None).
    """

    __slots__ = ("kind", "platform", "canonical")

    def __init__(self, kind: str, platform: "Platform | None", canonical: str):
        self.kind, self.platform, self.canonical = kind, platform, canonical


def _build_arch(arch: str, variant: str) -> tuple[str, str]:
    """containerd's normalisation of an architecture and variant (lower case, aliases, arm's
    numeric variants, arm64's v8 and amd64's v1 being the default)."""
    arch, variant = arch.lower(), variant.lower()
    if arch in BUILD_ALIASES:
        arch, default = BUILD_ALIASES[arch]
        variant = variant or default
    if arch == "arm" and variant in ("", "7", "v7"):
        variant = "v7"
    elif arch == "arm" and variant in ("5", "6", "8"):
        variant = "v" + variant
    return arch, _normalize_variant(arch, variant)


def read(value: str) -> Spelling:
    """Read a platform string as ``docker build --platform`` / BuildKit / containerd do, or raise
    PlatformError (with a suggestion) for one the build rejects or that names no known OS or
    architecture.  The grammar (containerd's ``platforms.Parse`` and ``Normalize``):

    - no ``*``; one to three ``/``-separated components of ``[A-Za-z0-9_-]``; the OS component
      may carry options in parentheses (``windows(10.0.17763)``), which archlint ignores;
    - the OS is lower-cased, ``macos`` is ``darwin``;
    - the architecture is lower-cased; ``i386`` is ``386``, ``x86_64``/``x86-64`` are ``amd64``,
      ``aarch64`` is ``arm64``, ``armhf`` is ``arm/v7``, ``armel`` is ``arm/v6``; ``arm``'s
      variant ``7`` (or none) is ``v7``, ``5``/``6``/``8`` gain a ``v``;
    - one component: a known OS (the build machine's architecture is added), else a known
      architecture after normalisation (the build machine's OS is added), else rejected.

    Beyond the build's own parser, archlint requires a known OS and architecture (an image or
    emulator for ``linux/amd46`` does not exist: the build fails when it resolves it) and a
    variant the architecture has (``VARIANTS``).  ``x64``, ``armv7l`` and the like, which the
    build does not normalise, stay unknown, with the canonical spelling as the suggestion.
    """
    raw = value.strip()
    if not raw:
        raise PlatformError("empty platform")
    parts = raw.split("/")
    if "*" in raw or len(parts) > 3 or not _OS_COMPONENT.fullmatch(parts[0]) or not all(
            _COMPONENT.fullmatch(x) for x in parts[1:]):
        raise PlatformError(f"malformed platform {raw!r} (expected os/arch[/variant])", None)
    os_ = _OS_COMPONENT.fullmatch(parts[0]).group(1).lower()
    os_ = "darwin" if os_ == "macos" else os_
    if len(parts) == 1:
        if os_ in OSES:
            return Spelling("bare-os", None, os_)
        arch, variant = _build_arch(parts[0], "")
        if arch in ARCHES:
            p = Platform("linux", arch, "" if (arch, variant) == ("arm", "v7") else variant)
            return Spelling("bare-arch", p, str(p))
        guess = _arch_guess(parts[0])
        sugg = str(Platform("linux", guess[0], guess[1])) if guess else None
        raise PlatformError(f"platform {raw!r} names no known OS or architecture (expected os/arch, e.g. linux/amd64)", sugg)
    arch, variant = _build_arch(parts[1], parts[2] if len(parts) == 3 else "")
    if os_ not in OSES:
        guess = _arch_guess(parts[1])
        suggestion_os = _closest(os_, OSES) or "linux"
        raise PlatformError(f"unknown OS {parts[0]!r} in platform {raw!r}",
                            _join(suggestion_os, *(guess or (arch, variant))))
    if arch not in ARCHES:
        guess = _arch_guess(parts[1])
        if guess and len(parts) == 2:
            sugg = _join(os_, *guess)
        elif guess:
            sugg = _join(os_, guess[0], _valid_variant(guess[0], variant))
        else:
            sugg = None
        raise PlatformError(f"unknown architecture {parts[1]!r} in platform {raw!r}", sugg)
    if variant and variant not in VARIANTS.get(arch, ()) and not (arch == "arm64" and variant == "v8"):
        allowed = VARIANTS.get(arch, ())
        what = f"allowed: {', '.join(allowed)}" if allowed else f"{arch} has no variants"
        raise PlatformError(
            f"unknown variant {parts[2]!r} for {arch} in platform {raw!r} ({what})",
            _join(os_, arch, _valid_variant(arch, variant)),
        )
    if arch == "arm" and variant == "v7" and len(parts) == 2 and parts[1].lower() == "arm":
        variant = ""  # linux/arm means v7 (armhf is written out: linux/arm/v7)
    p = Platform(os_, arch, variant)
    if "(" in parts[0]:  # windows(10.0.17763)/amd64: the OS version is part of what it says
        return Spelling("canonical", p, raw)
    return Spelling("canonical" if _canonical(raw, p) else "alias", p, str(p))


def _canonical(raw: str, p: "Platform") -> bool:
    """Whether ``raw`` is already the normal spelling of ``p`` (``linux/arm64/v8``, ``linux/arm/v7``
    and ``linux/amd64/v1`` included: they say the default variant aloud)."""
    if raw == str(p):
        return True
    parts = raw.split("/")
    return (len(parts) == 3 and parts[0] == p.os and parts[1] == p.arch
            and ((p.arch, parts[2]) in (("arm64", "v8"), ("amd64", "v1")) or (p.arch == "arm" and parts[2] == "v7")))


def meaning(value: str, bare_arch: bool = False) -> Platform | None:
    """The platform ``value`` means on every build machine (a canonical spelling or another
    spelling of one, as the build normalises it), else None (invalid, or builder-dependent).
    What rules compare with the configured platforms.  With ``bare_arch``, a CPU alone
    (``x86_64``) is that CPU's Linux platform: what a builder of Linux images makes of it."""
    try:
        sp = read(value)
    except PlatformError:
        return None
    return sp.platform if sp.kind in ("canonical", "alias") or bare_arch and sp.kind == "bare-arch" else None


def parse(value: str) -> Platform:
    """A canonical platform spelling (what the configuration's ``platforms`` takes), or
    PlatformError saying why not, with the canonical spelling as the suggestion where there is
    one."""
    sp = read(value)
    if sp.kind == "canonical":
        return sp.platform
    if sp.kind == "alias":
        raise PlatformError(f"platform {value.strip()!r} is spelled {sp.canonical}", sp.canonical)
    if sp.kind == "bare-os":
        raise PlatformError(f"platform {value.strip()!r} names no architecture: the build machine's is used",
                            None)
    raise PlatformError(f"platform {value.strip()!r} names no OS: the build machine's is used", sp.canonical)


def _valid_variant(arch: str, variant: str) -> str:
    allowed = VARIANTS.get(arch, ())
    if variant in allowed:
        return _normalize_variant(arch, variant)
    return ""


def _join(os_: str, arch: str, variant: str = "") -> str:
    return str(Platform(os_, arch, _normalize_variant(arch, variant)))


def split_list(value: str) -> list[tuple[str, int]]:
    """Split a comma-separated list into (item, offset of item in value), skipping empty items;
    whitespace around items is trimmed (offsets point at the item itself).  The one comma
    splitter: platform lists in files and configuration, and the command line's lists."""
    from .parsers.make_syntax import split_args  # (commas outside brackets: ``${{ join(m.p, ',') }}`` is one item)

    out = []
    pos = 0
    for part in split_args(value):
        stripped = part.strip()
        if stripped:
            out.append((stripped, pos + (len(part) - len(part.lstrip()))))
        pos += len(part) + 1
    return out


def is_dynamic(value: str) -> bool:
    """A value that is expanded later (``$VAR``, ``${{ matrix.platform }}``, ``$(PLATFORM)``):
    trusted, never reported."""
    return "$" in value or "{{" in value or "%" in value


def same(a, b) -> bool:
    """Whether two lists of platform strings name the same platforms, as Docker normalises them:
    ``linux/arm`` is ``linux/arm/v7``, ``linux/arm64/v8`` is ``linux/arm64``; a value not read as a
    platform compares as written."""
    def norm(values) -> set:
        out = set()
        for v in values:
            p = meaning(v)
            if p is not None and p.arch == "arm" and not p.variant:
                p = Platform(p.os, "arm", "v7")
            out.add(str(p) if p is not None else v)
        return out

    return norm(a) == norm(b)


def covers(configured, platform: Platform) -> bool:
    return any(c.matches(platform) for c in configured)


def describe(platforms) -> str:
    return ", ".join(str(p) for p in platforms) if platforms else "(none configured)"


class Targets:
    """The configured target platforms and the policy that follows from how many there are.

    Every rule asks this object (``ctx.targets``) instead of deciding again:

    - ``none``: nothing configured.  Rules that compare against the targets stay silent; rules
      that remind say so once, and fixes cannot know what to insert.
    - ``single``: one platform (``linux/amd64``).  A literal pin to it is right, and inserting
      it is a *safe* fix: the result is the same on every build machine.
    - ``several``: a multi-platform build.  A literal pin serves only one of them; inserting the
      list is offered as an *unsafe* fix (the build then also needs QEMU or native builders).
    """

    __slots__ = ("platforms",)

    def __init__(self, platforms=()):
        self.platforms = tuple(platforms)

    def __bool__(self) -> bool:
        return bool(self.platforms)

    def __len__(self) -> int:
        return len(self.platforms)

    def __iter__(self):
        return iter(self.platforms)

    @property
    def none(self) -> bool:
        return not self.platforms

    @property
    def single(self) -> Platform | None:
        """The one configured platform, or None when there are none or several."""
        return self.platforms[0] if len(self.platforms) == 1 else None

    @property
    def several(self) -> bool:
        return len(self.platforms) > 1

    @property
    def arches(self) -> set:
        return {p.arch for p in self.platforms}

    @property
    def value(self) -> str:
        """The list as a ``--platform`` flag or a ``platforms:`` input takes it."""
        return ",".join(str(p) for p in self.platforms)

    def describe(self) -> str:
        return describe(self.platforms)

    def met_by(self, platform: str | None) -> bool:
        """Whether a build for ``platform`` alone, known before it runs (a CI runner's CPU:
        ubuntu-latest's linux/amd64), is left alone: nothing is configured, so nothing says
        another is wanted.  Configured targets are checked instead, one or several (the
        aks-app sample's build-push on ubuntu-latest for ``platforms = ["linux/amd64"]``: a
        runner change would change what ships).  Not known (None) meets nothing."""
        return platform is not None and self.none

    def covers(self, platform: Platform) -> bool:
        """Whether ``platform`` is one of the targets."""
        return covers(self.platforms, platform)

    def missing(self, built) -> list[Platform]:
        """The targets that none of the ``built`` platforms provides."""
        return [c for c in self.platforms if not any(c.matches(p) for p in built)]
