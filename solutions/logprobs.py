"""Solution to exercise 14: per-token logprobs with their top alternatives."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel

_BYTE_PIECE = re.compile(r"<0x([0-9A-F]{2})>")


def _token_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    byte_piece = _BYTE_PIECE.fullmatch(piece)
    if token_id in tokenizer.all_special_ids:  # <s>, </s>, <unk>: structure, not text
        text, raw = "", b""
    elif byte_piece:
        value = int(byte_piece.group(1), 16)
        raw = bytes([value])
        # A byte of 0x80 or more is only part of a UTF-8 character: show it escaped.
        text = chr(value) if value < 0x80 else f"\\x{value:02x}"
    else:
        text = piece.replace("\u2581", " ")
        raw = text.encode("utf-8")
    return {"token": text, "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """One record per completion token: its logprob and the ``top_n`` most likely alternatives."""
    total = sequence.shape[-1]
    if not 1 <= prompt_length <= total:
        raise ValueError(f"prompt_length must be between 1 and the sequence length {total}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0]
    logprobs = torch.log_softmax(logits.float(), dim=-1)
    records = []
    for position in range(prompt_length, total):
        row = logprobs[position - 1]  # the distribution that predicted this position
        token_id = int(sequence[0, position])
        record = _token_entry(tokenizer, token_id, row[token_id].item())
        values, indices = torch.topk(row, min(top_n, row.shape[-1]))
        record["top_logprobs"] = [
            _token_entry(tokenizer, int(index), value.item()) for value, index in zip(values, indices)
        ]
        records.append(record)
    return records
