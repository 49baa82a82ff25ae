"""DF006 in a stage that works out its CPU: a download left with a literal architecture among
downloads of the one the instruction works out (helm-secrets' ``vals_..._linux_amd64`` beside
``sops-...linux.${GO_ARCH}``, ``GO_ARCH`` set from ``uname -m`` in the same ``RUN``)."""
from __future__ import annotations

from ...archnames import ARCH_VARIABLE, arch_tokens, derives_arch
from ...model import Severity


def left_literals(ctx, words: list) -> list:
    """DF006's findings among ``words`` ((instruction, value, span, None) of a stage's downloads
    outside an arm choosing their CPU): in a ``RUN`` that works out the CPU (``uname -m``,
    ``dpkg --print-architecture``, ``$TARGETARCH``) and has a download taking it from a variable
    (``${GO_ARCH}``), each download naming one architecture where all such literals of the
    instruction name the same one (several: the branches of a choice) and the configured
    platforms, if any, are not all of it: the image of another CPU gets that build."""
    by: dict = {}
    for w in words:
        if w[0].keyword == "RUN":
            by.setdefault(id(w[0]), []).append(w)
    out = []
    targets = ctx.targets
    for group in by.values():
        ins = group[0][0]
        if not derives_arch(ins.args.text):
            continue
        via = next((m.group(0) + {"{": "}", "(": ")"}.get(m.group(0)[1:2], "")
                    for _i, v, _s, _n in group for m in [ARCH_VARIABLE.search(v)] if m), None)
        literal = [(v, span, toks) for _i, v, span, _n in group if not ARCH_VARIABLE.search(v)
                   for toks in [list(arch_tokens(v))] if toks]
        arches = {a for _v, _s, toks in literal for _t, a, _b, _e in toks}
        if via is None or len(arches) != 1 or not targets.none and targets.arches <= arches:
            continue
        for value, span, toks in literal:
            token = toks[0][0]
            out.append(ctx.report(
                span,
                f"RUN fetches a build for {token} ({value}) whatever the target platform, though the same "
                f"instruction works out the CPU for its other downloads ({via}): another CPU's image gets "
                f"the {token} build.",
                hint=f"use the CPU it works out here too ({via}), mapped to this project's names if they differ",
                severity=Severity.WARNING,
                key=f"{token}:{value}",
            ))
    return out
