"""docker-compose rules DC001-DC004: images and platforms of services.

Services are the entries of the top-level ``services:`` mapping (or, in a version-1 file without
``services:``, the top-level entries that have ``image`` or ``build``).  YAML merge keys
(``<<: *defaults``) are resolved, ``extends:`` within the same file is followed (the service
inherits ``image``, ``build`` and ``platform`` from its base), and a service that ``extends`` a
service of another file is given the benefit of the doubt where the other file could supply what
is missing.  ``profiles:`` do not matter here: every service is linted, whichever profile it is in.

Compose interpolation: ``${VAR:-default}`` and ``${VAR-default}`` are read as their default;
anything else with a ``$`` left is decided when compose runs and is trusted.
"""
from __future__ import annotations

import re

from ... import platforms as plat
from ...model import Edit, Fix, Severity, Span
from ...images import local_registry, parse_image_ref as split_image, release_in_name, unserved
from ...parsers.yamldoc import get, is_map, is_scalar, items, named_values, pairs, scalar, text, value
from ...registry import rule
from ...updaters import digest_only
from ...tooling import mutable_tags_allowed, tooling_file


_DEFAULT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}$]*)\}")
#: what a comment says of an image that never runs as written (firezone's `image: alpine:latest #
#: Dummy, will always be overridden.` in the service its other files extend)
_NEVER_PULLED = re.compile(r"\b(?:dummy|placeholder)\b|\b(?:is|be|gets|always)\s+overridden\b", re.I)
_PLACEHOLDER_WORD = re.compile(r"\b(?:dummy|placeholder)\b", re.I)


def _said_overridden(ctx, node) -> bool:
    """Whether the comment ending the image's line says the image is a placeholder the services
    extending it override (``_NEVER_PULLED``), or a comment right above it, at the ``image:`` key's
    own indent, calls it a dummy or placeholder."""
    span = ctx.model.content_span(node)
    text = ctx.source.line(span.line)
    end = span.end_col - 1 if span.end_line == span.line else len(text)
    hash_at = text.find("#", end)
    if hash_at >= 0 and _NEVER_PULLED.search(text, hash_at) is not None:
        return True
    key_indent = len(text) - len(text.lstrip(" "))
    return any(_PLACEHOLDER_WORD.search(c) for c in ctx.source.comments_above(span.line, indent=key_indent))


class _Service:
    __slots__ = ("name", "key", "node", "chain", "external")

    def __init__(self, name, key, node):
        self.name = name
        self.key = key  # the service's key node
        self.node = node
        self.chain = [node]  # the service, then the services it extends in this file
        self.external = False  # extends a service of another file

    def lookup(self, field: str):
        """``(key_node, value_node)`` of ``field`` on the service or what it extends."""
        for n in self.chain:
            hit = get(n, field)
            if hit is not None:
                return hit
        return None


def _services(ctx) -> list:
    def compute():
        out: list = []
        for root in ctx.model.documents:
            if not is_map(root):
                continue
            svcs = value(root, "services")
            if is_map(svcs):
                entries = pairs(svcs)
            elif get(root, "services") is None and get(root, "version") is None:
                entries = [(k, v) for k, v in pairs(root)
                           if not k.value.startswith("x-") and is_map(v) and (get(v, "image") or get(v, "build"))]
            else:
                entries = []
            by_name = {k.value: v for k, v in entries if is_map(v)}
            for k, v in entries:
                if not is_map(v):
                    continue
                svc = _Service(k.value, k, v)
                node, seen = v, {k.value}
                for _ in range(16):
                    ext = value(node, "extends")
                    if ext is None:
                        break
                    if is_scalar(ext):
                        base = scalar(ext)
                    elif is_map(ext):
                        if text(ext, "file"):
                            svc.external = True
                            break
                        base = text(ext, "service")
                    else:
                        break
                    if not base or base in seen or base not in by_name:
                        break
                    seen.add(base)
                    node = by_name[base]
                    svc.chain.append(node)
                out.append(svc)
        return out

    return ctx.cached("compose.services", compute)


#: the images of updaters that pull each service's image tag again and restart it (Watchtower and
#: its forks, Ouroboros): a file running one follows its tags' newest images by choice
_UPDATERS = frozenset(("watchtower", "ouroboros"))
_WATCH_LABEL = "com.centurylinklabs.watchtower.enable"
#: Watchtower's options that take a value as the next word (``--interval 30``); a word after any
#: other option (``--cleanup web``) names a container it watches
_WATCHTOWER_VALUED = frozenset(("--interval", "-i", "--schedule", "-s", "--host", "-H", "--stop-timeout",
                                "--notifications", "-n", "--notification-url", "--http-api-token", "--log-level",
                                "--log-format", "-l", "--scope", "--porcelain", "-P", "--api-version", "-a",
                                "--notification-template", "--notifications-level", "--notifications-delay",
                                "--notifications-hostname", "--notification-title-tag", "--warn-on-head-failure",
                                "--tlsverify-cacert", "--notification-email-from", "--notification-email-to",
                                "--notification-email-server", "--notification-email-server-port",
                                "--notification-email-server-user", "--notification-email-server-password",
                                "--notification-email-delay", "--notification-email-subjecttag",
                                "--notification-slack-hook-url", "--notification-slack-identifier",
                                "--notification-slack-channel", "--notification-slack-icon-emoji",
                                "--notification-slack-icon-url", "--notification-msteams-hook",
                                "--notification-gotify-url", "--notification-gotify-token"))


def _settings(node) -> dict:
    """A service's ``labels``/``environment`` as a dict (``named_values``: a mapping, or ``KEY=value`` items)."""
    return {k.strip(): (v or "").strip() for k, v in named_values(node)}


def _auto_updated(ctx) -> set:
    """Names of the services an updater of the file keeps at their tags' newest images: with
    Watchtower's ``--label-enable`` (or ``WATCHTOWER_LABEL_ENABLE``) those labelled
    ``com.centurylinklabs.watchtower.enable=true``, else every service not labelled ``false``;
    none where the updater names the containers it watches (its command's arguments) or runs
    only once (``--run-once``)."""

    def compute() -> set:
        svcs = _services(ctx)
        label_only = None
        for svc in svcs:
            hit = svc.lookup("image")
            ref = (scalar(hit[1]) or "") if hit is not None and is_scalar(hit[1]) else ""
            if split_image(interpolate(ref.strip())[0])[0].rsplit("/", 1)[-1] not in _UPDATERS:
                continue
            cmd = svc.lookup("command")
            words = ((scalar(cmd[1]) or "").split() if is_scalar(cmd[1]) else
                     [scalar(n) or "" for n in items(cmd[1]) if is_scalar(n)]) if cmd is not None else []
            env = _settings(svc.lookup("environment")[1]) if svc.lookup("environment") else {}
            if "--run-once" in words or env.get("WATCHTOWER_RUN_ONCE", "").lower() == "true" or any(
                    not w.startswith("-") and (i == 0 or words[i - 1] not in _WATCHTOWER_VALUED) for i, w in enumerate(words)):
                continue  # (the containers it watches are named: not known to be these services)
            labelled = "--label-enable" in words or env.get("WATCHTOWER_LABEL_ENABLE", "").lower() == "true"
            label_only = labelled if label_only is None else label_only and labelled
        if label_only is None:
            return set()
        got = set()
        for svc in svcs:
            labels = _settings(svc.lookup("labels")[1]) if svc.lookup("labels") else {}
            on = labels.get(_WATCH_LABEL, "").strip("'\"").lower()
            if on == "true" or not label_only and on != "false":
                got.add(svc.name)
        return got

    return ctx.cached("compose.auto_updated", compute)


def interpolate(value: str) -> tuple[str, bool]:
    """(``value`` with ``${VAR:-default}`` replaced by its default, used a default?)."""
    used = False

    def sub(m):
        nonlocal used
        used = True
        return m.group(3)

    return _DEFAULT.sub(sub, value), used


def _platform_values(ctx, svc):
    """(value node, text, role) of every platform the service names: ``platform:`` and
    ``build.platforms`` items (own or inherited)."""
    out = []
    hit = svc.lookup("platform")
    if hit is not None and is_scalar(hit[1]) and scalar(hit[1]):
        out.append((hit[1], scalar(hit[1]).strip(), "platform"))
    build = svc.lookup("build")
    if build is not None and is_map(build[1]):
        for item in items(value(build[1], "platforms")):
            if is_scalar(item) and scalar(item):
                out.append((item, scalar(item).strip(), "build.platforms"))
    return out


def _seen_once(seen: set, finding):
    k = (finding.rule_id, tuple(finding.span))
    if k in seen:
        return None
    seen.add(k)
    return finding


# ---- DC001 ----------------------------------------------------------------------------------------


def _pins_a_version(ref: str) -> bool:
    """A pulled image held to a release: a digest, or a tag with a version number in it
    (``postgres:16.4``, ``mariadb:10-focal``; not ``redis:alpine``, ``:stable``, a CPU's name,
    ``:armv7``, nor the latest of a line, ``timescaledb:latest-pg16``: it moves with every release)."""
    _, tag, digest = split_image(ref)
    if digest is not None:
        return True
    if tag is None or tag == "latest" or tag.startswith(("latest-", "latest_", "latest.")):
        return False
    from ...archnames import arch_tokens

    rest = tag  # (a CPU's name is no version: photoprism's moving ``photoprism:armv7``)
    for _t, _a, start, end in reversed(list(arch_tokens(tag))):
        rest = rest[:start] + rest[end:]
    return any(c.isdigit() for c in rest)


@rule("DC001", "image-latest-tag", severity=Severity.WARNING, tags=("image", "reproducibility", "compose"))
def image_latest_tag(ctx):
    """
    ## What it does
    Flags a compose service whose `image:` uses the `latest` tag or no tag (which means `latest`),
    also as an interpolation's default (`${TAG:-latest}`), in a compose file that pins another image
    by digest or by a version tag (`postgres:16.4`, `mariadb:10-focal`; not `:armv7` nor `:latest-pg16`).

    ## Why is this bad?
    `docker compose pull` and `up` fetch whatever `latest` points to today: two machines run
    different versions of the same file and a rollback is impossible. A file that pins its other
    images means to run known versions, and the unpinned one is the one left behind. A file that
    pins none (`image: postgres`, `redis:latest`, `nginx:alpine` throughout: a sample or a
    development stack) follows each image's newest release by choice, so it is not reported (on 30
    such findings in the judged repositories, none was worth acting on). With the project model, nor
    is the repository's own image (a repository it builds, on any registry) whose tag is a variable
    defaulting to `latest` (jaeger's `${JAEGER_VERSION:-latest}`): the variable is the pin, the
    default its newest release; nor an image a build of the repository makes under that name and
    tag that no file pushes (OhMyMndy's `ohmymndy/alpine`, built by another compose file first):
    the machine's own build. Nor an image whose publisher gives no version tags (distroless,
    httpbin's original: the list DF001 and K8S001 read) where no updater keeps a digest, nor a
    one-part name no registry serves (apisix's `test-header-image:latest`, which a script of the
    repository builds; not an official image: see K8S001), nor an image whose comment says it is a placeholder
    (firezone's `image: alpine:latest # Dummy, will always be overridden.` in the service its other files extend:
    "dummy", "placeholder", "overridden"), nor a service an updater the file runs keeps at its tag's newest
    image (Watchtower, Ouroboros: photoprism's cloud stack; with `--label-enable` the services labelled
    `com.centurylinklabs.watchtower.enable=true`, never one labelled `false`). Not reported for a service that also has
    `build:` (there `image:` names the image compose builds), for images pinned by digest, for
    values compose interpolates from the environment without a default, or in a compose file under a
    developer-tooling folder (a path segment `dev`, `development`, `tools`, `tooling`, `debug`,
    `hack`, `local`, `sandbox`, `playground` or `.devcontainer`, or a folder name with a word `dev`, `development`,
    `devenv` or `tilt`, or a last word `debug`, or `local` with `env`, `environment`, `setup`, `stack` or `config`,
    `contrib/local-environment`: a local Kafka or debug stack started on a laptop, never a
    deployment) or named for development or tests (`compose.tests.yaml`, `docker-compose.dev.yml`,
    `docker-compose.override.yml`: a name word `dev`, `development`, `local`, `debug`, `test`,
    `tests`, `testing`, `ci`, `travis`, `circleci`, `e2e` or `override`), or in an example (under a folder `examples`,
    `example`, `samples`, `sample`, `demo`, `demos`, `docs`, `doc`, `documentation`, `tutorials` or
    `tutorial`, or named for one, `compose.demo.yaml`, or whose opening comment, or the first after a
    licence's header, says it is not for production: a getting-started stack its readers copy and pin;
    Airflow's compose file, "This configuration is for local development").

    ## Example
    ```yaml
    services:
      db:
        image: postgres
      cache:
        image: redis:7.4
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: postgres:16.4
      cache:
        image: redis:7.4
    ```

    ## Fix
    No automatic fix: archlint cannot know which version you want.
    """
    model = ctx.model
    if mutable_tags_allowed(ctx):
        return
    pulled = []  # (service, image node, written value, resolved reference, used a default)
    for svc in _services(ctx):
        hit = svc.lookup("image")
        if hit is None or not is_scalar(hit[1]) or svc.lookup("build") is not None:
            continue
        raw = (scalar(hit[1]) or "").strip()
        ref, defaulted = interpolate(raw)
        if ref and "$" not in ref:
            pulled.append((svc, hit[1], raw, ref, defaulted))
    pinned = next((ref for *_, ref, _ in pulled if _pins_a_version(ref)), None)
    if pinned is None:
        return  # a stack that follows every upstream image's latest release does so by choice
    seen: set = set()
    for svc, node, raw, ref, defaulted in pulled:
        name, tag, digest = split_image(ref)
        if digest is not None or (tag is not None and tag != "latest") or tag is None and release_in_name(name) \
                or digest_only(ctx, name, "docker-compose"):  # (no version tags to pin: updaters.digest_only)
            continue
        if unserved(name, getattr(ctx.settings, "rule_packs", ())):
            continue  # a one-part name no registry serves: built on this machine (apisix's test-header-image)
        if _said_overridden(ctx, node):
            continue  # a placeholder the extending services replace, as its comment says
        if svc.name in _auto_updated(ctx):
            continue  # an updater of the file (Watchtower) keeps it at the tag's newest image, by choice
        via = f" (the default in {raw})" if defaulted else ""
        if tag == "latest":
            msg = f"Service {svc.name} uses image {ref} with the mutable tag latest{via}."
        else:
            msg = f"Service {svc.name} uses image {ref} without a tag, which means {ref}:latest{via}."
        f = _seen_once(seen, ctx.report(
            model.content_span(node), msg,
            hint=f"pin a version tag such as {name}:<version>, or a digest, as this file pins {pinned}",
            key=f"{svc.name} {ref}",
        ))
        if f:
            yield f


# ---- DC002 ----------------------------------------------------------------------------------------


@rule("DC002", "platform-mismatch", severity=Severity.ERROR, tags=("multi-arch", "compose"))
def platform_mismatch(ctx):
    """
    ## What it does
    Flags a service `platform:` or `build.platforms` entry that is not among the configured
    `platforms`.

    ## Why is this bad?
    The service pulls or builds an image for a CPU your targets do not have: on the real
    machines it runs under emulation (slowly) or fails with `exec format error`, and an image
    built for it is not the one you ship. Only reported when `platforms` is configured; invalid
    values are DC004's.

    ## Example
    ```yaml
    # platforms = ["linux/amd64"]
    services:
      api:
        build: .
        platform: linux/arm64
    ```

    ## Use instead
    ```yaml
    services:
      api:
        build: .
        platform: linux/amd64
    ```

    ## Fix
    No automatic fix: either the file or the configured `platforms` is wrong.
    """
    targets = ctx.targets
    if targets.none:
        return
    model = ctx.model
    seen: set = set()
    for svc in _services(ctx):
        for node, raw, role in _platform_values(ctx, svc):
            if plat.is_dynamic(raw):
                continue
            p = plat.meaning(raw)
            if p is None or targets.covers(p):
                continue
            f = _seen_once(seen, ctx.report(
                model.content_span(node),
                f"Service {svc.name} {role} {p} is not among the configured platforms ({targets.describe()}).",
                hint=f"use one of {targets.describe()}, or add {p} to platforms",
                key=f"{svc.name} {p}",
            ))
            if f:
                yield f


# ---- DC003 ----------------------------------------------------------------------------------------


def _insert_platform_fix(ctx, key_node, value: str):
    """Insert ``platform: value`` on its own line before the block-style key ``key_node``."""
    model = ctx.model
    s = model.span(key_node)
    line = ctx.source.line(s.line)
    if line[: s.col - 1].strip():
        return None  # not a block mapping line (flow style, or `- build:`)
    indent = line[: s.col - 1]
    return Edit(Span(s.line, 1, s.line, 1), f"{indent}platform: {value}\n")


def _stays_local(svc) -> bool:
    """Whether the image compose builds for ``svc`` never leaves the machine: the service has
    no ``image:`` (compose names it ``<project>-<service>`` and ``docker compose push`` skips
    it), or its ``image:`` has no registry or namespace (``loki``, ``app:dev``: a push would go
    to Docker Hub's official-images namespace, which only Docker can push to) or names
    ``localhost`` as its registry.  An image name compose interpolates without a default is
    unknown: it may name a registry, so it is not local."""
    hit = svc.lookup("image")
    if hit is None:
        return True
    if not is_scalar(hit[1]):
        return False
    ref, _ = interpolate((scalar(hit[1]) or "").strip())
    if not ref:
        return True
    if "$" in ref:
        return False
    return "/" not in split_image(ref)[0] or local_registry(ref)


@rule("DC003", "build-without-platform", severity=Severity.WARNING, fix="safe",
      tags=("multi-arch", "compose"))
def build_without_platform(ctx):
    """
    ## What it does
    Flags a service with `build:` and neither `platform:` nor `build.platforms`, when
    `platforms` is configured and the `image:` it builds can be pushed to a registry.

    ## Why is this bad?
    `docker compose build` then builds for the CPU of the machine it runs on: an Apple-silicon
    laptop produces an arm64 image that fails on amd64 servers (`exec format error`), and a push
    from there ships the wrong architecture. Only images that can leave the machine are
    reported: a service without `image:` (compose names the image itself and `docker compose
    push` skips it), with a bare `image:` name (`loki`, `app:dev`: nobody can push that to Docker
    Hub) or with a `localhost` registry is built and run on the same machine, so its platform is
    already right, and so is every service of a compose file under a developer-tooling folder
    (see DC001). An `image:` compose interpolates (`${IMAGE_NAME}:1.0`) may name a registry and
    is reported. A service that `extends` a service of another file is not reported (the
    platform may come from there). In a whole run (the project model), nor a compose file that
    `docker buildx bake --set "*.platform=..."` builds, a service whose Dockerfile or image
    another build publishes with known platforms, nor one whose Dockerfile's final stage pins
    the platform (`FROM --platform=linux/amd64`).

    ## Example
    ```yaml
    # platforms = ["linux/amd64"]
    services:
      api:
        build: .
    ```

    ## Use instead
    ```yaml
    services:
      api:
        platform: linux/amd64
        build: .
    ```

    ## Fix
    Safe, with exactly one configured platform: inserts `platform: <it>` before `build:`. With
    several, add them to `build.platforms` (a multi-platform build also needs a builder that can
    keep the result), so no fix is offered.
    """
    targets = ctx.targets
    if targets.none or tooling_file(ctx):
        return
    seen: set = set()
    model = ctx.model
    for svc in _services(ctx):
        build = svc.lookup("build")
        if build is None or svc.external or _stays_local(svc):
            continue
        if svc.lookup("platform") is not None:
            continue
        if is_map(build[1]) and get(build[1], "platforms") is not None:
            continue
        fix = None
        one = targets.single
        if one is not None:
            hint = f"add platform: {one}"
            own = get(svc.node, "build")
            edit = _insert_platform_fix(ctx, own[0], str(one)) if own is not None else None
            if edit is not None:
                fix = Fix(f"Add platform: {one}", (edit,), safe=True)
        else:
            hint = "add build.platforms: [" + ", ".join(str(p) for p in targets) + "]"
        f = _seen_once(seen, ctx.report(
            model.key_span(build[0]),
            f"Service {svc.name} is built without a platform, so the image follows the CPU of the machine that "
            "runs docker compose build.",
            hint=hint,
            fix=fix,
            key=svc.name,
        ))
        if f:
            yield f


# ---- DC004 ----------------------------------------------------------------------------------------


@rule("DC004", "invalid-platform", severity=Severity.ERROR, fix="safe", tags=("multi-arch", "compose"))
def invalid_platform(ctx):
    """
    ## What it does
    Flags a service `platform:` or `build.platforms` value that compose rejects or that names no
    known OS or architecture (`linux/amd46`), with the nearest valid one. As info, it also flags
    another spelling (`linux/x86_64`) and an architecture without OS (`arm64`); as a warning, an
    OS without architecture (`linux`).

    ## Why is this bad?
    Compose rejects it when it pulls or builds, or finds no image for it.
    Values are read as the build reads them (containerd's platform parser, which BuildKit, docker
    and buildx use; the grammar is in `archlint/platforms.py`): one to three `/`-separated parts,
    lower-cased, with `x86_64`/`x86-64`, `aarch64`, `i386`, `armhf`, `armel` normalised and
    arm's variant `7` read as `v7`. So the same reading as DF009, BC008 and GHA004. Values
    compose interpolates (`${PLATFORM}`) are trusted.

    ## Example
    ```yaml
    services:
      api:
        platform: linux/amd46
    ```

    ## Use instead
    ```yaml
    services:
      api:
        platform: linux/amd64
    ```

    ## Fix
    Safe: replaces an unknown value with the suggestion when there is exactly one, or another
    spelling with the build's reading; unsafe: adds `linux/` to an architecture without OS.
    Only where the value is written plainly at that place.
    """
    model = ctx.model
    seen: set = set()
    for svc in _services(ctx):
        for node, raw, role in _platform_values(ctx, svc):
            if plat.is_dynamic(raw):
                continue
            f = ctx.invalid_platform(model.content_span(node), raw, f"in service {svc.name} {role}",
                                     fixable=model.exact_scalar(node))
            if f is not None and _seen_once(seen, f):
                yield f


__all__ = ["interpolate"]
