"""archlint: catch CPU-architecture and mutable-image mistakes before they reach a cluster."""
__version__ = "0.1.0"
