"""The media store: ``instance/media/<sha256[:2]>/<sha256>.<ext>``, one file per content.

Only the hex digest and an extension from our own table (media_types.TYPES) make the path, so
no name from a sheet or a zip ever reaches the file system. Files are written before the
import's one transaction (a failed transaction leaves a harmless unreferenced file, no row).
"""

from __future__ import annotations

import os
import re
import tempfile

from .media_types import TYPES, Blob


def root(instance_path: str) -> str:
    return os.path.join(instance_path, "media")


def path_for(instance_path: str, sha256: str, ext: str) -> str:
    """The file of a stored medium: built from the hex digest and a known extension only."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or ext not in TYPES:
        raise ValueError("not a media name")
    return os.path.join(root(instance_path), sha256[:2], f"{sha256}.{ext}")


def save(instance_path: str, blob: Blob) -> str:
    """Write the blob once (atomically); an existing file with that digest is kept."""
    path = path_for(instance_path, blob.sha256, blob.ext)
    if os.path.exists(path):
        return path
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob.data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def save_blobs(instance_path: str, questions) -> int:
    """Write the media of these parsed questions to the store (before the transaction)."""
    written = set()
    for q in questions:
        for blob in q.media or ():
            if blob.sha256 not in written:
                save(instance_path, blob)
                written.add(blob.sha256)
    return len(written)
