"""HipTimer: a routine timer with guided sessions."""

__version__ = "0.1.0"
