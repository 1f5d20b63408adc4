"""Twenty-second examiner: logprobs.py entries (the seed blog post's ChatCompletionTokenLogprob records)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def _completion_logprobs__right_openai_dataclass_asdict_types():
    from dataclasses import make_dataclass

    top = make_dataclass("TopLogprob", [("token", str), ("bytes", list), ("logprob", float)])
    record = make_dataclass(
        "ChatCompletionTokenLogprob",
        [("token", str), ("bytes", list), ("logprob", float), ("top_logprobs", list)],
    )
    return top, record


def _completion_logprobs__right_openai_dataclass_asdict_raw(tokenizer, token_id):
    if token_id in tokenizer.all_special_ids:
        return []
    piece = tokenizer.convert_ids_to_tokens(token_id)
    if re.fullmatch(r"<0x[0-9A-F]{2}>", piece):
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def completion_logprobs__right_openai_dataclass_asdict(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    """RIGHT: builds the records as the seed blog post shows them, as typed objects: two dataclasses made with ``dataclasses.make_dataclass``, mirroring the API's ``ChatCompletionTokenLogprob(token, bytes, logprob, top_logprobs)`` and ``TopLogprob(token, bytes, logprob)``, are filled step by step and turned into plain dicts at the end with ``dataclasses.asdict`` (which also turns the nested ``TopLogprob`` objects into dicts and copies the byte lists). Instead of writing dict literals, the four keys (three for alternatives) come from the field lists, in the API's order. The numbers are the docstring's: one forward pass, ``log_softmax`` in float32 of the logits at ``t - 1``, ``torch.topk`` for the alternatives; bytes from the piece (byte piece -> its one byte, ``tokenizer.all_special_ids`` -> ``[]``, else ``'▁'`` -> space, UTF-8) and the text as ``bytes(raw).decode("utf-8", errors="backslashreplace")``, as the blog's ``'\\xe6\\x9b'`` shows. Agrees with a plain version on: the 曇り completion after "明日の天気は" (``\\xe6``, ``\\x9b``, ``\\x87``, ``り`` with bytes ``[230]``, ``[155]``, ``[135]``, ``[227, 130, 138]``), a 12-token greedy completion of "The capital of Japan is" with ``top_n`` 0, 1, 5 and 20, a completion ending in ``</s>``, ``P == T`` -> ``[]``, and ``ValueError`` for ``P = 0``, ``P = T + 1`` and ``top_n = -1`` (also with ``P == T``): same keys in the same order, same tokens and bytes, logprobs equal to 1e-6, plain ``str``/``int``/``float`` only."""
    from dataclasses import asdict

    T = sequence.shape[-1]
    if prompt_length < 1 or prompt_length > T:
        raise ValueError(f"prompt_length must be between 1 and T={T}, got {prompt_length}")
    if top_n < 0:
        raise ValueError(f"top_n must be 0 or more, got {top_n}")
    if prompt_length == T:
        return []
    top_type, record_type = _completion_logprobs__right_openai_dataclass_asdict_types()
    with torch.no_grad():
        logits = model(input_ids=sequence).logits
    logprobs = torch.log_softmax(logits[0].float(), dim=-1)
    ids = sequence[0].tolist()
    records = []
    for t in range(prompt_length, T):
        row = logprobs[t - 1]
        raw = _completion_logprobs__right_openai_dataclass_asdict_raw(tokenizer, ids[t])
        values, alt_ids = torch.topk(row, top_n)
        alternatives = []
        for value, alt in zip(values.tolist(), alt_ids.tolist()):
            alt_raw = _completion_logprobs__right_openai_dataclass_asdict_raw(tokenizer, alt)
            alternatives.append(top_type(bytes(alt_raw).decode("utf-8", errors="backslashreplace"), alt_raw, float(value)))
        records.append(
            record_type(bytes(raw).decode("utf-8", errors="backslashreplace"), raw, float(row[ids[t]]), alternatives)
        )
    return [asdict(r) for r in records]
