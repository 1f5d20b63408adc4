"""Twenty-fifth examiner: tokens.py entries (the learner who codes to the worked example)."""
from __future__ import annotations


def piece_bytes__wrong_lone_marker_is_empty(piece: str) -> bytes:
    """WRONG: reads the module's remark that Japanese text "starts with a lone ``'▁'`` piece" as "the lone ``'▁'`` is a start marker", like ``<s>``, and gives the piece that is exactly ``'▁'`` the empty bytes; every other piece follows the rule (specials ``b''``, ``'<0xNN>'`` one byte, text with every ``'▁'`` a space, UTF-8). All examples pass, ``'▁▁'`` -> ``b'  '`` included, because only the one-character piece is special-cased. Violates: "any other piece is text: replace every ``'▁'`` with a space and encode as UTF-8." [witness: ``piece_bytes('▁')`` (id 28705, the first token of ``"日本の首都は"``): WRONG ``b''``, plain ``b' '``; so the bytes of that Japanese text lose its leading space.]"""
    if piece in ('<unk>', '<s>', '</s>') or piece == '\u2581':
        return b''
    if len(piece) == 6 and piece.startswith('<0x') and piece.endswith('>') and all(c in '0123456789ABCDEF' for c in piece[3:5]):
        return bytes([int(piece[3:5], 16)])
    return piece.replace('\u2581', ' ').encode('utf-8')


def piece_bytes__wrong_strips_tag_brackets(piece: str) -> bytes:
    """WRONG: recognises the special pieces by their NAME, ``piece.strip('<>/')`` in ``('s', 'unk')`` ("``<s>`` and ``</s>`` are the same tag, opened and closed"), so that ``'<s>'``, ``'</s>'`` and ``'<unk>'`` give ``b''`` and ``'<pad>'``, ``'<|endoftext|>'``, ``'<?>'``, ``'<>'`` stay text, as the docstring asks. But the strip also leaves the ordinary text pieces ``'s'`` (id 28713) and ``'unk'`` (id 2060) unchanged, and they match the names. All examples pass. Violates: "any other piece is text: replace every ``'▁'`` with a space and encode as UTF-8." [witness: ``piece_bytes('s')``: WRONG ``b''``, plain ``b's'``; ``piece_bytes('unk')``: WRONG ``b''``, plain ``b'unk'``.]"""
    if piece.strip('<>/') in ('s', 'unk'):
        return b''
    if len(piece) == 6 and piece[:3] == '<0x' and piece[5] == '>' and all(c in '0123456789ABCDEF' for c in piece[3:5]):
        return bytes([int(piece[3:5], 16)])
    return piece.replace('\u2581', ' ').encode('utf-8')


def piece_bytes__right_chr_latin1_encode(piece: str) -> bytes:
    """RIGHT: the byte piece goes through ``chr`` -- the very call the Pitfall warns about -- but encoded as Latin-1, not UTF-8: ``chr(0xE6).encode('latin-1')`` is the one byte ``b'\\xe6'``, because Latin-1 maps code points 0-255 to the byte of the same value. A grader that looks for ``chr(`` in the source would mark this down wrongly. Specials ``b''``; byte pieces recognised by ``re``-free slicing (six characters, ``'<0x'``, two of ``0-9A-F``, ``'>'``); text pieces with every ``'▁'`` a space, UTF-8. Agrees with a plain version on: every example of the docstring; all 32000 pieces of Mistral-7B-v0.1's vocabulary; 256 upper-case byte pieces; ``'<0xG1>'``, ``'<0x>'``, ``'<0xE6'``, ``'<?>'``, ``'<>'``, ``'<pad>'``, ``'<|endoftext|>'``, ``'[CLS]'``, ``'▁'``, ``'▁▁'``, ``'s'``, ``'unk'``, ``'<S>'``."""
    if piece in ('<unk>', '<s>', '</s>'):
        return b''
    if len(piece) == 6 and piece[:3] == '<0x' and piece[5] == '>' and all(c in '0123456789ABCDEF' for c in piece[3:5]):
        return chr(int(piece[3:5], 16)).encode('latin-1')
    return piece.replace('\u2581', ' ').encode('utf-8')
