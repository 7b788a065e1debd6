"""What `digest serve` watches for saves: content/, layouts/ and site.yaml.

Each change is put, as a path, in a queue the server rebuilds from.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.settings.config import CONFIG_FILE


class _SiteChanges(FileSystemEventHandler):
    """Puts the path of every change to content/, layouts/ or site.yaml in a queue."""

    def __init__(self, site_dir: Path, changes: queue.Queue[str]) -> None:
        self.watched = [(site_dir / "content").resolve(), (site_dir / "layouts").resolve()]
        self.config = (site_dir / CONFIG_FILE).resolve()
        self.changes = changes
        self.appeared: queue.Queue[Path] = queue.Queue()  # watched folders made while serving

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw)).resolve()
            if path in self.watched and event.event_type in ("created", "moved"):
                self.appeared.put(path)
            if path == self.config or any(path.is_relative_to(d) for d in self.watched):
                self.changes.put(str(path))
                return


def watch(site_dir: Path, changes: queue.Queue[str]) -> Any:
    """Watch content/, layouts/ and site.yaml, and nothing else of the site folder.

    The build cache and the output folder are written to by every build, tens
    of thousands of files on a big site: watching them would flood the
    queue of file events (and could lose the one that matters).
    """
    handler = _SiteChanges(site_dir, changes)
    observer = Observer()
    observer.schedule(handler, str(site_dir.resolve()), recursive=False)  # site.yaml, new folders
    watches = {}
    for folder in handler.watched:
        if folder.is_dir():
            watches[folder] = observer.schedule(handler, str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    threading.Thread(
        target=_watch_new_folders, args=(observer, handler, watches), daemon=True
    ).start()
    return observer


def _watch_new_folders(observer: Any, handler: _SiteChanges, watches: dict[Path, Any]) -> None:
    """Watch content/ or layouts/ again when it is made (or moved into place) while serving.

    The watch of a folder that was deleted or moved away is stale: it is dropped first.
    """
    while True:
        folder = handler.appeared.get()
        if folder in watches:
            with contextlib.suppress(KeyError):
                observer.unschedule(watches.pop(folder))
        if folder.is_dir():
            watches[folder] = observer.schedule(handler, str(folder), recursive=True)
