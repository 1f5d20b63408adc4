"""Forty-sixth examiner: logprobs.py entries (the careless reader: one word misread)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel

_SPECIAL = ("<unk>", "<s>", "</s>")


def _raw_bytes(piece: str) -> list[int]:
    if piece in _SPECIAL:
        return []
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def _text_above_0x80(raw: list[int]) -> str:
    # "A lone byte of 0x80 or more ... write it as the 4-character escape" -- read as "above 0x80"
    if len(raw) == 1 and raw[0] > 0x80:
        return f"\\x{raw[0]:02x}"
    if len(raw) == 1:
        return chr(raw[0])
    return bytes(raw).decode("utf-8", errors="backslashreplace")


def completion_logprobs__wrong_escapes_only_bytes_above_0x80(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: writes the ``token`` text of a lone byte by hand and reads "a lone byte of ``0x80`` or more" as "a lone byte above ``0x80``": ``raw[0] > 0x80`` gets the ``\xNN`` escape, any other lone byte becomes ``chr(byte)`` (right for ASCII), longer texts are decoded. Everything else is right (checks, one float32 forward pass, ``log_softmax`` at ``t - 1``, ``topk`` alternatives, bytes from the piece, specials ``[]``). The docstring's example bytes (0xE6, 0x9B, 0x87) are all far above 0x80, so it passes them; byte 0x80 itself (piece ``'<0x80>'``, id 131) comes out as the control character U+0080. Violates: "A lone byte of ``0x80`` or more is only part of a UTF-8 character and cannot be shown as text: write it as the 4-character escape ``\xe6``" [witness: tiny model, ``sequence = [[1, 415, 131]]``, ``prompt_length = 2`` -> token ``'\x80'`` (1 character, U+0080); plain ``'\\x80'`` (4 characters). Passes: the 曇り records ``\xe6`` [230], ``\x9b`` [155], ``\x87`` [135], ``り`` [227, 130, 138], ``▁Tokyo`` -> ``" Tokyo"``, ``<0x41>`` -> ``"A"``, ``<0x7F>``, ``<0xFF>``, ``[]`` for ``P = T``, the four ``ValueError``s, ``top_n = 0``, and "The capital of Japan is" + 5 greedy tokens record for record (checks/check_entries.log).]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    lsm = torch.log_softmax(logits, dim=-1)
    ids = sequence[0].tolist()

    def rec(tid: int, lp: float) -> dict[str, Any]:
        raw = _raw_bytes(tokenizer.convert_ids_to_tokens(tid))
        return {"token": _text_above_0x80(raw), "bytes": raw, "logprob": lp}

    out = []
    for t in range(prompt_length, T):
        row = lsm[t - 1]
        r = rec(ids[t], float(row[ids[t]]))
        vals, idx = torch.topk(row, top_n)
        r["top_logprobs"] = [rec(int(i), float(v)) for v, i in zip(vals.tolist(), idx.tolist())]
        out.append(r)
    return out


def completion_logprobs__wrong_generated_token_always_among_alternatives(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""WRONG: reads "(The generated token may or may not be among them.)" as "must be among them": when the token at ``t`` is not in the ``top_n`` most probable, it replaces the last alternative with it (the list stays ``top_n`` long and sorted by logprob), "so the reader can always see the chosen token next to its rivals". All the rest is right: the checks, one float32 forward pass, ``log_softmax`` at ``t - 1``, bytes from the piece, the ``backslashreplace`` text. Greedy completions (the docstring's example kind) always have their token at the top, so it agrees there. Violates: "``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first ... (The generated token may or may not be among them.)" [witness: tiny model, "The capital of Japan is" followed by the byte piece ``<0x41>`` (id 68, logprob -23.36), ``prompt_length = 6`` -> alternatives ``' Tokyo', ' Berlin', ' Vienna', ' Amsterdam', 'A'`` (5th: -23.36); plain's 5th is ``' Sof'`` (-8.21). The same on ``<0x7F>`` and ``<0xFF>``. Passes: ``[]`` for ``P = T``, four ``ValueError``s, ``top_n = 0``, the 曇り bytes/tokens, and "The capital of Japan is" + 5 greedy tokens record for record (checks/check_entries.log).]"""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    lsm = torch.log_softmax(logits, dim=-1)
    ids = sequence[0].tolist()

    def rec(tid: int, lp: float) -> dict[str, Any]:
        raw = _raw_bytes(tokenizer.convert_ids_to_tokens(tid))
        return {"token": bytes(raw).decode("utf-8", errors="backslashreplace"), "bytes": raw, "logprob": lp}

    out = []
    for t in range(prompt_length, T):
        row = lsm[t - 1]
        r = rec(ids[t], float(row[ids[t]]))
        vals, idx = torch.topk(row, top_n)
        pairs = list(zip(idx.tolist(), vals.tolist()))
        if top_n > 0 and ids[t] not in [i for i, _ in pairs]:
            pairs[-1] = (ids[t], float(row[ids[t]]))  # "the chosen token must be shown among them"
        r["top_logprobs"] = [rec(int(i), float(v)) for i, v in pairs]
        out.append(r)
    return out
