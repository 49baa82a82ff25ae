"""What a Skaffold ``Config`` tells the project model: each ``build.artifacts`` entry built from a
Dockerfile is a build, and its ``image`` is a name skaffold replaces with what it built in the
manifests it deploys (``retags``: microservices-demo's untagged ``image: adservice``).  A
profile's ``build.artifacts`` (``profiles[].build``, what ``skaffold dev -p NAME`` builds) are
builds too, each with the profile's ``build.platforms``, else the config's: flame's profiles build
``Dockerfile.dev`` with Docker and ``Dockerfile`` with kaniko."""
from __future__ import annotations

from .facts import _span, canonical, pattern

#: builders that build no Dockerfile of this repository
_NO_DOCKERFILE = ("jib", "ko", "buildpacks", "bazel", "custom")


def skaffold_facts(ctx, out: dict) -> None:
    """The builds and retagged names of the Skaffold configs in ``ctx`` (YAML documents whose
    ``apiVersion`` is ``skaffold/...``)."""
    from ..parsers.yamldoc import is_map, items, text, value

    for root in ctx.model.documents:
        if not is_map(root) or not (text(root, "apiVersion") or "").startswith("skaffold/"):
            continue
        build = value(root, "build")
        plats = _platforms(build) if is_map(build) else None
        if is_map(build):
            _artifacts(ctx, build, plats, out)
        for profile in items(value(root, "profiles")):
            pbuild = value(profile, "build") if is_map(profile) else None
            if is_map(pbuild):
                own = _platforms(pbuild)
                _artifacts(ctx, pbuild, plats if own is None else own, out)


def _platforms(build) -> list | None:
    """A build section's ``platforms`` (None: not given)."""
    from ..parsers.yamldoc import is_scalar, items, scalar, value

    pl = value(build, "platforms")
    return canonical([scalar(n) or "" for n in items(pl) if is_scalar(n)]) if pl is not None else None


def _artifacts(ctx, build, plats: list | None, out: dict) -> None:
    """One build section's artifacts: with Docker (the default) the context's Dockerfile, or
    ``docker.dockerfile`` in it, built for ``plats`` (None: the platforms of the cluster skaffold
    deploys to, unknown); with kaniko ``kaniko.dockerfile``, built in the cluster (its nodes'
    platform: unknown unless ``plats`` says)."""
    from ..parsers.yamldoc import is_map, items, pairs, scalar, text, value

    for art in items(value(build, "artifacts")):
        image = (text(art, "image") or "").strip() if is_map(art) else ""
        if not image:
            continue
        out.setdefault("retags", []).append(pattern(image) or "*")
        if any(value(art, k) is not None for k in _NO_DOCKERFILE):
            continue
        how = value(art, "kaniko")
        if not is_map(how):
            how = value(art, "docker")
        context = (text(art, "context") or ".").strip()
        dockerfile = (text(how, "dockerfile") if is_map(how) else None) or "Dockerfile"
        args = list(pairs(value(how, "buildArgs"))) if is_map(how) else []
        out.setdefault("builds", []).append({
            "span": _span(ctx.model.content_span(value(art, "image"))),
            "tool": "skaffold",
            "file": pattern(context.rstrip("/") + "/" + dockerfile.strip()),
            "context": pattern(context),
            # (from the config's folder, or one above it where skaffold is run with -f:
            # pixie's src/e2e_test/.../wrk/skaffold_wrk.yaml, its paths written from the top)
            "bases": ["up"],
            "platforms": plats,
            "host": None,
            # skaffold's tag policy tags each build (a commit by default): not known here
            "tags": [t for t in (pattern(image if ":" in image.rsplit("/", 1)[-1] else image + ":*"),) if t],
            "push": False,
            "local": False,
            "stage": pattern(text(how, "target")) if is_map(how) else None,
            "args": sorted(scalar(k) or "" for k, _v in args),
            "dynamic_args": sorted(scalar(k) or "" for k, v in args if "{{" in (scalar(v) or "{{")),
        })
