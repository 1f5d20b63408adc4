r"""Exercise 14: how sure was the model of each token it wrote? Per-token logprobs.

Chat-completion APIs can return, for every generated token, its log-probability and the most
likely alternatives at that step (OpenAI's ``logprobs=True, top_logprobs=5``). Each token comes
back as a record with four fields::

    {"token": " Tokyo", "bytes": [32, 84, 111, 107, 121, 111], "logprob": -0.03,
     "top_logprobs": [{"token": " Tokyo", "bytes": [...], "logprob": -0.03},
                      {"token": " Kyoto", "bytes": [...], "logprob": -3.9}, ...]}

Laid side by side, these records show the model deciding: where it was sure, where it
hesitated, and what it nearly wrote instead. Here you compute them yourself from a model.

Run ``decodelab check logprobs`` to test your work.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedModel


def completion_logprobs(
    model: PreTrainedModel,
    tokenizer,
    sequence: torch.Tensor,
    prompt_length: int,
    top_n: int = 5,
) -> list[dict[str, Any]]:
    r"""Return one logprob record for every generated token of ``sequence``.

    ``sequence`` holds a prompt followed by the tokens generated after it. For each generated
    position ``t`` (``prompt_length <= t < T``) return the record
    ``{"token": str, "bytes": list[int], "logprob": float, "top_logprobs": list[dict]}``, these
    four keys and no others:

    - ``logprob``: the natural log of the probability the model gave the token at ``t``. The
      model predicts position ``t`` from everything before it, so that distribution is
      ``log_softmax`` of the logits at position ``t - 1``. One forward pass over the whole
      sequence gives every position's logits at once. Use the model's own distribution
      (temperature 1, whatever ``model.generation_config`` holds: its sampling settings are
      for ``generate``) and compute in float32 (``logits.float()``).
    - ``top_logprobs``: the ``top_n`` most probable tokens at that step, highest logprob first,
      each with exactly the keys ``"token"``, ``"bytes"`` and ``"logprob"``. (The generated token
      may or may not be among them.) Tokens with equal logprobs may come in either order (and
      where several tie for the last place, any of them may be the one listed), and
      tokens that share a text (``<s>`` and ``</s>`` both stand for ``""``) are each an
      alternative of their own.
    - ``bytes``: what the token adds to the UTF-8 text, as a list of ints — the rule of the
      ``piece_bytes`` exercise in ``exercises/tokens.py``. Take the token's piece
      (``tokenizer.convert_ids_to_tokens(id)``): a byte-fallback piece ``'<0xE6>'`` is the one
      byte ``0xE6``; a special token (``<s>``, ``</s>``, ``<unk>``, which are exactly
      ``tokenizer.all_special_ids`` for Mistral's tokenizer) stands for no text, ``[]``; any
      other piece is its text with ``'▁'`` replaced by a space, UTF-8 encoded.
    - ``token``: ``bytes`` as text. A lone byte of ``0x80`` or more is only part of a UTF-8
      character and cannot be shown as text: write it as the 4-character escape ``\xe6``
      (a backslash, ``x``, two lowercase hex digits), as OpenAI does. In Python:
      ``bytes(raw).decode("utf-8", errors="backslashreplace")``.

    Why it matters: logprobs are how you see a model's confidence — and how you find out that
    a Japanese character arrived as three separate byte tokens.

    Shapes:
        tokenizer: the model's; Mistral-7B-v0.1's in the tests (the tiny model shares it).
        sequence: ``(1, T)`` token ids (int64) on ``model.device``: prompt then completion.
            ``T`` within the model's context (``model.config.max_position_embeddings``: 512
            for the tiny model); a longer sequence is not graded.
        prompt_length: ``P``, the number of prompt tokens, ``1 <= P <= T``.
        top_n: ``>= 0`` alternatives per position (a ``top_n`` larger than the vocabulary is
            not graded).
        returns: a list of ``T - P`` dicts; plain Python ``str``, ``int`` and ``float`` inside,
        no tensors.

    Example:
        Prompt ``"明日の天気は"`` followed by the generated ``"曇り"``. In Mistral's vocabulary
        曇 has no piece of its own; it is spelt with three byte pieces, so the completion is
        ``<0xE6> <0x9B> <0x87> り`` and you return four records (logprobs depend on the model)::

            {"token": "\\xe6", "bytes": [230], ...}         # the 4 characters \ x e 6
            {"token": "\\x9b", "bytes": [155], ...}
            {"token": "\\x87", "bytes": [135], ...}
            {"token": "り",    "bytes": [227, 130, 138], ...}

        and the piece ``'▁Tokyo'`` gives ``{"token": " Tokyo", "bytes": [32, 84, 111, 107, 121, 111]}``.

    Edge cases:
        - ``prompt_length == T`` (nothing generated) returns ``[]``.
        - ``prompt_length < 1`` or ``> T`` raises ``ValueError``: the very first token has no
          position before it, so it has no logprob. A negative ``top_n`` raises ``ValueError``,
          also when nothing was generated; ``top_n = 0`` gives empty ``top_logprobs`` lists.

    Pitfalls:
        - Reading the logits at position ``t`` instead of ``t - 1``: that is the distribution of
          the *next* token, so every logprob is shifted by one.
        - ``torch.log(torch.softmax(x))``: a probability below ~1e-45 rounds to 0 in float32 and
          its log is ``-inf``; ``torch.log_softmax`` stays finite. Always use ``log_softmax``, for
          the ``top_logprobs`` too: an alternative far down the list keeps a finite logprob.
        - ``tokenizer.decode([id])`` for the text: it drops the space of ``'▁'`` and turns a lone
          byte into ``'�'`` (bytes ``[239, 191, 189]``), which is not the byte the model wrote.
    """
    raise NotImplementedError("completion_logprobs: see the docstring")
