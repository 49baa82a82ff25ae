"""BC009 on inline shell scripts: an architecture-specific download in a script that a
multi-platform image build runs; quiet for scripts that detect their CPU and for tools the
script installs on the machine that runs it."""
from __future__ import annotations

import pytest

from helpers import ONE, TWO, findings, lint_inline, show, write_files

SCRIPT = r"""
    #!/bin/sh
    set -eu
    curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl
    wget -q "https://example.com/tool_s390x.tar.gz" && tar xzf tool_s390x.tar.gz
    echo "see https://example.com/arm64 for details"
"""

DOCKERFILE = """
    FROM alpine:3.20
    COPY rootfs/ /
    RUN /build.sh
"""


def _bc009(tmp_path, text, dockerfile=DOCKERFILE, name="rootfs/build.sh", **table):
    if dockerfile is not None:
        write_files(tmp_path, {"Dockerfile": dockerfile})
    return show(findings(lint_inline(text, kind="shell", name=name, tmp_path=tmp_path, **table), "BC009"))


def test_bc009_flags_downloads_in_a_script_an_image_build_runs(tmp_path):
    assert _bc009(tmp_path, SCRIPT, platforms=TWO) == [
        "3:36 BC009 The download names one architecture, amd64 (https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl),"
        " and the script never detects its own, yet ../Dockerfile runs it in an image built for several platforms"
        " (linux/amd64, linux/arm64): every platform's image gets the amd64 build.",
        "4:9 BC009 The download names one architecture, s390x (https://example.com/tool_s390x.tar.gz), and the script"
        " never detects its own, yet ../Dockerfile runs it in an image built for several platforms (linux/amd64,"
        " linux/arm64): every platform's image gets the s390x build.",
    ]
    sev = [f.severity.label for f in findings(lint_inline(SCRIPT, kind="shell", name="rootfs/build.sh",
                                                          tmp_path=tmp_path, platforms=TWO), "BC009")]
    assert sev == ["warning", "error"]  # s390x is not a configured target at all


def test_bc009_leaves_signing_keys_and_checksums(tmp_path):
    # a key or checksum in an architecture's folder holds the same bytes for every CPU
    text = SCRIPT.replace("tool_s390x.tar.gz\"", "x86_64/RPM-GPG-KEY-acme\"").replace(
        "bin/linux/amd64/kubectl", "bin/linux/amd64/kubectl.sha256")
    assert _bc009(tmp_path, text, platforms=TWO) == []


def test_bc009_needs_several_platforms(tmp_path):
    assert _bc009(tmp_path, SCRIPT, platforms=ONE) == []
    # none configured: the file alone says the image may be built for another CPU (as DF006 does);
    # the project model keeps it only where a build of the Dockerfile targets another CPU
    assert _bc009(tmp_path, SCRIPT)[:1] == [
        "3:36 BC009 The download names one architecture, amd64 (https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl),"
        " and the script never detects its own, yet ../Dockerfile runs it in an image build; no target platforms are"
        " configured, so the image may be built for another CPU."]
    sev = {f.severity.label for f in findings(lint_inline(SCRIPT, kind="shell", name="rootfs/build.sh", tmp_path=tmp_path),
                                              "BC009")}
    assert sev == {"warning"}


def test_bc009_shows_a_url_holding_a_commands_output_as_written(tmp_path):
    # discourse_docker's install-firefox: the version is a download's output
    text = ('#!/bin/bash\nV=$(wget -qO- https://product-details.mozilla.org/1.0/firefox_versions.json | cut -d\'"\' -f4)\n'
            'wget -q "https://archive.mozilla.org/pub/firefox/releases/$V/linux-x86_64/en-US/firefox-$V.tar.xz"\n')
    assert _bc009(tmp_path, text, platforms=TWO) == [
        "3:9 BC009 The download names one architecture, x86_64 (https://archive.mozilla.org/pub/firefox/releases/$V/"
        "linux-x86_64/en-US/firefox-$V.tar.xz), and the script never detects its own, yet ../Dockerfile runs it in an"
        " image built for several platforms (linux/amd64, linux/arm64): every platform's image gets the x86_64 build."]


@pytest.mark.parametrize("dockerfile, reported", [
    # neko's apps/chromium: copied under another name, run only where dpkg says amd64
    ("FROM debian:12\nCOPY ./build.sh /widevine.sh\nRUN set -eux; \\\n    # only for amd64\n"
     "    if [ \"$(dpkg --print-architecture)\" = amd64 ]; then /widevine.sh; fi\n", False),
    ("FROM debian:12\nCOPY ./build.sh /widevine.sh\nRUN /widevine.sh\n", True),
    # one RUN picks, another runs it whatever the CPU
    ("FROM debian:12\nCOPY build.sh /\nRUN [ \"$TARGETARCH\" = amd64 ] && /build.sh\nRUN /build.sh --again\n", True),
    ("FROM debian:12\nCOPY build.sh /\nRUN case \"$(uname -m)\" in x86_64) /build.sh;; esac\n", False),
])
def test_bc009_leaves_a_script_the_dockerfile_runs_only_for_the_cpu_it_works_out(tmp_path, dockerfile, reported):
    assert bool(_bc009(tmp_path, SCRIPT, dockerfile=dockerfile, name="build.sh", platforms=TWO)) is reported


def test_bc009_leaves_tools_for_the_machine_that_runs_the_script(tmp_path):
    # no Dockerfile runs it: a CI or developer tool, one architecture is the author's choice
    assert _bc009(tmp_path, SCRIPT, dockerfile=None, platforms=TWO) == []
    # a Dockerfile that does not name the script
    assert _bc009(tmp_path, SCRIPT, dockerfile="FROM alpine:3.20\nRUN /other.sh\n", platforms=TWO) == []


@pytest.mark.parametrize("detect", [
    'ARCH="$(uname -m)"',
    "case $(dpkg --print-architecture) in arm64) ;; esac",
    'echo "${TARGETARCH}"',
    "OS_ARCH=amd64; echo $OS_ARCH",
])
def test_bc009_accepts_a_script_that_detects_its_architecture(tmp_path, detect):
    assert _bc009(tmp_path, SCRIPT + f"    {detect}\n", platforms=TWO) == []


def test_bc009_never_looks_above_the_repository(tmp_path):
    from archlint.engine import lint_file
    from helpers import settings, write_files

    write_files(tmp_path, {
        "Dockerfile": "FROM alpine:3.20\nCOPY repo/install.sh /\nRUN /install.sh\n",  # outside the repository
        "repo/.git/HEAD": "ref: refs/heads/main\n",
        "repo/install.sh": "#!/bin/sh\ncurl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/v1.30.0/bin/linux/amd64/kubectl\n",
    })
    r = lint_file(str(tmp_path / "repo/install.sh"), "install.sh", settings(platforms=["linux/amd64", "linux/arm64"]))
    assert [f.rule_id for f in r.findings if f.rule_id == "BC009"] == []
