"""Static public transparency site generator for council planning enforcement."""

__version__ = "0.1.0"
