"""The backends' names, and which names can never load: no torch, so a typo costs nothing.

:mod:`reference.backends` loads models and imports torch (seconds). The CLI must refuse
``--backend tinyy`` at once, with the closest names, so the names and the checks that need no
model files live here and both import them.
"""
from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

BACKEND_ENV = "DECODELAB_BACKEND"
TINY = "tiny"
MISTRAL_4BIT = "mistral-7b-4bit"
AUTO = "auto"
MISTRAL_ID = "mistralai/Mistral-7B-v0.1"
FOUR_BIT_SUFFIX = ":4bit"
_HUB_ID = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def backend_problem(name: str) -> str | None:
    """Why ``load_backend(name)`` would refuse this backend name at once, or None when it may load.

    Mirrors the decisions of :func:`reference.backends.load_backend` that need no model files:
    ``tiny``, ``mistral-7b-4bit`` (each optionally with ``:4bit``) and ``auto`` are the named
    backends; an existing folder is a local model; ``org/name`` is a Hugging Face id (whether it
    exists is only known when it loads); a path that is not a folder, and any other word, are
    refused, with the closest names.
    """
    name = name.strip()
    if name in ("", AUTO):  # '' is no choice: load_backend then reads $DECODELAB_BACKEND, else auto
        return None
    base = name[: -len(FOUR_BIT_SUFFIX)] if name.endswith(FOUR_BIT_SUFFIX) else name
    if base in (TINY, MISTRAL_4BIT) or _is_folder(base):
        return None
    if looks_like_path(base):
        return (
            f"no model folder at '{base}': give a folder holding config.json, the weights and the "
            f"tokenizer files, or a Hugging Face id such as 'org/name'"
        )
    if "/" in base:
        if _HUB_ID.fullmatch(base) and "--" not in base and ".." not in base:
            return None
        return (
            f"'{base}' is neither a model folder nor a Hugging Face model id ('org/name', in letters, "
            f"digits, '-', '_' and '.')"
        )
    named = [TINY, TINY + FOUR_BIT_SUFFIX, MISTRAL_4BIT, AUTO, MISTRAL_ID]
    return (
        f"unknown backend '{name}'{_did_you_mean(name, named)}; choose '{TINY}', '{MISTRAL_4BIT}', "
        f"'{AUTO}', a Hugging Face model id such as 'org/name', or a local model folder "
        f"(add '{FOUR_BIT_SUFFIX}' to quantize)"
    )


def _is_folder(name: str) -> bool:
    try:
        return Path(name).expanduser().is_dir()
    except (OSError, ValueError, RuntimeError):  # a name too long, a NUL, '~nosuchuser'
        return False



def requested_backend(name: str | None = None) -> str:
    """The backend asked for: the argument, else ``$DECODELAB_BACKEND``, else ``auto`` (blank = unset)."""
    return (name or "").strip() or os.environ.get(BACKEND_ENV, "").strip() or AUTO


def looks_like_path(name: str) -> bool:
    """Whether a backend name is meant as a local folder rather than a hub id ``org/name``."""
    return _is_folder(name) or name.startswith(("/", ".", "~")) or name.count("/") > 1 or (os.sep != "/" and os.sep in name)


def _did_you_mean(word: str, names: list[str]) -> str:
    matches = difflib.get_close_matches(word.lower(), names, n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(m) for m in matches)}?)" if matches else ""
