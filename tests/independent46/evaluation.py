"""Forty-sixth examiner: evaluation.py entries (the careless reader: one word misread)."""
from __future__ import annotations


def exact_match__right_single_space_split_after_step_two(prediction: str, answer: str) -> bool:
    """RIGHT: step 3, "split into words on whitespace", read after step 2 has run: by then every whitespace character (tab, newline, U+3000, ...) has already become an ordinary space, because no whitespace character is ``isalnum``. So the words are ``s.split(" ")`` with the empty strings (from runs of spaces) dropped -- the very call that is WRONG in ``distinct_n``, and right here. The run is found by comparing slices of the word lists; an answer with no words returns ``False``. Reads "split into words on whitespace" as "on the whitespace left after step 2" rather than "with ``str.split()`` on the raw text". Agrees with a plain version on: the four worked examples, ``""``, ``"?!"``, ``"東京都"``/``"東京"``, ``"Rome\\tand\\u3000Paris\\n"``/``"rome and paris"``, ``"a\\u2028b"``/``"a b"``, ``"½ cup"``/``"½"``, ``"İstanbul"``/``"istanbul"``, ``"x_y"``/``"x y"`` and 300 random strings over letters, digits, punctuation and six kinds of whitespace (checks/check_entries.log)."""
    def words(s: str) -> list[str]:
        spaced = "".join(ch if ch.isalnum() else " " for ch in s.lower())
        return [w for w in spaced.split(" ") if w]

    a, p = words(answer), words(prediction)
    if not a:
        return False
    n = len(a)
    return any(p[i:i + n] == a for i in range(len(p) - n + 1))
