"""Seventh examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_uppercase_hex_escape_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # the escape written by hand, "as OpenAI shows it" -- in upper case: the bug
        text = "".join(chr(b) if b < 0x80 else f"\\x{b:02X}" for b in raw)
    return {"token": text, "bytes": list(raw), "logprob": float(logprob)}


def completion_logprobs__wrong_uppercase_hex_escape(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: writes the escape of a lone high byte by hand with ``f"\\\\x{b:02X}"``, upper
    case, instead of ``decode("utf-8", errors="backslashreplace")``. Violates: "write it as
    the 4-character escape ``\\xe6`` (a backslash, ``x``, two lowercase hex digits)" [the
    completion ``<0xE6> <0x9B> <0x87> り`` after "明日の天気は": tokens ``"\\\\xE6"``,
    ``"\\\\x9B"``, ``"\\\\x87"`` (the last one right by luck: no letter); the bytes, the
    logprobs and every text token are right]"""
    total = sequence.shape[-1]
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if not 1 <= prompt_length <= total:
        raise ValueError(f"prompt_length must be in [1, {total}], got {prompt_length}")
    entry = _completion_logprobs__wrong_uppercase_hex_escape_entry
    if prompt_length == total:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, total):
        row = logprobs[t - 1]
        chosen = int(sequence[0, t])
        values, ids = torch.topk(row, top_n)
        record = entry(tokenizer, chosen, row[chosen].item())
        record["top_logprobs"] = [entry(tokenizer, int(i), v) for i, v in zip(ids.tolist(), values.tolist())]
        records.append(record)
    return records


def _completion_logprobs__wrong_bytes_field_is_bytes_object_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    # the field is called "bytes", so it gets the bytes object -- the bug
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_bytes_field_is_bytes_object(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: stores the ``bytes`` OBJECT in the ``"bytes"`` field instead of a list of ints;
    ``list(record["bytes"])`` and iterating over it give the right numbers, but
    ``b" Tokyo" == [32, 84, ...]`` is False and ``json.dumps`` fails on the record.
    Violates: "``{"token": str, "bytes": list[int], "logprob": float, "top_logprobs":
    list[dict]}``" and "plain Python ``str``, ``int`` and ``float`` inside" [any completion:
    ``type(record["bytes"]) is bytes``; the alternatives too]"""
    total = sequence.shape[-1]
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if not 1 <= prompt_length <= total:
        raise ValueError(f"prompt_length must be in [1, {total}], got {prompt_length}")
    entry = _completion_logprobs__wrong_bytes_field_is_bytes_object_entry
    if prompt_length == total:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, total):
        row = logprobs[t - 1]
        chosen = int(sequence[0, t])
        values, ids = torch.topk(row, top_n)
        record = entry(tokenizer, chosen, row[chosen].item())
        record["top_logprobs"] = [entry(tokenizer, int(i), v) for i, v in zip(ids.tolist(), values.tolist())]
        records.append(record)
    return records


def _completion_logprobs__wrong_alternatives_carry_top_logprobs_key_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in tokenizer.all_special_ids:
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {
        "token": raw.decode("utf-8", errors="backslashreplace"),
        "bytes": list(raw),
        "logprob": float(logprob),
        "top_logprobs": [],  # one record builder for both kinds -- the bug for the alternatives
    }


def completion_logprobs__wrong_alternatives_carry_top_logprobs_key(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: one record builder for the generated token and its alternatives, so every
    alternative also carries an empty ``"top_logprobs": []`` — four keys where the
    docstring gives three. A grader that reads ``alt["token"]``, ``alt["bytes"]`` and
    ``alt["logprob"]`` sees nothing wrong. Violates: "``top_logprobs``: the ``top_n`` most
    probable tokens at that step, highest logprob first, each ``{"token", "bytes",
    "logprob"}``." [any completion with ``top_n >= 1``: ``set(alt) == {"token", "bytes",
    "logprob", "top_logprobs"}``; the records themselves are right]"""
    total = sequence.shape[-1]
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if not 1 <= prompt_length <= total:
        raise ValueError(f"prompt_length must be in [1, {total}], got {prompt_length}")
    build = _completion_logprobs__wrong_alternatives_carry_top_logprobs_key_record
    if prompt_length == total:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, total):
        row = logprobs[t - 1]
        chosen = int(sequence[0, t])
        values, ids = torch.topk(row, top_n)
        record = build(tokenizer, chosen, row[chosen].item())
        record["top_logprobs"] = [build(tokenizer, int(i), v) for i, v in zip(ids.tolist(), values.tolist())]
        records.append(record)
    return records
