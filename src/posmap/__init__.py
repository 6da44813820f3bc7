"""posmap: structured position mapping for negotiation analysts."""

__version__ = "0.1.0"
