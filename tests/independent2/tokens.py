"""Independent catalogue, round 2: submissions for exercises/tokens.py.

Written from the docstrings of ``exercises/tokens.py`` (and the learner's guide) only, by an
examiner who also read round 1 (``tests/independent/tokens.py``) so as not to repeat it.
Each function is a whole submission for ``tokenize_with_pieces`` or ``piece_bytes`` once
renamed; ``__wrong_`` ones break one sentence of the docstring, ``__right_`` ones follow
every sentence of it. Standard-library modules are imported inside the function bodies.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# tokenize_with_pieces
# ---------------------------------------------------------------------------------------


def tokenize_with_pieces__right_encoding_tokens(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: reads the pieces straight off the fast tokenizer's ``Encoding``
    (``BatchEncoding.tokens()``) instead of ``convert_ids_to_tokens``; ids and pieces come
    from the same single encoding call."""
    encoding = tokenizer(text, add_special_tokens=bool(add_bos))
    ids = encoding["input_ids"]
    pieces = encoding.tokens()
    if len(pieces) != len(ids):  # a slow tokenizer has no Encoding: fall back to the vocabulary
        pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(token_id), str(piece)) for token_id, piece in zip(ids, pieces)]


def tokenize_with_pieces__right_tokenize_then_ids(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: goes the other way round: ``tokenizer.tokenize(text)`` gives the pieces (no
    special tokens added), ``convert_tokens_to_ids`` gives their ids, and the BOS pair is put
    in front from ``tokenizer.bos_token`` when asked."""
    pieces = list(tokenizer.tokenize(text))
    if add_bos:
        pieces.insert(0, tokenizer.bos_token)
    ids = tokenizer.convert_tokens_to_ids(pieces)
    result = []
    for token_id, piece in zip(ids, pieces):
        result.append((int(token_id), str(piece)))
    return result


def tokenize_with_pieces__wrong_per_word_encoding(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: splits the text on whitespace and encodes word by word, so tabs, newlines,
    double and trailing spaces vanish ("a\\tb" gives '▁a', '▁b' instead of '▁a', '<0x09>',
    'b'). Passes every worked example. Violates: "Tokenize ``text`` and return every token as
    an ``(id, piece)`` pair" ("text: any string.")."""
    ids = []
    for word in text.split():
        ids.extend(tokenizer(word, add_special_tokens=False)["input_ids"])
    if add_bos:
        ids = [tokenizer.bos_token_id] + ids
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), p) for i, p in zip(ids, pieces)]


def tokenize_with_pieces__wrong_truncates_to_model_length(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: passes ``truncation=True, max_length=512`` (the tiny model's
    ``max_position_embeddings``, "the model cannot read more anyway"), so a long text loses
    its tail. Violates: "Tokenize ``text`` and return every token as an ``(id, piece)``
    pair" ("text: any string.")."""
    ids = tokenizer(text, add_special_tokens=add_bos, truncation=True, max_length=512)["input_ids"]
    return [(int(i), p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


def tokenize_with_pieces__wrong_filters_every_bos_id(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: always encodes with special tokens and, for ``add_bos=False``, removes EVERY
    id 1 instead of the leading one, so a text that itself contains ``<s>`` (the tokenizer
    reads "a <s> b" as '▁a', '▁', '<s>', '▁b') loses that token. Violates: "``False`` gives
    the text's tokens alone"."""
    ids = tokenizer(text)["input_ids"]
    if not add_bos:
        ids = [i for i in ids if i != tokenizer.bos_token_id]
    return [(int(i), p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


# ---------------------------------------------------------------------------------------
# piece_bytes
# ---------------------------------------------------------------------------------------


def piece_bytes__right_match_statement(piece: str) -> bytes:
    """RIGHT: structural pattern matching (``match``/``case``, Python 3.10+) with a guard
    that checks the two hexadecimal digits one by one; text pieces via
    ``str.translate`` (U+2581 -> space)."""
    hex_digits = "0123456789abcdefABCDEF"
    match piece:
        case "<unk>" | "<s>" | "</s>":
            return b""
        case str() if (
            len(piece) == 6
            and piece.startswith("<0x")
            and piece.endswith(">")
            and piece[3] in hex_digits
            and piece[4] in hex_digits
        ):
            return bytes.fromhex(piece[3:5])
        case _:
            return piece.translate({0x2581: 0x20}).encode("utf-8")


def piece_bytes__right_bytes_level_replace(piece: str) -> bytes:
    """RIGHT: encodes the piece to UTF-8 FIRST and replaces the three bytes of '▁'
    (E2 96 81) by b' ' on the bytes; the byte piece is recognised with ``string.hexdigits``
    and converted with ``int.to_bytes``."""
    import string

    if piece in {"<unk>", "<s>", "</s>"}:
        return b""
    inner = piece[3:-1]
    if piece[:3] == "<0x" and piece[-1:] == ">" and len(inner) == 2 and all(c in string.hexdigits for c in inner):
        return int(inner, 16).to_bytes(1, "big")
    return piece.encode("utf-8").replace("\u2581".encode("utf-8"), b" ")


def piece_bytes__wrong_returns_bytearray(piece: str) -> bytes:
    """WRONG: builds the result in a ``bytearray`` and returns it as it is. A bytearray
    compares equal to the right ``bytes`` (``bytearray(b' The') == b' The'``), so every
    ``==`` check of the examples passes. Violates: "returns: a ``bytes`` object (not a
    ``str``, not a list of ints)."""
    out = bytearray()
    if piece in ("<unk>", "<s>", "</s>"):
        return out
    if (
        len(piece) == 6
        and piece.startswith("<0x")
        and piece.endswith(">")
        and all(c in "0123456789abcdefABCDEF" for c in piece[3:5])
    ):
        out.append(int(piece[3:5], 16))
        return out
    out.extend(piece.replace("\u2581", " ").encode("utf-8"))
    return out


def piece_bytes__wrong_underscore_as_space(piece: str) -> bytes:
    """WRONG: treats the ASCII underscore as the space marker too (``replace('_', ' ')``
    after ``replace('▁', ' ')``), so the piece 'snake_case' loses its underscore.
    Violates: "the ``'▁'`` (U+2581, not an underscore) marks a space in front of the piece"
    (module docstring) / "any other piece is text: replace every ``'▁'`` with a space"."""
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    if (
        len(piece) == 6
        and piece.startswith("<0x")
        and piece.endswith(">")
        and all(c in "0123456789abcdefABCDEF" for c in piece[3:5])
    ):
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").replace("_", " ").encode("utf-8")


def piece_bytes__wrong_try_int_parse(piece: str) -> bytes:
    """WRONG: recognises a byte piece by its frame ('<0x', '>', length 6) and lets
    ``int(..., 16)`` decide the rest; ``int`` also accepts a sign or a space, so '<0x+A>'
    and '<0x A>' become the byte 0x0A instead of text. Violates: "byte piece ``'<0xNN>'``
    (``NN`` two hexadecimal digits)" / "any other piece is text"."""
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        try:
            return bytes([int(piece[3:5], 16)])
        except ValueError:
            pass
    return piece.replace("\u2581", " ").encode("utf-8")
