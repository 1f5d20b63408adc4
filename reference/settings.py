"""A decoding setting as the seed's task comparison writes it, and its label.

A setting is a dict with optional ``temperature`` (absent or 0: greedy), ``top_p`` and
``top_k`` — ``{}``, ``{"top_p": 0.2, "temperature": 0.2}``, ``{"top_p": 0.9, "temperature": 1.4}``.
Its own module because the ``tasks`` demo labels its rows the way
:func:`reference.evaluation.compare_tasks` does, and the learners' bundle holds this module but
not ``reference/evaluation.py`` (which computes an exercise's answer).
"""
from __future__ import annotations

from typing import Any


def is_greedy(setting: dict[str, Any]) -> bool:
    """A setting is greedy when it asks for no sampling: no temperature, or temperature 0."""
    return not setting.get("temperature")


def setting_label(setting: dict[str, Any]) -> str:
    """``"greedy"`` or ``"top_p=0.9, temperature=1.4"`` for a decoding setting."""
    if is_greedy(setting):
        return "greedy"
    return ", ".join(f"{key}={setting[key]}" for key in ("top_k", "top_p", "temperature") if key in setting)
