"""Where decodelab keeps the files it builds on first use.

A module of its own, importing nothing heavy: ``decodelab check`` reads its cache of verdicts
from here before it knows whether it needs torch or transformers at all.
"""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$DECODELAB_CACHE``, else ``$XDG_CACHE_HOME/decodelab``, else ``~/.cache/decodelab``."""
    override = os.environ.get("DECODELAB_CACHE")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "decodelab"
