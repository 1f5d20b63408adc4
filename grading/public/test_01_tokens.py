"""Public tests for exercises 1 and 2 (exercises/tokens.py). Run: decodelab check pieces / piece_bytes

The expected ids are facts about Mistral-7B-v0.1's tokenizer, as printed in the seed
notebook (001); the expected bytes follow from the definition of UTF-8.
"""
import pytest

from grading.harness.compare import call_text, check_equal, check_true
from reference.tokenizer import load_mistral_tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return load_mistral_tokenizer()


def check_pairs(got, expected, call, hint=None):
    """Compare (id, piece) pairs one position at a time, so a message names the first difference."""
    check_true(isinstance(got, list), call=call, problem=f"the result is a {type(got).__name__}, expected a list",
               hint="return a list of (id, piece) tuples")
    hint = _twice_bos_hint(got) or hint
    check_equal(len(got), len(expected), call=call, what=f"the number of pairs (starting {got[:3]!r})", hint=hint)
    for position, (pair, want) in enumerate(zip(got, expected)):
        check_equal(pair, want, call=call, what=f"pair {position}", hint=hint)


def _twice_bos_hint(got: list) -> str | None:
    """Said only when the result does start with two BOS pairs."""
    if len(got) >= 2 and all(isinstance(pair, tuple) and pair[:1] == (1,) for pair in got[:2]):
        return ("your result starts with <s> twice: the tokenizer already puts <s> first (add_special_tokens is "
                "True by default), so do not add it yourself")
    return None


@pytest.mark.pieces
def test_english_prompt_with_bos(learner, tokenizer):
    got = learner.tokenize_with_pieces("The capital of Japan is", tokenizer)
    # Seed notebook 001: [1, 415, 5565, 302, 4720, 349]; pieces from the vocabulary.
    expected = [(1, "<s>"), (415, "▁The"), (5565, "▁capital"), (302, "▁of"), (4720, "▁Japan"), (349, "▁is")]
    check_pairs(got, expected, call_text(learner.tokenize_with_pieces, "The capital of Japan is", tokenizer),
                hint="pieces come from convert_ids_to_tokens, which keeps the '▁' space marker")


@pytest.mark.pieces
def test_without_bos(learner, tokenizer):
    got = learner.tokenize_with_pieces("Hello world", tokenizer, add_bos=False)
    # Seed notebook 001: "Hello world" without special tokens is [22557, 1526].
    check_pairs(got, [(22557, "▁Hello"), (1526, "▁world")],
                call_text(learner.tokenize_with_pieces, "Hello world", tokenizer, add_bos=False),
                hint="add_bos=False means: encode with add_special_tokens=False")


@pytest.mark.pieces
def test_japanese_starts_with_a_lone_space_marker(learner, tokenizer):
    got = learner.tokenize_with_pieces("日本の首都は", tokenizer)
    # Seed notebook 001: [1, 28705, 29142, 29119, 28993, 29993, 29460, 29277]; 28705 is '▁'.
    expected = [(1, "<s>"), (28705, "▁"), (29142, "日"), (29119, "本"), (28993, "の"),
                (29993, "首"), (29460, "都"), (29277, "は")]
    check_pairs(got, expected, call_text(learner.tokenize_with_pieces, "日本の首都は", tokenizer),
                hint="Japanese text starts with the lone space marker '▁' (id 28705) right after <s>")


@pytest.mark.pieces
def test_a_kanji_outside_the_vocabulary_becomes_byte_pieces(learner, tokenizer):
    got = learner.tokenize_with_pieces("曇", tokenizer, add_bos=False)
    # 曇 is U+66C7, UTF-8 E6 9B 87; byte piece <0xNN> has id 3 + NN (ids 3..258).
    expected = [(28705, "▁"), (3 + 0xE6, "<0xE6>"), (3 + 0x9B, "<0x9B>"), (3 + 0x87, "<0x87>")]
    check_pairs(got, expected, call_text(learner.tokenize_with_pieces, "曇", tokenizer, add_bos=False),
                hint="a piece like '<0xE6>' is what convert_ids_to_tokens returns; decode() would show '�'")


@pytest.mark.pieces
def test_an_empty_text_is_the_bos_alone(learner, tokenizer):
    # The docstring's edge case: "" gives [(1, '<s>')] with add_bos=True and [] without.
    for add_bos, expected in ((True, [(1, "<s>")]), (False, [])):
        got = learner.tokenize_with_pieces("", tokenizer, add_bos=add_bos)
        check_pairs(got, expected, call_text(learner.tokenize_with_pieces, "", tokenizer, add_bos=add_bos),
                    hint="an empty text has no tokens of its own, but add_bos=True still puts <s> first")


BYTE_HINT = "'<0xNN>' is ONE byte whose value is the hexadecimal number NN (0xE6 = 230), not a character"
TEXT_HINT = "a text piece is its UTF-8, with every '▁' replaced by a space (keep that space)"
SPECIAL_HINT = "<s>, </s> and <unk> stand for no text: b''"
TAG_HINT = "only <s>, </s>, <unk> and '<0xNN>' are special spellings; any other piece is text, even in angle brackets"


@pytest.mark.piece_bytes
@pytest.mark.parametrize("piece,expected,hint", [  # ids in plain words: pytest escapes other characters
    pytest.param("<0xE6>", b"\xe6", BYTE_HINT, id="byte <0xE6>"),            # one byte: 0xE6 = 230
    pytest.param("<0x0A>", b"\n", BYTE_HINT, id="newline byte <0x0A>"),
    pytest.param("▁The", b" The", TEXT_HINT, id="space marker then The"),  # '▁' stands for a space
    pytest.param("日", "日".encode("utf-8"), TEXT_HINT, id="a Japanese character"),
    pytest.param("▁▁", b"  ", TEXT_HINT, id="two space markers"),
    pytest.param("<s>", b"", SPECIAL_HINT, id="<s>"),                       # special pieces stand for no text
    pytest.param("</s>", b"", SPECIAL_HINT, id="</s>"),
    pytest.param("<unk>", b"", SPECIAL_HINT, id="<unk>"),
    pytest.param("<?>", b"<?>", TAG_HINT, id="<?> looks like a tag"),      # but is an ordinary text piece
    pytest.param("<>", b"<>", TAG_HINT, id="<> looks like a tag"),
])
def test_piece_bytes_examples(learner, piece, expected, hint):
    got = learner.piece_bytes(piece)
    check_true(type(got) is bytes, call=call_text(learner.piece_bytes, piece),
               problem=f"returned a {type(got).__name__}, expected bytes", hint="return a bytes object, e.g. bytes([230])")
    check_equal(got, expected, call=call_text(learner.piece_bytes, piece), hint=hint)


@pytest.mark.piece_bytes
def test_three_byte_pieces_make_one_kanji(learner):
    # Seed 000: a model emitted bytes [230, 155] and then [135]; together they are 曇.
    pieces = ["<0xE6>", "<0x9B>", "<0x87>"]
    parts = [learner.piece_bytes(piece) for piece in pieces]
    call = "piece_bytes(...) for " + ", ".join(pieces)
    check_equal(parts, [bytes([230]), bytes([155]), bytes([135])], call=call)
    check_true(b"".join(parts).decode("utf-8") == "曇", call=call,
               problem="the three bytes joined do not decode to '曇'")
