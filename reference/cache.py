"""Where decodelab keeps the files it builds on first use.

A module of its own, importing nothing heavy: ``decodelab check`` reads its cache of verdicts
from here before it knows whether it needs torch or transformers at all.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def cache_root() -> Path:
    """``$DECODELAB_CACHE``, else ``$XDG_CACHE_HOME/decodelab``, else ``~/.cache/decodelab``."""
    override = os.environ.get("DECODELAB_CACHE")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg) / "decodelab"


def cache_with_tokenizers_only(folder: Path) -> Path:
    """``folder`` made a cache holding only the tokenizers :func:`cache_root` has already built:
    none of the expected values a grading run keeps (``grading/grader/expected.py``), so a grading
    with ``DECODELAB_CACHE=folder`` primes as a first one does, without rebuilding a tokenizer."""
    tokenizers = cache_root() / "tokenizers"
    if tokenizers.is_dir():
        shutil.copytree(tokenizers, folder / "tokenizers", dirs_exist_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
