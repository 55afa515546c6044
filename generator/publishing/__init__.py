"""From a checked project to a live site: the build, the MkDocs plugin, the leak guard, the swap."""
