"""PL001-PL005: images against what ``archlint.lock`` records for them (platforms, digests)."""
from __future__ import annotations

from ... import lock
from ...model import Severity, Span
from ...registry import rule

_HINT_LOCK = "run `archlint lock` to record it"


class _Use:
    """An image reference the file uses: where, as written, and what decides its platforms:
    ``mode`` "target" (the configured platforms), "arch" (``arches``, said by ``source``),
    "platform" (one constant ``platform``) or "other" (the build machine's, unknown)."""

    __slots__ = ("span", "ref", "mode", "arches", "source", "platform", "related")

    def __init__(self, span, ref, mode, arches=None, source=None, platform=None, related=()):
        self.span, self.ref, self.mode = span, ref, mode
        self.arches, self.source, self.platform, self.related = arches, source, platform, related


def _uses(ctx) -> list:
    return ctx.cached("lock.uses", lambda: list(_dockerfile_uses(ctx) if ctx.kind == "dockerfile" else _fact_uses(ctx)))


def _dockerfile_uses(ctx):
    from ... import platforms as plat
    from ..dockerfile._common import _base_images, _platform_kind

    for st, value, related in _base_images(ctx):
        kind = _platform_kind(ctx.model, st)
        if kind == "target":
            yield _Use(st.image.span, value, "target", related=related)
        elif kind == "constant" and st.platform is not None and st.platform.value is not None:
            p = plat.meaning(st.platform.value)
            yield _Use(st.image.span, value, "platform" if p else "other", platform=p, related=related)
        else:
            yield _Use(st.image.span, value, "other", related=related)


def _fact_uses(ctx):
    from ...project.facts import extract

    facts = ctx.cached("lock.facts", lambda: extract(ctx)) or {}
    for d in facts.get("deploys", ()):
        span = Span(*d["span"])
        if d["arch"]:
            yield _Use(span, d["image"], "arch", arches=d["arch"], source=d["from"])
        else:
            yield _Use(span, d["image"], "target")
    for o in facts.get("overrides", ()):
        yield _Use(Span(*o["span"]), o["image"], "target")


def _published(entry) -> str:
    return ", ".join(entry.platforms) if entry.platforms else "no platform"


def _missing_for(ctx, use, entry) -> tuple[list, str] | None:
    """(platforms the image lacks, why they are wanted) or None when nothing is missing or
    nothing is known."""
    from ... import platforms as plat

    published = entry.published()
    if not published:
        return None  # a manifest without os/architecture: unknown
    if use.mode == "target":
        targets = ctx.targets
        if targets.none:
            return None
        missing = targets.missing(published)
        why = "a configured target platform" if len(missing) == 1 else "configured target platforms"
        return missing, why
    if use.mode == "arch":
        missing = [plat.Platform("linux", a) for a in use.arches
                   if not any(p.os == "linux" and p.arch == a for p in published)]
        return missing, f"selected by its {use.source}" if use.source else "where it is deployed"
    if use.mode == "platform":
        return [p for p in (use.platform,) if not any(p.matches(q) for q in published)], "its --platform"
    return None


@rule("PL001", "image-platform-not-published", severity=Severity.ERROR, tags=("multi-arch", "image", "lock"))
def image_platform_not_published(ctx):
    """
    ## What it does
    Flags an image that does not publish a platform it must run on, as `archlint.lock` records
    what its registry publishes.

    A base image (`FROM` in a stage built for the target platform) or a deployed image
    (Kubernetes, Helm values, Kustomize, compose, workflow containers) without one of the
    configured `platforms`, or without the architecture its nodes select (`nodeSelector`/node
    affinity on `kubernetes.io/arch`, compose `platform:`, a GitHub-hosted runner's CPU). The
    message names the platforms the image does publish.

    Offline: the rule reads the lock only (write it with `archlint lock`). Without a lock, or
    for an image the lock does not list, it says nothing.

    ## Why is this bad?
    An image without a build for the node's CPU is the plainest `exec format error` (or
    "no matching manifest for linux/arm64/v8 in the manifest list entries" at pull time); no
    text in the repository shows it, the registry does.

    ## Example
    With `platforms = ["linux/amd64", "linux/arm64"]` and a lock that records
    `docker.io/library/vendor-tool:1.2` as publishing `linux/amd64` only:
    ```dockerfile
    FROM vendor-tool:1.2
    ```

    ## Use instead
    A multi-platform image, a version that publishes arm64, or a platform list the image serves.

    ## Fix
    No automatic fix: which image to use instead is yours to decide.
    """
    view = lock.for_context(ctx)
    if view.entries is None:
        return
    for use in _uses(ctx):
        if use.mode == "platform":
            continue  # PL002's
        entry = view.entry(use.ref)
        if entry is None:
            continue
        hit = _missing_for(ctx, use, entry)
        if not hit or not hit[0]:
            continue
        missing, why = hit
        names = ", ".join(str(p) for p in missing)
        what = "Base image" if ctx.kind == "dockerfile" else "Image"
        yield ctx.report(
            use.span,
            f"{what} {use.ref} does not publish {names} ({why}): {lock.LOCK_NAME} records {_published(entry)}.",
            hint="use an image that publishes every platform it runs on, or change the platforms",
            related=use.related,
            key=entry.key,
        )


@rule("PL002", "pinned-platform-not-published", severity=Severity.ERROR, tags=("multi-arch", "image", "lock"))
def pinned_platform_not_published(ctx):
    """
    ## What it does
    Flags a `FROM --platform=X` (a constant platform) whose image does not publish `X`, as
    `archlint.lock` records it.

    ## Why is this bad?
    The build stops with "no match for platform in manifest", or, for a single-platform
    image, runs another CPU's binaries under emulation or not at all.

    ## Example
    With a lock that records `docker.io/library/tool:1` as `linux/amd64` only:
    ```dockerfile
    FROM --platform=linux/arm64 tool:1
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=linux/amd64 tool:1
    ```

    ## Fix
    No automatic fix.
    """
    view = lock.for_context(ctx)
    if view.entries is None:
        return
    for use in _uses(ctx):
        if use.mode != "platform":
            continue
        entry = view.entry(use.ref)
        hit = _missing_for(ctx, use, entry) if entry is not None else None
        if hit and hit[0]:
            yield ctx.report(
                use.span,
                f"Base image {use.ref} does not publish {use.platform}, the stage's --platform: "
                f"{lock.LOCK_NAME} records {_published(entry)}.",
                hint="pick a platform the image publishes, or another image",
                related=use.related,
                key=entry.key,
            )


@rule("PL003", "image-not-in-lock", severity=Severity.INFO, tags=("image", "lock"))
def image_not_in_lock(ctx):
    """
    ## What it does
    Flags an image reference that `archlint.lock` does not list, when the repository has a
    lock; says once when the lock cannot be read. Without a lock file it says nothing.

    ## Why is this bad?
    The platform rules (PL001, PL002) and the digest-pinning fixes know nothing about an image
    the lock does not list; `archlint lock --check` fails in CI until it is added.

    ## Example
    A new `FROM node:22` after the lock was written.

    ## Use instead
    Run `archlint lock` and commit `archlint.lock`.

    ## Fix
    No automatic fix: `archlint lock` asks the registry, which a lint never does.
    """
    view = lock.for_context(ctx)
    if view.error is not None:
        yield ctx.notice(
            Span(1, 1, 1, 2),
            f"{lock.LOCK_NAME} cannot be used ({view.error}); run `archlint lock` to write it again",
            group="PL003:broken", summary=f"{lock.LOCK_NAME} cannot be used ({view.error}); run `archlint lock` "
                                          "to write it again",
        )
        return
    if view.entries is None:
        return
    for use in _uses(ctx):
        key = view.key(use.ref)
        if key is not None and key not in view.entries:
            yield ctx.report(
                use.span,
                f"Image {use.ref} is not in {lock.LOCK_NAME}, so its platforms are not checked.",
                hint=_HINT_LOCK,
                related=use.related,
                key=key,
            )


@rule("PL004", "image-tag-moved", severity=Severity.WARNING, tags=("image", "lock", "online"))
def image_tag_moved(ctx):
    """
    ## What it does
    With `archlint check --online`: flags an image whose tag now resolves to another digest than
    the one `archlint.lock` records (the image was re-pushed, or the tag moved to a new
    version). An image the registry cannot be asked about is a notice, never a finding.
    Offline (the default, pre-commit, the language server) it says nothing.

    ## Why is this bad?
    The lock, and every platform judgement made from it, describes an image the tag no longer
    names; a digest pinned from the lock is no longer what the tag gives.

    ## Example
    `archlint.lock` records `docker.io/library/python:3.12-slim` at one digest, and the
    registry now answers another.

    ## Use instead
    Run `archlint lock`, review the diff of `archlint.lock` (new digest, platforms) and commit it.

    ## Fix
    No automatic fix.
    """
    now = lock.ONLINE
    if now is None:
        return
    view = lock.for_context(ctx)
    if view.entries is None:
        return
    for use in _uses(ctx):
        key, entry = view.key(use.ref), view.entry(use.ref)
        if entry is None or "@" in use.ref:
            continue  # not listed, or pinned: a moved tag does not change what a pin pulls
        got = now.get(key)
        if got is None:
            continue
        if got.startswith("!"):
            yield ctx.notice(use.span, f"{use.ref} could not be checked online: {got[1:]}",
                             group=f"PL004:{key}", summary=f"{use.ref} could not be checked online: {got[1:]}")
        elif got != entry.digest:
            yield ctx.report(
                use.span,
                f"The tag of {use.ref} now resolves to {got}, not the digest {lock.LOCK_NAME} records "
                f"({entry.digest}).",
                hint="run `archlint lock`, review the change to the lock and commit it",
                related=use.related,
                key=key,
            )


@rule("PL005", "pinned-digest-not-the-locked-one", severity=Severity.WARNING, fix="unsafe",
      tags=("image", "lock", "supply-chain"))
def pinned_digest_not_the_locked_one(ctx):
    """
    ## What it does
    Flags a reference pinned as `name:tag@sha256:X` when `archlint.lock` records the tag at
    another digest `Y`: the tag moved since the pin was written (a new build of the same
    version, a security rebuild), or the pin was edited by hand.

    A pin to one of the platform manifests the lock lists for the tag's index (the `arm64`
    image of a multi-platform tag) is not flagged: it is the tag's, for one platform. Offline:
    the rule reads the lock only. Without a lock, for a tag the lock does not list, or for an
    index recorded without its manifests (a lock written before they were recorded: run
    `archlint lock` again), it says nothing.

    `archlint lock` keeps the lock keyed by the tag, so refreshing it after the tag moved is a
    one-line diff to review; it then prints how many pinned references differ from the lock.

    ## Why is this bad?
    The pin still pulls the old image, so the platforms, fixes and digest the lock records
    (and the review of its diff) describe an image the repository does not use; the platform
    rules (PL001, PL002) cannot judge the pin. Usually the pin is simply stale and a bot or a
    reviewer forgot it.

    ## Example
    `archlint.lock` records `docker.io/library/python:3.12-slim` at `sha256:2b…`:
    ```dockerfile
    FROM python:3.12-slim@sha256:9f…
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim@sha256:2b…
    ```

    ## Fix
    An unsafe fix writes the digest the lock records for the tag (`archlint check --fix
    --unsafe-fixes --select PL005`): the image changes, which is the point and why the fix is
    not safe. No fix when the reference comes from an `ARG` default or is assembled from values.
    """
    from ...lock.names import parse

    view = lock.for_context(ctx)
    if view.entries is None:
        return
    for use in _uses(ctx):
        r = parse(use.ref)
        if r is None or not r.tag or not r.digest:
            continue
        entry = view.entries.get(r.key)
        if entry is None or entry.describes(r.digest) is not False:
            continue
        yield ctx.report(
            use.span,
            f"{use.ref} is pinned to {r.digest[:19]}…, but {lock.LOCK_NAME} records its tag {r.tag} at "
            f"{entry.digest[:19]}….",
            hint="pin the digest the lock records for the tag (the fix), once its change to the lock is reviewed",
            related=use.related,
            key=entry.key,
            fix=lock.repin_fix(ctx, use.span, use.ref, entry.digest),
        )
