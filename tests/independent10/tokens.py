"""Tenth examiner: tokens.py entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_split_special_tokens(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: asks the tokenizer for ``split_special_tokens=True`` "so that a user who types
    ``<s>`` or ``</s>`` cannot inject a special token": a ``</s>`` written in the text is then
    spelled as ordinary pieces (``'▁</'``, ``'s'``, ``'>'``) instead of the single token id 2
    the tokenizer (and so the model) really produces. The BOS that ``add_bos`` asks for is still
    added. Violates: "Tokenize ``text`` and return every token as an ``(id, piece)`` pair."
    (and "Looking at both side by side shows what the model is really given")
    [witness: ``"a </s> b"`` -> ``[(1, '<s>'), (264, '▁a'), (28705, '▁'), (2, '</s>'),
    (287, '▁b')]`` expected, ``[(1, '<s>'), (264, '▁a'), (1867, '▁</'), (28713, 's'),
    (28767, '>'), (287, '▁b')]`` returned; also ``"<s>x"``]"""
    ids = tokenizer(text, add_special_tokens=add_bos, split_special_tokens=True)["input_ids"]
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), str(p)) for i, p in zip(ids, pieces)]
