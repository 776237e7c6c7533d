"""The version of mkba (one place: the package metadata is read from here at build time)."""

__version__ = "0.2.0"
