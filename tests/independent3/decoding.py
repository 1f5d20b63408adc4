"""Independent catalogue, round 3: submissions for exercises/decoding.py.

Written from the docstring of ``exercises/decoding.py`` only, avoiding every mistake and
every style already in rounds 1 and 2 (``tests/independent/decoding.py``,
``tests/independent2/decoding.py``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def greedy_generate__wrong_falsy_eos_zero(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: tests the stop token with ``if eos_token_id and ...``, so an eos id of 0 (a
    perfectly good id: ``<unk>`` in this vocabulary) is treated like ``None`` and never stops
    the loop. Violates: "append it; stop if it is ``eos_token_id`` (it stays in the
    output)" [``eos_token_id=0`` on a model whose argmax is 0]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            nxt = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id and nxt.item() == eos_token_id:
                break
    return ids


def greedy_generate__wrong_delegates_to_generate(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: calls ``model.generate`` itself (the docstring says the output must equal it),
    handling ``None`` and 0 by hand -- but ``generate`` still applies every rule of the
    model's ``generation_config`` (repetition penalty, ``no_repeat_ngram_size``, ``min_new_tokens``,
    bad words, ...). Violates: "Your loop reads nothing from ``model.generation_config``"
    [a model whose ``generation_config.repetition_penalty = 1.5`` or ``no_repeat_ngram_size = 2``]"""
    if max_new_tokens == 0:
        return input_ids
    # an id that can never come out stands for "no early stop"
    stop = eos_token_id if eos_token_id is not None else [-1]
    with torch.no_grad():
        return model.generate(
            input_ids,
            attention_mask=torch.ones_like(input_ids),
            do_sample=False,
            max_new_tokens=max_new_tokens,
            eos_token_id=stop,
            pad_token_id=eos_token_id if eos_token_id is not None else 0,
        )


def greedy_generate__right_recursive_with_cache(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: recursion instead of a loop -- each call takes the model output for the
    sequence so far (the KV cache route of the bonus), appends one argmax token and recurses
    with the remaining budget; the new tokens are kept in a Python list and concatenated once."""

    def _greedy_generate__right_recursive_with_cache_step(out, budget: int, new: list[torch.Tensor]):
        if budget == 0:
            return new
        token = out.logits[:, -1, :].argmax(dim=-1, keepdim=True)
        new.append(token)
        if eos_token_id is not None and int(token) == eos_token_id:
            return new
        if budget == 1:
            return new
        nxt = model(input_ids=token, cache=out.cache, use_cache=True)
        return _greedy_generate__right_recursive_with_cache_step(nxt, budget - 1, new)

    if max_new_tokens <= 0:
        return input_ids.clone()
    with torch.no_grad():
        first = model(input_ids=input_ids, use_cache=True)
        new = _greedy_generate__right_recursive_with_cache_step(first, max_new_tokens, [])
    return torch.cat([input_ids, *new], dim=1)
