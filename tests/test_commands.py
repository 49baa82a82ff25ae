"""The command analyser (archlint/commands.py), and a property test: random token soups and
truncated scripts/Makefiles/Markdown through every extractor, the analyser and the BC rules."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint import commands
from archlint.config import Settings
from archlint.parsers import makefile, markdown, shell
from archlint.parsers.shell import ShellSnippet
from archlint.registry import Context, rules_for_kind
from archlint.snippet import Snippet
from archlint.source import Source

from helpers import FIXTURES

BC = FIXTURES / "BC"


def analyse(text: str, env=None):
    snip = ShellSnippet(text, [(i + 1, 1) for i in range(text.count("\n") + 1)], "script", env or {})
    return commands.analyse(snip, Settings())


def one(text: str, env=None):
    (tc,) = analyse(text, env)
    return tc


# ---- recognition --------------------------------------------------------------------------------


@pytest.mark.parametrize("text,tool,action,builder,verb", [
    ("docker build .", "docker", "build", "docker", "build"),
    ("docker buildx build .", "docker", "build", "buildx", "build"),
    ("docker buildx b .", "docker", "build", "buildx", "b"),
    ("docker buildx --builder x build .", "docker", "build", "buildx", "build"),
    ("docker image build .", "docker", "build", "docker", "build"),
    ("docker builder build .", "docker", "build", "docker", "build"),
    ("docker --context remote -H ssh://h build .", "docker", "build", "docker", "build"),
    ("docker buildx bake --push", "docker", "bake", "buildx", "bake"),
    ("podman build .", "podman", "build", "podman", "build"),
    ("podman buildx build .", "podman", "build", "podman", "build"),
    ("podman --remote build .", "podman", "build", "podman", "build"),
    ("buildah build .", "buildah", "build", "buildah", "build"),
    ("buildah bud .", "buildah", "build", "buildah", "bud"),
    ("nerdctl build .", "nerdctl", "build", "nerdctl", "build"),
    ("/usr/local/bin/docker build .", "docker", "build", "docker", "build"),
    ("docker push a:1", "docker", "push", "", "push"),
    ("docker image push a:1", "docker", "push", "", "push"),
    ("docker tag a:1 b:1", "docker", "tag", "", "tag"),
    ("podman push a:1", "podman", "push", "", "push"),
    ("podman manifest create l", "podman", "manifest-create", "", "create"),
    ("podman manifest add l img", "podman", "manifest-add", "", "add"),
    ("podman manifest push l dest", "podman", "manifest-push", "", "push"),
    ("docker manifest create l a b", "docker", "manifest-create", "", "create"),
    ("kubectl run x --image=a:1", "kubectl", "kube-run", "", "run"),
    ("kubectl -n ns --context c run x --image a:1", "kubectl", "kube-run", "", "run"),
    ("kubectl set image deploy/x c=a:1", "kubectl", "set-image", "", "image"),
    ("oc set image deploy/x c=a:1", "oc", "set-image", "", "image"),
    ("docker run --platform linux/amd64 alpine", "docker", "run", "", "run"),
    ("docker container run alpine", "docker", "run", "", "run"),
    ("kustomize edit set image controller=ghcr.io/acme/op:v1", "kustomize", "retag", "", "image"),
    # a program in a folder not known here is still that program
    ("$LOCALBIN/kustomize edit set image controller=x", "kustomize", "retag", "", "image"),
    ("${DOCKER_DIR}/docker build .", "docker", "build", "docker", "build"),
    # an unresolved word before build is buildx or nothing (strimzi's docker $(DOCKER_BUILDX) build)
    ("docker $DOCKER_BUILDX build -t a:1 .", "docker", "build", "docker", "build"),
    ("docker --debug $BUILDX build .", "docker", "build", "docker", "build"),
    ("docker --context ci $BUILDX build .", "docker", "build", "docker", "build"),
])
def test_recognised(text, tool, action, builder, verb):
    tc = one(text)
    assert (tc.tool, tc.action, tc.builder, tc.verb.value) == (tool, action, builder, verb)


@pytest.mark.parametrize("text", [
    "docker images", "docker compose build", "docker-compose build", "docker buildx ls",
    "docker manifest inspect x", "podman manifest inspect x", "kubectl apply -f x", "kubectl get pods",
    "echo docker build", "docker", "docker --version", "$DOCKER build .", "command -v docker",
    "podman", "kubectl set env deploy/x A=1", "kustomize build config/default", "kustomize edit add resource x",
    "$BIN/$TOOL build .", "${BIN}/ build .", "docker $SUB push a:1", "docker $OPTS $SUB build .",
])
def test_not_recognised(text):
    assert analyse(text) == []


def test_flag_syntax():
    tc = one("docker buildx build --platform=linux/amd64 --platform linux/arm64 -t a:1 -tb:2 --tag=c:3 "
             "-f Dockerfile --file=x --push --load --pull -q --build-arg A=1 --build-arg=B=2 -- .")
    names = [(f.name, f.value) for f in tc.flags]
    assert names == [
        ("--platform", "linux/amd64"), ("--platform", "linux/arm64"), ("-t", "a:1"), ("-t", "b:2"),
        ("--tag", "c:3"), ("-f", "Dockerfile"), ("--file", "x"), ("--push", None), ("--load", None),
        ("--pull", None), ("-q", None), ("--build-arg", "A=1"), ("--build-arg", "B=2"),
    ]
    assert [a.value for a in tc.args] == ["."]
    assert [p.value for p in tc.platforms] == ["linux/amd64", "linux/arm64"]
    assert [i.value for i in tc.images] == ["a:1", "b:2", "c:3"]
    assert tc.platform_count == 2 and tc.multi_platform


def test_switches_do_not_eat_the_context():
    tc = one("docker build --no-cache --pull --rm -q .")
    assert [a.value for a in tc.args] == ["."]
    assert all(f.value is None for f in tc.flags)


def test_platform_items_have_exact_spans():
    tc = one("docker buildx build --platform linux/amd64,linux/arm64 --platform='linux/s390x' .")
    spans = [(p.value, p.span.col, p.span.end_col, p.exact) for p in tc.platforms]
    assert spans == [
        ("linux/amd64", 32, 43, True), ("linux/arm64", 44, 55, True), ("linux/s390x", 68, 79, True),
    ]


def test_platform_from_environment():
    assert one("DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build .").platform_source == "env"
    tc = one("export DOCKER_DEFAULT_PLATFORM=linux/arm64\ndocker build .")
    assert tc.platform_source == "env" and tc.platforms[0].value == "linux/arm64"
    assert (tc.platforms[0].span.line, tc.platforms[0].span.col) == (1, 32)
    tc = one("DOCKER_DEFAULT_PLATFORM=linux/arm64\ndocker build .")
    assert tc.platform_source == "none" and tc.unexported is not None
    tc = one("docker build .", env={"DOCKER_DEFAULT_PLATFORM": "linux/amd64"})
    assert tc.platform_source == "env"
    tc = one("docker build .", env={"DOCKER_DEFAULT_PLATFORM": None})
    assert tc.platform_source == "env" and tc.platforms[0].dynamic
    assert one("podman build --arch arm64 .").platform_source == "arch"
    assert one("podman build --all-platforms --manifest m .").platform_source == "all"


def test_variables_resolve_platforms():
    tc = one('PLATFORMS="${PLATFORMS:-linux/amd64,linux/arm64}"\ndocker buildx build --platform "$PLATFORMS" .')
    assert [p.value for p in tc.platforms] == ["linux/amd64", "linux/arm64"]
    assert all(p.defaulted and not p.dynamic for p in tc.platforms)
    tc = one("docker buildx build --platform linux/${ARCH} .")
    assert tc.platforms[0].dynamic and tc.platform_count is None and not tc.multi_platform


def test_makefile_variables_feed_the_analyser():
    text = "PLATFORM ?= linux/amd64\nbuild:\n\tdocker build --platform $(PLATFORM) .\n"
    (snip,) = makefile.parse(Source("Makefile", text)).shell_snippets()
    (tc,) = commands.analyse(snip)
    assert tc.platforms[0].value == "linux/amd64"
    assert (tc.platforms[0].span.line, tc.platforms[0].span.col, tc.platforms[0].span.end_col) == (3, 26, 37)


def test_bake_set_platform_and_args():
    tc = one("docker buildx bake --set '*.platform=linux/amd64,linux/arm64' --set app.args.TARGETARCH=x app")
    assert tc.platform_source == "bake" and tc.platform_count == 2
    assert [p.span.col for p in tc.platforms] == [38, 50]


def test_push_tag_manifest_and_kubectl_images():
    assert [i.value for i in one("docker push reg/app:1").images] == ["reg/app:1"]
    assert one("docker push -a reg/app").images == []
    assert [i.value for i in one("podman push local docker://reg/app:1").images] == ["docker://reg/app:1"]
    assert [i.value for i in one("docker tag a:1 reg/app:2").images] == ["reg/app:2"]
    assert [i.value for i in one("docker manifest create reg/app:1 a b").images] == ["reg/app:1"]
    assert [i.value for i in one("podman manifest push list docker://reg/app:1").images] == ["docker://reg/app:1"]
    tc = one("kubectl set image deployment/web web=reg/app:1 sidecar=reg/side")
    assert [(i.value, i.span.col) for i in tc.images] == [("reg/app:1", 38), ("reg/side", 56)]


def test_docker_run_stops_at_the_image():
    tc = one("docker run --rm -it -e A=1 -v /x:/y --platform linux/arm64 alpine docker build --platform x .")
    assert [a.value for a in tc.args][:2] == ["alpine", "docker"]
    assert [p.value for p in tc.platforms] == ["linux/arm64"]


def test_split_ref():
    from archlint.images import split_ref as s

    assert s("nginx") == ("nginx", None, None)
    assert s("nginx:latest") == ("nginx", "latest", None)
    assert s("192.168.1.2:5000/app") == ("192.168.1.2:5000/app", None, None)
    assert s("192.168.1.2:5000/app:1") == ("192.168.1.2:5000/app", "1", None)
    assert s("docker://reg/app:1@sha256:abc") == ("reg/app", "1", "sha256:abc")
    assert s("oci:/tmp/x") is None


def test_prefilter_skips_text_without_tools():
    assert not commands.prefilter(Snippet("echo hello && make all", [(1, 1)]))
    assert commands.prefilter(Snippet("/usr/bin/docker build .", [(1, 1)]))
    assert not commands.prefilter(Snippet("docker-compose up", [(1, 1)]))
    assert commands.prefilter(ShellSnippet("$T build .", [(1, 1)], "", {"T": "podman"}))


def test_snippets_for_any_model_with_shell_snippets():
    class Model:
        def __init__(self):
            self.calls = 0

        def shell_snippets(self):
            self.calls += 1
            return [Snippet("docker build .", [(7, 3)])]

    model = Model()
    ctx = Context(Source("x", ""), model, "workflow", Settings())
    assert len(commands.snippets_for(ctx)) == 1
    commands.snippets_for(ctx)
    assert model.calls == 1  # cached
    (tc,) = commands.commands_for(ctx)
    assert (tc.verb.span.line, tc.verb.span.col) == (7, 10)
    assert commands.snippets_for(Context(Source("x", ""), object(), "python", Settings())) == []


# ---- property: nothing escapes ------------------------------------------------------------------

TOKENS = [
    "docker", "podman", "buildah", "nerdctl", "kubectl", "build", "buildx", "bake", "bud", "push", "tag",
    "manifest", "create", "add", "run", "set", "image", "--platform", "--platform=", "linux/amd64",
    "linux/arm64,linux/amd64", "linux/x86_64", "amd64", "-t", "--tag", "img:latest", "img", "--load",
    "--push", "-o", "type=docker", "--output", "--build-arg", "TARGETARCH=amd64", "--manifest", "--set",
    "*.platform=linux/arm64", "--image=x", "DOCKER_DEFAULT_PLATFORM=linux/amd64", "export", "sudo", "env",
    "&&", "||", ";", "|", "&", "(", ")", "{", "}", "$(", "`", "'", '"', "\\", "\\\n", "\n", "\t", " ",
    "$X", "${X:-linux/amd64}", "${", "}", "X=", "<<EOF", "EOF", "#", "if", "then", "fi", "for", "do", "done",
    "case", "esac", "$$", "$(IMG)", "${IMG}", "$(shell uname -m)", ":", "=", ":=", "?=", "+=", "define",
    "endef", "ifeq", "endif", "include", "-", "@", "+", "```", "```bash", "```console", "~~~sh", "$ ", "# ",
    "> ", "é", "✓", "\x00", "\r\n", "--", "-", "sh", "-c", "oc",
]

soup = st.lists(st.sampled_from(TOKENS), max_size=40).map(lambda xs: "".join(
    t if t in ("\n", " ", "\t") else t + " " for t in xs))


def _run_kind(kind: str, text: str, platforms=()) -> None:
    from archlint import platforms as plat

    source = Source("f", text)
    parse = {"shell": shell.parse, "makefile": makefile.parse, "markdown": markdown.parse}[kind]
    model = parse(source)
    cfg = Settings(platforms=tuple(plat.parse(p) for p in platforms))
    for snip in model.shell_snippets():
        shell.simple_commands(snip)
        for tc in commands.analyse(snip):
            for p in tc.platforms:
                p.span  # noqa: B018
    ctx = Context(source, model, kind, cfg)
    for rule in rules_for_kind(kind):
        if rule.family != "BC":
            continue
        ctx.rule = rule
        for f in rule.check(ctx):
            assert f.span.line >= 1 and f.span.col >= 1
            assert (f.span.end_line, f.span.end_col) > (f.span.line, f.span.col)


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True, scope="module")
def strict_shell():
    """Here exceptions must surface: simple_commands would otherwise fall back to the line scan."""
    shell.STRICT = True
    yield
    shell.STRICT = False


@FAST
@given(text=soup, kind=st.sampled_from(["shell", "makefile", "markdown"]), two=st.booleans())
def test_token_soup_never_raises(text, kind, two):
    _run_kind(kind, text, ("linux/amd64", "linux/arm64") if two else ())


def _sample_texts():
    out = []
    for p in sorted(BC.rglob("*")):
        if p.is_file():
            out.append((p.name, p.read_text()))
    return out


SAMPLES = _sample_texts()


@FAST
@given(data=st.data())
def test_truncated_fixtures_never_raise(data):
    name, text = data.draw(st.sampled_from(SAMPLES))
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    start = data.draw(st.integers(min_value=0, max_value=cut))
    piece = text[start:cut]
    kind = "makefile" if name.endswith(".mk") else "markdown" if name.endswith(".md") else "shell"
    _run_kind(kind, piece, ("linux/amd64",))
    _run_kind("shell", piece)


def test_combined_short_flags():
    tc = one("docker run -dp 8080:80 --platform=linux/arm64 -it nginx:1 sh")
    assert [(f.name, f.value) for f in tc.flags] == [
        ("-d", None), ("-p", "8080:80"), ("--platform", "linux/arm64"), ("-i", None), ("-t", None),
    ]
    assert tc.args[0].value == "nginx:1"
    tc = one("docker build -qt app:1 -f=Dockerfile .")
    assert [(f.name, f.value) for f in tc.flags] == [("-q", None), ("-t", "app:1"), ("-f", "Dockerfile")]


@pytest.mark.parametrize("text, opaque", [
    ("docker build $BUILD_ARGS -t app:1 .", True),  # named like options
    ("docker build -t app:1 $DOCKER_BUILD_OPTS", True),
    ('docker build "$@"', True),
    ("podman build ${EXTRA[@]} .", True),
    ("docker build $X .", True),  # beside the context: may be anything
    ("docker build -t app:1 $CONTEXT", False),  # the only positional argument: the context
    ("docker build -t app:1 $1", False),
    ("docker build -t app:1 ${WORKDIR}/app", False),  # text around it: a path
    ("docker build -t $IMAGE --build-arg V=$VERSION -f $DOCKERFILE .", False),  # option values
    ("docker build -t app:1 $SRC_DIR $ROOT", False),  # named like paths
])
def test_only_an_unknown_where_options_stand_makes_a_build_opaque(text, opaque):
    assert one(text).opaque is opaque


@pytest.mark.parametrize("text, images", [
    ("kind load docker-image app:dev ctl:dev --name e2e", ["app:dev", "ctl:dev"]),
    ("minikube image load app:dev -p dev", ["app:dev"]),
    ("k3d image import app:dev -c dev", ["app:dev"]),
])
def test_local_cluster_loaders(text, images):
    tc = one(text)
    assert tc.action == "local-load" and [w.value for w in tc.args] == images
    assert tc.images == []  # not an image reference BC006 judges


def test_docker_create_is_read_like_run():
    tc = one("docker create --name t tool:1")
    assert tc.action == "run" and tc.args[0].value == "tool:1"


def test_kustomize_retag_names_are_the_names_it_sets():
    tc = one('kustomize edit set image controller=ghcr.io/acme/op:v1 quay.io/acme/api:2 "${SRC}=${DST}:${TAG}"')
    assert commands.retag_names(tc) == ["controller", "quay.io/acme/api", "${SRC}"]
    assert tc.images == []  # names, not image references: no image rule judges them

