"""Sixteenth examiner: logprobs.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__wrong_bos_eos_only_special_record(tokenizer, token_id: int, logprob: float) -> dict[str, Any]:
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if token_id in (tokenizer.bos_token_id, tokenizer.eos_token_id):
        raw: list[int] = []
    elif len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = [int(piece[3:5], 16)]
    else:
        raw = list(piece.replace("\u2581", " ").encode("utf-8"))
    return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": float(logprob)}


def completion_logprobs__wrong_bos_eos_only_special(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """WRONG: decides "special" by ``token_id in (tokenizer.bos_token_id, tokenizer.eos_token_id)`` -- the two special tokens a generation loop deals with -- instead of ``tokenizer.all_special_ids``. Everything else is the docstring's (one forward pass, ``log_softmax`` of the float32 logits at ``t - 1``, byte pieces as one byte, ``'▁'`` as a space, ``backslashreplace``, the checks on ``prompt_length`` and ``top_n``), and ``<s>``/``</s>`` come out as ``[]``/``""``; but ``<unk>`` (id 0) is spelled out as the text ``"<unk>"``, in the records and among the alternatives. Violates: "a special token (``<s>``, ``</s>``, ``<unk>``: ``tokenizer.all_special_ids``) stands for no text, ``[]``" [witness: the tiny model, ``sequence = [[1, 415, 0]]``, ``prompt_length = 2``: the record of id 0 should have ``"token": ""``, ``"bytes": []``; it has ``"<unk>"`` and ``[60, 117, 110, 107, 62]``]"""
    length = sequence.shape[1]
    if prompt_length < 1 or prompt_length > length:
        raise ValueError(f"prompt_length must be between 1 and {length}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == length:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    records = []
    for t in range(prompt_length, length):
        row = logprobs[t - 1]
        token_id = int(sequence[0, t])
        record = _completion_logprobs__wrong_bos_eos_only_special_record(tokenizer, token_id, row[token_id].item())
        values, indices = torch.topk(row, top_n)
        record["top_logprobs"] = [
            _completion_logprobs__wrong_bos_eos_only_special_record(tokenizer, i, v)
            for v, i in zip(values.tolist(), indices.tolist())
        ]
        records.append(record)
    return records
