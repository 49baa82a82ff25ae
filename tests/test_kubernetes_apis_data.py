"""rules/kubernetes-apis.yaml: valid against its JSON schema, covers the official deprecation
guide, and agrees with the reference tables in ../shared/data except where a source is known to
be wrong (each exception below says why and what upstream says)."""
from __future__ import annotations

import csv
import re

import jsonschema
import pytest
import yaml

from archlint import packs

from helpers import REPO, SHARED

PACK = REPO / "rules" / "kubernetes-apis.yaml"
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
        assert dep and rm, key
        assert tuple(map(int, dep.split("."))) < tuple(map(int, rm.split("."))), key
        # versions are strings in the file ("1.20" must not become the float 1.2)
        assert isinstance(e["deprecated-in"], str) and isinstance(e["removed-in"], str)
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


def test_default_version_is_the_newest_release_in_the_data(data):
    from archlint.checks.kubernetes.rules import default_kubernetes_version

    newest = max((tuple(map(int, _v(e[f]).split("."))) for e in data["entries"]
                  for f in ("deprecated-in", "removed-in") if f in e))
    assert default_kubernetes_version() == "%d.%d" % newest == "1.32"


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
}

# pluto rows deliberately not in the pack: (apiVersion, kind) -> why
PLUTO_LEFT_OUT = {
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowControl"): "not a Kubernetes kind (README)",
    ("audit.k8s.io/v1alpha1", "Event"): "audit log records, never applied as manifests",
    ("audit.k8s.io/v1beta1", "Event"): "audit log records, never applied as manifests",
}
NEWEST_GUIDE_RELEASE = (1, 32)  # rows removed later are not in the guide (generated lifecycle defaults)


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
        if key in PLUTO_LEFT_OUT or not removed or tuple(map(int, removed.split("."))) > NEWEST_GUIDE_RELEASE:
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


@needs_data
def test_agrees_with_trivy_lifecycle_data(entries):
    compared = 0
    for row in _rows("k8s-api-deprecations.trivy.tsv"):
        group_dir, version = row["ref"].split("/")[-3:-1]
        api = f"{GROUPS[group_dir]}/{version}"
        e = entries.get((api, row["kind"]))
        if e is None:
            continue
        compared += 1
        assert _v(e["deprecated-in"]) == _v(row["deprecated_in"]), (api, row["kind"])
        assert _v(e["removed-in"]) == _v(row["removed_in"]), (api, row["kind"])
    assert compared >= 45
