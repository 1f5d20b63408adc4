"""Exercises 1 and 2: what a tokenizer really produces.

A language model never sees letters. The tokenizer cuts the text into *tokens* and gives
each one an *id*, a row number in the model's embedding matrix. Every id also has a *piece*:
the string stored in the vocabulary for it. Mistral-7B's tokenizer (SentencePiece-style,
32000 pieces) shows three kinds of pieces:

- text pieces such as ``'▁capital'`` or ``'日'``; the ``'▁'`` (U+2581, not an underscore)
  marks a space in front of the piece;
- byte-fallback pieces ``'<0x00>'`` ... ``'<0xFF>'`` (ids 3-258): a character that has no
  piece of its own is spelled as its raw UTF-8 bytes, one token per byte;
- special pieces ``'<unk>'``, ``'<s>'`` (BOS, "beginning of sequence", id 1), ``'</s>'`` (EOS).

Run ``decodelab check pieces`` / ``decodelab check piece_bytes`` to test your work.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the type hints only: importing transformers takes seconds
    from transformers import PreTrainedTokenizerBase


def tokenize_with_pieces(
    text: str, tokenizer: PreTrainedTokenizerBase, add_bos: bool = True
) -> list[tuple[int, str]]:
    """Tokenize ``text`` and return every token as an ``(id, piece)`` pair.

    Why it matters: the id is what the model computes with, the piece is what the
    vocabulary says that id means. Looking at both side by side shows what the model is
    really given: a ``<s>`` at the start, ``'▁'`` where the spaces were, and sometimes single
    bytes instead of characters.

    Arguments and result:
        text: any string.
        tokenizer: a Hugging Face tokenizer (Mistral-7B-v0.1's in the tests).
        add_bos: ``True`` puts the BOS token ``<s>`` first, as the model is used by default;
            ``False`` gives the text's tokens alone.
        returns: a ``list`` of ``(id, piece)`` tuples, ``id`` a plain Python ``int`` and
            ``piece`` a ``str``, in the order of the text. An empty text gives
            ``[(1, '<s>')]`` with ``add_bos=True`` and ``[]`` without.

    Example (Mistral-7B-v0.1's tokenizer):
        ``tokenize_with_pieces("The capital of Japan is", tokenizer)`` ->
        ``[(1, '<s>'), (415, '▁The'), (5565, '▁capital'), (302, '▁of'), (4720, '▁Japan'),
        (349, '▁is')]``.
        Japanese text starts with a lone ``'▁'`` piece (id 28705): ``"日本の首都は"`` ->
        ids ``[1, 28705, 29142, 29119, 28993, 29993, 29460, 29277]``, pieces
        ``'<s>', '▁', '日', '本', 'の', '首', '都', 'は'``. And ``"曇"`` (not in the
        vocabulary) comes out as ``'▁'`` then the three byte pieces ``'<0xE6>', '<0x9B>',
        '<0x87>'``.

    Useful tools: calling ``tokenizer(text, add_special_tokens=...)`` (or
    ``tokenizer.encode``) gives the ids; ``tokenizer.convert_ids_to_tokens(ids)`` gives the
    pieces.

    Pitfall:
        ``tokenizer.decode([id])`` is NOT the piece: it turns ``'▁The'`` into ``'The'`` (the
        space marker is gone) and ``'<0xE6>'`` into ``'�'`` (half a character cannot be shown).
        And do not add the BOS yourself on top of a tokenizer that already adds it.
    """
    raise NotImplementedError("tokenize_with_pieces: see the docstring")


def piece_bytes(piece: str) -> bytes:
    """Return the raw bytes that one vocabulary piece stands for.

    Why it matters: a piece is a *spelling*, not text. ``'<0xE6>'`` is six characters long
    but stands for a single byte, 0xE6 (230). Several such tokens can be needed for one
    character: 曇 is the three UTF-8 bytes ``E6 9B 87``, i.e. three tokens, and a model may
    generate them one at a time. Decoding a lone byte token gives ``'�'``; its bytes are the
    honest answer — the API in seed 000 reports ``bytes=[230, 155]`` then ``[135]``, and only
    together do they make 曇.

    The three kinds of piece:
        - byte piece ``'<0xNN>'`` (``NN`` two of the digits ``0123456789ABCDEF``, upper case as
          the vocabulary spells them): the single byte ``0xNN``. A lower-case ``'<0xe6>'`` is
          in no vocabulary; whether you read it as a byte or as text is not graded;
        - special piece ``'<unk>'``, ``'<s>'`` or ``'</s>'``: ``b''`` — these mark structure
          and stand for no text at all. Only these three: names that are special in other
          vocabularies (``'<pad>'``, ``'<|endoftext|>'``, ``'[CLS]'``) are text here;
        - any other piece is text: replace every ``'▁'`` with a space and encode as UTF-8.
          Pieces that only look like tags, such as ``'<?>'`` or ``'<>'``, are text too.

    Arguments and result:
        piece: one piece, as ``tokenizer.convert_ids_to_tokens`` returns it.
        returns: a ``bytes`` object (not a ``str``, not a list of ints).

    Examples:
        ``piece_bytes('<0xE6>')`` -> ``b'\\xe6'``;  ``piece_bytes('▁The')`` -> ``b' The'``;
        ``piece_bytes('日')`` -> ``b'\\xe6\\x97\\xa5'`` (``'日'.encode('utf-8')``);
        ``piece_bytes('▁▁')`` -> ``b'  '``;  ``piece_bytes('<s>')`` -> ``b''``.
        ``piece_bytes('<0xE6>') + piece_bytes('<0x9B>') + piece_bytes('<0x87>')`` decodes
        (UTF-8) to ``'曇'``.

    Pitfall:
        ``chr(0xE6).encode('utf-8')`` is ``b'\\xc3\\xa6'`` — two bytes, the UTF-8 of the
        character 'æ'. You want the one byte itself: ``bytes([0xE6])``.
        Also keep the space that ``'▁'`` stands for; ``decode`` drops it, you must not.
    """
    raise NotImplementedError("piece_bytes: see the docstring")
