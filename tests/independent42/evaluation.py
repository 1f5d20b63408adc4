"""Forty-second examiner: evaluation.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

import regex

# the word classes of GPT-2's pre-tokenizer pattern (openai/gpt-2 encoder.py:
# r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
_GPT2_WORDS = regex.compile(r"\p{L}+|\p{N}+")


def exact_match__wrong_gpt2_pretokenizer_letter_number_runs(prediction: str, answer: str) -> bool:
    """WRONG: finds the words the way GPT-2's pre-tokenizer does, with the ``regex`` module's ``\\p{L}+|\\p{N}+`` (the letter and number alternatives of GPT-2's split pattern, everything else dropped), after ``str.lower()``: "a word is a run of letters or a run of digits, punctuation and spaces separate them". Then the contiguous-run test, ``False`` for an answer without words. For every example the words are the same as the docstring's (``["tokyo"]``, ``["washington", "d", "c"]``, ``"東京都"`` one word, ``"romeo"`` not ``"rome"``), but GPT-2's pattern ALSO splits a letter run from a digit run that touches it: ``"B52s"`` is three words ``b``, ``52``, ``s``, where ``isalnum`` keeps one word ``b52s``. Violates: "3. split into words on whitespace. Nothing else splits a word: text written without spaces stays one word" [witness: ``exact_match("The B52s played", "52")`` -> ``True``; plain ``False`` (words ``["the", "b52s", "played"]``); ``exact_match("Apollo11 landed", "apollo")`` -> ``True``, plain ``False``; ``exact_match("Mix 5g of salt", "5")`` -> ``True``, plain ``False``. Passes: the five worked examples, ``""`` and ``"?!"`` answers ``False``, ``"½"`` kept, ``"İ"`` lowered, and 2000 random ASCII letter/space/punctuation pairs equal to plain (checks/check_entries.log).]"""
    a = _GPT2_WORDS.findall(answer.lower())
    p = _GPT2_WORDS.findall(prediction.lower())
    if not a:
        return False
    return any(p[i:i + len(a)] == a for i in range(len(p) - len(a) + 1))
