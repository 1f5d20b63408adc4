"""Thirteenth examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_alternatives_keyed_by_text_bytes(tokenizer, token_id: int) -> bytes:
    if token_id in tokenizer.all_special_ids:
        return b""
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def completion_logprobs__wrong_alternatives_keyed_by_text(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: collects each step's alternatives the way OpenAI's legacy Completions API shows them, as a dict ``{token text: logprob}`` (highest first, the first logprob of a text kept), and turns that dict into the list of records. Two different ids with the same text (``<s>``, ``</s>`` and ``<unk>`` all have the text ``""``; a byte piece ``'<0x41>'`` and the piece ``'A'``) collapse into one entry, so a step can get fewer than ``top_n`` alternatives. The main record of each token is right. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first, each with exactly the keys ``"token"``, ``"bytes"`` and ``"logprob"``." [witness: tiny model, ``sequence = torch.tensor([[1, 415, 5565, 302, 4720, 349, 19887, 28723, 2, 2, 2]])`` ("The capital of Japan is Tokyo." and three ``</s>``, the tiny model's own greedy output), ``prompt_length=10``, ``top_n=18``: one record whose 18 alternatives run from ``</s>`` (``""``, about -0.168) to ``<s>`` (``""``, about -9.685) expected; 17 alternatives returned, ``<s>`` missing]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and {T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logprobs = torch.log_softmax(model(input_ids=sequence).logits[0].float(), dim=-1)
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        raw = _completion_logprobs__wrong_alternatives_keyed_by_text_bytes(tokenizer, token_id)
        record = {
            "token": raw.decode("utf-8", errors="backslashreplace"),
            "bytes": list(raw),
            "logprob": float(row[token_id]),
        }
        values, ids = torch.sort(row, descending=True, stable=True)
        by_text: dict[str, tuple[list[int], float]] = {}
        for value, alt_id in zip(values[:top_n].tolist(), ids[:top_n].tolist()):
            alt_raw = _completion_logprobs__wrong_alternatives_keyed_by_text_bytes(tokenizer, alt_id)
            text = alt_raw.decode("utf-8", errors="backslashreplace")
            by_text.setdefault(text, (list(alt_raw), float(value)))
        record["top_logprobs"] = [
            {"token": text, "bytes": alt_bytes, "logprob": lp} for text, (alt_bytes, lp) in by_text.items()
        ]
        records.append(record)
    return records
