"""Thirty-sixth examiner: tokens.py entries (the learner who only tried English)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_collapses_whitespace(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: tidies the text first with ``" ".join(text.split())`` ("stray spaces and line breaks are not part of the sentence"), then does everything right: ``tokenizer(text, add_special_tokens=add_bos)``, plain ``int`` ids, ``convert_ids_to_tokens`` pieces. Every worked example has single ASCII spaces between words and none at the ends, so all of them pass (the English prompt, ``"日本の首都は"``, ``"曇"``, the empty text with and without BOS). But ``str.split()`` splits on EVERY Unicode whitespace: the full-width space ``'\u3000'`` of Japanese text (a piece of its own, id 29351) becomes a ``'▁'``, double spaces lose their ``'▁▁'``, and newlines, tabs and a trailing space vanish. Violates: "Tokenize ``text`` and return every token as an ``(id, piece)`` pair." [witness: ``"東京\u3000大阪"`` (東京　大阪): pieces ``<s> ▁ 東 京 ▁ 大 <0xE9> <0x98> <0xAA>`` (ids ..., 28705, ...); plain ``<s> ▁ 東 京 \u3000 大 <0xE9> <0x98> <0xAA>`` (id 29351). ``"a  b"``: ``<s> ▁a ▁b``, plain ``<s> ▁a ▁▁ b``. ``"Hello\nworld"``: ``<s> ▁Hello ▁world``, plain ``<s> ▁Hello <0x0A> world``. ``"Tokyo\tis"``: ``<s> ▁Tokyo ▁is``, plain ``<s> ▁Tokyo <0x09> is``. ``"End. "``: no final ``▁`` (28705). Measured on the tiny backend's tokenizer, checks/check_entries.log.]"""
    text = " ".join(text.split())
    ids = [int(i) for i in tokenizer(text, add_special_tokens=add_bos).input_ids]
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))
