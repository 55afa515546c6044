"""One module per command; each exposes a Click command named `command`."""
