"""Thirty-sixth examiner: embeddings.py entries (the learner who only tried English)."""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

_BYTE_PIECE = re.compile(r"<0x[0-9A-F]{2}>")


def subword_averaged_embedding__wrong_drops_byte_fallback_rows(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: encodes without special tokens as step 1 says, but then leaves out every byte-fallback piece (``'<0x00>'`` .. ``'<0xFF>'``, matched on the piece) "because a byte is a fragment of a character, not a subword with a meaning", and averages the rest; ``ValueError`` when nothing is left. Every worked example (``"Kyoto"`` = mean of rows 15595 and 2587, ``"king"`` = row 6779, ``"</s>"`` = row 2, ``""`` raises) has no byte piece, and no English word has one, so all pass, in float16 and bfloat16 too and with a padded ``(32064, d)`` matrix. But a character the vocabulary lacks (曇, 阪, most emoji) is spelt in byte pieces, and their rows are dropped. Violates: "2. Take those rows of ``embedding_matrix`` (index it with the ids — as a tensor on the matrix's device)." [witness: ``"曇"`` encodes to ``[28705, 233, 158, 138]`` (``'▁' <0xE6> <0x9B> <0x87>``): the entry returns row 28705 alone (first values ``[0.0870, -0.0391, 0.0392]``), plain the mean of the four rows (``[-0.0022, -0.0648, -0.0835]``), largest difference 0.1908. ``"🦩"`` (``'▁'`` + 4 byte pieces): row 28705 again, difference 0.3144. ``"大阪"`` (``▁ 大 <0xE9> <0x98> <0xAA>``): the mean of two rows instead of five, difference 0.2254. Tiny backend's matrix (32000, 128) float32.]"""
    ids = tokenizer(word, add_special_tokens=False).input_ids
    pieces = tokenizer.convert_ids_to_tokens(ids)
    # byte pieces are fragments of a character, not subwords: they carry no meaning of their own
    ids = [i for i, p in zip(ids, pieces) if not _BYTE_PIECE.fullmatch(p)]
    if not ids:
        raise ValueError(f"{word!r} has no subword tokens to average")
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    return rows.mean(dim=0)


def subword_averaged_embedding__wrong_nfc_normalises_word(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """WRONG: normalises the word to Unicode NFC first (``unicodedata.normalize("NFC", word)``), "so that 'café' typed with a combining accent gets the same vector as the precomposed one", then encodes without special tokens, takes the rows and averages them, with the ``ValueError`` for no tokens. NFC changes no ASCII and no already-composed text, so every worked example passes (``"Kyoto"``, ``"king"``, ``"</s>"``, ``""``; half precision; a padded matrix). But text in NFD form (combining marks, as macOS file names and some keyboards produce) is encoded as a different string, with other tokens. Violates: "Return one vector for ``word``: the mean of the embedding rows of its tokens." [witness: ``"cafe\u0301"`` (c a f e + U+0301) encodes to ``[7913, 1512, 28949]`` (``▁ca fe \u0301``); the entry averages the single row 28345 (``▁café``) instead: first values ``[-0.1098, -0.1505, 0.0339]`` vs plain ``[-0.0889, -0.1614, 0.0231]``, largest difference 0.0529. ``"e\u0301"``: ``[317, 28949]`` vs NFC ``[1233]``, difference 0.0491. ``"Ame\u0301lie"``: ``[330, 1127, 28949, 5715]`` vs NFC ``[2740, 5560, 412]``, difference 0.1462. Tiny backend.]"""
    word = unicodedata.normalize("NFC", word)
    ids = tokenizer(word, add_special_tokens=False).input_ids
    if len(ids) == 0:
        raise ValueError("the word encodes to no tokens: nothing to average")
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    return rows.mean(dim=0)


def subword_averaged_embedding__right_default_encode_then_drop_special_prefix(
    word: str, tokenizer: PreTrainedTokenizerBase, embedding_matrix: torch.Tensor
) -> torch.Tensor:
    """RIGHT: does not pass ``add_special_tokens=False``: it asks the tokenizer what it adds on its own (``tokenizer.encode("")``, ``[1]`` for Mistral's), encodes the word with the defaults, checks that exactly that prefix came first and slices it off — once, by position, so a ``<s>`` or ``</s>`` that the TEXT spells stays (``"<s>"`` encodes to ``[1, 1]`` and keeps ``[1]``, ``"</s>"`` to ``[1, 2]`` and keeps ``[2]``); then ``index_select`` with a long tensor on the matrix's device and ``mean(dim=0)``, ``ValueError`` when nothing is left. Step 1 asks for the ids of the text alone, and these are exactly those ids, whatever the text holds: a grader that checked the call rather than the ids would mis-mark it. Agrees with a plain version on: ``torch.equal`` with plain for 16 words x 3 matrices (48/48): ``"Kyoto"``, ``"king"``, ``"</s>"``, ``"<s>"``, ``"<s></s>"``, ``"曇"``, ``"🦩"``, ``"東京\u3000大阪"``, ``"cafe\u0301"``, ``" king "``, ``"Hello\nworld\t!"``, ``"a  b"``, ``"\u3000"``, ``" "``, ``"日本の首都は"`` x 40, ``"The capital of Japan is "`` x 30; on the tiny matrix (32000, 128) float32, a padded (32064, 128) copy and a bfloat16 copy; ``""`` raises ``ValueError`` (float32 and float16). checks/check_entries.log."""
    prefix = tokenizer.encode("")  # what the tokenizer adds on its own: [1] (<s>) for Mistral's
    ids = tokenizer.encode(word)
    if ids[: len(prefix)] != prefix:
        raise RuntimeError("the tokenizer did not put its special prefix first")
    ids = ids[len(prefix):]
    if not ids:
        raise ValueError(f"{word!r} encodes to no tokens: the mean of no rows would be nan")
    index = torch.as_tensor(ids, dtype=torch.long, device=embedding_matrix.device)
    return embedding_matrix.index_select(0, index).mean(dim=0)
