"""Hidden suite: tokenize_with_pieces and piece_bytes (exercises 1 and 2).

These exercises need only the tokenizer, so they run on Mistral-7B-v0.1's own tokenizer
(the one every backend of the course shares) whether or not a model is loaded. Expected
values come from ``reference.tokens``; the token ids quoted in comments are facts about
Mistral-7B-v0.1 recorded in seed notebook 001.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.harness.compare import Mismatch, call_text, check_equal, check_true, describe, type_name
from grading.harness.status import Status
from grading.grader.expected import remembered
from reference import tokens as _ref
from reference.tokenizer import load_mistral_tokenizer

ref = remembered(_ref)

TEXTS = [
    "The capital of Japan is",  # [1, 415, 5565, 302, 4720, 349] (seed 001)
    "日本の首都は",  # [1, 28705, 29142, ...]: a lone '▁' piece first (seed 001)
    "曇りのち雨の予報です",  # 曇 is spelled as three byte pieces (seed 000's sentence)
    "🦜 parrots\nand  two spaces",  # byte fallback, a newline byte piece, a '▁▁' piece
    "",  # nothing but the BOS
    "a <s> b </s> c",  # special tokens written in the text are the text's own tokens: kept
    "<s>a",  # a text that starts with <s> still gets the BOS in front: two <s> tokens
    "Tokyo is the capital of Japan. " * 90,  # 632 tokens: longer than the tiny model reads (512), still all of them
]
SPECIALS = ["<s>", "</s>", "<unk>"]
# Ordinary text pieces of the vocabulary, including two that only look like tags.
TEXT_PIECES = ["▁The", "日", "り", "▁▁", "▁", "ization", "▁Tokyo", "<?>", "<>", "▁<", "ア"]
# Pieces that look like a byte piece, or like a tag with hexadecimal letters, and are text all
# the same: only '<0xNN>' exactly (six characters) is one byte. '<feed>' ends with '>' and its
# characters 3-4 read as hexadecimal; '<0xE6>>' starts as a byte piece and goes on; '<0x+A>' and
# '<0x A>' are no two hexadecimal digits, though int('+A', 16) and int(' A', 16) read them; nor is
# '<0xXX>', nor digits of other scripts ('٣' and the full-width '４', which str.isdigit, a regex's
# \d and int(.., 16) all accept). The special pieces are spelled in lower case: '<S>', '</S>' and
# '<UNK>' are text.
# And every '▁' is a space, not only the leading ones: 'a▁b' is b'a b'. The special pieces of
# other vocabularies ('<pad>', '<|endoftext|>', '[CLS]'...) are text in this one.
LOOKALIKE_PIECES = ["<feed>", "<face>", "<0xE6>>", "<0xE6", "▁<0x41>", "<0x+A>", "<0x A>", "<0xXX>", "<0x\u0663\u0663>", "<0x\uff14\uff11>", "<S>", "</S>", "<UNK>",
                    "a▁b", "▁a▁▁b▁", "<pad>", "<mask>", "<eos>", "<bos>", "<|endoftext|>", "<|im_start|>", "[PAD]", "[CLS]"]


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


def _normalise_pairs(got: object) -> list[tuple] | None:
    """The learner's pairs as ``(id, piece)`` tuples, or None when they are not pairs at all.

    Lenient on purpose: the value tests forgive a list instead of a tuple, or an id as a
    0-d tensor; :func:`test_pieces_are_plain_python_values` is the one that insists on types.
    """
    if not isinstance(got, (list, tuple)):
        return None
    pairs = []
    for pair in got:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return None
        token_id, piece = pair
        try:
            token_id = int(token_id)
        except (TypeError, ValueError):
            return None
        pairs.append((token_id, piece))
    return pairs


def _pieces_hint(pairs: list[tuple], expected: list[tuple], tokenizer) -> str:
    got_ids = [token_id for token_id, _ in pairs]
    want_ids = [token_id for token_id, _ in expected]
    bos = tokenizer.bos_token_id
    if got_ids == want_ids:
        pieces = [piece for _, piece in pairs]
        if pieces == [tokenizer.decode([token_id]) for token_id in got_ids]:
            return "your pieces are decode([id]); use convert_ids_to_tokens, which keeps '▁' and '<0xNN>'"
        if any(isinstance(p, str) and " " in p for p in pieces) and not any("▁" in p for p in pieces if isinstance(p, str)):
            return "keep the pieces exactly as the vocabulary spells them: '▁' is not a space"
        return "the ids are right; take each piece from tokenizer.convert_ids_to_tokens"
    if got_ids[:2] == [bos, bos]:
        return "the BOS appears twice: the tokenizer already adds <s> when add_special_tokens=True"
    if got_ids == [bos] + want_ids:
        return "add_bos=False must give the text's tokens only: encode with add_special_tokens=False"
    if [bos] + got_ids == want_ids:
        return "add_bos=True must put the BOS token <s> (id 1) first: encode with add_special_tokens=True"
    return "tokenize the whole text at once with the tokenizer, then map each id to its piece"


def _check_pairs(got: object, expected: list[tuple], call: str, tokenizer) -> None:
    pairs = _normalise_pairs(got)
    if pairs is None:
        raise Mismatch(call, f"the result should be a list of (id, piece) pairs, got {describe(got)}",
                       "return [(id, piece), ...] with one pair per token")
    if pairs == expected:
        return
    hint = _pieces_hint(pairs, expected, tokenizer)
    index = next((i for i, (a, b) in enumerate(zip(pairs, expected)) if a != b), min(len(pairs), len(expected)))
    got_here = repr(pairs[index]) if index < len(pairs) else "nothing (your list ends)"
    want_here = repr(expected[index]) if index < len(expected) else "nothing (the list should end)"
    if len(pairs) != len(expected):
        raise Mismatch(call, f"the result has {len(pairs)} pairs, expected {len(expected)}; the first difference is "
                             f"at position {index}: got {got_here}, expected {want_here}", hint)
    count = sum(a != b for a, b in zip(pairs, expected))
    raise Mismatch(call, f"{count} of {len(expected)} pairs differ; first at position {index}: "
                         f"got {got_here}, expected {want_here}", hint)


@pytest.mark.pieces
@pytest.mark.points(2)
@pytest.mark.parametrize("text", TEXTS, ids=["english", "japanese", "byte-fallback", "emoji-newline-spaces", "empty",
                                          "specials-in-the-text", "starts-with-bos-text", "long"])
def test_pieces_with_bos_match_the_tokenizer(learner, tokenizer, text):
    if text == "":
        # [(1, "<s>")] is right here and also what a function that ignores its text returns: the
        # case counts beside a text of two tokens.
        control = "Hello world"
        _check_pairs(learner.tokenize_with_pieces(control, tokenizer),
                     ref.tokenize_with_pieces(control, tokenizer, add_bos=True),
                     call_text(learner.tokenize_with_pieces, control, tokenizer), tokenizer)
    got = learner.tokenize_with_pieces(text, tokenizer)
    expected = ref.tokenize_with_pieces(text, tokenizer, add_bos=True)
    _check_pairs(got, expected, call_text(learner.tokenize_with_pieces, text, tokenizer), tokenizer)


@pytest.mark.pieces
@pytest.mark.points(1)
def test_pieces_without_bos(learner, tokenizer):
    for text in TEXTS:
        got = learner.tokenize_with_pieces(text, tokenizer, add_bos=False)
        expected = ref.tokenize_with_pieces(text, tokenizer, add_bos=False)
        _check_pairs(got, expected, call_text(learner.tokenize_with_pieces, text, tokenizer, add_bos=False), tokenizer)


@pytest.mark.pieces
@pytest.mark.points(1)
def test_pieces_are_plain_python_values(learner, tokenizer):
    text = "Hello world"  # [1, 22557, 1526] (seed 001)
    got = learner.tokenize_with_pieces(text, tokenizer)
    call = call_text(learner.tokenize_with_pieces, text, tokenizer)
    check_true(isinstance(got, list), call=call, problem=f"the result is a {type_name(got)}, expected a list",
               hint="return a list of (id, piece) tuples")
    for pair in got:
        check_true(isinstance(pair, tuple) and len(pair) == 2, call=call,
                   problem=f"each item should be an (id, piece) tuple, got {describe(pair)}",
                   hint="build the pairs with zip(ids, pieces) or (id, piece)")
        token_id, piece = pair
        check_true(type(token_id) is int, call=call,
                   problem=f"an id is a {type_name(token_id)} ({describe(token_id)}), expected a plain int",
                   hint="use int(id) (or tokenizer.encode, which gives ints) rather than tensor elements")
        check_true(isinstance(piece, str), call=call,
                   problem=f"a piece is a {type_name(piece)}, expected a str", hint=None)
    # And they are the text's tokens (the BOS aside, which has tests of its own): an empty list,
    # or a pair per character, passed every check above (a free-points audit).
    ids = [pair[0] for pair in got if pair[0] != tokenizer.bos_token_id]
    check_true(ids == [22557, 1526], call=call, problem=f"the ids are {describe(ids)} besides the BOS, expected [22557, 1526]",
               hint="encode the text with the tokenizer and pair each id with its piece")


@pytest.mark.pieces
@pytest.mark.points(1)
@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=24), add_bos=st.booleans())
def test_pieces_of_any_text(learner, tokenizer, text, add_bos):
    got = learner.tokenize_with_pieces(text, tokenizer, add_bos=add_bos)
    expected = ref.tokenize_with_pieces(text, tokenizer, add_bos=add_bos)
    _check_pairs(got, expected, call_text(learner.tokenize_with_pieces, text, tokenizer, add_bos=add_bos), tokenizer)


def _piece_bytes_hint(piece: str, got: object) -> str | None:
    match = ref.BYTE_PIECE.fullmatch(piece)
    if isinstance(got, str):
        return "return bytes, not str: for example bytes([0xE6]) or text.encode('utf-8')"
    if isinstance(got, (list, bytearray)):
        return "return a bytes object (bytes(...)), not a list or bytearray"
    if match:
        value = int(match.group(1), 16)
        if got == piece.encode("utf-8"):
            return "'<0xNN>' is the spelling of ONE byte: parse the two hexadecimal digits NN"
        if got == chr(value).encode("utf-8"):
            return "chr(n).encode('utf-8') is the UTF-8 of a character, two bytes from 0x80 on; use bytes([n])"
        return "'<0xNN>' stands for the single byte whose value is the hexadecimal number NN"
    if piece in ref.SPECIAL_PIECES:
        return "a special piece (<s>, </s>, <unk>) stands for no text: return b''"
    if isinstance(got, bytes) and len(got) == 1 and "<" in piece and got != piece.encode("utf-8"):
        return ("only a piece spelled exactly '<0xNN>' (six characters, NN two hexadecimal digits) is a byte; "
                "any other piece, however much it looks like a tag or a byte piece, is text")
    if got == b"":
        return "only the three special pieces <s>, </s>, <unk> are empty; this piece is ordinary text"
    if isinstance(got, bytes) and "▁" in piece:
        if got == piece.encode("utf-8"):
            return "'▁' (U+2581) stands for a space: replace it with ' ' before encoding"
        if got == piece.replace("▁", " ").encode("utf-8").lstrip(b" "):
            return "keep the space that '▁' stands for (decode() strips it, you must not)"
    return "replace '▁' with a space and encode the piece as UTF-8"


def _check_piece(learner, piece: str) -> None:
    _compare_piece(learner, piece, learner.piece_bytes(piece))


def _compare_piece(learner, piece: str, got: object) -> None:
    expected = ref.piece_bytes(piece)
    if type(got) is not bytes or got != expected:
        raise Mismatch(call_text(learner.piece_bytes, piece), f"returned {describe(got)}, expected {expected!r}",
                       _piece_bytes_hint(piece, got))


def _pieces_at_once(learner, pieces: list[str]) -> list | None:
    """``piece_bytes`` of each piece in one round trip (``call_each``: a sandboxed call costs a
    round trip each); None when a piece raised, for the caller to run them one at a time, so that
    what it reports comes from the piece a loop of single calls would name. A crash, a time-out
    or a limit is the batch's own report, raised as it is."""
    try:
        return learner.call_each("piece_bytes", [(piece,) for piece in pieces])
    except Exception as error:
        if getattr(error, "decodelab_status", Status.RAISED) != Status.RAISED:
            raise
        return None


def _check_pieces(learner, pieces: list[str]) -> None:
    """:func:`_check_piece` for each piece, the first wrong one reported, returned or raised."""
    results = _pieces_at_once(learner, pieces)
    if results is None:
        for piece in pieces:
            _check_piece(learner, piece)
        return
    for piece, got in zip(pieces, results):
        _compare_piece(learner, piece, got)


@pytest.mark.piece_bytes
@pytest.mark.points(1)
def test_byte_pieces_are_one_byte(learner, tokenizer):
    # Byte-fallback pieces <0x00>..<0xFF> are ids 3..258 of Mistral-7B-v0.1's vocabulary.
    _check_pieces(learner, tokenizer.convert_ids_to_tokens(list(range(3, 259))))


@pytest.mark.piece_bytes
@pytest.mark.points(1)
def test_text_pieces_are_their_utf8(learner):
    _check_pieces(learner, TEXT_PIECES + LOOKALIKE_PIECES)


@pytest.mark.piece_bytes
@pytest.mark.points(1)
def test_special_pieces_are_empty(learner):
    # Beside an ordinary piece, which is not: b'' for every piece scored this point (red team 19).
    _check_pieces(learner, list(SPECIALS) + ["ization"])


@pytest.mark.piece_bytes
@pytest.mark.points(1)
def test_every_piece_of_the_vocabulary(learner, tokenizer):
    pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    wrong = []
    for piece, got in zip(pieces, learner.call_each("piece_bytes", [(piece,) for piece in pieces])):
        if type(got) is not bytes or got != ref.piece_bytes(piece):
            wrong.append((piece, got))
    if wrong:
        piece, got = wrong[0]
        raise Mismatch(
            f"piece_bytes(piece) for all {len(pieces)} pieces of the vocabulary",
            f"{len(wrong)} pieces give the wrong bytes; first piece_bytes({piece!r}) returned {describe(got)}, "
            f"expected {ref.piece_bytes(piece)!r}",
            _piece_bytes_hint(piece, got),
        )


@pytest.mark.piece_bytes
@pytest.mark.points(1)
@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<▁"), min_size=1, max_size=16))
def test_pieces_rebuild_the_texts_bytes(learner, tokenizer, text):
    # Joined, the bytes of a text's pieces are its UTF-8 (behind the '▁' SentencePiece puts
    # in front), even where a character was split into byte pieces.
    pieces = [piece for _, piece in ref.tokenize_with_pieces(text, tokenizer, add_bos=True)]
    parts = _pieces_at_once(learner, pieces)
    if parts is None:
        parts = [learner.piece_bytes(piece) for piece in pieces]
    expected = ref.pieces_to_bytes(pieces)
    call = f"piece_bytes(piece) for the pieces of {text!r}: {pieces[:6]}{'...' if len(pieces) > 6 else ''}"
    for piece, part in zip(pieces, parts):
        if type(part) is not bytes:
            raise Mismatch(call, f"piece_bytes({piece!r}) returned {describe(part)}, expected bytes",
                           _piece_bytes_hint(piece, part))
    joined = b"".join(parts)
    if joined != expected:
        bad = next(piece for piece, part in zip(pieces, parts) if part != ref.piece_bytes(piece))
        raise Mismatch(call, f"joined they give {joined!r}, expected {expected!r} (first wrong piece {bad!r})",
                       _piece_bytes_hint(bad, learner.piece_bytes(bad)))


@pytest.mark.pieces
def test_pieces_give_the_ids_of_real_mistral(learner, tokenizer, capture):
    """Not graded: the ids must be the ones real Mistral-7B-v0.1 was given (capture file)."""
    for prompt in capture.prompts:
        add_bos = bool(prompt.get("add_bos", True))
        got = learner.tokenize_with_pieces(prompt["text"], tokenizer, add_bos=add_bos)
        ids = [token_id for token_id, _ in _normalise_pairs(got) or []]
        check_equal(ids, list(prompt["input_ids"]),
                    call=call_text(learner.tokenize_with_pieces, prompt["text"], tokenizer, add_bos=add_bos),
                    what="the ids", hint="encode with add_special_tokens=add_bos: BOS first exactly when add_bos")
