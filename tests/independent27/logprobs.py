"""Twenty-seventh examiner: logprobs.py entries (the over-cautious learner)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_logprob_floored_at_log_tiny_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    elif token_id in tokenizer.all_special_ids:
        raw = b""
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": logprob}


def completion_logprobs__wrong_logprob_floored_at_log_tiny(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: heeds the pitfall (``log_softmax``, never ``log(softmax)``) and then adds a belt to the braces: every logprob is floored at ``log`` of float32's smallest normal number, ``clamp_min(math.log(torch.finfo(torch.float32).tiny))`` = -87.3365, "so that no record can ever say ``-inf``, and no logprob is smaller than what a float32 probability can hold". The rest is right: both ``ValueError`` checks first, ``[]`` for ``P = T``, one forward pass, float32, the distribution at ``t - 1``, ``top_n`` alternatives highest first, bytes from the piece (``<0xNN>`` one byte, specials ``[]``), ``backslashreplace`` text. On the tiny model no logprob comes near the floor (the smallest in whole rows of the three sequences checked is -34.60), so every worked example passes; a token the model gives less than ``e^-87.3`` gets the floor instead of its logprob. Violates: "``logprob``: the natural log of the probability the model gave the token at ``t``." [witness: a ``BigramModel`` of 300 ids (read with Mistral-7B-v0.1's tokenizer) whose table is 0 except ``table[100, 200] = -150``, sequence ``[[1, 100, 200, 100]]``, ``P = 2``: the record of id 200 (token ``'\\xc5'``) has logprob -87.3365 in WRONG, -155.7004 in plain; the second record is equal. On the tiny model: the worked example (``\xe6``, ``\x9b``, ``\x87``, ``り`` with bytes 230, 155, 135, 227 130 138), the ``▁Tokyo`` record, ``[]`` at ``P = T``, four ``ValueError``s, ``top_n = 0``, and 15 greedy tokens of "Once upon a time," (``top_n = 7``) all equal to plain.]"""
    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1).clamp_min(math.log(torch.finfo(torch.float32).tiny))
    records = []
    for t in range(prompt_length, T):
        row = logp[t - 1]
        token_id = int(sequence[0, t])
        rec = _completion_logprobs__wrong_logprob_floored_at_log_tiny_record(tokenizer, token_id, float(row[token_id]))
        values, ids = torch.topk(row, top_n)
        rec["top_logprobs"] = [
            _completion_logprobs__wrong_logprob_floored_at_log_tiny_record(tokenizer, int(i), float(v))
            for v, i in zip(values.tolist(), ids.tolist())
        ]
        records.append(rec)
    return records
