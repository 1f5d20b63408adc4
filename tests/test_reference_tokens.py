"""reference.tokens against the tokenizer's own machinery and against SentencePiece itself."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference import tokens as ref
from reference.tokenizer import load_mistral_tokenizer, sentencepiece_file

# Text free of the tokenizer's documented exceptions (tests/test_tokenizer.py): no "▁", no "<".
PLAIN_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\u2581<"), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


@pytest.fixture(scope="module")
def sentencepiece():
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=str(sentencepiece_file()))


def test_pieces_of_the_seed_prompts(tokenizer):
    got = ref.tokenize_with_pieces("The capital of Japan is", tokenizer)
    expected = [(1, "<s>"), (415, "▁The"), (5565, "▁capital"), (302, "▁of"), (4720, "▁Japan"), (349, "▁is")]
    assert got == expected, f"tokenize_with_pieces('The capital of Japan is') gave {got}, expected {expected} (seed 001)"
    got = ref.tokenize_with_pieces("日本の首都は", tokenizer, add_bos=False)
    assert [i for i, _ in got] == [28705, 29142, 29119, 28993, 29993, 29460, 29277], f"got {got}"
    assert got[0] == (28705, "▁"), f"the first pair is {got[0]}, expected (28705, '▁')"


def test_pieces_are_plain_ints_and_strings(tokenizer):
    got = ref.tokenize_with_pieces("曇り", tokenizer)
    assert got == [(1, "<s>"), (28705, "▁"), (233, "<0xE6>"), (158, "<0x9B>"), (138, "<0x87>"), (29516, "り")], f"got {got}"
    assert all(type(i) is int and type(p) is str for i, p in got), f"types {[(type(i), type(p)) for i, p in got]}"


def test_empty_text(tokenizer):
    assert ref.tokenize_with_pieces("", tokenizer) == [(1, "<s>")]
    assert ref.tokenize_with_pieces("", tokenizer, add_bos=False) == []


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=30), add_bos=st.booleans())
def test_pieces_match_encode_and_convert_ids_to_tokens(tokenizer, text, add_bos):
    got = ref.tokenize_with_pieces(text, tokenizer, add_bos=add_bos)
    ids = tokenizer.encode(text, add_special_tokens=add_bos)
    assert [i for i, _ in got] == ids, f"ids of {text!r}: {[i for i, _ in got]} vs encode {ids}"
    pieces_by_id = {token_id: piece for piece, token_id in tokenizer.get_vocab().items()}
    assert [p for _, p in got] == [pieces_by_id[i] for i in ids], f"pieces of {text!r} differ from the vocabulary's"


def test_piece_bytes_examples():
    cases = {
        "<0xE6>": b"\xe6", "<0x00>": b"\x00", "<0xFF>": b"\xff", "▁The": b" The", "日": "日".encode(),
        "▁▁": b"  ", "▁": b" ", "<s>": b"", "</s>": b"", "<unk>": b"", "<?>": b"<?>", "<>": b"<>",
        "<0xZZ>": b"<0xZZ>", "<0xe6>": b"<0xe6>",  # not byte pieces: lower case / not hexadecimal
    }
    for piece, expected in cases.items():
        got = ref.piece_bytes(piece)
        assert got == expected and type(got) is bytes, f"piece_bytes({piece!r}) gave {got!r}, expected {expected!r}"


def test_byte_pieces_are_their_byte(tokenizer):
    for value in range(256):
        piece = tokenizer.convert_ids_to_tokens(3 + value)
        assert ref.piece_bytes(piece) == bytes([value]), f"piece_bytes({piece!r}) gave {ref.piece_bytes(piece)!r}"


def test_every_piece_agrees_with_sentencepiece(tokenizer, sentencepiece):
    """SentencePiece's own flags and decoder, for all 32000 ids.

    SentencePiece's ``decode`` strips the space of the first piece and turns a lone byte into
    U+FFFD, so each text piece is decoded behind a fixed first piece ('<0x41>', the byte 'A').
    """
    anchor = sentencepiece.piece_to_id("<0x41>")
    for token_id in range(sentencepiece.get_piece_size()):
        piece = tokenizer.convert_ids_to_tokens(token_id)
        assert piece == sentencepiece.id_to_piece(token_id), f"id {token_id}: {piece!r} vs {sentencepiece.id_to_piece(token_id)!r}"
        got = ref.piece_bytes(piece)
        if sentencepiece.is_control(token_id) or sentencepiece.is_unknown(token_id):
            assert got == b"", f"piece_bytes({piece!r}) gave {got!r} for a special id {token_id}"
        elif sentencepiece.is_byte(token_id):
            assert len(got) == 1 and got[0] == token_id - 3, f"piece_bytes({piece!r}) gave {got!r} for byte id {token_id}"
        else:
            expected = sentencepiece.decode([anchor, token_id], out_type=bytes)[1:]
            assert got == expected, f"piece_bytes({piece!r}) gave {got!r}, SentencePiece decodes {expected!r}"


def test_seed_000_kanji_split_over_tokens(tokenizer):
    # Seed 000: bytes=[230, 155] then [135] make 曇; decode() of a lone byte shows '�'.
    ids = tokenizer.encode("曇", add_special_tokens=False)[1:]
    parts = [ref.piece_bytes(piece) for piece in tokenizer.convert_ids_to_tokens(ids)]
    assert parts == [bytes([230]), bytes([155]), bytes([135])], f"got {parts}"
    assert [tokenizer.decode([i]) for i in ids] == ["\ufffd"] * 3
    assert (parts[0] + parts[1] + parts[2]).decode("utf-8") == "曇"


@settings(max_examples=200, deadline=None)
@given(text=PLAIN_TEXT)
def test_joined_piece_bytes_are_the_texts_utf8(tokenizer, text):
    pieces = tokenizer.convert_ids_to_tokens(tokenizer.encode(text, add_special_tokens=False))
    joined = ref.pieces_to_bytes(pieces)
    # SentencePiece puts one '▁' in front of the text unless it already starts with a space.
    expected = (text if text.startswith(" ") else " " + text).encode("utf-8")
    assert joined == expected, f"pieces {pieces} of {text!r} join to {joined!r}, expected {expected!r}"
    # decode() is the same text with that one leading space stripped
    assert tokenizer.decode(tokenizer.convert_tokens_to_ids(pieces)) == joined.decode("utf-8")[1:]


def test_bos_stands_for_no_bytes(tokenizer):
    pieces = [p for _, p in ref.tokenize_with_pieces("Hello world", tokenizer)]
    assert ref.pieces_to_bytes(pieces) == b" Hello world", f"{pieces} join to {ref.pieces_to_bytes(pieces)!r}"
