"""Writing a build's pages into its folder: the rendered outputs, and the pages of resolved
incidents rendered by earlier builds, written (or linked from the live site) while the rest of
the site is rendered."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Mapping
from functools import partial
from pathlib import Path

from ..incremental.forking import Forked
from ..incremental.spare import Reuse, Stamp, bring_up_to_date, link_or_write


def write_all(site_dir: Path, outputs: dict[str, bytes]) -> None:
    """Each output under `site_dir`, making each folder once (a long history has thousands)."""
    made: set[str] = set()
    for relative, data in outputs.items():
        folder = relative.rpartition("/")[0]
        if folder not in made:
            make_folder(os.path.join(site_dir, folder))
            made.add(folder)
        with open(os.path.join(site_dir, relative), "wb") as out:
            out.write(data)


# With this many reused pages or more, a forked process writes them, so that its file system
# work (a folder per incident) runs on another core. A thread would wait for this process's
# interpreter lock between every two calls while the rest renders (measured slower: see the
# performance notes).
WRITER_PROCESS_MIN_PAGES = 200


class PageWriter:
    """Writes the reused pages while Python renders the rest: in a forked process for many
    pages, else in a thread. A page the live site already holds unchanged is linked rather
    than written. `published` says, after `join`, what was published where, and `files`
    what the folder then holds: the pages kept there (the spare's files, listed before
    anything else in it is deleted) and the pages put there."""

    def __init__(
        self, site_dir: Path, rendered: Mapping[str, Mapping[str, bytes]], reuse: Reuse | None
    ) -> None:
        self.error: OSError | None = None
        self.published: dict[str, Stamp] = {}
        self.files: list[str] | None = None
        self.stopped = threading.Event()
        self.process: Forked[Report] | None = None
        self.thread: threading.Thread | None = None
        pages = sum(len(p) for p in rendered.values())
        if hasattr(os, "fork") and pages >= WRITER_PROCESS_MIN_PAGES:
            self.process = Forked(partial(self._report, site_dir, rendered, reuse))
            return
        self.thread = threading.Thread(
            target=self._run,
            args=(site_dir, rendered, reuse),
            name="statuspress-writer",
            daemon=True,
        )
        self.thread.start()

    def _report(
        self, site_dir: Path, rendered: Mapping[str, Mapping[str, bytes]], reuse: Reuse | None
    ) -> Report:
        """In the writer process: the pages written, then what became of them."""
        self._run(site_dir, rendered, reuse)
        return str(self.error) if self.error else None, self.published, self.files

    def _run(
        self, site_dir: Path, rendered: Mapping[str, Mapping[str, bytes]], reuse: Reuse | None
    ) -> None:
        try:
            kept = _kept(site_dir, reuse)
            self.published.update(kept)
            put = []
            for incident_id, pages in rendered.items():
                if self.stopped.is_set():  # the build was interrupted: its folder goes
                    return
                for name in pages:  # a page's bytes are read only if it cannot be linked
                    if name not in kept:
                        self._put(site_dir, name, pages, incident_id, reuse)
                        put.append(name)
            self.files = [*kept, *put]
        except OSError as exc:
            self.error = exc

    def _put(
        self,
        site_dir: Path,
        name: str,
        pages: Mapping[str, bytes],
        incident_id: str,
        reuse: Reuse | None,
    ) -> None:
        make_folder(os.path.join(site_dir, name.rpartition("/")[0]))
        key = reuse.keys.get(incident_id) if reuse is not None else None
        if reuse is None or key is None:  # not from a record: a folder never recorded
            with open(os.path.join(site_dir, name), "wb") as out:
                out.write(pages[name])
            return
        self.published[name] = link_or_write(
            site_dir, reuse.live, name, pages, key, reuse.previous.get(name)
        )

    def stop(self) -> None:
        """Interrupted: stop writing at once (the staging folder is removed after)."""
        self.stopped.set()
        if self.process is not None:
            self.process.cancel()
            self.process = None
        self.join(ignore_errors=True)

    def join(self, ignore_errors: bool = False) -> None:
        if self.process is not None:
            self._join_process(self.process)
            self.process = None
        elif self.thread is not None:
            self.thread.join()
        if self.error is not None and not ignore_errors:
            raise self.error

    def _join_process(self, process: Forked[Report]) -> None:
        try:
            failure, self.published, self.files = process.result()
        except (ChildProcessError, OSError, pickle.UnpicklingError, EOFError, ValueError):
            failure = "the process writing the pages stopped"
        if failure:
            self.error = OSError(failure)


Report = tuple[str | None, dict[str, Stamp], list[str] | None]  # failure, published, files


def _kept(site_dir: Path, reuse: Reuse | None) -> dict[str, Stamp]:
    """When `site_dir` is the spare site: the reused pages it holds as they were published
    (everything else in it is deleted first)."""
    if reuse is None or reuse.spare is None:
        return {}
    return bring_up_to_date(site_dir, reuse.spare, reuse.wanted)


def make_folder(folder: str) -> None:
    """`folder` and any missing parents; nothing when it exists."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
