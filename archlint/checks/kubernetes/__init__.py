"""K8S: Kubernetes manifests, Kustomizations and Helm values (images, removed API versions, node
architecture)."""

from . import apis, nodes, rules  # noqa: F401  (registers the rules)
