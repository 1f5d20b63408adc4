"""What a test observes of a learner's use of the model, recorded where the model runs.

A hidden test that asks "did the loop reuse the KV cache?" watches the model's forward passes.
The watching happens next to the model: in the test's own process for an in-process target,
in the sandboxed learner's process for a submission (:mod:`grading.sandbox.learner_side` wraps the call in
:func:`forward_passes` and sends the records back as plain data). So the model stays the
learner's own copy and every object the learner builds (a ``DynamicCache`` of its own) meets
it exactly as in a plain Python session. Tests use it through
``learner.observing_forward_passes(model)`` (:meth:`grading.harness.target.Target.observing_forward_passes`).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator


@contextmanager
def forward_passes(model: Any) -> Iterator[list[dict]]:
    """Record every forward pass of ``model``'s decoder: ``positions`` fed, ``cached`` length,
    ``grad`` mode and the token ``ids`` fed (None past 4,096 of them, or for embeddings).

    A pre-hook on the inner decoder sees the call however it is made (``model(ids)``,
    ``model.forward(...)``, positional or keyword, the cache passed as ``cache`` — transformers
    >= 5.24 — or ``past_key_values`` — earlier releases and the deprecated spelling).
    """
    import torch

    decoder = model.get_decoder() if hasattr(model, "get_decoder") else model
    calls: list[dict] = []

    def record(_module: Any, args: tuple, kwargs: dict) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        fed = ids if ids is not None else kwargs.get("inputs_embeds")
        past = kwargs.get("cache", kwargs.get("past_key_values"))
        cached = 0
        if past is not None and hasattr(past, "get_seq_length"):
            cached = int(past.get_seq_length())
        calls.append({
            "positions": None if fed is None else int(fed.shape[1]),
            "cached": cached,
            "grad": torch.is_grad_enabled(),
            "ids": ids.tolist() if isinstance(ids, torch.Tensor) and ids.numel() <= 4096 else None,
        })

    handle = decoder.register_forward_pre_hook(record, with_kwargs=True)
    try:
        yield calls
    finally:
        handle.remove()
