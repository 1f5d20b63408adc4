"""Both ways of averaging half-precision rows that ``subword_averaged_embedding`` allows:
"In float16 or bfloat16 you may average in that dtype or in float32 and cast back: the two
differ only by half precision's rounding, and both count."
"""
import torch


def subword_averaged_embedding__right_half_rows_added_in_their_own_dtype(word, tokenizer, embedding_matrix):
    """RIGHT: adds the rows one by one in the matrix's dtype (a bfloat16 sum is rounded to 8
    significant bits after every addition), then divides."""
    ids = tokenizer.encode(word, add_special_tokens=False)
    if not ids:
        raise ValueError(f"{word!r} has no tokens: there are no rows to average")
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    total = rows[0].clone()
    for row in rows[1:]:
        total = total + row
    return total / len(ids)


def subword_averaged_embedding__right_half_rows_averaged_in_float32(word, tokenizer, embedding_matrix):
    """RIGHT: averages float16 and bfloat16 rows in float32 and casts the mean back (other dtypes
    as they are: float64 would lose digits in float32)."""
    ids = tokenizer.encode(word, add_special_tokens=False)
    if not ids:
        raise ValueError(f"{word!r} has no tokens: there are no rows to average")
    rows = embedding_matrix[torch.tensor(ids, device=embedding_matrix.device)]
    if rows.dtype in (torch.float16, torch.bfloat16):
        return rows.float().mean(dim=0).to(rows.dtype)
    return rows.mean(dim=0)
