"""THE command analyser: container build/push/tag/run commands, whichever file they are written in.

Extractors (shell scripts, Makefile recipes, Dockerfile ``RUN``, workflow ``run:`` steps, Markdown
fences) give snippets; ``snippets_for(ctx)`` collects them from any model with
``shell_snippets()``; ``analyse(snippet)`` parses the shell (only when a cheap pre-filter finds a
container tool's name) and returns a ToolCommand for every command it recognises:

- builds: ``docker build``, ``docker buildx build`` (and ``buildx b``), ``docker image build``,
  ``docker builder build``, ``podman build``, ``podman buildx build``, ``podman image build``,
  ``buildah build``/``bud``, ``nerdctl build``; ``docker buildx bake`` (``--set *.platform=…``);
- ``docker``/``podman``/``buildah``/``nerdctl`` ``push`` and ``tag``; ``podman``/``buildah``
  ``manifest create|add|push``; ``docker manifest create``;
- ``kubectl``/``oc`` ``run --image``, ``set image`` and ``create deployment|job|cronjob --image``;
  ``docker``/``podman``/``nerdctl`` ``run --platform`` (``docker create`` read the same way);
- ``kind load docker-image``, ``minikube image load``, ``k3d image import`` ("local-load": an
  image that goes to a cluster on the same machine).

A build is ``opaque`` only when an unresolved argument may hold options (``may_hold_options``):
``"$@"``, a variable named like options (``$(BUILD_FLAGS)``) or one beside the build context;
unknowns in a tag, a ``--build-arg`` or the context path do not count.

Flags are read with the tools' real syntax: ``--flag value``, ``--flag=value``, repeated flags,
comma lists, short flags (``-t img``, ``-timg``, ``-f file``), flags without a value (``--push``,
``--load``, ``--pull``, ``-q``), ``--`` ends the options.  Global options before the sub-command
(``docker --context x build``, ``kubectl -n ns run``) are skipped.

The platform of a build comes from ``--platform`` (podman/buildah also ``--arch``/``--os``/
``--variant``, ``--all-platforms``), else from ``DOCKER_DEFAULT_PLATFORM`` (docker, nerdctl) or
``CONTAINER_DEFAULT_PLATFORM`` (podman, buildah) as a prefix
(``DOCKER_DEFAULT_PLATFORM=linux/amd64 docker build``), an ``export`` earlier in the script or
Makefile, or the snippet's environment.  Values go through the extractor's variable resolution:
a value with a ``$`` left in it is dynamic and trusted.
"""
from __future__ import annotations

import re

from . import platforms as plat
from .images import parse_image_ref
from .model import Span

TOOLS = ("docker", "podman", "buildah", "nerdctl", "kubectl", "oc", "kustomize")
#: tools that load a locally built image into a cluster on the same machine
LOADERS = ("kind", "minikube", "k3d")
#: tools that hand images to OLM as bundles (``opm index add --bundles``, ``operator-sdk run bundle``)
OLM_TOOLS = ("opm", "operator-sdk")
_PREFILTER = re.compile(
    r"(?<![A-Za-z0-9_.-])(?:docker|podman|buildah|nerdctl|kubectl|oc|kustomize"
    r"|kind[ \t]+load|minikube[ \t]+image|k3d[ \t]+image|opm[ \t]+index|operator-sdk[ \t]+run)"
    r"(?![A-Za-z0-9_]|-(?!v?[0-9]))"  # (bingo's kustomize-v5.4.3: the tool of a version)
    r"|\$[{(]?(?:KUSTOMIZE|OPM|OPERATOR_SDK|KIND|MINIKUBE|K3D)\b"
)

# flags that take a value, per family of commands (everything else is a switch; ``--x=v`` always
# carries its value)
_BUILD_VALUE = frozenset("""
--add-host --allow --annotation --attest --build-arg --build-context --builder --cache-from --cache-to
--call --cgroup-parent --cpu-period --cpu-quota -c --cpu-shares --cpuset-cpus --cpuset-mems -f --file
--iidfile --isolation --label -m --memory --memory-swap --metadata-file --network --no-cache-filter -o
--output --platform --progress --provenance --sbom --secret --shm-size --ssh -t --tag --target --ulimit
--security-opt --authfile --build-arg-file --cache-ttl --cap-add --cap-drop --cert-dir --cgroupns
--cpp-flag --creds --decryption-key --device --dns --dns-option --dns-search --env --format --from
--group-add --hooks-dir --ignorefile --ipc --jobs --layer-label --logfile --manifest --os --arch
--variant --os-feature --os-version --pid --retry --retry-delay --runtime --runtime-flag --sign-by
--source-date-epoch --timestamp --unsetenv --unsetlabel --userns --userns-uid-map --userns-gid-map
--userns-uid-map-user --userns-gid-map-group --uts -v --volume --volumes-from --label-file
--inherit-labels --sbom-output --sbom-image-output --sbom-purl-output --sbom-image-purl-output
--sbom-scanner-image --sbom-scanner-command --sbom-merge-strategy --save-stages --set --namespace
--address --snapshotter --rewrite-timestamp
""".split())
_PUSH_VALUE = frozenset("""
--authfile --cert-dir --compression-format --compression-level --creds --digestfile --encryption-key
--format -f --retry --retry-delay --sign-by --sign-by-sigstore --sign-by-sigstore-private-key
--sign-passphrase-file --signature-policy --platform --annotation --arch --os --os-version --variant
--features --artifact-type --artifact-config --artifact-config-type --artifact-layer-type
--artifact-exclude-titles --artifact-subject --artifact-annotation --remove-signatures --add-compression
""".split())
_RUN_VALUE = frozenset("""
-a --attach --add-host --annotation --blkio-weight --blkio-weight-device --cap-add --cap-drop
--cgroup-parent --cgroupns --cidfile --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime -c
--cpu-shares --cpus --cpuset-cpus --cpuset-mems --detach-keys --device --device-cgroup-rule
--device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-option
--dns-search --domainname --entrypoint -e --env --env-file --expose --gpus --group-add --health-cmd
--health-interval --health-retries --health-start-period --health-timeout -h --hostname --ip --ip6
--ipc --isolation --kernel-memory -l --label --label-file --link --link-local-ip --log-driver
--log-opt --mac-address -m --memory --memory-reservation --memory-swap --memory-swappiness --mount
--name --network --net --network-alias --oom-score-adj --pid --pids-limit --platform -p --publish
--pull --restart --runtime --security-opt --shm-size --stop-signal --stop-timeout --storage-opt
--sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume --volume-driver --volumes-from -w
--workdir --authfile --arch --os --variant --pod --secret --env-merge --hooks-dir --log-level
--requires --sdnotify --seccomp-policy --timeout --umask --uidmap --gidmap --subuidname --subgidname
--chrootdirs --cgroup-conf --cgroups --conmon-pidfile --decryption-key --image-volume --init-path
--passwd-entry --personality --preserve-fds --rdt-class --rootfs --tz --unsetenv --creds --cert-dir
--namespace
""".split())
_KUBECTL_GLOBAL_VALUE = frozenset("""
-n --namespace --context --kubeconfig --cluster --user -s --server --token --as --as-group --as-uid
--request-timeout --certificate-authority --client-certificate --client-key --tls-server-name
--cache-dir -v --v --log-file --vmodule --password --username --profile --profile-output
""".split())
_KUBECTL_VALUE = _KUBECTL_GLOBAL_VALUE | frozenset("""
--image --env --labels -l --port --restart --overrides --image-pull-policy --dry-run -o --output
--annotations --serviceaccount --pod-running-timeout --limits --requests --field-manager -f
--filename -k --kustomize --selector --template --grace-period --timeout --cascade --attach
--privileged --expose --hostport --override-type --show-managed-fields --allow-missing-template-keys
""".split())
_DOCKER_GLOBAL_VALUE = frozenset("""
-c --context -H --host --config -l --log-level --tlscacert --tlscert --tlskey --connection --url
--identity --root --runroot --storage-driver --storage-opt --runtime --cgroup-manager --events-backend
--tmpdir --registries-conf --registries-conf-dir --short-name-alias-conf --userns-uid-map
--userns-gid-map --namespace -n --address -a --snapshotter --cni-path --cni-netconfpath --data-root
--hosts-dir --cgroup-manager --module --network-cmd-path --volumepath --imagestore --hooks-dir
--conmon --db-backend --network-backend --out
""".split())
#: docker switches whose value is optional and only given with "=" (``--pull=always``)
_BUILD_TAG_FLAGS = ("-t", "--tag")
PLATFORM_ARGS = plat.PLATFORM_ARGS


class Flag:
    """One option of a command.  ``name`` as written before any ``=`` (``--platform``, ``-t``);
    ``value`` None for a switch; ``value_word`` the word holding the value (the flag's own word
    for ``--flag=value`` and ``-tvalue``); ``value_start`` the offset of the value inside that
    word's raw text when it can be located exactly, else -1."""

    __slots__ = ("name", "word", "value", "value_word", "value_start")

    def __init__(self, name, word, value=None, value_word=None, value_start=-1):
        self.name = name
        self.word = word
        self.value = value
        self.value_word = value_word
        self.value_start = value_start

    @property
    def dynamic(self) -> bool:
        if self.value is None:
            return False
        return plat.is_dynamic(self.value) or bool(self.value_word and self.value_word.dynamic)

    def value_span(self, start: int = 0, length: int | None = None) -> Span:
        """File span of ``value[start:start+length]`` when it can be located, else of the word
        holding the value."""
        w = self.value_word or self.word
        if self.value is not None and self.value_start >= 0:
            n = len(self.value) - start if length is None else length
            a = w.start + self.value_start + start
            return w.snippet.span(a, a + max(1, n))
        return w.span

    def edit_span(self) -> Span:
        """Span from the flag word to the end of its value (what removing the flag removes)."""
        w = self.value_word or self.word
        return self.word.snippet.span(self.word.start, max(w.end, self.word.end))

    def __repr__(self):
        return f"Flag({self.name}={self.value!r})"


class PlatformValue:
    """One platform item (``linux/arm64`` out of ``--platform linux/amd64,linux/arm64``).
    ``origin``: "flag", "env" (DOCKER_DEFAULT_PLATFORM) or "bake" (``--set *.platform=``);
    ``exact``: the span covers exactly this text in the file (a fix may replace it)."""

    __slots__ = ("value", "span", "origin", "exact", "flag", "dynamic", "defaulted")

    def __init__(self, value, span, origin, exact, flag=None, dynamic=False, defaulted=False):
        self.value = value
        self.span = span
        self.origin = origin
        self.exact = exact
        self.flag = flag
        self.dynamic = dynamic
        self.defaulted = defaulted

    def __repr__(self):
        return f"PlatformValue({self.value!r} {self.origin})"


class ImageRef:
    """An image reference a command names: a build's ``-t``, a push/tag target, ``--image``."""

    __slots__ = ("value", "span", "role", "dynamic", "defaulted")

    def __init__(self, value, span, role, dynamic=False, defaulted=False):
        self.value = value
        self.span = span
        self.role = role  # "tag", "push", "tag-target", "manifest", "image"
        self.dynamic = dynamic
        self.defaulted = defaulted

    def __repr__(self):
        return f"ImageRef({self.value!r} {self.role})"


class ToolCommand:
    """A recognised command.  ``action``: "build", "bake", "push", "tag", "manifest-create",
    "manifest-annotate", "manifest-add", "manifest-push", "run", "kube-run", "kube-create",
    "kube-delete", "set-image", "retag".  ``builder`` for builds:
    "docker" (``docker build``/``image build``/``builder build``), "buildx", "podman", "buildah",
    "nerdctl".  ``verb``: the sub-command word (``build``, ``bud``, ``push``...)."""

    __slots__ = ("tool", "action", "builder", "command", "verb", "flags", "args", "platforms",
                 "platform_source", "images", "env_assignment", "unexported", "ignored_env", "opaque")

    def __init__(self, tool, action, builder, command, verb):
        self.tool = tool
        self.action = action
        self.builder = builder
        self.command = command
        self.verb = verb
        self.flags: list[Flag] = []
        self.args: list = []  # positional Words
        self.platforms: list[PlatformValue] = []
        self.platform_source = "none"  # "flag", "env", "bake", "arch", "all", "none"
        self.images: list[ImageRef] = []
        self.env_assignment = None  # the DOCKER_DEFAULT_PLATFORM assignment used, if any
        self.unexported = None  # a default-platform variable set but not exported before the command
        self.ignored_env = None  # DOCKER_DEFAULT_PLATFORM given to podman/buildah, which ignore it
        self.opaque = False  # an unresolved ``$ARGS``/``"$@"`` may hold more options

    def __repr__(self):
        return f"ToolCommand({self.tool} {self.action} {self.flags} {self.args})"

    # -- helpers for the rules
    def flag(self, *names: str) -> Flag | None:
        for f in self.flags:
            if f.name in names:
                return f
        return None

    def all(self, *names: str) -> list[Flag]:
        return [f for f in self.flags if f.name in names]

    def has(self, *names: str) -> bool:
        return any(f.name in names for f in self.flags)

    @property
    def is_build(self) -> bool:
        return self.action == "build"

    @property
    def platforms_known(self) -> bool:
        """Every platform value is literal (none dynamic)."""
        return bool(self.platforms) and not any(p.dynamic for p in self.platforms)

    @property
    def platform_count(self) -> int | None:
        """How many platforms the command targets; None if unknown (a variable)."""
        if self.platform_source == "all":
            return 2
        if not self.platforms:
            return 0 if self.platform_source == "none" else None
        if any(p.dynamic for p in self.platforms):
            return None
        return len({p.value for p in self.platforms})

    @property
    def multi_platform(self) -> bool:
        c = self.platform_count
        return c is not None and c > 1

    @property
    def no_image(self) -> bool:
        """A build that only checks or prints (``--check``, ``--call``, ``--print``)."""
        return self.has("--check", "--call", "--print")

    def output_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.name in ("--push", "--load", "-o", "--output")]


# ---- collecting ------------------------------------------------------------------------------


def snippets_for(ctx) -> list:
    """The shell snippets of the file in ``ctx`` (any model with ``shell_snippets()``), cached."""

    def compute():
        fn = getattr(ctx.model, "shell_snippets", None)
        if fn is None:
            return []
        return list(fn() or ())

    return ctx.cached("commands.snippets", compute)


def commands_for(ctx) -> list[ToolCommand]:
    """Every recognised command of the file in ``ctx``, cached for all BC rules."""

    def compute():
        out: list[ToolCommand] = []
        for snip in snippets_for(ctx):
            out.extend(analyse(snip, ctx.settings))
        return out

    return ctx.cached("commands.tool_commands", compute)


def mentions_tool(text: str) -> bool:
    """Whether ``text`` names a container tool the analyser reads (docker, podman, kubectl ...)."""
    return _PREFILTER.search(text) is not None


def prefilter(snippet) -> bool:
    """Cheap test: could the snippet hold a container command at all?"""
    if _PREFILTER.search(snippet.text):
        return True
    env = getattr(snippet, "env", None)
    if env:
        return any(isinstance(v, str) and _PREFILTER.search(v) for v in env.values())
    return False


def analyse(snippet_or_commands, settings=None) -> list[ToolCommand]:
    """Recognise the container commands in a snippet (or in already extracted commands)."""
    if isinstance(snippet_or_commands, list):
        commands = snippet_or_commands
    else:
        if not prefilter(snippet_or_commands):
            return []
        from .parsers.shell import simple_commands

        commands = simple_commands(snippet_or_commands, TOOLS + LOADERS + OLM_TOOLS)
    out = []
    for cmd in commands:
        tc = recognise(cmd)
        if tc is not None:
            out.append(tc)
    return out


# ---- recognising one command ----------------------------------------------------------------


def recognise(cmd) -> ToolCommand | None:
    tool = cmd.program
    if tool not in TOOLS and tool not in LOADERS and tool not in OLM_TOOLS:
        return None
    words = cmd.args
    if any(w.value == "--help" for w in words):
        return None  # prints usage, builds nothing
    if tool in LOADERS:
        return _loader(cmd, tool, words)
    if tool in OLM_TOOLS:
        return _olm(cmd, tool, words)
    if tool in ("kubectl", "oc"):
        return _kubectl(cmd, tool, words)
    if tool == "kustomize":
        return _kustomize(cmd, tool, words)
    i = _skip_options(words, 0, _DOCKER_GLOBAL_VALUE)
    if i >= len(words):
        j = _unknown_then_build(words) if tool == "docker" else None
        # ``docker $(DOCKER_BUILDX) build``: buildx, or nothing (strimzi's Makefile.docker);
        # either way a build, read as the classic one (both load the image by default)
        return None if j is None else _build(cmd, tool, "docker", words, j)
    sub = words[i].value
    rest = i + 1
    nxt = words[rest].value if rest < len(words) else ""
    if tool == "docker":
        if sub == "buildx":
            j = _skip_options(words, rest, frozenset(("--builder",)))
            sub2 = words[j].value if j < len(words) else ""
            if sub2 in ("build", "b"):
                return _build(cmd, tool, "buildx", words, j)
            if sub2 == "bake":
                return _bake(cmd, tool, words, j)
            return None
        if sub == "build":
            return _build(cmd, tool, "docker", words, i)
        if sub in ("image", "builder") and nxt == "build":
            return _build(cmd, tool, "docker", words, rest)
        if sub == "push" or (sub == "image" and nxt == "push"):
            return _push(cmd, tool, words, i if sub == "push" else rest)
        if sub == "tag" or (sub == "image" and nxt == "tag"):
            return _tag(cmd, tool, words, i if sub == "tag" else rest)
        if sub == "manifest" and nxt in ("create", "annotate"):
            return _manifest(cmd, tool, "manifest-" + nxt, words, rest)
        if sub in ("run", "create") or (sub == "container" and nxt in ("run", "create")):
            return _run(cmd, tool, words, i if sub in ("run", "create") else rest)
        return None
    if tool == "podman":
        if sub == "build" or (sub in ("buildx", "image") and nxt == "build"):
            return _build(cmd, tool, "podman", words, i if sub == "build" else rest)
        if sub == "push" or (sub == "image" and nxt == "push"):
            return _push(cmd, tool, words, i if sub == "push" else rest)
        if sub == "tag" or (sub == "image" and nxt == "tag"):
            return _tag(cmd, tool, words, i if sub == "tag" else rest)
        if sub == "manifest" and nxt in ("create", "add", "push", "annotate"):
            return _manifest(cmd, tool, "manifest-" + nxt, words, rest)
        if sub == "run" or (sub == "container" and nxt == "run"):
            return _run(cmd, tool, words, i if sub == "run" else rest)
        return None
    if tool == "buildah":
        if sub in ("build", "bud", "build-using-dockerfile"):
            return _build(cmd, tool, "buildah", words, i)
        if sub == "push":
            return _push(cmd, tool, words, i)
        if sub == "tag":
            return _tag(cmd, tool, words, i)
        if sub == "manifest" and nxt in ("create", "add", "push"):
            return _manifest(cmd, tool, "manifest-" + nxt, words, rest)
        return None
    if tool == "nerdctl":
        if sub == "build" or (sub in ("image", "builder") and nxt == "build"):
            return _build(cmd, tool, "nerdctl", words, i if sub == "build" else rest)
        if sub == "push" or (sub == "image" and nxt == "push"):
            return _push(cmd, tool, words, i if sub == "push" else rest)
        if sub == "tag" or (sub == "image" and nxt == "tag"):
            return _tag(cmd, tool, words, i if sub == "tag" else rest)
        if sub == "run" or (sub == "container" and nxt == "run"):
            return _run(cmd, tool, words, i if sub == "run" else rest)
    return None


def _unknown_then_build(words) -> int | None:
    """The index of ``build`` right after the first unresolved word before any sub-command
    (``docker $(DOCKER_BUILDX) build``, ``docker --context ci $BUILDX build``), else None."""
    k = 0
    while k < len(words):
        w = words[k]
        if w.dynamic and w.value.startswith("$"):
            return k + 1 if k + 1 < len(words) and words[k + 1].value == "build" else None
        if not w.value.startswith("-"):
            return None
        k += 2 if "=" not in w.value and w.value in _DOCKER_GLOBAL_VALUE else 1
    return None


def _skip_options(words, i: int, value_flags) -> int:
    """Index of the first non-option word from ``i`` (global options before a sub-command)."""
    while i < len(words):
        v = words[i].value
        if words[i].dynamic and v.startswith("$"):
            return len(words)  # ``docker $OPTS build``: cannot tell what comes next
        if not v.startswith("-") or v == "-":
            return i
        if v == "--":
            return i + 1
        if "=" not in v and v in value_flags:
            i += 2
        else:
            i += 1
    return i


def _parse_flags(words, start: int, value_flags, stop_at_positional: bool = False):
    """Split ``words[start:]`` into (flags, positional words)."""
    flags: list[Flag] = []
    args: list = []
    i = start
    n = len(words)
    while i < n:
        w = words[i]
        v = w.value
        if v == "--":
            args.extend(words[i + 1:])
            break
        if v.startswith("-") and len(v) > 1 and not (w.dynamic and v.startswith("$")):
            if v.startswith("--"):
                name, eq, val = v.partition("=")
                if eq:
                    flags.append(Flag(name, w, val, w, _locate(w, val, len(name) + 1)))
                elif name in value_flags and i + 1 < n:
                    vw = words[i + 1]
                    flags.append(Flag(name, w, vw.value, vw, _locate(vw, vw.value, 0)))
                    i += 1
                else:
                    flags.append(Flag(name, w))
            else:
                # short flags, pflag style: -t img, -timg, -t=img, combined switches -it, -dp 80:80
                chars = v[1:]
                for k, ch in enumerate(chars):
                    short = "-" + ch
                    if short not in value_flags:
                        flags.append(Flag(short, w))
                        continue
                    rest = chars[k + 1:]
                    if rest:
                        val = rest[1:] if rest.startswith("=") else rest
                        flags.append(Flag(short, w, val, w, _locate(w, val, len(v) - len(val))))
                    elif i + 1 < n:
                        vw = words[i + 1]
                        flags.append(Flag(short, w, vw.value, vw, _locate(vw, vw.value, 0)))
                        i += 1
                    else:
                        flags.append(Flag(short, w))
                    break
            i += 1
            continue
        args.append(w)
        if stop_at_positional:
            args.extend(words[i + 1:])
            break
        i += 1
    return flags, args


def _locate(word, value: str, expected: int) -> int:
    """Offset of ``value`` in ``word.raw`` if it is written there literally, else -1."""
    raw = word.raw
    if word.value == raw and raw[expected:expected + len(value)] == value:
        return expected
    if value:
        k = raw.find(value, max(0, min(expected, len(raw))))
        if k < 0:
            k = raw.find(value)
        if k >= 0 and raw.count(value) == 1:
            return k
    return -1


#: the environment variable each tool takes a default platform from (podman/buildah: the
#: CONTAINER_DEFAULT_PLATFORM of newer releases; they ignore Docker's)
ENV_PLATFORM = {
    "docker": "DOCKER_DEFAULT_PLATFORM",
    "nerdctl": "DOCKER_DEFAULT_PLATFORM",
    "podman": "CONTAINER_DEFAULT_PLATFORM",
    "buildah": "CONTAINER_DEFAULT_PLATFORM",
}


def _env_platform(tc: ToolCommand) -> None:
    """The default-platform variable from the command's prefix, the script or the snippet env."""
    var = ENV_PLATFORM.get(tc.tool)
    if var is None:
        return
    a = tc.command.lookup(var)
    if a is None:
        if var != "DOCKER_DEFAULT_PLATFORM":
            other = tc.command.lookup("DOCKER_DEFAULT_PLATFORM")
            if other is not None:
                tc.ignored_env = other
        return
    if not a.exported and a.word is not None and a not in tc.command.assignments:
        tc.unexported = a
        return
    tc.env_assignment = a
    tc.platform_source = "env"
    value = a.value
    if a.word is None:
        span = tc.verb.span
        spans = getattr(tc.command.snippet, "env_spans", None) or {}
        span = spans.get(var, span)
        for item, _off in plat.split_list(value) or [(value, 0)]:
            tc.platforms.append(PlatformValue(item, span, "env", False, None, a.dynamic or plat.is_dynamic(item)))
        return
    w = a.word
    prefix = len(var) + 1
    base = _locate(w, value, prefix) if value else -1
    for item, off in plat.split_list(value) or [(value, 0)]:
        dyn = a.dynamic or plat.is_dynamic(item)
        if base >= 0:
            s = w.start + base + off
            span = w.snippet.span(s, s + len(item))
            tc.platforms.append(PlatformValue(item, span, "env", True, None, dyn, a.defaulted))
        else:
            tc.platforms.append(PlatformValue(item, w.span, "env", False, None, dyn, a.defaulted))


def _add_platform_flag(tc: ToolCommand, f: Flag, origin: str = "flag", value: str | None = None, offset: int = 0) -> None:
    value = f.value if value is None else value
    if value is None:
        return
    vw = f.value_word or f.word
    if value.startswith("-") and "$" in f.word.raw + vw.raw:  # (``--platform ${PLATFORMS}`` expanded empty, an option next:
        return tc.platforms.append(PlatformValue(value, vw.span, origin, False, f, True))  # unknown; vscode-dev-containers)
    items = plat.split_list(value)
    if not items:
        tc.platforms.append(PlatformValue(value, f.value_span(), origin, False, f, True))
        return
    for item, off in items:
        dyn = plat.is_dynamic(item) or (vw.dynamic and "$" in value)
        exact = f.value_start >= 0 and not vw.dynamic
        span = f.value_span(offset + off, len(item)) if exact else vw.span
        tc.platforms.append(PlatformValue(item, span, origin, exact, f, dyn, vw.defaulted))


def may_split(word) -> bool:
    """An unresolved word that may expand to several words (``$ARGS``, ``"$@"``)."""
    if not word.dynamic:
        return False
    raw = word.raw
    return not word.quoted or "$@" in raw or "$*" in raw or "[@]" in raw or "[*]" in raw


_LISTS = ("$@", "$*", "[@]", "[*]")
#: a variable named like a list of options, or like a path (matched on its name, upper-cased)
#: a variable named like options (``BUILD_FLAGS``, ``DOCKER_ARGS``): it may hold --platform
OPTIONS_NAME = re.compile(r"ARGS|FLAGS|OPTS|OPTIONS|PARAMS|EXTRA")
_PATH_NAME = re.compile(r"(?:DIR|PATH|ROOT|CONTEXT|CTX|WORKSPACE|PWD|HOME|SRC|SOURCE|FOLDER)$")
_REFERENCE = re.compile(r"\$(?:\{[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*|[0-9])|\([^()]*\))")


#: words that stand for options left out (``docker buildx build ...`` in a guide): any option,
#: ``--platform`` included, may be among them
_ELIDED = frozenset(("...", "\u2026", "[OPTIONS]", "[options]", "<options>", "OPTIONS"))


def may_hold_options(word, positional: list) -> bool:
    """Whether an unresolved argument of a build may expand to options such as ``--platform``:
    a list of arguments (``"$@"``, ``${ARGS[@]}``) or a variable named like one
    (``$(BUILD_FLAGS)``), or a variable standing beside the build context.  Not a word with
    text around its variable (``$(CURDIR)/build``), a variable named like a path, nor a
    variable that is the only positional argument (it is the build context).  A quoted word
    counts too where it stands beside the context, the build's one positional argument: it can
    only be an option (liqo's ``"$(if $DOCKER_PUSH; then echo --push; else echo --load; fi)"``)."""
    if not may_split(word) and not (word.dynamic and len(positional) > 1):
        return False
    raw = word.raw
    if any(x in raw for x in _LISTS):
        return True
    names = [m.group(1) or m.group(2) or "" for m in _REFERENCE.finditer(raw)]
    if _REFERENCE.sub("", raw).strip("\"'"):
        return False  # text around the variable: a path or a name, not options
    upper = " ".join(names).upper()
    if OPTIONS_NAME.search(upper):
        return True
    if names and all(n and _PATH_NAME.search(n.upper()) for n in names):
        return False
    return len(positional) > 1


def build_context(tc):
    """The word that is a build's context: its one positional argument, or the one literal
    positional beside unresolved variables that stand alone (gatekeeper's ``$(_ATTESTATIONS) .``,
    options a Makefile sets only under ``ifdef``: whatever they hold, ``.`` is the context).
    None when unknown: a list of arguments (``"$@"``, ``"${ARGS[@]}"``: the context perhaps among
    them), two literals, or a variable with text around it (a path)."""
    if any(x in w.raw for w in tc.args for x in _LISTS):
        return None
    if len(tc.args) == 1:
        return tc.args[0]
    lits = [w for w in tc.args if not may_split(w)]
    if len(lits) != 1:
        return None
    for w in tc.args:
        if w is not lits[0] and _REFERENCE.sub("", w.raw).strip("\"'"):
            return None  # text around a variable: a path or a name, maybe the context
    return lits[0]


def _build(cmd, tool, builder, words, verb_index) -> ToolCommand:
    tc = ToolCommand(tool, "build", builder, cmd, words[verb_index])
    tc.flags, tc.args = _parse_flags(words, verb_index + 1, _BUILD_VALUE)
    tc.opaque = any(may_hold_options(w, tc.args) or w.value in _ELIDED for w in tc.args)
    for f in tc.flags:
        if f.name == "--platform":
            _add_platform_flag(tc, f)
    if tc.platforms:
        tc.platform_source = "flag"
    elif tool in ("podman", "buildah") and tc.has("--all-platforms"):
        tc.platform_source = "all"
    elif tool in ("podman", "buildah") and tc.has("--arch", "--os", "--variant"):
        tc.platform_source = "arch"
    else:
        _env_platform(tc)
    for f in tc.all(*_BUILD_TAG_FLAGS):
        if f.value is not None:
            tc.images.append(_image(f.value, f.value_span(), "tag", f.value_word))
    return tc


def _bake(cmd, tool, words, verb_index) -> ToolCommand:
    tc = ToolCommand(tool, "bake", "buildx", cmd, words[verb_index])
    tc.flags, tc.args = _parse_flags(words, verb_index + 1, _BUILD_VALUE)
    tc.opaque = any(may_split(w) for w in tc.args)
    for f in tc.flags:
        if f.name == "--set" and f.value:
            key, eq, val = f.value.partition("=")
            if eq and key.rsplit(".", 1)[-1] == "platform":
                _add_platform_flag(tc, f, "bake", val, len(key) + 1)
    if tc.platforms:
        tc.platform_source = "bake"
    return tc


#: containers/image transports that write to this machine (the Docker daemon, podman's store,
#: a folder or an archive): a ``podman push`` there copies the image, it does not publish it
LOCAL_TRANSPORTS = ("docker-daemon:", "containers-storage:", "oci:", "oci-archive:", "dir:", "docker-archive:")


def _push(cmd, tool, words, verb_index) -> ToolCommand:
    tc = ToolCommand(tool, "push", "", cmd, words[verb_index])
    tc.flags, tc.args = _parse_flags(words, verb_index + 1, _PUSH_VALUE)
    if tool in ("podman", "buildah") and len(tc.args) >= 2 and tc.args[-1].value.startswith(LOCAL_TRANSPORTS):
        # (buildah's demo: ``podman push $img docker-daemon:$user/$img:latest`` then ``docker run``)
        tc.action = "tag"
        tc.images.append(_image(tc.args[-1].value, tc.args[-1].span, "tag-target", tc.args[-1]))
        return tc
    for f in tc.all("--platform"):
        _add_platform_flag(tc, f)
    if tc.args and not tc.has("-a", "--all-tags"):
        target = tc.args[-1] if tool in ("podman", "buildah") else tc.args[0]
        tc.images.append(_image(target.value, target.span, "push", target))
    return tc


def _tag(cmd, tool, words, verb_index) -> ToolCommand:
    tc = ToolCommand(tool, "tag", "", cmd, words[verb_index])
    tc.flags, tc.args = _parse_flags(words, verb_index + 1, frozenset())
    for target in tc.args[1:]:
        tc.images.append(_image(target.value, target.span, "tag-target", target))
    return tc


def _manifest(cmd, tool, action, words, verb_index) -> ToolCommand:
    tc = ToolCommand(tool, action, "", cmd, words[verb_index])
    tc.flags, tc.args = _parse_flags(words, verb_index + 1, _PUSH_VALUE)
    if action == "manifest-create" and tc.args:
        t = tc.args[0]
        tc.images.append(_image(t.value, t.span, "manifest", t))
    elif action == "manifest-push" and tc.args:
        t = tc.args[-1]
        tc.images.append(_image(t.value, t.span, "push", t))
    for f in tc.all("--platform"):
        _add_platform_flag(tc, f)
    return tc


def _run(cmd, tool, words, verb_index) -> ToolCommand:
    tc = ToolCommand(tool, "run", "", cmd, words[verb_index])
    tc.flags, tc.args = _parse_flags(words, verb_index + 1, _RUN_VALUE, stop_at_positional=True)
    for f in tc.all("--platform"):
        _add_platform_flag(tc, f)
    if tc.platforms:
        tc.platform_source = "flag"
    return tc


_LOADER_VALUE = frozenset(("--name", "-n", "--nodes", "-c", "--cluster", "-p", "--profile", "--mode", "--node"))


def _loader(cmd, tool, words) -> ToolCommand | None:
    """``kind load docker-image IMG…``, ``minikube image load IMG…``, ``k3d image import IMG…``:
    the images go to a cluster on the same machine (action "local-load", images in ``args``)."""
    vals = [w.value for w in words[:2]]
    if vals not in (["load", "docker-image"], ["image", "load"], ["image", "import"]):
        return None
    if tool == "kind" and vals[0] != "load" or tool != "kind" and vals[0] != "image":
        return None
    tc = ToolCommand(tool, "local-load", "", cmd, words[1])
    tc.flags, tc.args = _parse_flags(words, 2, _LOADER_VALUE)
    return tc


#: flags of ``opm index add`` and ``operator-sdk run bundle`` that take a value
_OLM_VALUE = frozenset(("--bundles", "-b", "--tag", "-t", "--from-index", "-f", "--container-tool", "-c",
                        "--binary-image", "-i", "--mode", "--out-dockerfile", "-d", "--pull-tool", "-p",
                        "--build-tool", "-u", "--namespace", "-n", "--timeout", "--index-image", "--kubeconfig",
                        "--install-mode", "--pull-secret-name", "--service-account", "--security-context-config",
                        "--decompression-image", "--ca-secret-name"))


def _olm(cmd, tool, words) -> ToolCommand | None:
    """``opm index add --bundles a,b`` (or ``-b``), ``operator-sdk run bundle[-upgrade] IMG``: the
    images handed to OLM as bundles (action "olm-bundle"; ``olm_bundles`` reads them, not
    ``images``: no tag rule judges them here)."""
    vals = [w.value for w in words[:2]]
    if not (tool == "opm" and vals == ["index", "add"]
            or tool == "operator-sdk" and vals in (["run", "bundle"], ["run", "bundle-upgrade"])):
        return None
    tc = ToolCommand(tool, "olm-bundle", "", cmd, words[1])
    tc.flags, tc.args = _parse_flags(words, 2, _OLM_VALUE)
    return tc


def olm_bundles(tc: ToolCommand) -> list[str]:
    """The images an "olm-bundle" command hands to OLM: ``--bundles``'s comma-separated list, or
    ``run bundle``'s image (its first argument naming one)."""
    if tc.tool == "opm":
        return [v for f in tc.all("--bundles", "-b") if f.value for v in f.value.split(",") if v]
    return [w.value for w in tc.args if "/" in w.value][:1]


def _kustomize(cmd, tool, words) -> ToolCommand | None:
    """``kustomize edit set image NAME=NEW:TAG...``: the Kustomization's image NAME gets the tag
    the command gives, so the tag written in the files is a placeholder (kubebuilder's
    ``cd config/manager && $(KUSTOMIZE) edit set image controller=${IMG}``).  Action
    "retag"; ``retag_names`` reads the NAMEs (no ``images``: a NAME is not an image reference)."""
    vals = [w.value for w in words[:3]]
    if vals != ["edit", "set", "image"]:
        return None
    tc = ToolCommand(tool, "retag", "", cmd, words[2])
    tc.flags, tc.args = _parse_flags(words, 3, frozenset())
    return tc


def retag_names(tc: ToolCommand) -> list[str]:
    """The image names a ``kustomize edit set image`` sets (``NAME=NEW:TAG`` -> ``NAME``; the
    repository of ``NEW:TAG`` when no ``NAME=`` is given), as written (unknown parts kept)."""
    out = []
    for w in tc.args:
        name, eq, _new = w.value.partition("=")
        out.append(name if eq else parse_image_ref(w.value)[0])
    return out


#: the kinds of object kubectl names by each of its spellings (``kubectl delete po NAME``): what
#: ``kubectl run`` (a pod) and ``kubectl create KIND`` make
KUBE_KINDS = {"pod": "pod", "pods": "pod", "po": "pod", "deployment": "deployment", "deployments": "deployment",
              "deploy": "deployment", "job": "job", "jobs": "job", "cronjob": "cronjob", "cronjobs": "cronjob",
              "cj": "cronjob"}
_KUBE_CREATE = ("deployment", "deploy", "job", "cronjob", "cj")


def _kubectl(cmd, tool, words) -> ToolCommand | None:
    i = _skip_options(words, 0, _KUBECTL_GLOBAL_VALUE)
    if i >= len(words):
        return None
    sub = words[i].value
    if sub == "run":
        tc = ToolCommand(tool, "kube-run", "", cmd, words[i])
        # options may come after the pod name; everything after "--" is the container's command
        tc.flags, tc.args = _parse_flags(words, i + 1, _KUBECTL_VALUE)
        for f in tc.all("--image"):
            if f.value is not None:
                tc.images.append(_image(f.value, f.value_span(), "image", f.value_word))
        return tc
    if sub == "create" and i + 1 < len(words) and words[i + 1].value in _KUBE_CREATE:
        tc = ToolCommand(tool, "kube-create", "", cmd, words[i + 1])
        tc.flags, tc.args = _parse_flags(words, i + 2, _KUBECTL_VALUE)
        for f in tc.all("--image"):
            if f.value is not None:
                tc.images.append(_image(f.value, f.value_span(), "image", f.value_word))
        return tc
    if sub == "delete":  # (what it deletes: ``local.deleted_objects``)
        tc = ToolCommand(tool, "kube-delete", "", cmd, words[i])
        tc.flags, tc.args = _parse_flags(words, i + 1, _KUBECTL_VALUE)
        return tc
    if sub == "set" and i + 1 < len(words) and words[i + 1].value == "image":
        tc = ToolCommand(tool, "set-image", "", cmd, words[i + 1])
        tc.flags, tc.args = _parse_flags(words, i + 2, _KUBECTL_VALUE)
        for w in tc.args:
            name, eq, image = w.value.partition("=")
            if eq and image and "/" not in name:
                off = _locate(w, image, len(name) + 1)
                span = w.snippet.span(w.start + off, w.start + off + len(image)) if off >= 0 else w.span
                tc.images.append(_image(image, span, "image", w))
        return tc
    return None


def _image(value: str, span: Span, role: str, word=None) -> ImageRef:
    dyn = plat.is_dynamic(value) or bool(word is not None and word.dynamic and "$" in value)
    return ImageRef(value, span, role, dyn, bool(word is not None and word.defaulted))


# ---- image references -------------------------------------------------------------------------

# image references are read by images.split_ref
