"""What makes a rebuild fast, behind one door: incident records, the sealed store they and
the memos live in, the output cache, the spare site and the forked helper. The rest of the
build is given these as objects; nothing here keeps a build's state in a module."""
