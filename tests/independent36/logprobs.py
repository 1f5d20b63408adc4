r"""Thirty-sixth examiner: logprobs.py entries (the learner who only tried English)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def _token_and_bytes(piece: str, special: bool) -> tuple[str, list[int]]:
    if special:
        return "", []
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        b = int(piece[3:5], 16)
        # one byte: below 0x80 it is a whole ASCII character, from 0x80 on only part of one
        return (chr(b) if b < 0x80 else "\\x%02x" % b), [b]
    text = piece.replace("\u2581", " ")
    return text, list(text.encode("utf-8"))


def completion_logprobs__right_token_text_formatted_per_piece(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""RIGHT: never decodes bytes: the ``token`` text is built from the piece. A special id (``tokenizer.all_special_ids``) is ``""`` and ``[]``; a byte piece ``'<0xNN>'`` is the byte ``NN`` and its text is ``chr(NN)`` below 0x80 (a whole ASCII character: ``'<0x0A>'`` gives ``"\n"``) or the four characters ``\xnn`` from 0x80 on (a lone lead or continuation byte is never valid UTF-8 on its own); any other piece is its text with ``'▁'`` as a space, which is already the UTF-8 decoding of its ``bytes``. Records otherwise as the docstring says: one float32 ``log_softmax`` pass, position ``t - 1``, alternatives by ``torch.sort(..., stable=True)``, the four keys in order, one cache of fields per id. For every piece this equals ``bytes(raw).decode("utf-8", errors="backslashreplace")``, the docstring's own recipe, so it is correct; a grader that wanted that call would mis-mark it. Agrees with a plain version on: (dict equality, tiny backend) the 曇り worked example (``\xe6`` [230], ``\x9b`` [155], ``\x87`` [135], ``り`` [227, 130, 138]); "The capital of Japan is" + 15 greedy tokens, ``top_n`` 7; "明日の天気は" + 15 greedy tokens, ``top_n`` 10; ``"Hello\n\tworld 🦩 東京\u3000大阪  x</s>"`` from position 1 (20 records: ``<0x0A>``, ``<0x09>``, four emoji byte pieces, ``'\u3000'``, ``'▁▁'``, ``</s>``), ``top_n`` 5 and 0; ``[1, 2, 0, 1, 35, 13, 12, 259, 28705, 3, 130, 258]`` from position 1 (specials, ``<0x20>``, ``<0x00>``, ``<0x7F>``, ``<0xFF>``), ``top_n`` 3; ``P == T`` gives ``[]``; ``P`` 0 and ``T + 1`` and ``top_n = -1`` raise ``ValueError``."""
    T = sequence.shape[1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    with torch.no_grad():
        logits = model(input_ids=sequence).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    special = set(tokenizer.all_special_ids)
    cache: dict[int, tuple[str, list[int]]] = {}

    def fields(tid: int) -> tuple[str, list[int]]:
        if tid not in cache:
            cache[tid] = _token_and_bytes(tokenizer.convert_ids_to_tokens(tid), tid in special)
        return cache[tid]

    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        tid = int(sequence[0, t])
        token, raw = fields(tid)
        values, order = torch.sort(row, descending=True, stable=True)
        alternatives = []
        for v, i in zip(values[:top_n].tolist(), order[:top_n].tolist()):
            a_token, a_raw = fields(int(i))
            alternatives.append({"token": a_token, "bytes": list(a_raw), "logprob": float(v)})
        records.append(
            {"token": token, "bytes": list(raw), "logprob": float(row[tid]), "top_logprobs": alternatives}
        )
    return records
