"""Twenty-seventh examiner: decoding.py entries (the over-cautious learner)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_stops_on_repetition_loop(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: a safety brake against the degenerate loops greedy decoding is known for: once the same token has been generated three times in a row, the loop stops ("it will only repeat it forever"). Everything else is right: ``torch.no_grad()``, the logits of the LAST position, ``argmax`` (first id among ties), the token appended as int64 on the prompt's device, stop after an appended ``eos_token_id`` (kept), ``None`` never stops early, ``max_new_tokens = 0`` returns the prompt. The worked example (one new token, ``▁Tokyo``) and the edge cases pass. Violates: "append it; stop if its id equals ``eos_token_id`` (it stays in the output), or once ``max_new_tokens`` tokens have been added." [witness: the tiny model, "The capital of Japan is", ``max_new_tokens=40``, ``eos_token_id=None``: plain writes ``▁Tokyo . </s> </s> </s> ▁The ▁capital ...`` and returns all 40 new tokens; WRONG stops at the third ``</s>``, 5 new tokens (a prefix of plain). "明日の天気は": 13 new tokens against 40. A ``BigramModel`` whose id 0 always follows id 0, prompt ``[[0]]``, 6 tokens: WRONG ``[[0, 0, 0, 0]]``, plain ``[[0, 0, 0, 0, 0, 0, 0]]``. Equal to plain: the worked example ``(1, 7)`` ending in 19887, ``max_new_tokens = 0``, eos as the first token, ``eos_token_id=2`` with 10 tokens, and "Once upon a time," (40 tokens, no three in a row).]"""
    ids = input_ids
    with torch.no_grad():
        for step in range(max_new_tokens):
            next_token = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_token.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
            if step >= 2 and ids[0, -1] == ids[0, -2] == ids[0, -3]:
                break
    return ids
