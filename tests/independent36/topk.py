"""Thirty-sixth examiner: topk.py entries (the learner who only tried English)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_SPECIAL_SPELLINGS = ("<unk>", "<s>", "</s>")


def top_k_table__wrong_unreadable_text_shows_piece(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: sorts right (``torch.sort(..., descending=True, stable=True)``, ``min(k, vocab)`` rows, plain ``int``/``str``/``float``) and labels each row with ``tokenizer.decode([id])`` — except where that label is unreadable: a blank label (``''``) or one holding ``'\ufffd'`` is replaced by the raw piece (``convert_ids_to_tokens``), "so the bar chart never shows an empty or broken label". For English the decoded texts are words, so the worked example (``[0.1, 0.6, 0.3]``, ``k = 2``: ``'<s>'``, ``'</s>'``), the ``Tokyo`` first row, ``k = 0``, ``k`` past the vocabulary and ties all pass, and the tables of "The capital of Japan is" and "Once upon a time," equal plain's. But for Japanese the tiny model's most probable next token is often a byte piece, whose text is ``'�'``, and the lone ``'▁'`` (28705) that starts Japanese text decodes to ``''``. Violates: "``tokenizer.convert_ids_to_tokens`` gives the raw piece (``"▁Tokyo"``); the table shows ``tokenizer.decode([id])``, the text a reader sees (``"Tokyo"``)." [witness: the tiny model's softmax after "明日の天気は", ``k = 10``: first row ``(233, '<0xE6>', 0.68176)``, plain ``(233, '\ufffd', 0.68176)``; rows of ids 158 and 156 likewise. After "日本の首都は": ``(233, '<0xE6>', 0.00424)`` vs ``'\ufffd'``. After the seed's knowledge question "What is the capital of United States?": ``(28705, '▁', 0.01633)`` vs plain ``(28705, '', 0.01633)``. checks/check_entries.log.]"""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[0])
    rows = []
    for value, token_id in zip(values[:n].tolist(), order[:n].tolist()):
        text = tokenizer.decode([token_id])
        if text == "" or "\ufffd" in text:  # a blank or '�' label says nothing: show the piece
            text = tokenizer.convert_ids_to_tokens(token_id) or ""
        rows.append((int(token_id), text, float(value)))
    return rows


def _text_from_piece(piece: str | None, special: bool) -> str:
    if piece is None:  # an id past the tokenizer's pieces (a padded output layer)
        return ""
    if special:  # decode shows a special token by its spelling
        return piece
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        raw = bytes([int(piece[3:5], 16)])
    else:
        raw = piece.replace("\u2581", " ").encode("utf-8")
    text = raw.decode("utf-8", errors="replace")
    return text[1:] if text.startswith(" ") else text  # decoding one token drops its leading space


def top_k_table__right_text_from_piece_bytes(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: never calls ``decode``: it reuses the ``piece_bytes`` rule of exercise 2 on ``convert_ids_to_tokens``: a byte piece is its one byte, any other piece its text with ``'▁'`` as a space, UTF-8 encoded; the bytes are decoded with ``errors="replace"`` (a lone byte gives ``'\ufffd'``) and ONE leading space is dropped, as decoding a single token drops the space of its ``'▁'``. A special id shows its spelling (``decode`` shows ``'<s>'``, ``'</s>'``, ``'<unk>'``), an id past the tokenizer's pieces (``convert_ids_to_tokens`` gives ``None``) the empty text. The label is the same string ``tokenizer.decode([id])`` gives, for every id of the vocabulary, so it meets the docstring; a grader that looked for the ``decode`` call would mis-mark it. Agrees with a plain version on: the worked example; the "The capital of Japan is" softmax with ``k = 40000`` (all 32000 ids: every label equals ``decode([id])``, including ``'<0x20>'`` -> ``''``, ``'▁'`` -> ``''``, ``'▁▁'`` -> ``' '``, 129 labels ``'\ufffd'``); "明日の天気は" in float32 (``k`` 10), bfloat16 (``k`` 25), float16 (``k`` 10); "日本の首都は" ``k`` 25; a row with the lone ``'▁'`` and ``'<0x20>'`` on top; a padded (32064,) row whose top 64 ids are padded ids (``k`` 70); specials 0, 1, 2 on top; ``k = 0``; ties at the cut; 2 English prompts, "The capital of Japan is" and "Once upon a time," (checks/check_entries.log)."""
    values, order = torch.sort(probs, descending=True, stable=True)
    n = min(k, probs.shape[0])
    ids = order[:n].tolist()
    pieces = tokenizer.convert_ids_to_tokens(ids)
    special = set(tokenizer.all_special_ids)
    return [
        (int(i), _text_from_piece(p, i in special), float(v))
        for i, p, v in zip(ids, pieces, values[:n].tolist())
    ]
