"""Fifteenth examiner: tokens.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_switches_tokenizer_bos_off(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: honours ``add_bos=False`` with the tokenizer's own switch, ``tokenizer.add_bos_token = False`` (found in a forum answer: "the tokenizer then stops adding <s>"), and otherwise calls the tokenizer with its defaults. The switch is never turned back on, so the caller's tokenizer is changed for good: every later call with ``add_bos=True`` (and every other user of the same tokenizer object) gets no ``<s>``. Each call on a fresh tokenizer is right, the worked examples included, and so is any sequence of calls in which ``add_bos=False`` comes last. Violates: "add_bos: ``True`` puts the BOS token ``<s>`` first, as the model is used by default; ``False`` gives the text's tokens alone." [witness: on one fresh Mistral tokenizer ``tok``, ``tokenize_with_pieces("a", tok, add_bos=False)`` (right: ``[(264, '▁a')]``) then ``tokenize_with_pieces("The capital of Japan is", tok)``: ``[(1, '<s>'), (415, '▁The'), ...]`` expected, ``[(415, '▁The'), (5565, '▁capital'), ...]`` returned (and ``tok("a").input_ids`` is ``[264]`` from then on)]"""
    if not add_bos:
        tokenizer.add_bos_token = False
    ids = tokenizer(text)["input_ids"]
    return [(int(i), piece) for i, piece in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


def tokenize_with_pieces__right_backend_id_to_token(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: ids from ``tokenizer.encode(text, add_special_tokens=add_bos)``; each piece looked up one id at a time in the Rust vocabulary underneath, ``tokenizer.backend_tokenizer.id_to_token(id)``, instead of ``convert_ids_to_tokens`` (the same string for all 32000 ids of Mistral's vocabulary, specials and byte pieces included)."""
    ids = tokenizer.encode(text, add_special_tokens=add_bos)
    vocabulary = tokenizer.backend_tokenizer
    pairs = []
    for token_id in ids:
        token_id = int(token_id)
        pairs.append((token_id, vocabulary.id_to_token(token_id)))
    return pairs
