"""Rule modules, one per family; imported lazily by archlint.registry."""
