"""Thirty-first examiner: decoding.py entries (misled by a library default)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_argsort_descending_default_unstable(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: the loop of the docstring (``torch.no_grad()``, last position, append, stop after appending the eos, ``max_new_tokens = 0`` returns the prompt), but the next token is rank 0 of ``torch.argsort(logits, dim=-1, descending=True)`` ("keep the ranking, it is handy for printing the runners-up"). ``argsort``'s default ``stable=False`` promises no order among equal values; on this CPU build rows of more than 16 entries come back with a later id first among ties (``torch.sort`` gives the same order). The tiny model's logits never tie exactly, so every public test passes. Violates: "the next token is their ``argmax`` over the vocabulary (the last axis); where several logits tie for the largest, the lowest of their ids, as ``torch.argmax`` returns". [witness: a ``BigramModel`` of 100 tokens whose every row has ids 3, 50 and 98 tied at 5.0 (the rest 0), prompt ``[[1, 4]]``, 3 tokens -> ``[[1, 4, 50, 50, 50]]`` (WRONG) vs ``[[1, 4, 3, 3, 3]]`` (plain); a 1000-token toy tying ids 7, 500, 998, prompt ``[[1]]``, ``eos_token_id=7``, 4 tokens -> ``[[1, 500, 500, 500, 500]]`` vs ``[[1, 7]]`` (the eos is never chosen). Equal to plain on the tiny model ("The capital of Japan is", 5 tokens; "Once upon a time,", 3). public tests: all 7 of ``greedy`` pass (checks/logs/greedy_generate__wrong_argsort_descending_default_unstable.log).]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            ranking = torch.argsort(logits, dim=-1, descending=True)
            nxt = ranking[:, :1].to(ids.dtype)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def greedy_generate__right_argmax_flat_default_dim(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""RIGHT: relies on ``torch.argmax``'s default ``dim=None``: called on the ``(1, vocab)`` last-position logits it flattens them, and the flat index of a one-row tensor IS the token id; among tied maxima it returns the first (documented: "If there are multiple maximal values then the indices of the first maximal value are returned"), i.e. the lowest id. ``.view(1, 1)`` and ``torch.cat(..., dim=1)``; eos compared with ``.item()``; ``torch.no_grad()`` around the loop. Right only because the docstring fixes a batch of one (``input_ids: (1, T)``). Equal to plain on 7 runs: the tiny model with 1 and 8 tokens, with ``eos_token_id=2`` (stops), without BOS, ``max_new_tokens=0``, and the two tied toys (100 and 1000 tokens, eos 7). public tests: all 7 of ``greedy`` pass."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            last = model(input_ids=ids).logits[:, -1, :]
            nxt = torch.argmax(last).view(1, 1).to(ids.dtype)
            ids = torch.cat([ids, nxt], dim=1)
            if eos_token_id is not None and nxt.item() == eos_token_id:
                break
    return ids
