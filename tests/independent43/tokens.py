"""Forty-third examiner: tokens.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_restores_bos_switch_from_its_getter(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: honours ``add_bos=False`` with the tokenizer's own switch, and -- unlike a learner who forgets -- puts it back in a ``finally``: ``saved = tokenizer.add_bos_token``, ``tokenizer.add_bos_token = False``, encode with the tokenizer's defaults, ``tokenizer.add_bos_token = saved``. With ``add_bos=True`` it just calls ``tokenizer(text)`` (the default adds ``<s>``). The trap: on Mistral-7B-v0.1's fast tokenizer under transformers 5.24 the getter reads ``False`` although the tokenizer adds ``<s>`` (the BOS comes from the post-processor, not the attribute), and assigning the attribute rebuilds the post-processor. So the "restore" writes ``False`` and switches the BOS off for good. Every first call is right; a call with ``add_bos=False`` leaves the tokenizer without its BOS, and every later default call loses ``<s>``. Violates: "``add_bos``: ``True`` puts the BOS token ``<s>`` first, as the model is used by default" [witness: ``tokenize_with_pieces("a", tok, add_bos=False)`` then ``tokenize_with_pieces("The capital of Japan is", tok)`` -> ``[(415, '▁The'), ...]``, 5 pairs, no ``<s>``; plain ``[(1, '<s>'), (415, '▁The'), ...]``, 6 pairs. Passes: the worked example, ``"日本の首都は"`` (8 ids), ``"曇"``, ``""`` -> ``[(1, '<s>')]`` and ``[]``, every ``add_bos=False`` call, each on a fresh tokenizer (checks/check_entries.log).]"""
    if add_bos:
        ids = tokenizer(text).input_ids
    else:
        saved = tokenizer.add_bos_token
        tokenizer.add_bos_token = False
        try:
            ids = tokenizer(text).input_ids
        finally:
            tokenizer.add_bos_token = saved
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), p) for i, p in zip(ids, pieces)]


def tokenize_with_pieces__right_switch_restored_to_observed_behaviour(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: sets the tokenizer's own switch, ``tokenizer.add_bos_token = add_bos``, for the one call, and restores what the tokenizer DID before, not what its attribute said: ``adds_bos = bool(tokenizer("").input_ids)`` is read first (an empty text encodes to ``[1]`` exactly when the tokenizer adds ``<s>``) and written back in a ``finally``. Setting the switch to ``True`` rebuilds the same post-processor the tokenizer was loaded with, so later calls of anyone's code encode as before. Agrees with a plain version on: the worked example, ``"日本の首都は"``, ``"曇"``, ``""`` with both ``add_bos``, ``"</s> and <s>"`` with both, alternating ``add_bos`` over 6 calls, and a plain ``tokenizer(text)`` after every call (checks/check_entries.log)."""
    adds_bos = bool(tokenizer("").input_ids)
    tokenizer.add_bos_token = add_bos
    try:
        ids = tokenizer(text).input_ids
    finally:
        tokenizer.add_bos_token = adds_bos
    return [(int(i), p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]
