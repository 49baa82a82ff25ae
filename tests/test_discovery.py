"""File discovery: .gitignore files at every level (negations included), excludes, display paths."""
from __future__ import annotations

import os

from archlint.config import DEFAULT_EXCLUDE, glob_matcher, path_matches
from archlint.discovery import discover, display_path


def _found(root, excludes=DEFAULT_EXCLUDE, paths=None):
    return sorted(t.display for t in discover([str(p) for p in (paths or [root])], str(root), tuple(excludes)) if not t.notice)


def test_nested_gitignores_and_negation(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local.sh\n")
    (tmp_path / ".gitignore").write_text("*.sh\nbuild-out/\n")
    sub = tmp_path / "tools"
    sub.mkdir()
    (sub / ".gitignore").write_text("!keep.sh\n")
    deep = sub / "deeper"
    deep.mkdir()
    (deep / ".gitignore").write_text("Dockerfile\n")
    for rel in ("a.sh", "local.sh", "Dockerfile", "tools/keep.sh", "tools/drop.sh", "tools/Dockerfile",
                "tools/deeper/Dockerfile", "tools/deeper/keep.sh", "build-out/Dockerfile"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("FROM alpine:3.20\n" if "Dockerfile" in rel else "echo hi\n")
    assert _found(tmp_path) == ["Dockerfile", "tools/Dockerfile", "tools/deeper/keep.sh", "tools/keep.sh"]


def test_default_excludes_and_globs(tmp_path):
    (tmp_path / ".git").mkdir()
    # (metaflow's metaflow/_vendor/v3_7/, xinference's thirdparty/: other projects' copied code)
    for rel in ("node_modules/x/Dockerfile", "src/vendor/Dockerfile", "src/app/Dockerfile",
                "legacy/old/Dockerfile", "docs/a.md", "k8s/gen/app.generated.yaml",
                "metaflow/_vendor/v3_7/typeguard/x.py", "xinference/thirdparty/fish/scan.py", "pkg/vendored/y.py"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("FROM alpine:3.20\n" if rel.endswith("Dockerfile") else "# x\n")
    excludes = DEFAULT_EXCLUDE + ("legacy/", "*.generated.yaml", "docs/**")
    assert _found(tmp_path, excludes) == ["src/app/Dockerfile"]


def test_design_proposals_are_history_by_default(tmp_path):
    # velero's design/CLI/PoC, kubeflow's proposals/: a decision's illustration, not maintained
    (tmp_path / ".git").mkdir()
    for rel in ("design/CLI/PoC/base/CRDs.yaml", "proposals/standalone-driver/hello_world.yaml",
                "docs/enhancements/0001/pod.yaml", "deploy/app.yaml", "designer/app.yaml"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("apiVersion: v1\nkind: Pod\n")
    assert _found(tmp_path) == ["deploy/app.yaml", "designer/app.yaml"]



def test_release_snapshots_are_history_by_default(tmp_path):
    # kserve's install/v0.6.0/ ... install/v0.17.0/: the manifests each release published, kept
    # as its record; docker-library's maintained version lines (python/3.12/) are two-part
    (tmp_path / ".git").mkdir()
    # (each glob names one folder: 3rdparty/nginx-1.25.3 or a Go module's v2/ubuntu22.04/python3.11
    # holds no folder named by a version, whatever the whole path looks like)
    # (and Docusaurus' docs/versioned_docs/version-3.17/, the docs as each release froze them)
    for rel in ("install/v0.6.0/kfserving.yaml", "install/v0.10.0-rc0/kserve.yaml", "charts/0.2.1/app.yaml",
                "docs/versioned_docs/version-3.17/usage/plugin.md", "docs/docs/usage/plugin.md",
                "python/3.12/bookworm/Dockerfile", "api/v1beta1/crd.yaml", "deploy/app.yaml",
                "3rdparty/nginx-1.25.3/Dockerfile", "v2/ubuntu22.04/python3.11/Dockerfile",
                "devops/releases/lake-v0.9.0/docker-compose.yml", "devops/releases/lake-v0.10.0-beta1/compose.yml",
                "deploy/app-v1.2.3.yaml", "src/my-v1.0.0-service/Dockerfile",
                # Jekyll's generated site, committed (collabnix/dockerlabs' _site/): a copy
                "_site/kubernetes/workshop/nginx-test.yml"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("apiVersion: v1\nkind: Pod\n")
    assert _found(tmp_path) == ["3rdparty/nginx-1.25.3/Dockerfile", "api/v1beta1/crd.yaml", "deploy/app-v1.2.3.yaml",
                                "deploy/app.yaml",
                                "docs/docs/usage/plugin.md", "python/3.12/bookworm/Dockerfile",
                                "src/my-v1.0.0-service/Dockerfile", "v2/ubuntu22.04/python3.11/Dockerfile"]

def test_a_folder_named_for_a_version_that_holds_a_dockerfile_is_a_build_per_version(tmp_path):
    # hknarutofk's kibana-oss-docker-arm64: 7.10.2/ and 7.4.2/, each a Dockerfile its Makefile or
    # build.sh builds and pushes (the whole repository; nothing was linted); a release's published
    # manifests stay history, and so does a file under a version folder inside another one
    from archlint.config import DEFAULT_FIXTURES
    from archlint.discovery import left_out_by_walk

    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("7.10.2/Dockerfile", "7.10.2/Makefile", "7.4.2/Dockerfile", "7.4.2/build.sh",
                     "install/v0.6.0/kfserving.yaml", "releases/v1.2.3/deploy.sh", "7.4.2/old/v0.1.0/Makefile",
                     "install/v0.5.1/kserve.yaml", "install/v0.5.1/Dockerfile.old"))
    assert _found(tmp_path) == ["7.10.2/Dockerfile", "7.10.2/Makefile", "7.4.2/Dockerfile", "7.4.2/build.sh"]
    root = str(tmp_path)
    assert [left_out_by_walk(str(tmp_path / r), root, DEFAULT_EXCLUDE, DEFAULT_FIXTURES)
            for r in ("7.10.2/Makefile", "install/v0.6.0/kfserving.yaml", "releases/v1.2.3/deploy.sh")] == [
        False, True, True]
    # a user's exclude still leaves it out
    assert _found(tmp_path, DEFAULT_EXCLUDE + ("7.4.2",)) == ["7.10.2/Dockerfile", "7.10.2/Makefile"]


def test_glob_matcher_agrees_with_path_matches():
    patterns = DEFAULT_EXCLUDE + ("legacy/", "*.generated.yaml", "docs/**", "a?c", "[xy]z", "/top/only")
    paths = ["a/.git/b", "node_modules", "x/node_modules/y", "legacy/a", "b/legacy/a", "p/q.generated.yaml",
             "docs/x/y.md", "abc", "q/abc/r", "yz", "top/only/x", "sub/top/only", "build", "rebuild", "src/app.py"]
    m = glob_matcher(patterns)
    for p in paths:
        assert m(p) == any(path_matches(p, pat) for pat in patterns), p


def test_display_path_fast_path_matches_relpath(tmp_path):
    root = str(tmp_path)
    for rel in ("a/b", ".github/workflows/x.yml", "a/./b", "a/../c", "x"):
        ap = root + os.sep + rel.replace("/", os.sep)
        assert display_path(ap, root) == os.path.relpath(ap, root).replace(os.sep, "/")
    assert display_path(root + "x/y", root) == os.path.relpath(root + "x/y", root).replace(os.sep, "/")


def _tree(root, rels):
    for rel in rels:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("FROM alpine:3.20\n" if "Dockerfile" in rel else "apiVersion: v1\nkind: Pod\n")


def test_fixture_folders_are_left_out_unless_named(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("deploy/app.yaml", "pkg/health/testdata/pod.yaml", "src/__fixtures__/Dockerfile",
                     "tests/fixtures/mock.yaml", "tools/test-fixtures/x.yaml", "pkg/testdata.yaml",
                     "frontend/parser/testfiles-negative/empty/Dockerfile", "frontend/parser/testfiles/env/Dockerfile",
                     "pkg/kube/test_files/test_1/job.yaml",
                     # kubectl-validate's manifests its Go tests run through the validator
                     "testcases/manifests/error_enum_invalid.yaml",
                     # litmus' workflows its unit tests read (Go's mocks beside mockery's code)
                     "chaoscenter/graphql/server/pkg/chaos_experiment/model/mocks/workflow.yaml",
                     "deploy/mock-server/app.yaml"))
    found = lambda *paths: sorted(t.display for t in discover(  # noqa: E731
        [str(tmp_path / p) for p in paths], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES) if not t.notice)
    # a file named testdata.yaml is not a folder, nor mock-server a mocks folder
    assert found(".") == ["deploy/app.yaml", "deploy/mock-server/app.yaml", "pkg/testdata.yaml"]
    # named on the command line: a fixture folder, a folder inside one, a file in one
    assert found("pkg/health/testdata") == ["pkg/health/testdata/pod.yaml"]
    assert found("tests/fixtures/mock.yaml") == ["tests/fixtures/mock.yaml"]
    assert found("pkg") == ["pkg/testdata.yaml"]
    # without fixtures (fixtures = []) everything is linted
    assert len(_found(tmp_path)) == 12
    why = []
    list(discover([str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES,
                  skipped=lambda p, d, w: why.append((display_path(p, str(tmp_path)), w))))
    assert ("pkg/health/testdata", "test fixtures (the fixtures glob 'testdata'); name it to lint it") in why
    # BuildKit's parser cases: testfiles/ and testfiles-negative/
    assert ("frontend/parser/testfiles-negative", "test fixtures (the fixtures glob 'testfiles-*'); name it to lint it") in why
    # polaris' audit cases
    assert ("pkg/kube/test_files", "test fixtures (the fixtures glob 'test[-_]files'); name it to lint it") in why
    assert ("chaoscenter/graphql/server/pkg/chaos_experiment/model/mocks",
            "test fixtures (the fixtures glob 'mocks'); name it to lint it") in why


def test_test_folders_and_numbered_testdata_are_fixtures_but_files_named_so_are_not(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("test/e2e-image/Makefile", "task/buildah/0.9/tests/run.yaml", "e2e/kind.yaml",
                     "test/remote/manifests/kustomization.yaml", "cmd/testdata2/guestbook.yaml",
                     "deploy/tests.yaml", "deploy/test.sh", "hack/e2e.sh", "deploy/app.yaml",
                     "_archived/old/pod.yaml", "charts/archived/pod.yaml",
                     # kserve's test overlay, kompose's test container; not a folder whose name only
                     # starts with the word (tested, testify), an environment's testing overlay, nor
                     # a file named like a fixture folder (a workflow that pushes)
                     "config/overlays/test-modelcache/patch.yaml", "script/test_in_container/Dockerfile",
                     "deploy/overlays/testing/kustomization.yaml", "tested/app.yaml", "testify/Dockerfile",
                     ".github/workflows/test-and-release.yml", "scripts/test_release.sh", "fixtures",
                     # nginx's perf-tests, directpv's functests; not a name that only ends in the word
                     "perf-tests/suite/common.py", "functests/Dockerfile.sleep", "acceptance_tests/pod.yaml",
                     "contests/app.yaml",
                     # tracetest's testing/cli-e2etest: its e2e harness's stacks
                     "testing/cli-e2etest/jaeger/docker-compose.yaml",
                     # package-operator's .test-fixtures; jkube's Maven invoker projects (src/it),
                     # not a folder named it elsewhere
                     "config/packages/.test-fixtures/base/deployment.yaml",
                     "gradle-plugin/it/src/it/autotls/expected/openshift.yml",
                     "src/it/simple/Dockerfile", "src/main/it/app.yaml",
                     # Jest's __tests__ (metalk8s' crd-client-generator-js/src/__TESTS__/*.crd.yaml)
                     "tools/gen/src/__TESTS__/v1beta1.crd.yaml", "web/src/__tests__/pod.yaml"))
    found = sorted(t.display for t in discover([str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE,
                                               fixtures=DEFAULT_FIXTURES) if not t.notice)
    assert found == [".github/workflows/test-and-release.yml", "contests/app.yaml", "deploy/app.yaml",
                     "deploy/overlays/testing/kustomization.yaml",
                     "deploy/test.sh", "deploy/tests.yaml", "fixtures", "hack/e2e.sh", "scripts/test_release.sh",
                     "src/main/it/app.yaml", "tested/app.yaml", "testify/Dockerfile"]


def test_an_integration_folder_of_go_tests_is_a_fixture_folder_but_an_overlay_so_named_is_not(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    # tilt's integration/: Go tests beside the manifests and Dockerfiles they deploy with tilt up;
    # an environment's overlay named integration is a deployment
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("integration/oneup_test.go", "integration/oneup/oneup.yaml", "integration/oneup/Dockerfile",
                     "deploy/overlays/integration/kustomization.yaml", "pkg/integration/client.go",
                     "pkg/integration/Dockerfile"))
    why: dict = {}
    found = lambda *paths: sorted(t.display for t in discover(  # noqa: E731
        [str(tmp_path / p) for p in paths], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES,
        skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w)) if not t.notice)
    assert found(".") == ["deploy/overlays/integration/kustomization.yaml", "pkg/integration/Dockerfile"]
    assert why["integration"] == ("test fixtures (a folder named integration that holds tests: Go's *_test.go, "
                                  "a test runner's configuration); name it to lint it")
    # named on the command line, or without fixtures, it is linted
    assert found("integration") == ["integration/oneup/Dockerfile", "integration/oneup/oneup.yaml"]
    assert len(_found(tmp_path)) == 4


def test_a_testing_folder_beside_go_tests_is_a_fixture_folder(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    # cloud-builders' gke-deploy: core/resource/testing/*.yaml and deployer/testing/expected-*/ are
    # what resource_test.go and deployer_test.go read (250 K8S lines, 42 judged: all wrong readings);
    # a testing/ folder without Go tests above it is not (a staging environment's manifests)
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("gke-deploy/core/resource/resource_test.go", "gke-deploy/core/resource/testing/deployment.yaml",
                     "gke-deploy/deployer/deployer_test.go", "gke-deploy/deployer/testing/expected-expanded/x.yaml",
                     "envs/testing/deployment.yaml", "gke-deploy/Dockerfile"))
    why: dict = {}
    found = lambda *paths: sorted(t.display for t in discover(  # noqa: E731
        [str(tmp_path / p) for p in paths], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES,
        skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w)) if not t.notice)
    assert found(".") == ["envs/testing/deployment.yaml", "gke-deploy/Dockerfile"]
    assert why["gke-deploy/core/resource/testing"] == (
        "test fixtures (a folder named testing beside Go tests: *_test.go in the folder above); name it to lint it")
    assert found("gke-deploy/deployer/testing") == ["gke-deploy/deployer/testing/expected-expanded/x.yaml"]


def test_an_integration_folder_with_a_test_runner_is_a_fixture_folder(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    # kubeapps' integration/: a Playwright suite beside the test charts it installs; a folder so
    # named with only a package.json is not
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("integration/playwright.config.js", "integration/charts/simple/values.yaml",
                     "integration/Dockerfile", "app/integration/package.json", "app/integration/Dockerfile"))
    found = sorted(t.display for t in discover(
        [str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES) if not t.notice)
    assert found == ["app/integration/Dockerfile"]


def test_a_checkers_test_cases_named_for_their_verdict_are_fixtures(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    # datree's examples/prevent_deprecated_apis: fail.yaml (removed APIs on purpose) beside
    # pass.yaml; one alone, or a name that only contains the word, is linted
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("examples/prevent_deprecated_apis/Fail.yaml", "examples/prevent_deprecated_apis/pass.yaml",
                     "examples/prevent_deprecated_apis/policy.yaml", "cases/bad-pod.yml", "cases/good-pod.yml",
                     "deploy/fail.yaml", "deploy/passthrough.yaml"))
    why: dict = {}
    found = sorted(t.display for t in discover(
        [str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES,
        skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w)) if not t.notice)
    assert found == ["deploy/fail.yaml", "deploy/passthrough.yaml", "examples/prevent_deprecated_apis/policy.yaml"]
    assert why["examples/prevent_deprecated_apis/Fail.yaml"].startswith("a checker's test case")
    # without fixtures (or named), they are linted
    assert len([t for t in discover([str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE) if not t.notice]) == 7


def test_a_data_file_named_like_a_go_test_beside_go_tests_is_a_fixture(tmp_path):
    from archlint.config import DEFAULT_FIXTURES

    # gloo's knative_test_yaml.yaml: the golden output knative_test.go compares with; a file so
    # named where no Go test is, or one named otherwise beside Go tests, is linted
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("install/knative_test.go", "install/knative_test_yaml.yaml", "install/deployment_test.json",
                     "install/knative.yaml", "deploy/smoke_test.yaml", "deploy/latest.yaml"))
    why: dict = {}
    found = sorted(t.display for t in discover(
        [str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE, fixtures=DEFAULT_FIXTURES,
        skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w)) if not t.notice)
    assert found == ["deploy/latest.yaml", "deploy/smoke_test.yaml", "install/knative.yaml"]
    assert why["install/knative_test_yaml.yaml"] == (
        "a test's input (named *_test*, beside the Go tests that read it); name it to lint it")
    assert "install/deployment_test.json" not in found  # (json: not a lintable kind here, or left out)
    # without fixtures, or named on the command line, it is linted
    assert "install/knative_test_yaml.yaml" in [t.display for t in discover([str(tmp_path)], str(tmp_path),
                                                                              DEFAULT_EXCLUDE)]


def test_build_folder_is_linted_but_pythons_build_output_is_not(tmp_path):
    # the Go project layout keeps Dockerfiles and CI scripts in build/ (build/package); build output
    # is git-ignored, except setuptools' copies of a package's sources (build/lib...), left out here
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("Dockerfile", "build/Dockerfile", "build/ci/run.sh", "build/lib/app.py",
                     "build/lib.linux-x86_64-cpython-311/app.py", "web/build/bdist.linux-x86_64/x.py", "dist/Dockerfile"))
    found = [t.display for t in discover([str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE)]
    assert found == ["Dockerfile", "build/Dockerfile", "build/ci/run.sh"]


def test_left_out_by_walk_judges_a_named_file_as_the_walk_does(tmp_path):
    from archlint.config import DEFAULT_FIXTURES
    from archlint.discovery import left_out_by_walk

    root = str(tmp_path)

    def out(rel):
        return left_out_by_walk(str(tmp_path / rel), root, DEFAULT_EXCLUDE, DEFAULT_FIXTURES)

    assert [out(r) for r in ("deploy.yaml", "pkg/testdata/pod.yaml", "vendor/x/Dockerfile", "archived/x.yaml",
                             "build/package/Dockerfile", "build/lib/app.py", "testdata.yaml", "a/tests/run.sh")] == [
        False, True, True, True, False, True, False, True]
    assert left_out_by_walk(str(tmp_path.parent / "elsewhere.yaml"), root, DEFAULT_EXCLUDE) is False


def test_excluded_archived_folder_with_build_files_is_reported(tmp_path):
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("Dockerfile", "archived/Dockerfile", "archived/ci/run.sh", "archived/lib/app.txt",
                     "web/archived/bundle.js", "dist/Dockerfile"))
    hidden: list = []
    why: dict = {}
    found = [t.display for t in discover([str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE, hidden=hidden,
                                         skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w))]
    assert found == ["Dockerfile"]
    # archived/ holds a Dockerfile and a script; web/archived holds nothing lintable; dist/ is
    # not a folder of hand-written build files
    assert hidden == [("archived", ["Dockerfile", "ci/run.sh"])]
    assert why["archived"] == ("excluded by the glob 'archived'; it holds 2 lintable files (Dockerfile, ci/run.sh): "
                               "list exclude without it to lint them")
    assert why["web/archived"] == "excluded by the glob 'archived'"


def test_an_extension_less_program_is_not_a_script_that_failed_to_read(tmp_path, monkeypatch, capsys):
    # tailscale commits a Mach-O binary named tstest/tailmac/Swift/TailMac/main
    from archlint import cli

    (tmp_path / ".git").mkdir()
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "main").write_bytes(b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01" + b"\x00" * 64 + b"docker build")
    (tmp_path / "tools" / "run").write_text("#!/bin/sh\ndocker build -t acme/x:1 . && docker push acme/x:1\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")  # (what it builds, run from the top)
    (tmp_path / "broken.Dockerfile").write_bytes(b"\x00\x01")  # a Dockerfile by name: unreadable is AL001
    monkeypatch.setenv("ARCHLINT_NO_CACHE", "1")
    monkeypatch.chdir(tmp_path)
    cli.main(["check", "--output-format", "concise", "."])
    out = capsys.readouterr().out
    assert "tools/run:2:8: BC001" in out
    assert "tools/main" not in out
    assert "broken.Dockerfile:1:1: AL001" in out


def test_an_s6_overlay_script_run_with_the_containers_environment_is_shell():
    # tiredofit's install/assets/functions/10-db-backup, linuxserver's s6-rc.d/*/run: s6-overlay's
    # with-contenv runs the shell named after it
    from archlint import kinds

    for head in (b"#!/command/with-contenv bash\n", b"#!/usr/bin/with-contenv sh\nset -e\n",
                 b"#!/usr/bin/with-contenv -i bash\n", b"#!/usr/bin/env bash\n"):
        assert kinds.kind_by_content("run", "maybe-shell", head) == "shell", head
    for head in (b"#!/command/with-contenv\n", b"#!/usr/bin/with-contenv python3\n",
                 b"#!/command/execlineb -P\n", b"#!/usr/bin/without-contenv bash\n"):
        assert kinds.kind_by_content("run", "maybe-shell", head) is None, head

def test_an_invalid_gitignore_pattern_is_skipped_not_a_crash(tmp_path):
    # a lone "!" or "\" is no pattern git reads: the other lines still apply, and the walk goes on
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("dist/\n!\n\\\n*.log.sh\n")
    for rel in ("deploy/run.sh", "dist/gen.sh", "x.log.sh"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("#!/bin/sh\ndocker build .\n")
    assert _found(tmp_path) == ["deploy/run.sh"]


def test_archive_and_deprecated_folders_are_left_out_unless_a_python_package(tmp_path):
    # Troubladore's deprecated/ ("not part of the active platform"), ntn-stack's archive/,
    # xunholy's .archive/: old files; a Python package named archive (``__init__.py``) is code
    from archlint.config import DEFAULT_FIXTURES
    from archlint.discovery import left_out_by_walk

    (tmp_path / ".git").mkdir()
    _tree(tmp_path, ("Dockerfile", "deprecated/kerberos/Makefile", "deprecated/compose.yml", "archive/old/app.py",
                     "_deprecated/nginx114/Dockerfile", "DEPRECATED/cron/cronjob.yaml", "DEPRECATED/camera/build.sh",
                     ".archive/k8s/deployment.yaml", ".archived/cachet/ingress.yaml", "src/archive/__init__.py",
                     "src/archive/zip.py",
                     "src/archive/old/Dockerfile", "src/archive/sub/archive/tool.py", "lib/deprecated/__init__.py",
                     "lib/deprecated/api.py", "vendor/archive/__init__.py"))
    hidden: list = []
    found = sorted(t.display for t in discover([str(tmp_path)], str(tmp_path), DEFAULT_EXCLUDE, hidden=hidden))
    # (src/archive/sub/archive holds no __init__.py: an archive folder inside a package; vendor/ is
    # excluded whatever it holds)
    assert found == ["Dockerfile", "lib/deprecated/__init__.py", "lib/deprecated/api.py", "src/archive/__init__.py",
                     "src/archive/old/Dockerfile", "src/archive/zip.py"]
    # (the notice names build files: Python and manifests there are old copies)
    assert hidden == [("DEPRECATED", ["camera/build.sh"]), ("_deprecated", ["nginx114/Dockerfile"]),
                      ("deprecated", ["compose.yml", "kerberos/Makefile"])]
    # a file named on the command line (--force-exclude) is judged the same way
    root = str(tmp_path)
    assert [left_out_by_walk(str(tmp_path / r), root, DEFAULT_EXCLUDE, DEFAULT_FIXTURES)
            for r in ("deprecated/compose.yml", "archive/old/app.py", ".archive/k8s/deployment.yaml",
                      "src/archive/zip.py", "src/archive/sub/archive/tool.py", "vendor/archive/__init__.py")] == [
        True, True, True, False, True, True]
    # a user's exclude naming the package's path leaves it out
    assert [t.display for t in discover([str(tmp_path / "src")], root, DEFAULT_EXCLUDE + ("src/archive",))] == []


def test_a_folder_pip_installed_into_is_not_the_projects_code(tmp_path):
    # Isaac Sim's extsUser/<ext>/pip_core_prebundle/: `pip install --target` output, numpy's own
    # sources beside numpy-1.26.4.dist-info (24 PY001 judged wrong readings); a committed
    # environment's site-packages likewise
    _tree(tmp_path, ("ext/pip_prebundle/numpy-1.26.4.dist-info/RECORD.txt", "ext/pip_prebundle/numpy/ma/core.py",
                     "ext/pip_prebundle/six.py", "ext/app.py", "env/lib/python3.10/site-packages/yaml/__init__.py",
                     "tools/mypkg.egg-info/SOURCES.txt", "tools/mypkg/cli.py"))
    why: dict = {}
    found = lambda *paths: sorted(t.display for t in discover(  # noqa: E731
        [str(tmp_path / p) for p in paths], str(tmp_path), DEFAULT_EXCLUDE,
        skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w)) if not t.notice)
    # (an egg-info beside a package is `pip install -e .` of the project itself: its code)
    assert found(".") == ["ext/app.py", "tools/mypkg/cli.py"]
    assert why["ext/pip_prebundle"] == ("installed Python packages (a *.dist-info folder in it: pip install --target); "
                                        "name it to lint it")
    assert found("ext/pip_prebundle") == ["ext/pip_prebundle/numpy/ma/core.py", "ext/pip_prebundle/six.py"]
    # a file named on the command line (--force-exclude, pre-commit's) is judged the same way
    from archlint.discovery import left_out_by_walk

    assert [left_out_by_walk(str(tmp_path / r), str(tmp_path), DEFAULT_EXCLUDE)
            for r in ("ext/pip_prebundle/six.py", "ext/pip_prebundle/numpy/ma/core.py", "ext/app.py")] == [True, True, False]


def test_a_folder_of_vendored_packages_keeps_its_files_and_loses_its_packages(tmp_path):
    # Tautulli's lib/: certifi, urllib3, idna, requests, future, libfuturize... copied side by
    # side (123 PY001 lines on python-future's own code, 43 judged wrong), beside its own
    # lib/certgen.py; three well-known packages are not yet a copy of dependencies, and an
    # integration library's own folders named for libraries are its code (dd-trace-py's contrib/)
    _tree(tmp_path, ("lib/certifi/core.py", "lib/urllib3/util.py", "lib/idna/core.py", "lib/requests/api.py",
                     "lib/libfuturize/main.py", "lib/certgen.py", "app.py",
                     "src/requests/api.py", "src/urllib3/x.py", "src/idna/y.py", "src/mine/z.py",
                     "ddtrace/contrib/requests/patch.py", "ddtrace/contrib/tornado/patch.py",
                     "ddtrace/contrib/jinja2/patch.py", "ddtrace/contrib/botocore/patch.py"))
    why: dict = {}
    found = lambda *paths: sorted(t.display for t in discover(  # noqa: E731
        [str(tmp_path / p) for p in paths], str(tmp_path), DEFAULT_EXCLUDE,
        skipped=lambda p, d, w: why.setdefault(display_path(p, str(tmp_path)), w)) if not t.notice)
    assert found(".") == ["app.py", "ddtrace/contrib/botocore/patch.py", "ddtrace/contrib/jinja2/patch.py",
                          "ddtrace/contrib/requests/patch.py", "ddtrace/contrib/tornado/patch.py", "lib/certgen.py",
                          "src/idna/y.py", "src/mine/z.py", "src/requests/api.py", "src/urllib3/x.py"]
    assert why["lib"] == ("vendored Python packages (certifi, idna, requests, urllib3... side by side: a copy of "
                          "dependencies): its folders are not linted; name one to lint it")
    assert found("lib/libfuturize") == ["lib/libfuturize/main.py"]
    from archlint.discovery import left_out_by_walk

    assert [left_out_by_walk(str(tmp_path / r), str(tmp_path), DEFAULT_EXCLUDE)
            for r in ("lib/libfuturize/main.py", "lib/certgen.py", "src/mine/z.py", "ddtrace/contrib/requests/patch.py")
            ] == [True, False, False, False]
