"""How a repository's release rewrites its manifests' image tags, read from the commands of a
file (a Makefile, a script, a workflow, a runbook): a ``sed`` substituting tags in the files it
names, the files ``kustomize build`` generates from the folders so rewritten, and the folders
whose ``kustomize build`` output is piped to such a sed.  Facts ``rewrites``, ``generated`` and
``piped``; the model (``patches.Patches``) answers whether a manifest's
``latest`` is such a placeholder.  Every line is looked at once."""
from __future__ import annotations

import bisect
import re

#: ``sed 's/:latest/:$(VERSION)/' manifests/$*`` (argo-workflows), ``cat k.yaml | sed 's/newTag:
#: .*/newTag: $(VERSION)/'`` (argo-events): a command that rewrites the image tags of files for a
#: release.  A ``sed`` substitution's start; a pattern that replaces a tag (``:latest``, or any tag:
#: ``newTag: .*``, ``image: quay.io/x:.*``, ``:[a-zA-Z0-9_.-]\+``; or the word ``latest`` a values
#: file's ``tag: latest`` holds: kubevela's ``s/latest/${image_tag}/g``, volcano's
#: ``s|image_tag_version: \"latest\"|...|``); an input piped from ``cat``
_SED_SUBST = re.compile(r"(?<![\w-])s([/|#@,;:!%~+])")
#: also $(SED): strimzi's Makefile.os picks sed or gsed; $SED_CMD: open-cluster-management's
#: update-csv.sh (sed, or gsed on macOS)
#: and ``perl -pi -e 's@...@...@'``, perl's in-place edit with sed's substitution (inspektor-gadget's
#: release; an ``i`` in ``-Mstrict`` or ``-Ilib`` is no in-place switch)
_SED = re.compile(r"(?i:\bsed\b|\$[({]?SED_?CMD\b)|(?<![\w-])perl(?:\s+-\w+)*?\s+-[a-zA-HJ-LN-Z]*i")
_TAG_PATTERN = re.compile(r":latest|newTag:\s?\.\*$|:\s?(?:\.\*|\[[^\]]{1,24}\](?:\*|\\?\+))\$?$"
                          r"|(?:^|[\s\"'])latest\\?[\"']?$")
#: a pattern ending in a bare ``tag:`` key: every ``tag:`` line of a values file, whichever image
#: it belongs to (loki's stale ``s/.*tag:.*/  tag: ${VERSION}/``): not a rewrite of known images
_BARE_TAG_KEY = re.compile(r"(?<![A-Za-z])[Tt]ag:\s?(?:\.\*|\[[^\]]{1,24}\](?:\*|\\?\+))\$?$")
#: a pattern that replaces the value a YAML anchor carries, so every alias of it: karmada's
#: ``s/\(\&karmadaImageVersion \)[^[:space:]]\+/\1${version}/g`` on its charts' values
_ANCHOR = re.compile(r"\\?&([A-Za-z_][\w.-]{0,63})[ \t]{0,8}(?:\\\))?[ \t]{0,8}(?:\.\*|\[[^\]]{1,24}\]\]?(?:\*|\\?\+)|\\S|latest)")
#: a pattern that replaces the value on the lines a marker comment ends (flyte's tag-helm.sh:
#: ``s,tag:[^P]*# FLYTE_TAG,tag: ${VERSION} # FLYTE_TAG,`` on its chart's values)
_MARKER = re.compile(r"(?:[Tt]ag|[Ii]mage|[Vv]ersion|newTag)\s?:\s?(?:\.|\[[^\]]{1,24}\])(?:\*|\\?\+)\s?#\s?([A-Za-z_][\w.-]{0,63})$")
#: in a values file: a YAML anchor's value, and a value a marker comment ends (``tag: latest # FLYTE_TAG``)
_ANCHOR_AT = re.compile(r"(?m):[ \t]+&([A-Za-z_][\w.-]{0,63})[ \t]+[^\s#]")
_MARKED_AT = re.compile(r"(?m)^[ \t]*(?:[Tt]ag|[Ii]mage|[Vv]ersion|newTag)[ \t]*:[^#\n]*#[ \t]?([A-Za-z_][\w.-]{0,63})[ \t]*$")
_SEPARATOR = re.compile(r"[>|;&]")
#: (an open quote runs to the line's end: read once, never again from each later quote)
_QUOTED = re.compile(r"'[^']*(?:'|$)|\"(?:[^\"\\]|\\.)*(?:\"|\\?$)")
#: ``cp SRC DST``: a release that copies a manifest and rewrites the copy rewrites what it copied
_CP = re.compile(r"(?<![\w-])cp\s+(?:-[a-zA-Z]+\s+)*([^\s;&|<>-][^\s;&|<>]*)\s+([^\s;&|<>]+)")
_CAT_INPUT = re.compile(r"\bcat\s+(\S+)\s*\|")
#: ``find ./packaging/install -name '*.yaml' -exec sed -i '...' {} \;`` (strimzi's release)
_FIND_INPUT = re.compile(r"\bfind\)?\s+([^\s-]\S*)", re.I)
_PATH_OPERAND = re.compile(r"[\w.${}()*/-]*/[\w.${}()*/-]*|[\w.${}()*-]+\.ya?ml")


def _separators(line: str) -> tuple:
    """Where the line's commands end (``>``, ``|``, ``;``, ``&``) outside quotes, and the quoted
    spans (start, end): a ``;`` inside a quoted sed or perl script separates its substitutions,
    not commands.  Linear."""
    seps = [x.start() for x in _SEPARATOR.finditer(line)]
    if "'" not in line and '"' not in line:
        return seps, []
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(line)]
    return [x for x in seps if not _inside(quoted, x)], quoted


def _inside(quoted: list, at: int) -> int:
    """The end of the quoted span (``_separators``) holding offset ``at``, else 0."""
    k = bisect.bisect_right(quoted, (at, 1 << 62)) - 1
    return quoted[k][1] if k >= 0 and at < quoted[k][1] else 0


def _delimited(text: str, start: int, d: str) -> int:
    """The offset of the next ``d`` from ``start`` not escaped by a backslash, or -1."""
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == d:
            return i
        i += 1
    return -1


#: a Helm chart's metadata file, which holds no image (its ``version:``/``appVersion:`` a release's
#: sed sets: christianhuth's ``sed -i "s/^version:.*/.../" "charts/${CHART}/Chart.yaml"``, not a
#: rewrite of every file below ``charts/``)
_CHART_FILE = re.compile(r"(?:^|/)Chart\.ya?ml$")


def _operands(words) -> list:
    """The file paths among a command's words (a path, or a folder ending in ``/``), but a chart's
    ``Chart.yaml``, which holds no image."""
    out = []
    for w in words:
        w = w.replace("'", "").replace('"', "")  # (./charts/"${chart}"/values.yaml: one word)
        if not _PATH_OPERAND.fullmatch(w) or _CHART_FILE.search(w):
            continue
        cut = min((w.find(c) for c in "$*{" if c in w), default=-1)
        p = w if cut < 0 else w[:cut].rsplit("/", 1)[0] + "/" if "/" in w[:cut] else ""
        if p:
            out.append(p)
    return out


#: ``for f in a.yaml b.yaml; do`` (continued lines included): its variable, its words up to the
#: first ``;`` or line end that is not a continuation, then ``do``
_FOR_HEAD = re.compile(r"\bfor\s+([A-Za-z_]\w*)\s+in\b")
_LIST_END = re.compile(r"(?<!\\)[;\n]")
_DO = re.compile(r"\s*do\b")
_LONE_VAR = re.compile(r"""["']?\$\{?([A-Za-z_]\w*)\}?["']?""")


def _for_loops(text: str) -> list:
    """(offset of its end, variable, words) of each ``for NAME in WORDS; do`` of ``text``.  The
    ends of word lists are found once for the text; a loop's words are read only when ``do``
    follows (at most 4,000 characters of them)."""
    ends = [m.start() for m in _LIST_END.finditer(text)]
    out = []
    for m in _FOR_HEAD.finditer(text):
        k = bisect.bisect_left(ends, m.end())
        if k == len(ends):
            break
        do = _DO.match(text, ends[k] + 1)
        if do is None:
            continue
        words = text[m.end():min(ends[k], m.end() + 4000)].replace("\\\n", " ").split()[:64]
        out.append((do.end(), m.group(1), words))
    return out


#: a literal assignment on a line of its own: a script's ``VALUES_YAML="installer/chart/values.yaml"``
#: (``export``/``readonly``/``local`` too), a Makefile's ``CHART := charts/app``, a workflow
#: ``env:`` entry's ``HELM_CHART: charts/vela-core``
_ASSIGN = re.compile(r"""(?m)^[ \t]*(?:(?:export|readonly|local|declare)[ \t]+)?([A-Za-z_]\w*)[ \t]*(?:[:?]?=|:)[ \t]*"""
                     r"""(["']?)([\w.${}()/-]+)\2[ \t]*$""")
#: a variable reference standing for a whole path or its start: ``$X``, ``${X}``, ``$(X)``
_REF = re.compile(r"\$(?:\{(\w+)\}|\((\w+)\)|(\w+))")


def _assignments(text: str) -> tuple:
    """Variable -> its value, for variables this text assigns one literal path-like value only
    (a second, different value makes it unknown); a leading root variable of the value is
    dropped (``${VK_ROOT}/installer/...``: read from the file's folder or the top).  And, in
    order, every assignment (offset, variable, value or None, whether it starts its line), for
    the value a script's variable holds where it is used (``_Running``)."""
    out: dict = {}
    order: list = []
    for m in _ASSIGN.finditer(text):
        value = _ROOT_VAR.sub("", m.group(3), count=1)
        if "$" in value or "/" not in m.group(3) and not value.endswith((".yaml", ".yml")):
            value = None  # (DEPLOY_DIR=$REPO_ROOT/deploy: the folder deploy)
        order.append((m.start(), m.group(1), value, text[m.start()] not in " \t"))
        if out.get(m.group(1), value) != value:
            value = None
        out[m.group(1)] = value
    return out, order


class _Running:
    """A script's variables as it runs top to bottom, for the value a variable the script
    assigns several values holds where it is used (release.sh's ``FILE=deploy/.../
    kustomization.yaml``, ``sed ... $FILE``, then ``FILE=deploy/base/...``): the last assigned
    before, when that assignment starts its line and no ``for`` loop over the variable comes
    between; an indented one (a branch's) makes it unknown.  ``at`` only moves forward: linear."""

    def __init__(self, values: dict, order: list, loops: list):
        self.values, self.order, self.loops = values, order, loops
        self.i = self.k = 0
        self.now: dict = {}  # variable -> (offset of its last assignment, value or None)
        self.looped: dict = {}  # variable -> the end of the last for loop over it

    def at(self, here: int) -> "_Running":
        """The variables at offset ``here`` (not before the last asked): this, for ``get``."""
        while self.i < len(self.order) and self.order[self.i][0] < here:
            off, name, value, top = self.order[self.i]
            self.i += 1
            if self.values.get(name, 1) is None:
                self.now[name] = (off, value if top else None)
        while self.k < len(self.loops) and self.loops[self.k][0] <= here:
            self.looped[self.loops[self.k][1]] = self.loops[self.k][0]
            self.k += 1
        return self

    def get(self, name: str, default=None):
        if name not in self.now:
            return self.values.get(name, default)
        off, value = self.now[name]
        return value if self.looped.get(name, -1) < off else None


def _resolved(words: list, values: dict, passed: dict | None = None) -> list:
    """``words`` with the variables a file assigns literally put in (``"${VALUES_YAML}"``,
    ``$HELM_CHART/values.yaml``); others stay, and a path cut at them stays unknown.  A word
    that is one variable the file assigns nothing and that its ``$(MAKE)`` calls of the
    target pass (``passed``: variable -> values) is each value passed."""
    out = []
    for w in words:
        if "$" in w:
            lone = _LONE_REF.fullmatch(w) if passed else None
            name = next((g for g in lone.groups() if g), None) if lone is not None else None
            if name and passed.get(name) and values.get(name) is None:
                out += passed[name]
                continue
            w = _REF.sub(lambda m: values.get(m.group(1) or m.group(2) or m.group(3)) or m.group(0), w)
        out.append(w)
    return out


#: a script's function definition: ``bump() {``, ``function bump {`` (its indentation: where its
#: closing brace stands)
_FUNC_HEAD = re.compile(r"([ \t]*)(?:function[ \t]+[A-Za-z_][\w:.-]*[ \t]*(?:\([ \t]*\))?|[A-Za-z_][\w:.-]*[ \t]*\([ \t]*\))"
                        r"[ \t]*\{")
_LONE_REF = re.compile(r"""["']?""" + _REF.pattern + r"""["']?""")  # (a word that is one reference)
#: a Makefile calling one of its targets with variables (``$(MAKE) set-manifest-image
#: MANIFEST_IMG=... TARGET_RESOURCE="./config/default/manager_image_patch.yaml"``: Cluster API
#: providers' release), and a rule's first line (``set-manifest-image:``)
_MAKE_CALL = re.compile(r"(?:\$\(MAKE\)|\$\{MAKE\})(?:[ \t]+-\S+)*[ \t]+([\w.-]+)([^\n]*)")
_PASSED = re.compile(r"""(?<![\w$(])([A-Za-z_]\w*)=(?:"([^"\n$]*)"|'([^'\n$]*)'|([^\s"'$;|&]+))""")
_RULE_HEAD = re.compile(r"([\w.-]+)[ \t]*:(?!=)")


def _make_passed(text: str) -> dict:
    """Target -> variable -> the path-like values (a path with ``/``, or a YAML file) that the
    Makefile's ``$(MAKE) TARGET VAR=value`` calls pass, in order; at most 8 each.  Each line is
    read once."""
    out: dict = {}
    for call in _MAKE_CALL.finditer(text):
        for m in _PASSED.finditer(call.group(2)):
            v = m.group(2) or m.group(3) or m.group(4) or ""
            got = out.setdefault(call.group(1), {}).setdefault(m.group(1), [])
            if ("/" in v or v.endswith((".yaml", ".yml"))) and len(got) < 8 and v not in got:
                got.append(v)
    return out


def _loop_words(words: list, latest: dict) -> list:
    """``words`` with a lone ``"$f"`` replaced by the words of the last ``for f in ...`` loop
    before them (``latest``; trainer's release: ``for f in manifests/overlays/*/kustomization.yaml;
    do sed -i "s/newTag: .*/newTag: $TAG/" "$f"``)."""
    if not latest or "$" not in "".join(words):
        return words
    out = []
    for w in words:
        m = _LONE_VAR.fullmatch(w)
        out += latest.get(m.group(1), [w]) if m is not None else [w]
    return out


def _anchor_of(pattern: str) -> str | None:
    """The anchor (``NAME``) or marker comment (``#NAME``) whose value a sed's pattern replaces."""
    m = _ANCHOR.search(pattern) if "&" in pattern else None
    if m is not None:
        return m.group(1)
    m = _MARKER.search(pattern) if "#" in pattern else None
    return None if m is None else "#" + m.group(1)


def value_marks(text: str) -> list[str]:
    """``line:NAME`` of each line of a values file carrying a YAML anchor (``&karmadaImageVersion
    latest``) and ``line:#NAME`` of each value a marker comment ends (``tag: latest # FLYTE_TAG``):
    what a release sed may rewrite by that name (``patches.anchored``); 64 at most."""
    found: list = []
    for pattern, mark, hint in ((_ANCHOR_AT, "", "&"), (_MARKED_AT, "#", "#")):
        if hint not in text:
            continue
        line, at = 1, 0
        for m in pattern.finditer(text):
            line, at = line + text.count("\n", at, m.start()), m.start()
            found.append(f"{line}:{mark}{m.group(1)}")
            if len(found) == 64:
                return found
    return found


def release_rewrites(text: str, out: dict, ordered: bool = False) -> None:
    """The files (a path, or a folder ending in ``/``, relative to this file's folder) whose
    image tags a ``sed`` of this file rewrites: their ``latest`` is a placeholder.  Each line is
    looked at once: the substitutions after a ``sed`` word, each scanned to its delimiters.
    ``ordered``: the text runs top to bottom (a script, a runbook), so a variable assigned
    several values holds the one assigned before its use (not a Makefile's, expanded late)."""
    _other_writers(text, out)
    if "sed" not in text and "SED" not in text and "perl" not in text:
        return
    # a command continued over lines (sed -i \ / 's|x:latest|x:1|' \ / manifests/setup.yaml:
    # fluent-operator's release workflow) is read as one line; offsets do not move
    text = text.replace("\\\n", "  ")
    size = len(text)  # (the lines _called puts in come after: their place in the run is unknown)
    if "()" in text or "function" in text:
        text += _called(text)
    found, piped, anchored = [], [], []  # anchored: "NAME:PATH", the anchor NAME's value in the files PATH names
    loops = _for_loops(text) if "for" in text else []
    latest: dict = {}  # variable -> the words of the last for loop over it, before the sed
    copies: dict = {}  # the destination of a ``cp`` before the sed -> its source (as written)
    values, order = _assignments(text) if "=" in text or ":" in text else ({}, [])
    passed = _make_passed(text) if "MAKE" in text else {}
    target = None  # the Makefile rule whose recipe the line is in
    closing = None  # the line that ends the function body the lines are in (a script's)
    running = _Running(values, order, loops) if ordered and any(v is None for v in values.values()) else None
    li = offset = 0
    for line in text.split("\n"):
        here, offset = offset, offset + len(line) + 1
        if passed and line[:1] not in ("\t", " ", "#", ""):
            head = _RULE_HEAD.match(line)
            target = head.group(1) if head is not None else target
        body = False  # (a line of a function's body runs where the function is called: not here)
        if running is not None:
            head = _FUNC_HEAD.match(line) if closing is None else None
            if head is not None:
                closing = None if "}" in line[head.end():] else head.group(1) + "}"
                body = True
            elif closing is not None:
                body = True
                closing = None if line.startswith(closing) or line.strip() == "}" else closing
        if "cp" in line and len(copies) < 32:
            copies.update((c.group(2).strip("'\""), c.group(1)) for c in _CP.finditer(line))
        m = _SED.search(line) if "sed" in line or "SED" in line or "perl" in line else None
        if m is None:
            continue
        while li < len(loops) and loops[li][0] <= here + m.start():
            latest[loops[li][1]] = loops[li][2]
            li += 1
        pos, files = m.end(), []
        here_values = running.at(here) if running is not None and here < size and not body else values
        # what the sed reads besides its operands, before the sed word: once per line
        cat = _CAT_INPUT.search(line, 0, m.start())
        find = _FIND_INPUT.search(line, 0, m.start())
        # a command's operands end at the next separator: each segment's read once
        seps, quoted = _separators(line)
        operands: dict = {}
        seds: list = []  # where the sed word of each substitution that rewrites any image's tag starts
        # (the sed words of a line that also builds with kustomize, found once: a build piped to them)
        sed_words = [x.start() for x in _SED.finditer(line)] if "kustomize" in line or "KUSTOMIZE" in line else []
        while len(found) + len(files) < 32:
            s = _SED_SUBST.search(line, pos)
            if s is None:
                break
            d = s.group(1)
            mid = _delimited(line, s.end(), d)
            end = _delimited(line, mid + 1, d) if mid >= 0 else -1
            if end < 0:
                break
            pos = end + 1
            pattern = line[s.end():mid]
            tm = _TAG_PATTERN.search(pattern)
            am = _anchor_of(pattern) if tm is None else None
            if tm is None and am is None and _PLACEHOLDER.fullmatch(pattern) and "$" in line[mid:end]:
                files += _written(line, seps, end, here_values)  # (a template's placeholder: what it writes)
            if am is None and (tm is None or _BARE_TAG_KEY.search(pattern)):
                continue
            if am is None and sed_words and not _NAMED.search(pattern, 0, tm.start()):
                # (not ``s|quay.io/acme/manager:latest|...|``: that one image's tag only)
                seds.append(sed_words[bisect.bisect_right(sed_words, s.start()) - 1])
            k = bisect.bisect_right(seps, end)
            seg_end = seps[k] if k < len(seps) else len(line)
            if seg_end not in operands:
                rest = line[(_inside(quoted, end) or end + 1):seg_end]  # (after the quoted script it ends in)
                words = rest.split()[1:] if not rest[:1].isspace() else rest.split()
                given = passed.get(target) if target else None
                words = [copies.get(w.strip("'\""), w) for w in words] if copies else words
                operands[seg_end] = (rest, _operands(_resolved(_loop_words(words, latest), here_values, given)))
            rest, named = operands[seg_end]
            got = list(named)
            if cat is not None:
                got += _operands([cat.group(1)])
            if find is not None and "{}" in rest:
                root = _resolved([find.group(1).strip("'\"")], here_values)[0].rstrip("/") + "/"
                got += [p if p.endswith("/") else p + "/" for p in _operands([root])]
            if am is None:
                files += got
            else:  # (the anchor's value only: another latest of the file stays)
                anchored += [f"{am}:{p}" for p in got if len(anchored) < 32]
        for p in files:
            if p not in found and len(found) < 32:
                found.append(p)
        for at in list(dict.fromkeys(seds))[:8]:  # (each reads the line up to its sed: a few a line)
            src = _piped_build(line, at) if len(piped) < 32 else None
            if src and src not in piped:
                piped.append(src)
    if found:
        out["rewrites"] = list(dict.fromkeys(out.get("rewrites", []) + found))[:32]
    if anchored:
        out["anchored"] = list(dict.fromkeys(anchored))
    if piped:
        out["piped"] = piped


#: a template's placeholder for the release's tag (seldon-core's ``#TAG_VERSION_PLACEHOLDER#``,
#: ``__VERSION__``, ``%%IMAGE_TAG%%``): a literal token, marked or upper-case, naming a tag or version
_PLACEHOLDER = re.compile(r"[#%@_{}<]{0,4}[A-Z0-9_]{0,40}(?:TAG|VERSION)[A-Z0-9_]{0,40}[#%@_}>]{0,4}")


_FIRST_WORD = re.compile(r"[ \t]*(\S+)")


def _written(line: str, seps: list, end: int, values: dict) -> list:
    """The file the command whose sed script ends at ``end`` writes with ``> FILE`` (seldon-core's
    ``sed "s/#TAG_VERSION_PLACEHOLDER#/${CUSTOM_IMAGE_TAG}/g" values.yaml.template > values.yaml``):
    its tags are the placeholder's value, the release's."""
    k = bisect.bisect_right(seps, end)
    if k == len(seps) or line[seps[k]] != ">" or line[seps[k] + 1:seps[k] + 2] == ">":
        return []
    m = _FIRST_WORD.match(line, seps[k] + 1)  # (not a split of the rest of the line for each substitution)
    words = [m.group(1)] if m else []
    return [p for p in _operands(_resolved(words, values)) if p.endswith((".yaml", ".yml"))]


def _other_writers(text: str, out: dict) -> None:
    """What commands other than a sed write for the release: ``kustomize build`` outputs, and
    the charts ``helm package --app-version`` packages (their ``Chart.yaml``)."""
    if "kustomize" in text or "KUSTOMIZE" in text:
        _kustomize_outputs(text, out)
    if "package" in text and "--app-version" in text:
        _helm_packages(text, out)
    if "template" in text and ("helm" in text or "HELM" in text):
        _helm_templates(text, out)


#: ``helm template seldon-core-v2-components ./helm-charts/seldon-core-v2-setup | grep -v ... >
#: yaml/components.yaml``: a chart rendered into a file of the repository
_HELM_TEMPLATE = re.compile(r"(?:\bhelm|\$\{?HELM\}?|\$\(HELM\))[ \t]+template\b([^\n;&]*)")
#: helm template's flags that take a value (the words after them are not the chart)
_HELM_TEMPLATE_VALUED = ("-n", "--namespace", "-f", "--values", "--set", "--set-string", "--version", "--kube-version",
                         "--api-versions", "-a", "--output-dir", "--repo", "--name-template", "-s", "--show-only")


def _helm_templates(text: str, out: dict) -> None:
    """[chart folder, output] of each ``helm template [NAME] CHART ... > FILE`` (through pipes):
    the rendered file carries what the chart's values say, so a ``latest`` a release writes
    into those values (``rewrites``) is its placeholder too (``patches.rewritten``).  At most 32."""
    pairs = out.get("generated", [])
    for m in _HELM_TEMPLATE.finditer(text):
        if len(pairs) >= 32:
            break
        head, _, rest = m.group(1).partition("|")
        outputs = (rest if rest else head).rsplit(">", 1)
        if len(outputs) < 2 or outputs[0].endswith(">"):
            continue
        args = head.split(">")[0].split()
        words = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] not in _HELM_TEMPLATE_VALUED)]
        chart, dst = _operands(words[1:2] or words[:1]), _operands(outputs[1].split()[:1])
        if chart and dst and not dst[0].endswith("/") and [chart[0].rstrip("/") + "/", dst[0]] not in pairs:
            pairs.append([chart[0].rstrip("/") + "/", dst[0]])
    if pairs:
        out["generated"] = pairs


#: ``$HELM package --app-version $VERSION --version $VERSION $ANTREA_CHART`` (antrea's release):
#: the chart's ``appVersion``, which its templates' image tags default to, is the release's
_HELM_PACKAGE = re.compile(r"(?:\bhelm|\$\{?HELM\}?|\$\(HELM\))[ \t]+package\b([^\n;&|]*)")
_HELM_VALUED = ("--app-version", "--version", "-d", "--destination", "--key", "--keyring", "--passphrase-file")


def _helm_packages(text: str, out: dict) -> None:
    """The ``Chart.yaml`` (relative to this file's folder, a leading root variable dropped) of
    each chart folder a ``helm package`` with ``--app-version`` names: its ``latest`` is a
    placeholder for the version the release gives.  At most 32."""
    found: list = []
    values = None
    for m in _HELM_PACKAGE.finditer(text):
        args = m.group(1).split()
        if not any(a == "--app-version" or a.startswith("--app-version=") for a in args) or len(found) >= 32:
            continue
        values = _assignments(text)[0] if values is None else values
        words = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] not in _HELM_VALUED)]
        words = [_ROOT_VAR.sub("", w.strip("'\""), count=1) for w in _resolved(words, values)]
        found += [p.rstrip("/") + "/Chart.yaml" for p in _operands([w if "/" in w else w + "/" for w in words])]
    if found:
        out["rewrites"] = list(dict.fromkeys(out.get("rewrites", []) + found))[:32]


#: a positional parameter of a function's body: ``$2``, ``${2}``
_POSITIONAL = re.compile(r"\$(?:\{([1-9])\}|([1-9]))")
_CALLS = 64  # calls of such functions put in at most: linear in the text


def _called(text: str) -> str:
    """The ``sed`` lines of the functions ``text`` defines that substitute their positional
    parameters, once for each call with its arguments in place (katib's ``update_yaml_files()
    { find "$1" ... -exec sed -i -e "s@$2@$3@" {} \\; }`` and ``update_yaml_files
    "${INSTALLS_PATH}" "newTag: .*" "newTag: ${TAG}"``), as new lines after the text, its words
    read by the shell parser's tokenizer; at most 64 calls, and no more text than ``text``
    holds."""
    from ..parsers.shell import function_bodies, words  # (a Dockerfile's run need not load it)

    bodies: dict = {}
    for name, body in function_bodies(text):
        bodies.setdefault(name, []).extend((b, len(_POSITIONAL.findall(b))) for b in body
                                           if _SED.search(b) and _POSITIONAL.search(b))
    bodies = {k: v for k, v in bodies.items() if v}
    if not bodies:
        return ""
    out = []
    calls = 0
    budget = len(text)  # what is put in is never more than the text itself: linear
    for line in text.split("\n"):
        head = line.split(None, 1)
        if not head or head[0] not in bodies or len(head) < 2:
            continue
        args = words(head[1])
        longest = max(map(len, args), default=0)
        for b, n in bodies[head[0]]:
            size = len(b) + n * longest + 1  # (at most what the line becomes, known before it is made)
            if size <= budget:
                budget -= size
                out.append(_POSITIONAL.sub(lambda m: _arg(args, m), b))
        calls += 1
        if calls == _CALLS:
            break
    return "\n" + "\n".join(out) if out else ""


def _arg(args: list, m: re.Match) -> str:
    """The call's argument a positional parameter stands for, or the parameter kept (unknown)."""
    k = int(m.group(1) or m.group(2))
    return args[k - 1] if k <= len(args) else m.group(0)


#: ``kustomize build ${REPO_ROOT}/config/overlays/all | yq ... | sed s/:latest/:$TAG/g`` (kserve's
#: release): a ``kustomize build DIR`` command, the first in a pipeline whose output reaches the sed
_BUILD_CMD = re.compile(r"^\s*(?:\S*kustomize|\$\(KUSTOMIZE\)|\$\{KUSTOMIZE\}|\$KUSTOMIZE)\s+build\s+([^\s<>]+)")
#: a root a script or Makefile names its paths from (``${REPO_ROOT}/config``, ``$(ROOT_DIR)/config``)
_ROOT_VAR = re.compile(r"^(?:\$\{\w+\}|\$\(\w+\)|\$\w+)/")
_COMMAND_END = re.compile(r"[;&]")
#: a name before the tag in a sed's pattern: the substitution rewrites that image's tag only
_NAMED = re.compile(r"[A-Za-z0-9]")


def _piped_build(line: str, sed_at: int) -> str | None:
    """The folder (ending in ``/``) that a ``kustomize build`` builds when its output is piped,
    through pipes only, to the sed at ``sed_at`` of ``line``; a leading root variable is dropped
    (the path is then read from the file's folder or the top, as ``rewrites``).  Linear: the
    line's pipeline is split once."""
    head = line[:sed_at]
    cut = max((m.end() for m in _COMMAND_END.finditer(head)), default=0)  # the sed's own command list
    ored = head.rfind("||", cut)
    cut = cut if ored < 0 else ored + 2
    stages = head[cut:].split("|")
    if len(stages) < 2:
        return None
    m = _BUILD_CMD.match(stages[0].lstrip("( "))
    if m is None:
        return None
    w = _ROOT_VAR.sub("", m.group(1).strip("'\""), count=1)
    if not w or any(c in w for c in "$*{}()") or w.startswith("-"):
        return None
    return w.rstrip("/") + "/"


def _kustomize_word(w: str) -> bool:
    """``kustomize``, ``bin/kustomize``, or the variable kubebuilder names it by (``$(KUSTOMIZE)``)."""
    return w.endswith("kustomize") or w in ("$(KUSTOMIZE)", "${KUSTOMIZE}", "$KUSTOMIZE")


def _kustomize_outputs(text: str, out: dict) -> None:
    """``kubectl kustomize manifests/cluster-install > manifests/install.yaml`` (argo-events),
    ``kustomize build DIR -o FILE``: [folder, output] pairs, relative to this file's folder.  What
    a sed rewrites in the folder's Kustomization, the generated file carries too."""
    pairs: list = []
    for line in text.split("\n"):
        if "kustomize" not in line.lower() or len(pairs) >= 32:
            continue
        words = line.replace(">", " > ").split()
        for i, w in enumerate(words):
            if not _kustomize_word(w) or len(pairs) >= 32:
                continue
            j = i + 1
            if j < len(words) and words[j] == "build" and not (i and words[i - 1].endswith("kubectl")):
                j += 1
            elif not (i and words[i - 1].endswith("kubectl")):
                continue
            src = dst = None
            while j < len(words) and words[j] not in ("|", ";", "&&", "||") and not _kustomize_word(words[j]):
                if words[j] in (">", "-o", "--output") and j + 1 < len(words):
                    dst = words[j + 1]
                    j += 2
                    continue
                if src is None and not words[j].startswith("-"):
                    src = words[j]
                j += 1
            src_ok, dst_ok = _operands([src or ""]), _operands([dst or ""])
            if src_ok and dst_ok and not dst_ok[0].endswith("/") and [src_ok[0], dst_ok[0]] not in pairs:
                pairs.append([src_ok[0], dst_ok[0]])
    if pairs:
        out["generated"] = pairs
