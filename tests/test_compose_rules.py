"""The DC rules on inline compose files: each finding's position and message, no finding on the
good variants; merge keys, extends and profiles; fixes."""
from __future__ import annotations

import pytest

from archlint.fixes import fix_text
from archlint.registry import get_rule

from helpers import ONE, TWO, check, dedent, findings, ids, lint, lint_inline, settings, show, write_files


DC001_LATEST = """
    services:
      web:
        image: nginx:latest
      db:
        image: "postgres"
      cache:
        image: redis:${REDIS_TAG:-latest}
      queue:
        image: rabbitmq:3.13-management
"""


def test_dc001_flags_latest_and_untagged_images():
    assert check(DC001_LATEST, "DC001", kind="compose") == [
        "3:12 DC001 Service web uses image nginx:latest with the mutable tag latest.",
        "5:13 DC001 Service db uses image postgres without a tag, which means postgres:latest.",
        "7:12 DC001 Service cache uses image redis:latest with the mutable tag latest (the default in"
        " redis:${REDIS_TAG:-latest}).",
    ]
    # the hint names an image the file pins (not "the file's other images": most may float, as
    # brettinternet's compose.media.yaml beside frigate:stable and recyclarr:8)
    got = findings(lint_inline(DC001_LATEST, kind="compose"), "DC001")
    assert [f.hint for f in got][:2] == [
        "pin a version tag such as nginx:<version>, or a digest, as this file pins rabbitmq:3.13-management",
        "pin a version tag such as postgres:<version>, or a digest, as this file pins rabbitmq:3.13-management"]


def test_dc001_passes_an_image_its_comment_calls_a_placeholder():
    # firezone's scripts/compose/portal.yml: the `common` service other files extend, its image a
    # dummy they override; a comment saying something else does not matter
    assert [line.split(" DC001")[0] for line in check("""
        services:
          postgres:
            image: postgres:18
          common:
            image: alpine:latest # Dummy, will always be overridden.
          base:
            # placeholder: each service below sets its own image
            image: busybox
          mail:
            image: mailhog/mailhog # the SMTP catcher
          web:
            # the port can be overridden in .env
            image: nginx:latest
          api:
            image: acme/api:latest  # env vars overridden by .env
    """, "DC001", kind="compose")] == ["10:12", "13:12", "15:12"]  # (comments not about the image: reported)


@pytest.mark.parametrize("updater, labels, expected", [
    # photoprism's setup/docker/cloud/compose.yaml: Watchtower updates every container daily
    ("    image: containrrr/watchtower\n    environment:\n      WATCHTOWER_CLEANUP: \"true\"\n", "", []),
    ("    image: ghcr.io/nickfedor/watchtower:latest\n    command: --interval 3600 --cleanup\n", "", []),
    # only the labelled ones with --label-enable; a service labelled false is left alone
    ("    image: containrrr/watchtower\n    command: [--label-enable]\n",
     "    labels: [com.centurylinklabs.watchtower.enable=true]\n", ["ofelia", "updater", "extra"]),
    ("    image: containrrr/watchtower\n    environment: [WATCHTOWER_LABEL_ENABLE=true]\n",
     "    labels: {com.centurylinklabs.watchtower.enable: \"true\"}\n", ["ofelia", "updater", "extra"]),
    ("    image: containrrr/watchtower\n", "    labels:\n      com.centurylinklabs.watchtower.enable: \"false\"\n",
     ["web"]),
    # it names the containers it watches (after an option that takes no value too), or runs once: not known
    # to keep these services updated
    ("    image: containrrr/watchtower\n    command: web\n", "", ["web", "ofelia", "updater", "extra"]),
    ("    image: containrrr/watchtower\n    command: --cleanup web\n", "", ["web", "ofelia", "updater", "extra"]),
    ("    image: containrrr/watchtower\n    command: --run-once\n", "", ["web", "ofelia", "updater", "extra"]),
    # no updater: every floating image
    ("    image: postgres:17\n", "", ["web", "ofelia", "extra"]),
])
def test_dc001_leaves_the_images_an_updater_of_the_file_keeps_current(updater, labels, expected):
    text = ("services:\n  web:\n    image: acme/web:latest\n" + labels +
            "  ofelia:\n    image: mcuadros/ofelia:latest\n  db:\n    image: postgres:17\n"
            "  updater:\n" + updater + "  extra:\n    image: redis\n")
    assert [line.split("Service ")[1].split()[0] for line in check(text, "DC001", kind="compose")] == expected


def test_dc001_only_where_the_file_pins_other_images():
    # awesome-compose's samples: every image follows upstream (a variant tag is no version)
    sample = """
        services:
          gitea:
            image: gitea/gitea:latest
          db:
            image: postgres:alpine
          proxy:
            image: nginx
          app:
            build: .
            image: acme/app:2.1
    """
    assert check(sample, "DC001", kind="compose") == []
    # loki's production/docker: loki pinned by digest through an anchor, promtail left behind
    production = """
        x-loki: &loki
          image: grafana/loki:3.7.6@sha256:efd47c67f9bac88ca29bcf8cb997d9ab29d1848bd0aff579282295542a745952
        services:
          read:
            <<: *loki
          promtail:
            image: grafana/promtail:latest
          minio:
            image: ${MINIO_IMAGE:-minio/minio}
          tools:
            image: registry.access.redhat.com/ubi9/ubi-minimal
    """
    assert check(production, "DC001", kind="compose") == [
        "7:12 DC001 Service promtail uses image grafana/promtail:latest with the mutable tag latest.",
        "9:12 DC001 Service minio uses image minio/minio without a tag, which means minio/minio:latest (the"
        " default in ${MINIO_IMAGE:-minio/minio}).",
    ]
    # apisix's ci/pod compose files: test-header-image:latest, built by a script of the repository
    # (a one-part name no registry serves), beside redis:latest, which Docker Hub serves
    local = ("services:\n  fn:\n    image: test-header-image:latest\n  redis:\n    image: redis:latest\n"
             "  etcd:\n    image: bitnami/etcd:3.5.4\n")
    assert check(local, "DC001", kind="compose") == [
        "5:12 DC001 Service redis uses image redis:latest with the mutable tag latest."]
    # a CPU's name is no version (photoprism's setup/docker/armv7/compose.yaml: photoprism:armv7)
    arm = "services:\n  photoprism:\n    image: photoprism/photoprism:armv7\n  db:\n    image: yobasystems/alpine-mariadb:latest\n"
    assert check(arm, "DC001", kind="compose") == []
    # nor is the latest of a line (Red-Alert's and cs224's only other image, timescaledb:latest-pg16,
    # beside their own :latest: nothing there is pinned, so no image is "left behind")
    line = "services:\n  db:\n    image: timescale/timescaledb:latest-pg16\n  api:\n    image: acme/api:latest\n"
    assert check(line, "DC001", kind="compose") == []
    # a version tag pins; so does a digest alone, and a version for one CPU
    for pin in ("mariadb:10-focal", "mariadb@sha256:" + "a" * 64, "mariadb:10.11-arm64"):
        text = f"services:\n  db:\n    image: {pin}\n  web:\n    image: wordpress:latest\n"
        assert check(text, "DC001", kind="compose") == [
            "5:12 DC001 Service web uses image wordpress:latest with the mutable tag latest."], pin


def test_dc001_and_dc003_pass_compose_files_of_developer_tooling():
    # loki's tools/dev/kafka and debug/ stacks: started on a laptop, never deployed
    text = """
        services:
          kafka:
            image: apache/kafka
          app:
            build: .
            image: ghcr.io/acme/app:1.0
          zookeeper:
            image: bitnami/zookeeper:3.9
    """
    for name in ("tools/dev/kafka/docker-compose.yaml", "debug/docker-compose.yaml", "hack/compose.yml",
                 "compose.tests.yaml", "docker-compose.dev.yml", "docker-compose.override.yml", "compose-ci.yaml",
                 # a CI service's stack (django-bims' docker-compose.travis.yml)
                 "deployment/docker-compose.travis.yml", "docker-compose.circleci.yml",
                 # oauth2-proxy's contrib/local-environment: stacks for manual testing on a laptop
                 "contrib/local-environment/docker-compose-keycloak.yaml", "local_setup/compose.yaml",
                 # oncall's docker-compose-developer.yml, its Makefile's local stack
                 "docker-compose-developer.yml",
                 # penpot's docker/devenv, the stack its manage.sh starts; werf's playground
                 "docker/devenv/docker-compose.infra.yml", "playground/s3_registry/docker-compose.yml",
                 # tracetest's local-config stacks
                 "local-config/jaeger/docker-compose.yml"):
        assert check(text, "DC", kind="compose", name=name, platforms=TWO) == [], name
    # local alone is a component's word (rancher's local-path-provisioner), not a developer's setup
    assert [ln.split(" ")[1] for ln in check(text, "DC00", kind="compose", platforms=ONE,
                                              name="local-path-provisioner/docker-compose.yaml")] == ["DC001", "DC003"]
    # an example its readers copy and pin: its mutable tags are its convention (its builds are judged)
    assert check(text, "DC00", kind="compose", name="examples/getting-started/docker-compose.yaml",
                 platforms=ONE) == [
        "5:5 DC003 Service app is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
    ]
    # a production stack is judged
    assert check(text, "DC00", kind="compose", name="production/docker/docker-compose.yaml",
                 platforms=ONE) == [
        "3:12 DC001 Service kafka uses image apache/kafka without a tag, which means apache/kafka:latest.",
        "5:5 DC003 Service app is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
    ]


def test_dc001_reads_the_opening_comment_after_a_licence_header():
    # Airflow's docker-compose.yaml, copied into many repositories (sul-dlss/libsys-airflow's
    # compose.yaml): the Apache header, then what the file is for
    licence = "".join(f"# {line}\n" for line in (
        "Licensed to the Apache Software Foundation (ASF) under one", "or more contributor license agreements.",
        "", "  http://www.apache.org/licenses/LICENSE-2.0", "", "under the License.")) + "#\n\n"
    body = "services:\n  postgres:\n    image: postgres:16\n  redis:\n    image: redis:latest\n"
    for note in ("# WARNING: This configuration is for local development. Do not use it in a production deployment.\n",
                 "# Do not use it in a production deployment.\n"):
        text = licence + "# Basic Airflow cluster configuration for CeleryExecutor.\n#\n" + note + body
        assert check(text, "DC001", kind="compose", name="compose.yaml") == [], note
    # the file's own words after the header say nothing of it (the production file), nor does a
    # comment below the opening lines, nor one not after a licence
    for text in (licence + "# THIS IS FOR USE FOR PRODUCTION DEPLOYMENT.\n" + body,
                 licence + "# Airflow.\n#\n#\n#\n#\n# This is for local development.\n" + body,
                 "# Airflow stack.\n" + "#\n" * 6 + "# This is for local development.\n" + body,
                 licence + "# This is for the production setup.\n" + body,
                 licence + "# For development setup, see docs/dev.md\n" + body):
        assert len(check(text, "DC001", kind="compose", name="compose.yaml")) == 1, text
    # without a licence, the opening lines as always (redash's "for the **development** setup")
    assert check("# This configuration is for local development.\n" + body, "DC001", kind="compose") == []


def test_dc_rules_pass_pinned_images():
    assert check("""
        services:
          web:
            image: nginx:1.27
          api:
            build: .
            image: acme/api
          db:
            image: postgres@sha256:0d7c3b2e8f1a5d6c4b9e2f7a1c3d5e7f9b1a3c5e7d9f1b3a5c7e9d1f3a5b7c9d
          cache:
            image: redis:${REDIS_TAG}
    """, "DC", kind="compose") == []


DC002_OTHER_PLATFORMS = """
    services:
      api:
        build:
          context: .
          platforms:
            - linux/amd64
            - linux/arm64
        platform: linux/amd64
      tools:
        image: acme/tools:1.0
        platform: linux/arm/v7
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, [
        "7:11 DC002 Service api build.platforms linux/arm64 is not among the configured platforms (linux/amd64).",
        "11:15 DC002 Service tools platform linux/arm/v7 is not among the configured platforms (linux/amd64).",
    ]),
    ({"platforms": ["linux/amd64", "linux/arm64", "linux/arm/v7"]}, []),
    ({}, []),
])
def test_dc002_flags_platforms_not_configured(table, expected):
    assert check(DC002_OTHER_PLATFORMS, "DC002", kind="compose", **table) == expected


def test_dc002_passes_configured_platforms():
    assert check("""
        services:
          api:
            build:
              context: .
              platforms: [linux/amd64]
            platform: linux/amd64
          tools:
            image: acme/tools:1.0
            platform: ${TOOLS_PLATFORM:-linux/arm64}
          typo:
            image: acme/typo:1.0
            platform: linux/x86_64
    """, "DC002", kind="compose", platforms=ONE) == []


DC003_NO_PLATFORM = """
    services:
      api:
        build: .
        image: acme/api:1.0
      worker:
        image: acme/worker:1.0
        build:
          context: ./worker
"""


@pytest.mark.parametrize("table, expected", [
    ({"platforms": ONE}, [
        "3:5 DC003 Service api is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
        "7:5 DC003 Service worker is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
    ]),
    ({"platforms": TWO}, [
        "3:5 DC003 Service api is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
        "7:5 DC003 Service worker is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
    ]),
    ({}, []),
])
def test_dc003_flags_build_without_platform(table, expected):
    assert check(DC003_NO_PLATFORM, "DC003", kind="compose", **table) == expected


def test_dc_rules_pass_builds_with_a_platform():
    assert check("""
        services:
          api:
            platform: linux/amd64
            build: .
          worker:
            build:
              context: ./worker
              platforms: [linux/amd64]
          db:
            image: postgres:16.4
    """, "DC", kind="compose", platforms=ONE) == []


DC004_INVALID = """
    services:
      api:
        image: acme/api:1.0
        platform: linux/x86_64
      worker:
        build:
          context: .
          platforms: ["linux/amd64", "linux/aarch64", arm64, x86_64]
"""


def test_dc004_flags_invalid_platforms():
    assert check(DC004_INVALID, "DC004", kind="compose") == [
        "4:15 DC004 Non-canonical platform in service api platform: the build reads 'linux/x86_64' as linux/amd64.",
        "8:35 DC004 Non-canonical platform in service worker build.platforms: the build reads 'linux/aarch64' as"
        " linux/arm64.",
        "8:51 DC004 Incomplete platform in service worker build.platforms: 'arm64' names no OS, so the build adds"
        " its own (linux/arm64 on a Linux build machine).",
        "8:58 DC004 Incomplete platform in service worker build.platforms: 'x86_64' names no OS, so the build adds"
        " its own (linux/amd64 on a Linux build machine).",
    ]


DC004_VALID = """
    services:
      api:
        image: acme/api:1.0
        platform: linux/amd64
      worker:
        build:
          context: .
          platforms: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]
      dyn:
        image: acme/dyn:1.0
        platform: ${PLATFORM}
"""


@pytest.mark.parametrize("rule, table, expected", [
    ("DC", {}, []),
    ("DC004", {"platforms": TWO}, []),
])
def test_dc004_passes_valid_platforms(rule, table, expected):
    assert check(DC004_VALID, rule, kind="compose", **table) == expected


PROFILES = """
    x-defaults: &defaults
      restart: unless-stopped
      platform: linux/amd64

    services:
      base:
        <<: *defaults
        build: ./base
      web:
        extends: base
        profiles: [web]
        ports: ["8080:80"]
      debug:
        <<: *defaults
        image: busybox
        profiles: [debug]
      shared:
        extends:
          file: ../common/compose.yaml
          service: app
        build: ./shared
      admin:
        extends:
          service: base
        build: ./admin
      arm:
        profiles: [arm]
        platform: linux/arm64
        image: acme/arm:2.0
"""


def test_profiles_extends_and_merge_keys():
    r = lint_inline(PROFILES, name="profiles/docker-compose.yml", platforms=ONE)
    assert r.kind == "compose"  # by name
    # base gets its platform from the x-defaults anchor, web and admin inherit build and platform
    # through extends, shared extends another file (trusted), debug is untagged, arm is arm64
    assert r.notices == []
    assert show(findings(r)) == [
        "15:12 DC001 Service debug uses image busybox without a tag, which means busybox:latest.",
        "28:15 DC002 Service arm platform linux/arm64 is not among the configured platforms (linux/amd64).",
    ]
    r = lint_inline(PROFILES, name="profiles/docker-compose.yml")
    assert r.notices == []
    assert show(findings(r)) == [
        "15:12 DC001 Service debug uses image busybox without a tag, which means busybox:latest.",
    ]


def test_dc003_fix_inserts_platform_with_one_target():
    out = fix_text("docker-compose.yml", dedent(DC003_NO_PLATFORM), settings(platforms=ONE), kind="compose")
    assert out.error is None and out.changed
    assert out.text == (
        "services:\n  api:\n    platform: linux/amd64\n    build: .\n    image: acme/api:1.0\n"
        "  worker:\n    image: acme/worker:1.0\n    platform: linux/amd64\n    build:\n      context: ./worker\n"
    )
    assert ids(out.result, "DC") == []
    r = lint_inline(DC003_NO_PLATFORM, kind="compose", platforms=TWO)
    assert all(f.fix is None for f in r.findings if f.rule_id == "DC003")
    assert "build.platforms: [linux/amd64, linux/arm64]" in r.findings[0].hint


def test_dc004_fix_replaces_with_the_suggestion():
    # the other spellings are safe fixes; an architecture without OS is an unsafe one
    out = fix_text("docker-compose.yml", dedent(DC004_INVALID), settings(), kind="compose")
    assert out.error is None
    assert "platform: linux/amd64\n" in out.text
    assert 'platforms: ["linux/amd64", "linux/arm64", arm64, x86_64]' in out.text
    assert [r for r, _, _ in ids(out.result, "DC004")] == ["DC004", "DC004"]
    out = fix_text("docker-compose.yml", dedent(DC004_INVALID), settings(), kind="compose", unsafe=True)
    assert 'platforms: ["linux/amd64", "linux/arm64", linux/arm64, linux/amd64]' in out.text
    assert ids(out.result, "DC004") == []


def test_messages():
    r = lint_inline(DC001_LATEST, kind="compose")
    msgs = [f.message for f in r.findings]
    assert msgs == [
        "Service web uses image nginx:latest with the mutable tag latest.",
        "Service db uses image postgres without a tag, which means postgres:latest.",
        "Service cache uses image redis:latest with the mutable tag latest (the default in"
        " redis:${REDIS_TAG:-latest}).",
    ]


def test_rule_metadata():
    expected = {
        "DC001": ("image-latest-tag", "warning", None),
        "DC002": ("platform-mismatch", "error", None),
        "DC003": ("build-without-platform", "warning", "safe"),
        "DC004": ("invalid-platform", "error", "safe"),
    }
    for rid, (name, sev, fix) in expected.items():
        r = get_rule(rid)
        assert (r.name, r.severity.label, r.fix) == (name, sev, fix), rid
        assert r.kinds == frozenset({"compose"})


def test_legacy_v1_file_without_services_key():
    r = lint("docker-compose.yml", text="web:\n  image: nginx:latest\nx-note:\n  image: ignored:latest\ndb:\n  image: postgres:16\n")
    assert r.notices == []
    assert show(findings(r)) == ["2:10 DC001 Service web uses image nginx:latest with the mutable tag latest."]


DC003_LOCAL = """
    services:
      backend:
        build: .
      distributor:
        build:
          context: .
          dockerfile: dev.dockerfile
        image: loki
      smoke:
        build: ./smoke
        image: localhost:5000/smoke:ci
      fluentd:
        build: ./fluentd
        image: grafana/fluent-plugin-loki:main
      ad:
        build: ./ad
        image: ${IMAGE_NAME}:${DEMO_VERSION}-ad
      web:
        build: ./web
        image: ${WEB_IMAGE:-web}
"""


def test_dc003_only_images_that_can_be_pushed():
    # backend (no image: compose names it and push skips it), distributor (a bare name: nobody
    # can push loki to Docker Hub's official namespace), smoke (a localhost registry) and web (a
    # bare default) are built and run on this machine; fluentd and ad (an interpolated name, maybe
    # a registry) can be pushed with docker compose push / build --push
    assert check(DC003_LOCAL, "DC003", kind="compose", platforms=TWO) == [
        "13:5 DC003 Service fluentd is built without a platform, so the image follows the CPU of the machine that"
        " runs docker compose build.",
        "16:5 DC003 Service ad is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
    ]


def test_dc003_image_inherited_through_extends_counts():
    text = """
        services:
          base:
            image: acme/base:1.0
            platform: linux/amd64
          api:
            extends: base
            build: ./api
    """
    # api inherits both the pushable image and the platform: nothing to report
    assert check(text, "DC003", kind="compose", platforms=ONE) == []
    assert check(text.replace("platform: linux/amd64", "restart: always"), "DC003", kind="compose", platforms=ONE) == [
        "7:5 DC003 Service api is built without a platform, so the image follows the CPU of the machine that runs"
        " docker compose build.",
    ]


def test_folders_above_the_repository_do_not_make_its_compose_files_local(tmp_path):
    write_files(tmp_path, {
        "dev/proj/.git/HEAD": "ref: refs/heads/main\n",
        "dev/proj/compose.yaml": "services:\n  db:\n    image: postgres:latest\n  cache:\n    image: redis:7.4\n",
    })
    from archlint.engine import lint_file

    r = lint_file(str(tmp_path / "dev/proj/compose.yaml"), "dev/proj/compose.yaml", settings())
    assert show(findings(r, "DC001")) == [
        "3:12 DC001 Service db uses image postgres:latest with the mutable tag latest."]
