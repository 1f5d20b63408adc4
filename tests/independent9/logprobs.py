"""Ninth examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_records_carry_token_id_bytes(tokenizer, token_id: int) -> list[int]:
    if token_id in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _completion_logprobs__wrong_records_carry_token_id_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    raw = _completion_logprobs__wrong_records_carry_token_id_bytes(tokenizer, token_id)
    return {
        "id": token_id,
        "token": bytes(raw).decode("utf-8", errors="backslashreplace"),
        "bytes": raw,
        "logprob": logprob,
    }


def completion_logprobs__wrong_records_carry_token_id(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: every record and every alternative also carries the token's ``"id"`` ("handy
    for debugging"), so each alternative has four keys instead of three and each record five
    instead of four; the values under the right keys are all right. Violates: "``top_logprobs``:
    the ``top_n`` most probable tokens at that step, highest logprob first, each ``{"token",
    "bytes", "logprob"}``." (and "For each generated position ``t`` ... return the record
    ``{"token": str, "bytes": list[int], "logprob": float, "top_logprobs": list[dict]}``")
    [any completion of one token or more: ``set(record) == {"token", "bytes", "logprob",
    "top_logprobs"}`` is False; ``set(alt) == {"token", "bytes", "logprob"}`` is False]"""
    total = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > total:
        raise ValueError(f"prompt_length must be in [1, {total}], got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == total:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, total):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_records_carry_token_id_entry(tokenizer, token_id, float(row[token_id]))
        values, ids = torch.topk(row, min(top_n, row.shape[-1]))
        record["top_logprobs"] = [
            _completion_logprobs__wrong_records_carry_token_id_entry(tokenizer, int(i), float(v))
            for v, i in zip(values.tolist(), ids.tolist())
        ]
        records.append(record)
    return records


_completion_logprobs__right_batched_topk_zip_keys_fields = ("token", "bytes", "logprob")


def _completion_logprobs__right_batched_topk_zip_keys_alt(piece: str | None, logprob: float) -> dict[str, Any]:
    if piece is None:
        raw: list[int] = []
    elif len(piece) == 6 and piece[:3] == "<0x" and piece[5] == ">":
        raw = list(bytes.fromhex(piece[3:5]))
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    text = bytes(raw).decode("utf-8", errors="backslashreplace")
    return dict(zip(_completion_logprobs__right_batched_topk_zip_keys_fields, (text, raw, logprob)))


def completion_logprobs__right_batched_topk_zip_keys(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: slices the logits of positions ``P - 1 .. T - 2`` before the float32
    ``log_softmax``, takes the chosen logprobs with one ``gather`` and the alternatives of
    ALL positions with one ``topk`` call, turns everything into Python with ``tolist()``, and
    builds every dict with ``dict(zip(KEYS, values))`` from one fixed tuple of key names; the
    pieces of all ids involved come from a single ``convert_ids_to_tokens`` call, with the
    special ids mapped to ``None`` (no bytes)."""
    total = int(sequence.shape[-1])
    if not 1 <= prompt_length <= total:
        raise ValueError(f"prompt_length must be between 1 and T = {total}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must not be negative, got {top_n}")
    if prompt_length == total:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    rows = torch.log_softmax(logits[0, prompt_length - 1 : total - 1].float(), dim=-1)
    chosen = sequence[0, prompt_length:total].to(rows.device)
    chosen_lp = rows.gather(-1, chosen[:, None])[:, 0].tolist()
    alt_lp, alt_ids = rows.topk(min(top_n, rows.shape[-1]), dim=-1)
    alt_lp, alt_ids, chosen_ids = alt_lp.tolist(), alt_ids.tolist(), chosen.tolist()
    wanted = sorted(set(chosen_ids).union(*map(set, alt_ids)))
    specials = set(tokenizer.all_special_ids)
    pieces = dict(zip(wanted, tokenizer.convert_ids_to_tokens(wanted)))
    for special in specials & pieces.keys():
        pieces[special] = None
    records = []
    for tok, lp, lps, ids in zip(chosen_ids, chosen_lp, alt_lp, alt_ids):
        record = _completion_logprobs__right_batched_topk_zip_keys_alt(pieces[tok], lp)
        record["top_logprobs"] = [
            _completion_logprobs__right_batched_topk_zip_keys_alt(pieces[i], v) for i, v in zip(ids, lps)
        ]
        records.append(record)
    return records
