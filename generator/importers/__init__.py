"""Bringing another status page's history in as incident folders and files.

Each source module reads its tool's export into the shared `History` (history.py); the
writer (writer.py) turns a history into files exactly as `statuspress new`, `update` and
`maintenance` would have written them, and keeps the import idempotent with a manifest.
"""
