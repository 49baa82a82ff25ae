"""Builds whose missing ``--platform`` is no mistake, by what the build itself shows: one
architecture's part of an annotated manifest list, a Windows image, an OLM bundle image, the
native variant of a multi-platform build beside it.  BC001 asks these before reporting (local
builds are ``local.py``'s: they depend on the other commands of the group)."""
from __future__ import annotations

import re

from ... import platforms as plat
from ...archnames import bundle_dockerfile_name, has_arch_token, windows_dockerfile_name
from ...commands import commands_for, olm_bundles
from ...images import split_ref
from .local import normal_ref, runner_platform, text_at


def builds(ctx):
    """The build commands of the file in ``ctx`` (every BC rule's starting point)."""
    return [tc for tc in commands_for(ctx) if tc.action == "build"]


#: a build argument naming the architecture to build for (not TARGETARCH: BC004's)
_ARCH_ARG = re.compile(r"^(?:GO)?ARCH$|_ARCH$|^ARCH_", re.I)


def per_arch_part(tc, ctx) -> bool:
    """A build that passes the architecture it builds for as a build argument (``--build-arg
    ARCH=$(ARCH)``, or one whose value holds it: ``target=spo-$ARCH``: the Dockerfile
    cross-compiles and picks a base such as
    ``distroless/static:nonroot-${ARCH}``) in a file that assembles the per-architecture images
    with ``docker manifest annotate --arch``: cluster-api's and kube-state-metrics' way, which
    puts each image in the list under the architecture it holds; or with ``docker manifest
    create`` alone (Prometheus' ``Makefile.common``: ``FROM busybox-${OS}-${ARCH}`` and no
    ``--platform``, so BuildKit gives the image its base's platform, which the list reads).
    (Whether the file assembles a list is found once per file.)"""
    pairs = [f.value.split("=", 1) for f in tc.flags if f.name == "--build-arg" and f.value]
    # the architecture as the argument's name (ARCH=$(ARCH)) or in its value from an
    # architecture-named variable (security-profiles-operator's target=spo-$ARCH)
    if not any(_ARCH_ARG.search(p[0]) and p[0].upper() != "TARGETARCH"
               or len(p) == 2 and any(_ARCH_ARG.search(m.group(1) or m.group(2) or m.group(3) or "")
                                      for m in _VAR_REF.finditer(p[1])) for p in pairs):
        return _member_shaped(tc, ctx)
    return ctx.cached("commands.annotates_arch", lambda: any(
        c.action == "manifest-annotate" and c.has("--arch") or c.action == "manifest-create"
        for c in commands_for(ctx)))


#: a variable reference: ``${x}``, ``$(x)``, ``$x``, ``$2``
_VAR_REF = re.compile(r"\$(?:\{([^}$]*)\}|\(([^)$]*)\)|([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?]))")


def _lead(ref: str):
    """(repository as written, the tag's text before its first variable, that variable's name,
    the character after it) of a written reference whose tag holds a variable, else None."""
    repo, sep, tag = ref.rpartition(":")
    i = tag.find("$") if sep else -1
    m = _VAR_REF.match(tag, i) if i >= 0 else None
    if m is None:
        return None
    return repo, tag[:i], m.group(1) or m.group(2) or m.group(3), tag[m.end():m.end() + 1]


def _member_shaped(tc, ctx) -> bool:
    """Whether every tag of the build has the shape of a member of a manifest list the file
    creates whose tag starts its variable part with an architecture-named one (sonobuoy's
    ``docker manifest create $REGISTRY/$TARGET:$1 --amend $REGISTRY/$TARGET:$arch-$imgTag``
    beside ``docker build -t $REGISTRY/$TARGET:$2-$IMAGE_VERSION -f "$1"``, of a Dockerfile per
    architecture): one architecture's image of the list, whose platform the list reads from
    it.  Found once per file."""

    def members() -> set:
        out = set()
        for c in commands_for(ctx):
            for w in c.args[1:] if c.action == "manifest-create" else ():
                lead = _lead(w.value)
                if lead is not None and _ARCH_ARG.search(lead[2]):
                    out.add((lead[0], lead[1], lead[3]))
        return out

    shapes = ctx.cached("commands.member_shapes", members)
    leads = [_lead(im.value) for im in tc.images if im.role == "tag"]
    # the build's own variable there is a function's argument ($2) or named for the architecture:
    # not ``$VERSION-debug``, a flavour of the release
    return bool(shapes) and bool(leads) and all(
        x is not None and (x[0], x[1], x[3]) in shapes and (x[2].isdigit() or _ARCH_ARG.search(x[2])) for x in leads)


def windows_image(tc) -> bool:
    """A build of a Dockerfile named for Windows (``archnames.windows_dockerfile_name``), or whose
    every name is a Windows image's (dapr's ``$(DAPR_REGISTRY)/windows-base:$(WINDOWS_VERSION)``,
    of a Dockerfile chosen by a variable)."""
    f = tc.flag("-f", "--file")
    if f is not None and f.value is not None and windows_dockerfile_name(f.value):
        return True
    names = [(split_ref(im.value) or (im.value,))[0] for im in tc.images if im.role == "tag"]
    return bool(names) and all(windows_dockerfile_name(n) for n in names)


def _build_key(tc) -> tuple:
    """What a build builds, by its options: the Dockerfile named, the context, the build
    arguments' names (two builds with one key build one image definition)."""
    f = tc.flag("-f", "--file")
    args = sorted(a.value.split("=", 1)[0] for a in tc.all("--build-arg") if a.value)
    return (f.value if f is not None else None, tc.args[-1].value if tc.args else None, tuple(args))


def first_pass_of(tc, others) -> bool:
    """Whether one of ``others`` (pushing builds of the same file) builds what ``tc`` builds, for
    the same platforms (in any order) and the same build arguments as written, and pushes it:
    ``tc`` fills the build cache the push then reads (dapr's ``build-dev-container-all-arch``,
    tagged without the registry its ``push-dev-container-all-arch`` build pushes to)."""
    def key(b):
        return _build_key(b)[:2] + (tuple(sorted(a.value or "" for a in b.all("--build-arg"))),
                                    frozenset(p.value for p in b.platforms))

    mine = key(tc)
    return any(key(b) == mine for b in others)


def multi_platform_twin(ctx, tc) -> bool:
    """Every name ``tc`` gives its image is also built, in the same file, by a build for several
    platforms (keda's ``docker-build`` beside ``publish-multiarch``, dapr's
    ``build-dev-container`` beside ``build-dev-container-all-arch``) or for a list of platforms
    from a variable archlint cannot resolve (karmada's ``hack/docker.sh``: ``docker build`` when
    the asked platform is the machine's, else ``docker buildx build --platform "${platforms}"``);
    or a build for several
    platforms whose names archlint cannot know builds the same Dockerfile from the same context
    with the same build arguments (contour's ``container`` beside ``multiarch-build``, whose
    tags come from a variable set in an ``ifeq``): a native variant its author wrote next to
    the multi-platform one."""
    names = {normal_ref(im.value) for im in tc.images if im.role == "tag"}
    if not names:
        return False

    def multi():
        known, unnamed = set(), set()
        for b in builds(ctx):
            if b.multi_platform or b.platform_count is None and _platform_list(ctx, b):
                tags = [im for im in b.images if im.role == "tag"]
                known.update(normal_ref(im.value) for im in tags)
                if not tags or any(im.dynamic for im in tags):
                    unnamed.add(_build_key(b))
        return known, unnamed

    known, unnamed = ctx.cached("commands.multi_platform_names", multi)
    return names <= known or bool(_build_key(tc) in unnamed and tc.args and tc.args[-1].value)


#: a ``--platform`` value that is one variable named for a list of platforms: ``"${platforms}"``,
#: ``$(BUILD_PLATFORMS)``, ``${PLATFORMS:-$DEFAULT}``, ``$PLATFORM_LIST`` (not ``linux/$(ARCH)``, nor
#: a singular ``$(PLATFORM)``)
_PLATFORM_LIST = re.compile(r"""\$[({]?[A-Za-z_]*(?:platforms|_list)(?::?[-=][^)}]*)?[)}]?""", re.I)


#: an expansion, whose commas are its own (``${PLATFORMS%%,*}``, ``$(word 1,$(PLATFORMS))``)
_EXPANSION = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)\)?")


def _platform_list(ctx, b) -> bool:
    """Whether a build's ``--platform`` is, as written, a variable holding a list of platforms."""
    for p in b.platforms:
        written = (text_at(ctx, p.span) or "").strip().strip("\"'")
        if "," not in _EXPANSION.sub("", written) and not _PLATFORM_LIST.fullmatch(written):
            return False  # (a comma joins at least two: linux/amd64,${EXTRA_PLATFORMS}; not ${P%%,*})
    return bool(b.platforms)


def bundle_image(tc, ctx) -> bool:
    """A build of an OLM bundle image: of ``bundle.Dockerfile`` (``archnames.bundle_dockerfile_name``),
    or whose every name the file hands to OLM as a bundle (``_olm_bundles``)."""
    f = tc.flag("-f", "--file")
    if f is not None and f.value is not None and bundle_dockerfile_name(f.value):
        return True
    names = {normal_ref(im.value) for im in tc.images if im.role == "tag"}
    return bool(names) and names <= _olm_bundles(ctx)


def _olm_bundles(ctx) -> frozenset:
    """The names the file hands to OLM as bundle images (``commands.olm_bundles``: ``opm index
    add --bundles``, ``operator-sdk run bundle``), once per file."""
    return ctx.cached("commands.olm_bundles", lambda: frozenset(
        normal_ref(x) for c in commands_for(ctx) if c.action == "olm-bundle" for x in olm_bundles(c)))


def passes_machine_arch(tc) -> bool:
    """A build that hands the Dockerfile its ``TARGETARCH`` itself, from a value archlint cannot
    resolve (jaeger's ``--build-arg TARGETARCH=$(shell go env GOARCH)``, tempo's
    ``TARGETARCH=$(GOARCH)`` with ``GOARCH ?= $(shell go env GOARCH)``): the classic builder's
    way of building for the machine it runs on, with binaries compiled for it beforehand.  A
    literal value (``TARGETARCH=amd64``) is not this: BC004 judges it.  A build handing it
    ``TARGETPLATFORM`` so is one too (actions-runner-controller's ``TARGETPLATFORM ?= $(shell
    arch)``)."""
    for f in tc.all("--build-arg"):
        w = f.value_word
        if f.value and f.value.split("=", 1)[0] in ("TARGETARCH", "TARGETPLATFORM") and w is not None and w.dynamic \
                and not w.defaulted:
            return True
    return False


def written_value(f) -> str:
    """A flag's value as written in the file (a Makefile's ``$(GOOS)/$(GOARCH)``, not archlint's
    placeholders), without quotes."""
    w = f.value_word or f.word
    written = getattr(w.snippet, "written", None)
    text = written(w.start, w.end) if written and getattr(w.snippet, "base", None) is not None else w.raw
    if w is f.word and text.startswith(f.name + "="):
        text = text[len(f.name) + 1:]
    return text.strip("\"'") if text[:1] == text[-1:] and text[:1] in "\"'" else text


def as_its_platform(tc, name: str, f) -> bool:
    """Whether ``--build-arg NAME=value`` (the flag ``f``) says what the builder sets anyway: the
    build names one platform, and the value is that platform, its OS or its architecture —
    compared as resolved when both are known, as written when either is a variable
    (consul-k8s' ``--platform $(GOOS)/$(GOARCH) --build-arg TARGETARCH=$(GOARCH)``,
    ``--platform linux/arm64 --build-arg TARGETPLATFORM=linux/arm64``), or both unknown (one
    platform and the value from the caller: harbor's); a variable that may hold another value
    beside a known platform (``TARGETARCH=$TARGETARCH`` beside ``linux/amd64``) is not.  A build
    without ``--platform`` in a workflow job on a known runner builds for the runner's platform
    (litmus' ``docker build ... --build-arg TARGETARCH=amd64`` on ``ubuntu-latest``)."""
    if tc.platform_source == "arch" and name in ("TARGETARCH", "TARGETOS") and tc.action == "build":
        return _as_its_part(tc, name, f)
    flags = tc.all("--platform")
    if not flags and tc.action == "build" and not tc.opaque and tc.platform_source == "none" \
            and not (f.value_word or f.word).dynamic:
        host = runner_platform(tc)  # no --platform in a job on a known runner: the runner's platform
        return host is not None and _part(name, host) == f.value.partition("=")[2]
    if len(flags) != 1 or flags[0].value is None or "," in flags[0].value:
        return False
    pf = flags[0]
    pw, aw = pf.value_word or pf.word, f.value_word or f.word
    if pf.dynamic and f.dynamic and "/" not in pf.value:
        # one platform wholly unknown, given an unknown value (harbor's --platform=$(PLATFORM)
        # --build-arg TARGETARCH=$(TARGETARCH), both from the caller's ARCH): nothing to compare,
        # nothing known says they differ (a platform written in parts, ${os}/${arch}, is compared)
        return True
    if pw.dynamic or aw.dynamic or pw.defaulted or aw.defaulted:  # a variable: as written
        platform, value = written_value(pf), written_value(f).partition("=")[2]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]  # TARGETARCH="${arch}" (secrets-store-csi-driver's build.sh)
    else:
        platform, value = pf.value, f.value.partition("=")[2]
    if "," in platform or not value:
        return False
    part = _part(name, platform)
    return part is not None and value == part


def _as_its_part(tc, name: str, f) -> bool:
    """podman's and buildah's one platform in parts (kcp's ``buildah bud --arch "$arch"
    --build-arg "TARGETARCH=$arch"``): the value of ``--arch`` (``--os``) for TARGETARCH
    (TARGETOS), compared as written where either is a variable."""
    flags = tc.all("--arch" if name == "TARGETARCH" else "--os")
    if len(flags) != 1 or flags[0].value is None:
        return False
    pf = flags[0]
    if (pf.value_word or pf.word).dynamic or (f.value_word or f.word).dynamic:
        part, value = written_value(pf), written_value(f).partition("=")[2]
    else:  # (what the builder sets: --arch aarch64 gives TARGETARCH=arm64, not aarch64)
        p = plat.meaning(pf.value, bare_arch=True) if name == "TARGETARCH" else None
        part, value = (p.arch if p is not None else pf.value), f.value.partition("=")[2]
    value = value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value
    return bool(value) and value == part


def _part(name: str, platform: str) -> str | None:
    """What the builder sets ``name`` to for ``platform`` (TARGETARCH: its architecture)."""
    os_, slash, rest = platform.partition("/")
    return {"TARGETPLATFORM": platform, "TARGETOS": os_, "TARGETARCH": rest.split("/")[0] if slash else None}.get(name)


def linux_os(tc, name: str, val: str | None) -> bool:
    """``TARGETOS=linux`` on a build whose every platform is Linux's, or that names none (the
    builder's own OS, Linux for a Linux image): what the builder sets for each (kaniko's)."""
    if name != "TARGETOS" or (val or "").strip() != "linux":
        return False
    if tc.platform_source == "none":
        return True
    if tc.platform_source == "arch":  # (podman's and buildah's --arch without --os: Linux's)
        return all(o.value == "linux" for o in tc.all("--os"))
    values = [p.value for p in tc.platforms] if tc.platform_source == "flag" else []
    return bool(values) and not any(p.dynamic for p in tc.platforms) and all(
        v.strip().lower().startswith("linux/") for v in values)


def as_written(f, name: str, val: str | None, bake: bool) -> str:
    """``NAME=value`` of a ``--build-arg`` (the whole ``--set`` value for bake) as the user wrote
    it: a value that came from an unresolved Makefile expansion is shown as its reference
    (``TARGETARCH=$(shell go env GOARCH)``), never as archlint's placeholder for it."""
    shown = f.value if bake else (f"{name}={val}" if val is not None else name)
    w = f.value_word or f.word
    written = getattr(w.snippet, "written", None)
    if not w.dynamic or written is None or getattr(w.snippet, "base", None) is None:
        return shown
    text = written(w.start, w.end)
    if w is f.word and text.startswith(f.name + "="):
        text = text[len(f.name) + 1:]
    if "\n" in text or "=" not in text:
        return f"{name}=(a value set by make)" if not bake else f.value.split("=", 1)[0] + "=(a value set by make)"
    return text.strip("\"'") if text[:1] == text[-1:] and text[:1] in "\"'" else text


def no_cpu(f, name: str, val: str | None) -> bool:
    """A value that names no CPU, given on a build without ``--platform``: an empty
    ``TARGETPLATFORM`` (skipper's), or a literal that is no platform, OS, architecture nor variant
    (netbird's ``TARGETPLATFORM=.``: the Dockerfile reads it as a folder, ``COPY
    ${TARGETPLATFORM}/netbird``)."""
    if val is None:
        return False
    v = val.strip().lower()
    if not v:
        return name == "TARGETPLATFORM"
    if (f.value_word or f.word).dynamic or "$" in v:
        return False
    return not (plat.meaning(v) or plat.meaning(v, bare_arch=True) or v in plat.OSES or has_arch_token(v)
                or any(v in variants for variants in plat.VARIANTS.values()))
