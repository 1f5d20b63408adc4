"""Independent catalogue, round 4: submissions for exercises/tokens.py.

Written from the docstrings of ``exercises/tokens.py`` only, avoiding the mistakes of rounds 1-3.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces__wrong_bos_guard_by_first_id(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """WRONG: encodes without special tokens and, heeding "do not add the BOS yourself on top
    of a tokenizer that already adds it", prepends ``<s>`` only when the first id is not
    already the BOS id; a text that itself starts with ``"<s>"`` (parsed to id 1) loses the
    BOS that ``add_bos=True`` puts first. Violates: "add_bos: ``True`` puts the BOS token
    ``<s>`` first" ["<s>a", add_bos=True -> ids [1, 28708] instead of [1, 1, 28708]]"""
    ids = [int(i) for i in tokenizer(text, add_special_tokens=False)["input_ids"]]
    bos = tokenizer.bos_token_id
    if add_bos and (not ids or ids[0] != bos):
        ids = [bos] + ids
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return [(int(i), str(p)) for i, p in zip(ids, pieces)]


def piece_bytes__wrong_regex_match_unanchored(piece: str) -> bytes:
    """WRONG: recognises a byte piece with ``re.match(r"<0x([0-9A-Fa-f]{2})>", piece)`` --
    anchored at the start only, so a text piece that merely BEGINS like a byte piece is
    read as that one byte and the rest is lost. Violates: "byte piece ``'<0xNN>'`` (``NN``
    two hexadecimal digits): the single byte ``0xNN``" (and "any other piece is text")
    [``'<0x41>x'`` -> ``b'A'`` instead of ``b'<0x41>x'``; ``'<0xE6><0x9B>'``]"""
    m = re.match(r"<0x([0-9A-Fa-f]{2})>", piece)
    if m:
        return bytes([int(m.group(1), 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__wrong_leading_markers_only(piece: str) -> bytes:
    """WRONG: treats ``'▁'`` as a prefix marker and turns only the LEADING run of them into
    spaces (``lstrip`` and count), so a ``'▁'`` inside or at the end of a piece stays the
    3-byte character U+2581. Passes ``'▁The'`` and ``'▁▁'``. Violates: "any other piece is
    text: replace every ``'▁'`` with a space and encode as UTF-8." [``'a▁b'`` ->
    ``b'a\\xe2\\x96\\x81b'`` instead of ``b'a b'``; ``'▁a▁'``]"""
    if re.fullmatch(r"<0x[0-9A-Fa-f]{2}>", piece):
        return bytes([int(piece[3:5], 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    rest = piece.lstrip("\u2581")
    lead = len(piece) - len(rest)
    return (" " * lead + rest).encode("utf-8")
