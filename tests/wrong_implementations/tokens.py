"""Wrong versions of the tokens exercises that learners really write.

Each function is named ``<exercise function>__<mistake>``; the hidden suite must take points
from every one of them (tests/test_suites.py).
"""


def tokenize_with_pieces__decoded_pieces(text, tokenizer, add_bos=True):
    ids = tokenizer.encode(text, add_special_tokens=add_bos)
    return [(i, tokenizer.decode([i])) for i in ids]


def tokenize_with_pieces__ignores_add_bos(text, tokenizer, add_bos=True):
    ids = tokenizer.encode(text)
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))


def tokenize_with_pieces__never_bos(text, tokenizer, add_bos=True):
    ids = tokenizer.encode(text, add_special_tokens=False)
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))


def tokenize_with_pieces__bos_added_twice(text, tokenizer, add_bos=True):
    ids = tokenizer.encode(text)
    if add_bos:
        ids = [tokenizer.bos_token_id] + ids
    else:
        ids = ids[1:]
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))


def tokenize_with_pieces__spaces_for_markers(text, tokenizer, add_bos=True):
    ids = tokenizer.encode(text, add_special_tokens=add_bos)
    return [(i, p.replace("\u2581", " ")) for i, p in zip(ids, tokenizer.convert_ids_to_tokens(ids))]


def tokenize_with_pieces__word_by_word(text, tokenizer, add_bos=True):
    ids = [tokenizer.bos_token_id] if add_bos else []
    for word in text.split():
        ids += tokenizer.encode(word, add_special_tokens=False)
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))


def tokenize_with_pieces__tensor_ids(text, tokenizer, add_bos=True):
    ids = tokenizer(text, add_special_tokens=add_bos, return_tensors="pt").input_ids[0]
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids.tolist())))


def piece_bytes__spelling_of_byte_pieces(piece):
    if piece in ("<s>", "</s>", "<unk>"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__keeps_space_marker(piece):
    if piece in ("<s>", "</s>", "<unk>"):
        return b""
    if piece.startswith("<0x") and piece.endswith(">"):
        return bytes([int(piece[3:-1], 16)])
    return piece.encode("utf-8")


def piece_bytes__strips_leading_space(piece):
    if piece in ("<s>", "</s>", "<unk>"):
        return b""
    if piece.startswith("<0x") and piece.endswith(">"):
        return bytes([int(piece[3:-1], 16)])
    return piece.replace("\u2581", " ").strip().encode("utf-8")


def piece_bytes__all_tags_are_special(piece):
    if piece.startswith("<0x") and len(piece) == 6:
        return bytes([int(piece[3:5], 16)])
    if piece.startswith("<") and piece.endswith(">"):
        return b""
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__specials_as_text(piece):
    if piece.startswith("<0x") and len(piece) == 6:
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__byte_as_character(piece):
    if piece in ("<s>", "</s>", "<unk>"):
        return b""
    if piece.startswith("<0x") and len(piece) == 6:
        return chr(int(piece[3:5], 16)).encode("utf-8")
    return piece.replace("\u2581", " ").encode("utf-8")


def piece_bytes__returns_str(piece):
    if piece in ("<s>", "</s>", "<unk>"):
        return ""
    if piece.startswith("<0x") and len(piece) == 6:
        return chr(int(piece[3:5], 16))
    return piece.replace("\u2581", " ")


def piece_bytes__list_of_ints(piece):
    if piece in ("<s>", "</s>", "<unk>"):
        return []
    if piece.startswith("<0x") and len(piece) == 6:
        return [int(piece[3:5], 16)]
    return list(piece.replace("\u2581", " ").encode("utf-8"))


def tokenize_with_pieces__empty_text_is_empty(text, tokenizer, add_bos=True):
    """Edge case missed: an empty text returns [] even with add_bos=True (the docstring says [(1, '<s>')])."""
    if not text:
        return []
    ids = tokenizer.encode(text, add_special_tokens=add_bos)
    return list(zip(ids, tokenizer.convert_ids_to_tokens(ids)))
