"""Sixth examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _completion_logprobs__right_prefix_recompute_per_position_entry(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in set(tokenizer.all_special_ids):
        raw = b""
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes.fromhex(piece[3:5])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    return {"token": raw.decode("utf-8", errors="backslashreplace"), "bytes": list(raw), "logprob": logprob}


def completion_logprobs__right_prefix_recompute_per_position(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: no single forward pass — for each generated position ``t`` the model is run
    afresh on the prefix ``sequence[:, :t]`` with ``logits_to_keep=1`` (the same numbers up
    to matmul rounding); records built by a generator expression; the top alternatives from
    a stable descending ``torch.sort`` sliced to ``top_n``."""
    total = sequence.shape[-1]
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if not 1 <= prompt_length <= total:
        raise ValueError(f"prompt_length must be in [1, {total}], got {prompt_length}")
    entry = _completion_logprobs__right_prefix_recompute_per_position_entry

    def records():
        for t in range(prompt_length, total):
            with torch.no_grad():
                logits = model(input_ids=sequence[:, :t], logits_to_keep=1).logits[0, -1]
            row = torch.log_softmax(logits.float(), dim=-1)
            chosen = int(sequence[0, t])
            values, ids = torch.sort(row, descending=True, stable=True)
            top = [entry(tokenizer, i, v) for i, v in zip(ids[:top_n].tolist(), values[:top_n].tolist())]
            record = entry(tokenizer, chosen, float(row[chosen]))
            record["top_logprobs"] = top
            yield record

    return list(records())
