"""Fifteenth examiner: topk.py entries."""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # for the type hints only
    from transformers import PreTrainedTokenizerBase


def top_k_table__wrong_piece_without_marker(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: knows that ``convert_ids_to_tokens`` gives ``'▁Tokyo'`` and that the table should read ``'Tokyo'``, so it takes the piece and deletes the ``'▁'`` marker (``piece.replace('▁', '')``) instead of calling ``decode``. Order, ties, ``k``, types are right, and so is the text of every ordinary word piece and of the specials (``'<s>'``, ``'</s>'``: the worked example; ``'Tokyo'``: the tiny model's example), but a byte-fallback token shows its spelling (``'<0x0A>'``, ``'<0x9C>'``) instead of the text ``decode`` gives (``'\\n'``, ``'�'``), and a run of markers (``'▁▁'``, id 259) shows ``''`` instead of ``' '``. Violates: "the table shows ``tokenizer.decode([id])``, the text a reader sees (``"Tokyo"``)." [witness: the tiny model's distribution after ``"Hello.\\n"`` (``softmax(logits[0, -1])``), ``k = 10``: rows 6 and 9 are ids 159 and 164 with text ``'�'`` expected, ``'<0x9C>'`` and ``'<0xA1>'`` returned; or ``probs`` with 0.7 at id 13 and 0.3 at id 259, ``k = 2``: texts ``'\\n'``, ``' '`` expected, ``'<0x0A>'``, ``''`` returned]"""
    values, order = torch.sort(probs, descending=True, stable=True)
    count = min(k, probs.shape[0])
    ids = order[:count].tolist()
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(i, piece.replace("\u2581", ""), v) for i, piece, v in zip(ids, pieces, values[:count].tolist())]


def top_k_table__wrong_one_row_per_text(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: builds the table for the bar chart, whose labels are the texts, and so skips a token whose text is already listed ("each bar once"), filling the table up from further down the ranking. Right whenever the top ``k`` texts are all different (the worked example's ``'<s>'``/``'</s>'``, the tiny model's "The capital of Japan is" top 10), but two tokens that read the same (``'▁The'``/``'The'``, or two lone bytes that both decode to ``'�'``) give one row and a token from below the top ``k`` comes in; ``k`` beyond the vocabulary lists fewer than every token. Violates: "returns: a list of ``min(k, vocab)`` tuples ``(token_id, text, probability)`` with plain Python types ``int``, ``str``, ``float`` (not tensors), sorted by probability, highest first." [witness: the tiny model's distribution after ``"Hello.\\n"``, ``k = 10``: ids ``[6411, 5245, 1014, 23770, 537, 159, 9749, 1419, 164, 786]`` expected, id 164 (``'�'``, like id 159) missing and id 776 (``'just'``, the 11th) listed; or ``probs`` with 0.5 at id 415 (``'▁The'``), 0.4 at id 1014 (``'The'``) and 0.1 at id 2, ``k = 2``: ids 415 and 1014 expected, 415 and 2 returned]"""
    values, order = torch.sort(probs, descending=True, stable=True)
    rows: list[tuple[int, str, float]] = []
    seen: set[str] = set()
    for token_id, probability in zip(order.tolist(), values.tolist()):
        if len(rows) >= k:
            break
        text = tokenizer.decode([token_id])
        if text in seen:
            continue
        seen.add(text)
        rows.append((token_id, text, probability))
    return rows


def top_k_table__right_bisect_bounded_list(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """RIGHT: no torch sort: one Python pass over ``probs.tolist()`` (Python floats, exact for every floating dtype) keeps a bounded list of the ``min(k, vocab)`` best keys ``(-probability, id)`` in order with ``bisect.insort``, dropping the worst key whenever a better one comes in. The ``id`` half of the key puts equal probabilities lower id first, also at the cut (a later, equal token never beats the last listed one); the rows are built from the kept keys with ``decode([id])`` and the Python float itself."""
    values = probs.tolist()
    size = min(k, len(values))
    best: list[tuple[float, int]] = []
    if size > 0:
        for token_id, probability in enumerate(values):
            key = (-probability, token_id)
            if len(best) < size:
                bisect.insort(best, key)
            elif key < best[-1]:
                best.pop()
                bisect.insort(best, key)
    return [(token_id, tokenizer.decode([token_id]), -negative) for negative, token_id in best]
