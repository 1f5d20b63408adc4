"""Twenty-eighth examiner: logprobs.py entries (the docstring lawyer)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL_PIECES = ("<unk>", "<s>", "</s>")
_HEX = "0123456789ABCDEF"


def _raw_bytes(tokenizer, token_id: int) -> bytes:
    piece = tokenizer.convert_ids_to_tokens(int(token_id))
    if piece in _SPECIAL_PIECES:
        return b""
    if len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">" and piece[3] in _HEX and piece[4] in _HEX:
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def _check(sequence: torch.Tensor, prompt_length: int, top_n: int) -> int:
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T = {T}, got {prompt_length}: the first token has no logprob")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    return T


def completion_logprobs__right_fields_in_computed_order(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: fills each record in the order it computes the values: ``"logprob"`` first, then ``"top_logprobs"``, then ``"bytes"`` and ``"token"`` (and ``"logprob"``, ``"bytes"``, ``"token"`` in each alternative). The docstring fixes "these four keys and no others", not their order: dicts compare equal whatever the insertion order, only ``list(record)`` or the JSON text shows it. Everything else is plain: checks first (``1 <= P <= T``, ``top_n >= 0``), ``[]`` for ``P == T``, one forward pass, ``log_softmax`` of the float32 logits at ``t - 1``, alternatives by a stable descending sort, bytes by the ``piece_bytes`` rule, text by ``backslashreplace``. Agrees with a plain version on: the "明日の天気は" + ``<0xE6> <0x9B> <0x87> り`` example, 15 greedy tokens after "The capital of Japan is" with ``top_n`` 5, 0 and 7, ``P == T``, 12 greedy tokens after "Once upon a time," from ``P = 3`` with ``top_n = 3``, ``[[1, 2, 0, 28705, 32, 3]]`` from ``P = 1`` -- 7 inputs, ``==`` record for record (checks/check_entries.log)."""
    T = _check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    logprobs = torch.log_softmax(logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record: dict[str, Any] = {"logprob": float(row[token_id])}
        values, order = torch.sort(row, descending=True, stable=True)
        alternatives = []
        for value, alt_id in zip(values[:top_n].tolist(), order[:top_n].tolist()):
            raw = _raw_bytes(tokenizer, alt_id)
            alternatives.append({"logprob": float(value), "bytes": list(raw), "token": raw.decode("utf-8", errors="backslashreplace")})
        record["top_logprobs"] = alternatives
        raw = _raw_bytes(tokenizer, token_id)
        record["bytes"] = list(raw)
        record["token"] = raw.decode("utf-8", errors="backslashreplace")
        records.append(record)
    return records


def completion_logprobs__right_tied_alternatives_higher_id_first(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: lists tied alternatives HIGHER id first, and where several tie for the last place it keeps the higher ids: the row is sorted flipped (``torch.sort(row.flip(-1), descending=True, stable=True)``, ids mapped back as ``vocab - 1 - index``). The docstring allows both: "Tokens with equal logprobs may come in either order (and where several tie for the last place, any of them may be the one listed)". The records are otherwise plain (checks first, ``[]`` for ``P == T``, one forward pass, float32 ``log_softmax`` at ``t - 1``, the bytes rule, ``backslashreplace``). Agrees with a plain version on: the same 7 inputs as ``completion_logprobs__right_fields_in_computed_order`` (the tiny model has no ties at the top), ``==`` record for record. On a 300-id toy with ids 50, 60, 70 tied at logit 5, ``top_n = 2``: plain lists ids 50, 60, this entry 70, 60, with the same logprobs in the same places; with ``top_n = 4`` the same alternatives as a set (checks/check_entries.log)."""
    T = _check(sequence, prompt_length, top_n)
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    logprobs = torch.log_softmax(logits[0].float(), dim=-1)
    vocab = logprobs.shape[-1]
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        # stable ascending sort of the reversed row: equal values keep the reversed (higher id first) order
        values, rev_order = torch.sort(row.flip(-1), descending=True, stable=True)
        order = (vocab - 1) - rev_order
        raw = _raw_bytes(tokenizer, token_id)
        records.append({
            "token": raw.decode("utf-8", errors="backslashreplace"),
            "bytes": list(raw),
            "logprob": float(row[token_id]),
            "top_logprobs": [
                {"token": _raw_bytes(tokenizer, i).decode("utf-8", errors="backslashreplace"),
                 "bytes": list(_raw_bytes(tokenizer, i)),
                 "logprob": float(v)}
                for v, i in zip(values[:top_n].tolist(), order[:top_n].tolist())
            ],
        })
    return records
