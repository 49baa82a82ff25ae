"""rules/kubernetes-apis.yaml: valid against its JSON schema, covers the official deprecation
guide and every deprecation and removal of the official lifecycle data up to the newest release
it covers (tests/data/k8s-lifecycle.tsv, extracted once from kubernetes/api), and agrees with the
reference tables in ../shared/data except where a source is known to be wrong (each exception
below says why and what upstream says)."""
from __future__ import annotations

import csv
import re

import jsonschema
import pytest
import yaml

from archlint import packs

from helpers import REPO, SHARED

PACK = REPO / "rules" / "kubernetes-apis.yaml"
LIFECYCLE = REPO / "tests" / "data" / "k8s-lifecycle.tsv"
DATA = SHARED / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data not present")


def _v(value) -> str:
    """'v1.16.0' / '1.16' -> '1.16'; '' for none."""
    nums = re.findall(r"\d+", str(value or ""))
    return f"{nums[0]}.{nums[1]}" if len(nums) >= 2 else ""


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(PACK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def entries(data):
    return {(e["apiVersion"], e["kind"]): e for e in data["entries"]}


def test_validates_against_the_schema(data):
    schema = packs.SCHEMAS["kubernetes-apis"]
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(data)
    packs.validate_pack(data, PACK)  # schema plus duplicate identities
    assert data["pack"] == "kubernetes-apis"


def test_entries_are_consistent(data):
    seen = set()
    for e in data["entries"]:
        key = (e["apiVersion"], e["kind"])
        assert key not in seen, key
        seen.add(key)
        dep, rm = _v(e.get("deprecated-in")), _v(e.get("removed-in"))
        # every entry says when it stops being served; an alpha version removed without a
        # deprecation (or before its planned one) has no deprecated-in
        assert rm, key
        assert not dep or _t(dep) < _t(rm), key
        # versions are strings in the file ("1.20" must not become the float 1.2)
        assert all(isinstance(e[f], str) for f in ("deprecated-in", "removed-in") if f in e)
        assert e.get("component", "flux") == "flux", key  # (Flux's own APIs: versions are Flux releases)
        assert "://" in e["source"], key
        assert e["replacement"] != e["apiVersion"]


# Every removal the official guide lists (https://kubernetes.io/docs/reference/using-api/
# deprecation-guide/, sections v1.16 to v1.32): (apiVersion, kinds, removed-in).
GUIDE = [
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema PriorityLevelConfiguration", "1.32"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema PriorityLevelConfiguration", "1.29"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema PriorityLevelConfiguration", "1.26"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"),
    ("batch/v1beta1", "CronJob", "1.25"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", "1.25"),
    ("events.k8s.io/v1beta1", "Event", "1.25"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25"),
    ("policy/v1beta1", "PodDisruptionBudget PodSecurityPolicy", "1.25"),
    ("node.k8s.io/v1beta1", "RuntimeClass", "1.25"),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration ValidatingWebhookConfiguration", "1.22"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22"),
    ("apiregistration.k8s.io/v1beta1", "APIService", "1.22"),
    ("authentication.k8s.io/v1beta1", "TokenReview", "1.22"),
    ("authorization.k8s.io/v1beta1",
     "LocalSubjectAccessReview SelfSubjectAccessReview SubjectAccessReview SelfSubjectRulesReview", "1.22"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.22"),
    ("coordination.k8s.io/v1beta1", "Lease", "1.22"),
    ("extensions/v1beta1", "Ingress", "1.22"),
    ("networking.k8s.io/v1beta1", "Ingress IngressClass", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole ClusterRoleBinding Role RoleBinding", "1.22"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", "1.22"),
    ("storage.k8s.io/v1beta1", "CSIDriver CSINode StorageClass VolumeAttachment", "1.22"),
    ("extensions/v1beta1", "NetworkPolicy DaemonSet Deployment ReplicaSet", "1.16"),
    ("apps/v1beta2", "DaemonSet Deployment StatefulSet ReplicaSet", "1.16"),
    ("apps/v1beta1", "Deployment StatefulSet ReplicaSet", "1.16"),
]


def test_covers_the_official_guide(entries):
    for api, kinds, removed in GUIDE:
        for kind in kinds.split():
            e = entries.get((api, kind))
            assert e is not None, f"{api} {kind} missing"
            assert _v(e["removed-in"]) == removed, (api, kind)


def _t(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


# ---- the official lifecycle data (tests/data/k8s-lifecycle.tsv) -----------------------------------

# kinds of the lifecycle data that are never applied as manifests: kind -> why
NOT_MANIFESTS = {
    "Scale": "a subresource (deployments/scale ...)",
    "DeploymentRollback": "a subresource (deployments/rollback)",
    "Eviction": "a subresource (pods/eviction)",
    "AdmissionReview": "the body of an admission webhook call",
    "APIGroupDiscovery": "a discovery response",
    "JobTemplate": "a type embedded in CronJob, never served on its own",
}


def _lifecycle():
    """(header lines, rows) of tests/data/k8s-lifecycle.tsv."""
    lines = LIFECYCLE.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"))
    return header, rows


def _newest_release() -> str:
    header, _ = _lifecycle()
    return next(line.split(":", 1)[1].strip() for line in header if line.startswith("# newest-release:"))


def _expected(row) -> dict:
    """What the pack must say for a lifecycle row: the first release that no longer serves the
    kind (its removed date, or the first release whose file no longer lists it, if earlier), and
    the deprecation when it comes before that."""
    removed = row["removed"]
    if row["absent_from"] and _t(row["absent_from"]) < _t(removed):
        removed = row["absent_from"]
    out = {"removed-in": removed}
    if _t(row["deprecated"]) < _t(removed):
        out["deprecated-in"] = row["deprecated"]
    return out


def test_lifecycle_table_names_its_source():
    header, rows = _lifecycle()
    text = "\n".join(header)
    assert "https://github.com/kubernetes/api" in text and "zz_generated.prerelease-lifecycle.go" in text
    # a release tag, or (for a release the snapshot read had not made yet) its beta, taken after
    # code freeze, when API shapes and lifecycle markers no longer change
    tag = r"v0\.\d+\.0(?:-beta\.\d+)?"
    commits = re.findall(rf"^#   ({tag}) ([0-9a-f]{{40}})$", text, re.M)
    tags = {tag for tag, _ in commits}
    assert {row["source"].split("@")[1] for row in rows} <= tags
    newest_tag = next(line.split(":", 1)[1].strip() for line in header if line.startswith("# newest-release-tag:"))
    assert newest_tag in tags and newest_tag.startswith(f"v0.{_t(_newest_release())[1]}.0")
    for row in rows:
        assert re.fullmatch(rf"[a-z]+/v\d+\w*/zz_generated\.prerelease-lifecycle\.go@{tag}", row["source"]), row
        assert _t(row["introduced"]) <= _t(row["deprecated"]) < _t(row["removed"]), row


def test_covers_every_deprecation_and_removal_of_the_lifecycle_data(entries):
    """Every kind the lifecycle data deprecates or removes in a release up to the newest one
    covered is in the pack, with the same releases."""
    newest = _t(_newest_release())
    missing, wrong = [], []
    for row in _lifecycle()[1]:
        if row["kind"] in NOT_MANIFESTS:
            continue
        want = _expected(row)
        if min(_t(v) for v in want.values()) > newest:
            continue  # neither deprecated nor removed yet in a covered release
        e = entries.get((row["apiVersion"], row["kind"]))
        if e is None:
            missing.append((row["apiVersion"], row["kind"]))
            continue
        got = {f: _v(e[f]) for f in ("deprecated-in", "removed-in") if f in e}
        if got != want:
            wrong.append((row["apiVersion"], row["kind"], got, want))
    assert missing == [] and wrong == []


def test_no_entry_contradicts_the_lifecycle_data(entries):
    rows = {(row["apiVersion"], row["kind"]): row for row in _lifecycle()[1]}
    for key, e in entries.items():
        row = rows.get(key)
        if row is None:
            continue  # a removal the lifecycle data does not cover (older or alpha): see its source
        assert key[1] not in NOT_MANIFESTS, key
        assert {f: _v(e[f]) for f in ("deprecated-in", "removed-in") if f in e} == _expected(row), key
        assert "zz_generated.prerelease-lifecycle.go" in e["source"] or "deprecation-guide" in e["source"], key


def test_planned_removals_are_marked_as_planned(entries):
    newest = _t(_newest_release())
    for key, e in entries.items():
        if _t(_v(e["removed-in"])) > newest and not e.get("component"):
            assert "removal planned for" in e["source"], key


def test_default_version_is_the_newest_release_covered():
    """Not the newest date in the pack: planned removals (1.38 and later) name releases that do
    not exist yet."""
    from archlint.checks.kubernetes.apis import NEWEST_RELEASE, default_kubernetes_version

    assert default_kubernetes_version() == _newest_release() == "%d.%d" % NEWEST_RELEASE == "1.37"



def test_flux_entries_name_flux_releases_and_their_posts(entries):
    """The Flux section: versions are Flux releases no newer than the newest covered (2.9), each
    removal sourced from the release post that announced it; no Kubernetes entry is in a Flux group."""
    from archlint.checks.kubernetes.apis import NEWEST_FLUX

    flux = {k: e for k, e in entries.items() if e.get("component") == "flux"}
    assert len(flux) == 25
    for (api, kind), e in entries.items():
        assert (".toolkit.fluxcd.io/" in api) == (e.get("component") == "flux"), (api, kind)
    for key, e in flux.items():
        rm = _t(_v(e["removed-in"]))
        assert rm <= NEWEST_FLUX, key
        assert f"https://fluxcd.io/blog/" in e["source"] and f"removed in {_v(e['removed-in'])}" in e["source"], key
        assert _t(_v(e["replacement-available-in"])) <= rm, key

# ---- cross-check with FairwindsOps/pluto's table -------------------------------------------------

# (apiVersion, kind, field) -> (pluto's value, the value upstream gives, why).  The first group is
# ../shared/data/README.md's list of known errors; the rest were found by this test and checked
# against kubernetes/kubernetes staging/src/k8s.io/api/<group>/<version>/
# zz_generated.prerelease-lifecycle.go, which decides with the guide.
_AVAILABLE_NOT_DEPRECATED = "pluto gives the release the replacement became available, not the deprecation"
PLUTO_ERRORS = {
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "deprecated-in"): ("1.24", "1.23", "README"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "removed-in"): ("1.29", "1.26", "README"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "deprecated-in"): ("1.24", "1.23", "README"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "removed-in"): ("1.29", "1.26", "README"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "deprecated-in"): ("1.24", "1.29", "README"),
    ("extensions/v1beta1", "ReplicaSet", "deprecated-in"): ("", "1.8", "README: empty; extensions lifecycle file"),
    ("apps/v1beta1", "ReplicaSet", "deprecated-in"): ("", "1.8", "README: empty; the apps/v1beta1 group"),
    ("apps/v1beta2", "ReplicaSet", "deprecated-in"): ("", "1.9", "README: empty; apps/v1beta2 lifecycle file"),
    ("storage.k8s.io/v1beta1", "StorageClass", "deprecated-in"): ("1.6", "1.19", "README; " + _AVAILABLE_NOT_DEPRECATED),
    ("authentication.k8s.io/v1beta1", "TokenReview", "deprecated-in"): ("1.6", "1.19", "README; " + _AVAILABLE_NOT_DEPRECATED),
    ("storage.k8s.io/v1beta1", "VolumeAttachment", "deprecated-in"): ("1.13", "1.19", _AVAILABLE_NOT_DEPRECATED),
    ("apiregistration.k8s.io/v1beta1", "APIService", "deprecated-in"): ("1.10", "1.19", _AVAILABLE_NOT_DEPRECATED),
    ("coordination.k8s.io/v1beta1", "Lease", "deprecated-in"): ("1.14", "1.19", _AVAILABLE_NOT_DEPRECATED),
    ("events.k8s.io/v1beta1", "Event", "deprecated-in"): ("1.19", "1.22", _AVAILABLE_NOT_DEPRECATED),
    ("extensions/v1beta1", "Deployment", "deprecated-in"): ("1.9", "1.8", _AVAILABLE_NOT_DEPRECATED),
    ("extensions/v1beta1", "DaemonSet", "deprecated-in"): ("1.9", "1.8", _AVAILABLE_NOT_DEPRECATED),
    ("apps/v1beta1", "Deployment", "deprecated-in"): ("1.9", "1.8", _AVAILABLE_NOT_DEPRECATED),
    ("apps/v1beta1", "StatefulSet", "deprecated-in"): ("1.9", "1.8", _AVAILABLE_NOT_DEPRECATED),
    ("extensions/v1beta1", "PodSecurityPolicy", "deprecated-in"): ("1.10", "1.11", _AVAILABLE_NOT_DEPRECATED),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "deprecated-in"): ("1.24", "1.26", "lifecycle file: 1.26"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "deprecated-in"):
        ("1.24", "1.26", "lifecycle file: 1.26"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "deprecated-in"):
        ("1.31", "1.29", "lifecycle file: 1.29"),
    # newer rows: the lifecycle files of kubernetes/api v0.37.0-beta.0 (tests/data/k8s-lifecycle.tsv) decide
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", "deprecated-in"):
        ("1.28", "1.29", "lifecycle file: 1.29"),
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", "removed-in"):
        ("1.33", "1.32", "lifecycle file: 1.32"),
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding", "deprecated-in"):
        ("1.28", "1.29", "lifecycle file: 1.29"),
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding", "removed-in"):
        ("1.33", "1.32", "lifecycle file: 1.32"),
    **{("resource.k8s.io/v1alpha3", kind, "deprecated-in"):
       ("1.32", "", "the lifecycle file's deprecation (1.34) is the release that dropped the kind")
       for kind in ("DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice")},
    ("storage.k8s.io/v1alpha1", "VolumeAttributesClass", "deprecated-in"): ("1.31", "1.32", "lifecycle file: 1.32"),
    ("storage.k8s.io/v1beta1", "VolumeAttributesClass", "removed-in"):
        ("", "1.37", "pluto gives no removal; lifecycle file: removed 1.37"),
    ("storagemigration.k8s.io/v1alpha1", "StorageVersionMigration", "deprecated-in"):
        ("1.35", "1.33", "lifecycle file: 1.33 (gone from 1.35)"),
    **{("resource.k8s.io/v1beta1", kind, field): (theirs, ours, "lifecycle file of v0.37.0-beta.0: deprecated "
                                                  "1.35, still served in 1.37, removal planned for 1.38")
       for kind in ("DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice")
       for field, theirs, ours in (("deprecated-in", "1.33", "1.35"), ("removed-in", "1.36", "1.38"))},
}

# pluto rows deliberately not in the pack: (apiVersion, kind) -> why
PLUTO_LEFT_OUT = {
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowControl"): "not a Kubernetes kind (README)",
    ("audit.k8s.io/v1alpha1", "Event"): "audit log records, never applied as manifests",
    ("audit.k8s.io/v1beta1", "Event"): "audit log records, never applied as manifests",
}
NEWEST_RELEASE = (1, 37)  # the newest release the pack covers (tests/data/k8s-lifecycle.tsv)


def _rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@needs_data
def test_agrees_with_pluto_except_known_source_errors(entries):
    used = set()
    for row in _rows("k8s-api-deprecations.pluto.tsv"):
        e = entries.get((row["apiVersion"], row["kind"]))
        if e is None:
            continue
        for field, col in (("deprecated-in", "deprecated_in"), ("removed-in", "removed_in")):
            theirs, ours = _v(row[col]), _v(e.get(field))
            known = PLUTO_ERRORS.get((row["apiVersion"], row["kind"], field))
            if known is not None:
                used.add((row["apiVersion"], row["kind"], field))
                assert theirs == known[0], ("the table changed", row)
                assert ours == known[1], (row["apiVersion"], row["kind"], field, known[2])
            else:
                assert ours == theirs, (row["apiVersion"], row["kind"], field, ours, theirs)
    assert used == set(PLUTO_ERRORS), "stale entries in PLUTO_ERRORS"


@needs_data
def test_covers_the_kubernetes_rows_of_pluto(entries):
    missing = []
    for row in _rows("k8s-api-deprecations.pluto.tsv"):
        if row["component"] != "k8s" or row["kind"].endswith("List"):
            continue
        key = (row["apiVersion"], row["kind"])
        removed = _v(row["removed_in"])
        if key in PLUTO_LEFT_OUT or not removed or _t(removed) > NEWEST_RELEASE:
            continue
        if key not in entries:
            missing.append(key)
    assert missing == []


# ---- cross-check with aquasecurity/trivy-checks' table -------------------------------------------

# trivy's apiVersion column is shifted for some groups (README); the ref column names the real
# group/version directory of the lifecycle file, which is what this maps back to an apiVersion.
GROUPS = {
    "admission": "admission.k8s.io", "admissionregistration": "admissionregistration.k8s.io",
    "apidiscovery": "apidiscovery.k8s.io", "apps": "apps", "authentication": "authentication.k8s.io",
    "authorization": "authorization.k8s.io", "autoscaling": "autoscaling", "batch": "batch",
    "certificates": "certificates.k8s.io", "coordination": "coordination.k8s.io",
    "discovery": "discovery.k8s.io", "events": "events.k8s.io", "extensions": "extensions",
    "flowcontrol": "flowcontrol.apiserver.k8s.io", "networking": "networking.k8s.io",
    "node": "node.k8s.io", "policy": "policy", "rbac": "rbac.authorization.k8s.io",
    "resource": "resource.k8s.io", "scheduling": "scheduling.k8s.io", "storage": "storage.k8s.io",
}


# trivy rows generated from an older state of a lifecycle file: (apiVersion, kind) ->
# ((their deprecated, removed), (the v0.37.0-beta.0 lifecycle file's, as the pack has them))
TRIVY_STALE = {
    ("certificates.k8s.io/v1alpha1", "ClusterTrustBundle"): (("1.29", "1.32"), ("1.34", "1.37")),
}


@needs_data
def test_agrees_with_trivy_lifecycle_data(entries):
    compared = 0
    used = set()
    for row in _rows("k8s-api-deprecations.trivy.tsv"):
        group_dir, version = row["ref"].split("/")[-3:-1]
        api = f"{GROUPS[group_dir]}/{version}"
        e = entries.get((api, row["kind"]))
        if e is None:
            continue
        compared += 1
        known = TRIVY_STALE.get((api, row["kind"]))
        if known is not None:
            used.add((api, row["kind"]))
            assert (_v(row["deprecated_in"]), _v(row["removed_in"])) == known[0], ("the table changed", row)
            assert (_v(e.get("deprecated-in")), _v(e["removed-in"])) == known[1], (api, row["kind"])
            continue
        assert _v(e.get("deprecated-in")) == _v(row["deprecated_in"]), (api, row["kind"])
        assert _v(e["removed-in"]) == _v(row["removed_in"]), (api, row["kind"])
    assert compared >= 45
    assert used == set(TRIVY_STALE), "stale entries in TRIVY_STALE"
