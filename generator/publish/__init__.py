"""Putting a checked build in place of the published site, or refusing to."""
