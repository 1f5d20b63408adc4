"""Twenty-second examiner: tokens.py entries (the learner who follows the seed articles)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_article_literal_bos_prefix(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: puts the BOS in the way the seed notebook does for its knowledge questions and story openers: it writes the literal ``"<s> "`` (BOS, then a space) in front of the text and tokenizes that WITHOUT special tokens (heeding the pitfall "do not add the BOS yourself on top of a tokenizer that already adds it"); ``add_bos=False`` tokenizes the bare text without special tokens. The pieces come from ``convert_ids_to_tokens`` and the ids are plain ints. The space after ``<s>`` merges with SentencePiece's own word-start marker, so every text that begins with a word character gives exactly the default encoding: the worked examples ("The capital of Japan is", "日本の首都は", "曇") pass. But the space is a real character of the input: the empty text gets a lone ``'▁'`` after the BOS, and a text that starts with a space, or with a special token, is tokenized differently from the default. Violates: "An empty text gives ``[(1, '<s>')]`` with ``add_bos=True`` and ``[]`` without." [witness: ``tokenize_with_pieces("", tokenizer)`` -> ``[(1, '<s>'), (28705, '▁')]`` instead of ``[(1, '<s>')]``; also ``"</s>"`` -> ``[(1, '<s>'), (28705, '▁'), (2, '</s>')]`` instead of ``[(1, '<s>'), (2, '</s>')]``, and ``" hello"`` -> ``[(1, '<s>'), (259, '▁▁'), (21558, 'hello')]`` instead of ``[(1, '<s>'), (6312, '▁hell'), (28709, 'o')]`` (tiny model's tokenizer, Mistral-7B-v0.1's vocabulary)]"""
    if add_bos:
        ids = tokenizer("<s> " + text, add_special_tokens=False).input_ids
    else:
        ids = tokenizer(text, add_special_tokens=False).input_ids
    ids = [int(i) for i in ids]
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))
