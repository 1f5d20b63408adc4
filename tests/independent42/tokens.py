"""Forty-second examiner: tokens.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

import re


def _gpt2_bytes_to_unicode() -> dict[int, str]:
    """GPT-2's ``bytes_to_unicode`` (openai/gpt-2 encoder.py): every byte spelled as one printable character."""
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
          + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


_GPT2_BYTE_DECODER = {c: b for b, c in _gpt2_bytes_to_unicode().items()}


def piece_bytes__wrong_gpt2_byte_decoder_for_byte_alphabet_pieces(piece: str) -> bytes:
    """WRONG: the learner knows from GPT-2 (and Karpathy's tokenizer lecture) that "a piece is a spelling, not text": GPT-2's vocabulary spells every byte as one printable stand-in character (``bytes_to_unicode``: ``'Ġ'`` is the space, ``'é'`` is the byte 0xE9), and ``convert_tokens_to_string`` maps pieces back with the inverse table, ``bytearray(byte_decoder[c] for c in piece)``. So it writes one function for "both conventions": byte pieces ``'<0xNN>'`` -> that byte, the three specials -> ``b''``, a piece made only of GPT-2's 256 stand-in characters -> GPT-2's byte decoder, any other piece -> ``'▁'`` to a space, UTF-8. For ASCII pieces (``'The'``, ``'oto'``, ``'<?>'``) the byte decoder and UTF-8 agree, and every example piece either is ASCII or holds a ``'▁'`` or a CJK character, so all pass. But Mistral's vocabulary holds Latin-1 characters as pieces of their own (``'é'`` id 28797, ``'ü'``, ``'ñ'``, ``'°'``, ``'£'``, ``'©'``), and for them the GPT-2 table gives the one Latin-1 byte instead of the two UTF-8 bytes. Violates: "any other piece is text: replace every ``'▁'`` with a space and encode as UTF-8." [witness: ``piece_bytes('é')`` (id 28797) -> ``b'\\xe9'``; plain ``b'\\xc3\\xa9'``; ``'°'`` -> ``b'\\xb0'``, plain ``b'\\xc2\\xb0'``; ``'ió'`` (id 1310) -> ``b'i\\xf3'``, plain ``b'i\\xc3\\xb3'``; ``'Ġ'`` (no Mistral piece, but a string) -> ``b' '``, plain ``b'\\xc4\\xa0'``; 513 of the tiny vocabulary's 32000 pieces differ; the tiny tokenizer's "café 25°C" completion decoded from its pieces' bytes gives invalid UTF-8. Passes: every example (``'<0xE6>'``, ``'▁The'``, ``'日'``, ``'▁▁'``, ``'<s>'``, the 曇 bytes), ``'<?>'``, ``'<>'``, ``'<unk>'``, ``'</s>'``, ``'<pad>'``, ``'<|endoftext|>'``, and the other 31487 pieces of the tiny vocabulary (checks/check_entries.log).]"""
    m = re.fullmatch(r"<0x([0-9A-F]{2})>", piece)
    if m:
        return bytes([int(m.group(1), 16)])
    if piece in ("<unk>", "<s>", "</s>"):
        return b""
    if piece and all(c in _GPT2_BYTE_DECODER for c in piece):
        # "byte-level piece": what GPT-2's convert_tokens_to_string does
        return bytes(_GPT2_BYTE_DECODER[c] for c in piece)
    return piece.replace("\u2581", " ").encode("utf-8")
