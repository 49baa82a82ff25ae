"""Union-find, for names and files the project model links."""
from __future__ import annotations


class UnionFind:
    """Union-find over hashable items (``parent`` holds every item ever joined): names that
    ``docker tag`` says are one image, files the model links."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, n):
        parent = self.parent
        root = n
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(n, n) != root:  # path compression
            parent[n], n = root, parent[n]
        return root

    def union(self, a, b) -> None:
        parent = self.parent
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            parent[ra] = rb
