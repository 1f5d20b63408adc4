"""Independent catalogue: submissions for exercises/tokens.py.

Written from the docstrings of ``exercises/tokens.py`` only. Each function is a whole
submission for ``tokenize_with_pieces`` or ``piece_bytes`` once renamed; ``__wrong_`` ones
break a rule the docstring states, ``__right_`` ones follow every sentence of it.
"""
from __future__ import annotations

import re

from transformers import PreTrainedTokenizerBase


# ---------------------------------------------------------------------------------------
# tokenize_with_pieces
# ---------------------------------------------------------------------------------------


def tokenize_with_pieces__right_prepend_bos_from_tokenizer(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: always encodes WITHOUT special tokens, then puts the tokenizer's own BOS id and
    piece in front when asked (no double BOS, since the tokenizer added none)."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    pairs = [(int(i), str(piece)) for i, piece in zip(ids, tokenizer.convert_ids_to_tokens(ids))]
    if add_bos:
        bos_id = int(tokenizer.bos_token_id)
        pairs.insert(0, (bos_id, str(tokenizer.convert_ids_to_tokens(bos_id))))
    return pairs


def tokenize_with_pieces__right_inverted_vocab_loop(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """RIGHT: looks every piece up in an inverted ``get_vocab()`` dictionary, one id at a
    time in a loop, instead of ``convert_ids_to_tokens`` on the whole list."""
    ids = tokenizer.encode(text, add_special_tokens=bool(add_bos))
    piece_of = {index: piece for piece, index in tokenizer.get_vocab().items()}
    result = []
    for token_id in ids:
        token_id = int(token_id)
        result.append((token_id, piece_of[token_id]))
    return result


def tokenize_with_pieces__wrong_decode_as_piece(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: uses ``tokenizer.decode([id])`` as the piece, so '▁The' becomes 'The' and
    '<0xE6>' becomes '�'. Violates: "``tokenizer.decode([id])`` is NOT the piece"."""
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    return [(int(i), tokenizer.decode([i])) for i in ids]


def tokenize_with_pieces__wrong_double_bos(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: calls ``tokenizer.encode(text)`` (which already adds <s>) and prepends the BOS
    again when ``add_bos`` is True; with ``add_bos=False`` the tokenizer's BOS stays too.
    Violates: "And do not add the BOS yourself on top of a tokenizer that already adds it."""
    ids = tokenizer.encode(text)
    if add_bos:
        ids = [tokenizer.bos_token_id] + list(ids)
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), p) for i, p in zip(ids, pieces)]


def tokenize_with_pieces__wrong_numpy_int_ids(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: asks the tokenizer for numpy arrays and puts the numpy ints straight into the
    tuples (they print and compare like ints, but are ``numpy.int64``).
    Violates: "``id`` a plain Python ``int``"."""
    ids = tokenizer(text, add_special_tokens=add_bos, return_tensors="np")["input_ids"][0]
    pieces = tokenizer.convert_ids_to_tokens(ids.tolist())
    return [(token_id, piece) for token_id, piece in zip(ids, pieces)]


def tokenize_with_pieces__wrong_strips_text(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: "cleans" the text with ``text.strip()`` first, losing the trailing-space token
    ``'▁'`` of e.g. ``"hello "`` and the tokens of a whitespace-only text.
    Violates: "text: any string." / "return every token as an ``(id, piece)`` pair"."""
    ids = tokenizer(text.strip(), add_special_tokens=add_bos)["input_ids"]
    return [(int(i), p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


def tokenize_with_pieces__wrong_empty_text_early_return(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: guards the empty string with an early ``return []``, forgetting the BOS.
    Violates: "An empty text gives ``[(1, '<s>')]`` with ``add_bos=True``"."""
    if not text:
        return []
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    return [(int(i), p) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


def tokenize_with_pieces__wrong_list_pairs(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: returns ``[id, piece]`` lists instead of tuples (``list(zip(...))`` then
    converted for "JSON friendliness"). Violates: "returns: a ``list`` of ``(id, piece)``
    tuples"."""
    ids = tokenizer(text, add_special_tokens=add_bos)["input_ids"]
    return [[int(i), p] for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


# ---------------------------------------------------------------------------------------
# piece_bytes
# ---------------------------------------------------------------------------------------


def piece_bytes__right_regex_fromhex(piece: str) -> bytes:
    """RIGHT: recognises byte pieces with a full-match regular expression and converts them
    with ``bytes.fromhex`` instead of slicing and ``int(..., 16)``."""
    match = re.fullmatch(r"<0x([0-9A-Fa-f]{2})>", piece)
    if match is not None:
        return bytes.fromhex(match.group(1))
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__right_char_loop_bytearray(piece: str) -> bytes:
    """RIGHT: checks the byte-piece shape character by character and builds the text case
    one character at a time into a ``bytearray`` (each '▁' becomes the byte 0x20)."""
    hex_digits = "0123456789abcdefABCDEF"
    if (
        len(piece) == 6
        and piece[:3] == "<0x"
        and piece[5] == ">"
        and piece[3] in hex_digits
        and piece[4] in hex_digits
    ):
        return bytes([int(piece[3:5], 16)])
    if piece == "<unk>" or piece == "<s>" or piece == "</s>":
        return b""
    out = bytearray()
    for ch in piece:
        if ch == "\u2581":
            out.append(0x20)
        else:
            out.extend(ch.encode("utf-8"))
    return bytes(out)


def piece_bytes__wrong_chr_encode(piece: str) -> bytes:
    """WRONG: turns the byte value into a character and encodes that: ``chr(0xE6)`` is 'æ',
    two UTF-8 bytes. Right for 0x00-0x7F only. Violates: "``chr(0xE6).encode('utf-8')`` is
    ``b'\\xc3\\xa6'`` ... You want the one byte itself"."""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return chr(int(piece[3:5], 16)).encode("utf-8")
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__wrong_any_tag_is_special(piece: str) -> bytes:
    """WRONG: after the byte pieces, treats anything in angle brackets as a special token and
    returns ``b''`` (so '<?>' and '<>' vanish). Violates: "Pieces that only look like tags,
    such as ``'<?>'`` or ``'<>'``, are text too."""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    if piece.startswith("<") and piece.endswith(">"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__wrong_first_marker_only(piece: str) -> bytes:
    """WRONG: treats '▁' as a leading marker and replaces only the first one
    (``replace('▁', ' ', 1)``), so '▁▁' gives b' \\xe2\\x96\\x81'. Violates: "replace every
    ``'▁'`` with a space and encode as UTF-8" (and the example ``piece_bytes('▁▁')`` ->
    ``b'  '``)."""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ", 1).encode("utf-8")


def piece_bytes__wrong_unk_is_text(piece: str) -> bytes:
    """WRONG: only BOS and EOS are treated as special; '<unk>' is spelled out as text.
    Violates: "special piece ``'<unk>'``, ``'<s>'`` or ``'</s>'``: ``b''``"."""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    if piece in ("<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__wrong_list_of_ints(piece: str) -> bytes:
    """WRONG: returns the byte values as a list of ints (the form the API's ``bytes`` field
    uses) instead of a ``bytes`` object. Violates: "returns: a ``bytes`` object (not a
    ``str``, not a list of ints)."""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return [int(piece[3:5], 16)]
    if piece in ("<unk>", "<s>", "</s>"):
        return []
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def piece_bytes__wrong_drops_space_marker(piece: str) -> bytes:
    """WRONG: deletes the '▁' marker instead of turning it into a space (what ``decode``
    shows for a word piece). Violates: "Also keep the space that ``'▁'`` stands for;
    ``decode`` drops it, you must not."""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", "").encode("utf-8")
