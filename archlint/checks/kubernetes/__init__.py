"""K8S: Kubernetes manifests, Kustomizations and Helm values (images, removed API versions, node
architecture)."""

from . import rules  # noqa: F401  (registers the rules)
