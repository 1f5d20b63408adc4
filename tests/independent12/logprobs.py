"""Twelfth examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def completion_logprobs__wrong_bytes_repr_as_token(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: writes ``token`` as the inside of the bytes' repr, ``str(bytes(raw))[2:-1]`` ("that is how Python shows ``\xe6``"): right for ASCII text and for a lone byte, but every non-ASCII character of a text piece comes out as escapes too (``'り'`` -> ``'\xe3\x82\x8a'``, 12 characters). Violates: "``token``: ``bytes`` as text." [witness: tiny model, ``sequence = [[1, 28705, 233, 158, 138, 29516]]`` (``<s> ▁ <0xE6> <0x9B> <0x87> り``), ``prompt_length = 2``: last record's ``"token"`` ``'り'`` expected, ``'\\xe3\\x82\\x8a'`` returned]"""
    total = sequence.shape[1]
    if prompt_length < 1 or prompt_length > total:
        raise ValueError(f"prompt_length must be between 1 and {total}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    specials = set(tokenizer.all_special_ids)
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)

    def record(token_id, row):
        piece = tokenizer.convert_ids_to_tokens(token_id)
        if token_id in specials:
            raw = []
        elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            raw = [int(piece[3:5], 16)]
        else:
            raw = list(piece.replace("\u2581", " ").encode("utf-8"))
        return {"token": str(bytes(raw))[2:-1], "bytes": raw, "logprob": float(row[token_id])}

    records = []
    for t in range(prompt_length, total):
        row = logprobs[t - 1]
        entry = record(int(sequence[0, t]), row)
        top = torch.topk(row, top_n).indices.tolist()
        entry["top_logprobs"] = [record(i, row) for i in top]
        records.append(entry)
    return records
