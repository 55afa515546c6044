"""statuspress: a static status site from incident updates committed to git."""

__version__ = "0.1.0"
