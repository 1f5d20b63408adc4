"""Seventeenth examiner: logprobs.py entries."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__right_piece_table_from_special_tokens_table(tokenizer, ids: set[int]) -> dict[int, tuple[str, list[int]]]:
    ordered = sorted(ids)
    pieces = tokenizer.convert_ids_to_tokens(ordered)
    specials = set(tokenizer.all_special_tokens)
    table = {}
    for token_id, piece in zip(ordered, pieces):
        if piece in specials:
            raw = b""
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
            raw = bytes([int(piece[3:5], 16)])
        else:
            raw = piece.replace("\u2581", " ").encode("utf-8")
        table[token_id] = (raw.decode("utf-8", errors="backslashreplace"), list(raw))
    return table


def completion_logprobs__right_piece_table_from_special_tokens(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: checks ``prompt_length`` (``ValueError`` unless ``1 <= P <= T``) and ``top_n`` (``ValueError`` if negative) before anything else, returns ``[]`` for ``P == T``. One forward pass under ``torch.inference_mode()``; the rows ``P - 1 .. T - 2`` of the logits, ``.float()``, ``log_softmax``; the chosen logprobs with one ``gather``, the alternatives from one stable descending ``torch.sort`` of all rows (lower id first among ties), all moved out with ``tolist()``. Token texts and bytes come from a table built once for every id needed: the pieces from one ``convert_ids_to_tokens`` call, special tokens recognised by their PIECE being in ``tokenizer.all_special_tokens`` (the same three tokens as ``all_special_ids``: a vocabulary has each piece once), byte pieces by ``re.fullmatch(r"<0x[0-9A-F]{2}>")``, text with ``'▁'`` as a space; ``token`` is ``decode("utf-8", errors="backslashreplace")`` of the bytes. Each record is a fresh dict of plain ``str``/``int``/``float``; alternatives that share a text stay separate."""
    length = sequence.shape[-1]
    if not 1 <= prompt_length <= length:
        raise ValueError(f"prompt_length must be between 1 and the sequence length {length}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == length:
        return []
    with torch.inference_mode():
        logits = model(input_ids=sequence).logits[0, prompt_length - 1 : length - 1].float()
        logprobs = torch.log_softmax(logits, dim=-1)
        generated = sequence[0, prompt_length:].to(logprobs.device)
        chosen = logprobs.gather(-1, generated.unsqueeze(-1)).squeeze(-1).tolist()
        width = min(top_n, logprobs.shape[-1])
        ranked, order = torch.sort(logprobs, dim=-1, descending=True, stable=True)
        alt_logprobs = ranked[:, :width].tolist()
        alt_ids = order[:, :width].tolist()
    generated_ids = generated.tolist()
    needed = set(generated_ids)
    for row in alt_ids:
        needed.update(row)
    table = _completion_logprobs__right_piece_table_from_special_tokens_table(tokenizer, needed)
    records = []
    for token_id, logprob, row_ids, row_logprobs in zip(generated_ids, chosen, alt_ids, alt_logprobs):
        text, raw = table[token_id]
        alternatives = []
        for alt_id, alt_logprob in zip(row_ids, row_logprobs):
            alt_text, alt_raw = table[alt_id]
            alternatives.append({"token": alt_text, "bytes": list(alt_raw), "logprob": float(alt_logprob)})
        records.append({"token": text, "bytes": list(raw), "logprob": float(logprob), "top_logprobs": alternatives})
    return records
