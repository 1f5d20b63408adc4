"""Independent catalogue, round 3: submissions for exercises/tokens.py.

Written from the docstrings of ``exercises/tokens.py`` only, avoiding every mistake and every
style already in rounds 1 and 2 (``tests/independent/tokens.py``, ``tests/independent2/tokens.py``).
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# tokenize_with_pieces
# ---------------------------------------------------------------------------------------


def tokenize_with_pieces__wrong_nfkc_normalises_text(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: "cleans" the text with ``unicodedata.normalize("NFKC", ...)`` before
    tokenizing, so full-width letters and ligatures are replaced by their plain forms and the
    model is shown tokens it would never get. Violates: "Tokenize ``text`` and return every
    token as an ``(id, piece)`` pair." [``"ｔｏｋｙｏ"`` (full-width; the tokenizer spells it
    with byte pieces) or ``"ﬁne"`` (the ligature piece ``'ﬁ'``)]"""
    text = unicodedata.normalize("NFKC", text)
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), str(p)) for i, p in zip(ids, pieces)]


def tokenize_with_pieces__wrong_dict_drops_repeats(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: builds an ``{id: piece}`` dict (a "lookup table") and returns its items, so a
    token that occurs twice is listed once. Violates: "returns: a ``list`` of ``(id, piece)``
    tuples ... in the order of the text." [``"a a"`` -> two ``(264, '▁a')`` expected]"""
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    table = dict(zip(ids, tokenizer.convert_ids_to_tokens(ids)))
    return [(int(i), p) for i, p in table.items()]


def tokenize_with_pieces__wrong_drops_specials_inside_text(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: keeps the leading ``<s>`` but filters every other id of
    ``tokenizer.all_special_ids`` ("specials are structure, not text"), so a ``</s>`` written
    in the text, which the tokenizer turns into id 2, disappears. Violates: "Tokenize
    ``text`` and return every token as an ``(id, piece)`` pair." [``"a</s>b"``]"""
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    specials = set(tokenizer.all_special_ids)
    kept = [i for n, i in enumerate(ids) if i not in specials or (add_bos and n == 0)]
    return [(int(i), p) for i, p in zip(kept, tokenizer.convert_ids_to_tokens(kept))]


def tokenize_with_pieces__right_backend_encoding(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: goes through the Rust ``tokenizers`` object underneath
    (``tokenizer.backend_tokenizer.encode``), whose ``Encoding`` carries ``ids`` and
    ``tokens`` side by side; ``add_special_tokens=add_bos`` lets its post-processor add the
    ``<s>``."""
    encoding = tokenizer.backend_tokenizer.encode(text, add_special_tokens=add_bos)
    return list(zip(map(int, encoding.ids), map(str, encoding.tokens)))


# ---------------------------------------------------------------------------------------
# piece_bytes
# ---------------------------------------------------------------------------------------


def piece_bytes__wrong_prefix_suffix_slice(piece: str) -> bytes:
    """WRONG: recognises a byte piece by ``startswith('<0x') and endswith('>')`` and reads
    ``piece[3:5]``, so a longer tag such as ``'<0xABC>'`` becomes the byte 0xAB instead of
    its own text. Violates: "byte piece ``'<0xNN>'`` (``NN`` two hexadecimal digits)" /
    "any other piece is text". [``'<0xABC>'`` -> ``b'<0xABC>'``]"""
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    if piece.startswith("<0x") and piece.endswith(">"):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__wrong_non_hex_tag_crashes(piece: str) -> bytes:
    """WRONG: any piece of the shape ``'<0x..>'`` (six characters) is taken for a byte and
    parsed with ``int(.., 16)``, which raises ``ValueError`` for ``'<0xZZ>'`` -- a piece that
    only looks like a byte tag and is text. Violates: "Pieces that only look like tags, such
    as ``'<?>'`` or ``'<>'``, are text too." [``'<0xZZ>'`` -> ``b'<0xZZ>'``]"""
    if piece in {"<unk>", "<s>", "</s>"}:
        return b""
    if len(piece) == 6 and piece[:3] == "<0x" and piece[-1] == ">":
        return int(piece[3:5], 16).to_bytes(1, "big")
    return piece.replace("▁", " ").encode("utf-8")


def piece_bytes__wrong_case_insensitive_specials(piece: str) -> bytes:
    """WRONG: compares the piece with the special names after ``.lower()``, so ``'<S>'`` or
    ``'<UNK>'`` (text that only looks like a special) give ``b''``. Violates: "special piece
    ``'<unk>'``, ``'<s>'`` or ``'</s>'``: ``b''``" / "Pieces that only look like tags ... are
    text too." [``'<S>'`` -> ``b'<S>'``]"""
    if piece.lower() in ("<unk>", "<s>", "</s>"):
        return b""
    match = re.fullmatch(r"<0x([0-9A-Fa-f]{2})>", piece)
    if match:
        return bytes.fromhex(match.group(1))
    return piece.replace("▁", " ").encode("utf-8")


def piece_bytes__right_translate_and_to_bytes(piece: str) -> bytes:
    """RIGHT: a dispatch table for the specials, ``re.fullmatch`` with explicit hex classes,
    ``int.to_bytes`` for the byte, and ``str.translate`` (U+2581 -> space) for text."""
    specials = {"<unk>": b"", "<s>": b"", "</s>": b""}
    if piece in specials:
        return specials[piece]
    hexbyte = re.fullmatch(r"<0x([0-9A-Fa-f][0-9A-Fa-f])>", piece)
    if hexbyte is not None:
        return int(hexbyte[1], 16).to_bytes(1, "little")
    return piece.translate({0x2581: 0x20}).encode("utf-8")
