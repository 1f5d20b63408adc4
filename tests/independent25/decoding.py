"""Twenty-fifth examiner: decoding.py entries (the learner who codes to the worked example)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_eos_compared_by_identity(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the loop of the docstring (last position, ``argmax``, append, stop after the eos), but the stop test is written ``if eos_token_id is not None and token is eos_token_id`` with ``token = next_id.item()`` -- the learner has just written ``eos_token_id is not None`` and carries the ``is`` on. CPython keeps ONE object for each small int (-5 to 256), so with the tiny model's ``</s>`` (id 2) the identity test is true exactly when the ids are equal and every eos test the learner tried passes; an id above 256 comes back from ``.item()`` as a fresh ``int`` object, never the caller's, so the loop never stops early. The worked example (``max_new_tokens = 1``, ``(1, 7)`` ending in ``▁Tokyo``), ``max_new_tokens = 0`` and ``eos_token_id = None`` are the plain loop's. Violates: "stop if it is ``eos_token_id`` (it stays in the output), or once ``max_new_tokens`` tokens have been added." [witness: tiny model, the worked example's prompt, ``greedy_generate(model, ids, 6, eos_token_id=28723)`` (``'.'``, the second greedy token): WRONG returns shape ``(1, 12)`` (``▁Tokyo . </s> </s> </s> ▁The``), plain ``(1, 8)`` ending in ``28723``.]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            next_id = torch.argmax(logits, dim=-1, keepdim=True)
            ids = torch.cat([ids, next_id.to(ids.dtype)], dim=1)
            token = next_id.item()
            if eos_token_id is not None and token is eos_token_id:
                break
    return ids


def greedy_generate__right_stable_descending_sort_first(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: no ``argmax``: each step sorts the last position's logits with ``torch.sort(..., descending=True, stable=True)`` and takes the first index. A STABLE sort keeps tied values in their original (vocabulary) order also when sorting descending, so among logits tied for the largest the lowest id comes first -- the docstring's tie rule, which ``torch.topk`` (and an unstable sort) does not promise. The sequence is grown in a preallocated ``(1, T + max_new_tokens)`` int64 buffer on the prompt's device, filled from the prompt, and the filled part is returned (``narrow``, then ``clone``). The stop test compares ``int`` values with ``==``. Agrees with a plain version on: the worked example (``(1, 7)``, ``▁Tokyo``), ``max_new_tokens`` 0, 1, 5 and 12 with ``eos_token_id`` None, 2 and 28723 on the tiny model; a toy model whose logits tie at the top (ids 3 and 7 equal, then 5 and 9 equal) for 6 steps; dtype int64 and the prompt unchanged."""
    T = input_ids.shape[1]
    buf = torch.empty((1, T + max_new_tokens), dtype=torch.int64, device=input_ids.device)
    buf[:, :T] = input_ids
    length = T
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=buf[:, :length]).logits[0, -1, :]
            order = torch.sort(logits, descending=True, stable=True).indices
            token = int(order[0])
            buf[0, length] = token
            length += 1
            if eos_token_id is not None and token == eos_token_id:
                break
    return buf.narrow(1, 0, length).clone()
