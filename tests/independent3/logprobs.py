"""Independent catalogue, round 3: submissions for exercises/logprobs.py.

Written from the docstring of ``exercises/logprobs.py`` only, avoiding every mistake and
every style already in rounds 1 and 2 (``tests/independent/logprobs.py``,
``tests/independent2/logprobs.py``).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_escapes_every_byte_piece_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    match = re.fullmatch(r"<0x([0-9A-Fa-f]{2})>", piece)
    if token_id in tokenizer.all_special_ids:
        raw, text = [], ""
    elif match:
        raw = [int(match.group(1), 16)]
        text = "\\x" + match.group(1).lower()  # every byte piece escaped -- the bug
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
        text = bytes(raw).decode("utf-8", errors="backslashreplace")
    return {"token": text, "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_escapes_every_byte_piece(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: writes EVERY byte-fallback piece as a ``\xNN`` escape, also the bytes below
    0x80, which are whole ASCII characters: ``'<0x0A>'`` (id 13, a newline) comes out as the
    four characters ``\x0a`` instead of ``"\n"``. Violates: "A lone byte of ``0x80`` or more
    is only part of a UTF-8 character and cannot be shown as text: write it as the
    4-character escape" / "``token``: ``bytes`` as text." [a completion holding id 13]"""
    T = sequence.shape[1]
    if not 1 <= prompt_length <= T:
        raise ValueError(f"prompt_length must be in [1, {T}], got {prompt_length}")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        tid = int(sequence[0, t])
        record = _completion_logprobs__wrong_escapes_every_byte_piece_entry(tokenizer, tid, row[tid].item())
        values, ids = row.topk(top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_escapes_every_byte_piece_entry(tokenizer, int(i), v.item())
            for v, i in zip(values, ids)
        ]
        records.append(record)
    return records


def _completion_logprobs__wrong_log_softmax_in_model_dtype_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw: list[int] = []
    elif re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        raw = [int(piece[3:5], 16)]
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_log_softmax_in_model_dtype(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: takes ``log_softmax`` of the logits in the model's own dtype and converts only
    the result to float (``.float()`` after, not before). On a float32 model nothing
    changes; on a bfloat16 or float16 model every logprob carries bfloat16's 3 significant
    digits (errors ~1e-2). Violates: "compute in float32 (``logits.float()``)." [the tiny
    model cast to bfloat16]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length {prompt_length} is outside 1..{T}")
    if top_n < 0:
        raise ValueError(f"top_n must not be negative, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0, prompt_length - 1 : T - 1]
        logprobs = torch.log_softmax(logits, dim=-1).float()
    out = []
    for row, tid in zip(logprobs, sequence[0, prompt_length:].tolist()):
        record = _completion_logprobs__wrong_log_softmax_in_model_dtype_entry(tokenizer, tid, row[tid].item())
        values, ids = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_log_softmax_in_model_dtype_entry(tokenizer, i, v)
            for v, i in zip(values.tolist(), ids.tolist())
        ]
        out.append(record)
    return out


def _completion_logprobs__wrong_prompt_beyond_sequence_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw: list[int] = []
    elif re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        raw = [int(piece[3:5], 16)]
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_prompt_beyond_sequence(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: checks only the lower bound (``prompt_length < 1``); a prompt length beyond the
    sequence makes ``range(prompt_length, T)`` empty and quietly returns ``[]``. Violates:
    "``prompt_length < 1`` or ``> T`` raises ``ValueError``" [``prompt_length = T + 1``]"""
    if prompt_length < 1:
        raise ValueError("prompt_length must be at least 1: the first token has no logprob")
    if top_n < 0:
        raise ValueError("top_n must be >= 0")
    T = sequence.shape[-1]
    if prompt_length >= T:
        return []
    with torch.no_grad():
        logprobs = model(input_ids=sequence).logits.float().log_softmax(dim=-1)[0]
    result = []
    for t in range(prompt_length, T):
        tid = int(sequence[0, t])
        rec = _completion_logprobs__wrong_prompt_beyond_sequence_entry(tokenizer, tid, float(logprobs[t - 1, tid]))
        top = torch.topk(logprobs[t - 1], top_n)
        rec["top_logprobs"] = [
            _completion_logprobs__wrong_prompt_beyond_sequence_entry(tokenizer, int(i), float(v))
            for v, i in zip(top.values, top.indices)
        ]
        result.append(rec)
    return result


def _completion_logprobs__right_incremental_cache_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in set(tokenizer.all_special_ids):
        raw = b""
    elif len(piece) == 6 and re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        raw = bytes.fromhex(piece[3:5])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__right_incremental_cache(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: instead of one forward pass over the whole sequence, runs the prompt once and
    then feeds the completion one token at a time through the KV cache (``cache=out.cache``),
    scoring each token from the previous step's last logits -- the way the tokens were
    produced. Same numbers up to float rounding (~1e-5)."""
    T = sequence.shape[1]
    if not isinstance(prompt_length, int) or prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must satisfy 1 <= prompt_length <= {T}, got {prompt_length!r}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    records: list[dict[str, Any]] = []
    if prompt_length == T:
        return records
    with torch.no_grad():
        out = model(input_ids=sequence[:, :prompt_length], use_cache=True)
        for t in range(prompt_length, T):
            row = torch.log_softmax(out.logits[0, -1].float(), dim=-1)
            tid = int(sequence[0, t])
            record = _completion_logprobs__right_incremental_cache_entry(tokenizer, tid, row[tid].item())
            top = torch.topk(row, top_n) if top_n else None
            record["top_logprobs"] = (
                [
                    _completion_logprobs__right_incremental_cache_entry(tokenizer, i, v)
                    for v, i in zip(top.values.tolist(), top.indices.tolist())
                ]
                if top is not None
                else []
            )
            records.append(record)
            if t + 1 < T:
                out = model(input_ids=sequence[:, t : t + 1], cache=out.cache, use_cache=True)
    return records
