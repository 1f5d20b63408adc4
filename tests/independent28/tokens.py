"""Twenty-eighth examiner: tokens.py entries (the docstring lawyer)."""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


class _Token(NamedTuple):
    id: int
    piece: str


def tokenize_with_pieces__right_namedtuple_pairs(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: every pair is a ``typing.NamedTuple`` ``(id, piece)`` -- a tuple subclass with field names. The docstring asks for "a ``list`` of ``(id, piece)`` tuples, ``id`` a plain Python ``int`` and ``piece`` a ``str``": the result is a ``list``, each element is a tuple (``isinstance``, ``==`` with a bare tuple, unpacking all hold) and the fields are ``int`` and ``str``; only ``type(pair) is tuple`` would tell. Ids from ``tokenizer(text, add_special_tokens=add_bos)``, pieces from ``convert_ids_to_tokens``. Agrees with a plain version on: "The capital of Japan is" (6 pairs), "日本の首都は" with ``add_bos=False`` (7), "曇り" (6), ``""`` with and without BOS (``[(1, '<s>')]``, ``[]``), ``"a</s>b  \\n\\tc"`` (8), "Once upon a time, " x 40 without BOS (201) -- 7 inputs, ``==`` pair for pair (checks/check_entries.log)."""
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    return [_Token(int(i), str(p)) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]
