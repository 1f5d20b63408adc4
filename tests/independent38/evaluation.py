"""Thirty-eighth examiner: evaluation.py entries (the learner who learnt it from the papers and the textbooks)."""
from __future__ import annotations

from fractions import Fraction


def distinct_n__wrong_slp3_sentence_boundary_padding(texts: list[str], n: int) -> float:
    """WRONG: cuts each text's n-grams the way SLP3 ch. 3 (Jurafsky & Martin) and nltk's ``pad_both_ends`` prepare a sentence for an n-gram model: "we augment each sentence with a special symbol <s> at the beginning ... and </s>" -- ``n - 1`` start symbols in front and ``n - 1`` end symbols behind each text (none for ``n = 1``: a unigram needs no context), then pools and divides distinct by total. Texts shorter than ``n`` words are skipped, ``n < 1`` raises ``ValueError`` first, no n-grams give ``0.0``. The padding adds exactly as many boundary bigrams as it shares between the two worked texts, so the worked example still gives 0.75 (6 of 8) and ``n = 1`` 4/6; three identical runs stay at 1/3. But the boundary n-grams are not words of the text. Violates: "An n-gram is ``n`` consecutive words of one text; n-grams never span two texts." [witness: ``distinct_n(["a b a b"], 2)`` -> 0.8 (4 of 5, with ``(<s>, a)`` and ``(b, </s>)``), plain 0.6666666666666666; ``distinct_n(["the cat sat", "the cat ran"], 3)`` -> 0.8 (8 of 10), plain 1.0; ``(["the cat sat on the mat", "a cat sat"], 2)`` -> 0.9090909090909091, plain 0.8571428571428571. Equal to plain: 0.75, 0.666..., ``[]``/``[""]``/``["hello"]`` n=2 -> 0.0, n 0/-1 ``ValueError`` (also ``([], 0)``), three identical runs 0.3333333333333333 (checks/check_entries.log).]"""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams: list[tuple[str, ...]] = []
    for text in texts:
        words = text.split()
        if len(words) < n:
            continue  # "texts shorter than n words" contribute no n-gram
        # SLP3 ch. 3 / nltk's pad_both_ends: n - 1 start symbols in front, n - 1 end symbols behind
        padded = ["<s>"] * (n - 1) + words + ["</s>"] * (n - 1)
        grams.extend(tuple(padded[i:i + n]) for i in range(len(padded) - n + 1))
    if not grams:
        return 0.0
    return len(set(grams)) / len(grams)


def distinct_n__right_one_minus_welleck_seq_rep(texts: list[str], n: int) -> float:
    """RIGHT: computes the complement of Welleck et al.'s repetition metric ("Neural Text Generation with Unlikelihood Training", 2020: seq-rep-n = 1 - |unique n-grams| / |n-grams|) and returns ``1 - seq_rep``. Both steps are exact ``fractions.Fraction`` arithmetic, so ``1 - (1 - u/t)`` is the fraction ``u/t`` itself and ``float()`` of it is the correctly rounded ``u / t`` -- bit for bit the plain ``len(set(grams)) / len(grams)``, a Python ``float``. The n-grams are tuples of ``n`` consecutive words cut from one text at a time (``zip`` of ``n`` shifted slices of ``text.split()``), pooled over the texts; ``n < 1`` raises ``ValueError`` before anything is read; no n-grams give ``0.0``. Agrees with a plain version on: the worked example (0.75; n=1 0.6666666666666666), ``[]``, ``[""]``, ``["hello"]`` n=2, ``("a b c", 3)``/``("a b c", 4)``, tabs/newlines/double spaces, U+3000, full-width ``東京！`` vs ``東京!``, and 300 random lists of up to 5 texts (0-9 words, n 1-4): 307/307 bit-equal floats (checks/check_entries.log)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    grams: list[tuple[str, ...]] = []
    for text in texts:
        words = text.split()
        grams.extend(zip(*(words[i:] for i in range(n))))
    if not grams:
        return 0.0
    seq_rep = 1 - Fraction(len(set(grams)), len(grams))  # Welleck et al.: seq-rep-n
    return float(1 - seq_rep)


def _cmrc_mixed_segmentation(word: str) -> list[str]:
    # CMRC 2018 / MLQA evaluation scripts: every Chinese character (U+4E00..U+9FA5) is a token of its own,
    # the other characters are kept together in runs
    tokens: list[str] = []
    run = ""
    for ch in word:
        if "\u4e00" <= ch <= "\u9fa5":
            if run:
                tokens.append(run)
                run = ""
            tokens.append(ch)
        else:
            run += ch
    if run:
        tokens.append(run)
    return tokens


def _cmrc_words(text: str) -> list[str]:
    spaced = "".join(ch if ch.isalnum() else " " for ch in text.lower())
    return [token for word in spaced.split() for token in _cmrc_mixed_segmentation(word)]


def exact_match__wrong_cmrc_mixed_segmentation(prediction: str, answer: str) -> bool:
    """WRONG: normalises as the steps say (``str.lower()``, every ``not ch.isalnum()`` character a space, ``split()``) and then, for text without spaces, does what the published Chinese reading-comprehension scorers do (the CMRC 2018 evaluation script, reused by MLQA for Chinese: ``mixed_segmentation`` "split Chinese with English"): every Chinese character (U+4E00..U+9FA5) becomes a word of its own, other characters stay together in runs. Then the contiguous-run test, ``False`` for an answer without words. Every worked example is Latin text, where nothing changes. But a CJK answer now matches a part of a longer word. Violates: "3. split into words on whitespace." [witness: ``exact_match("東京都", "東京")`` -> ``True``, plain ``False`` (one word ``東京都``); ``("首都は東京です", "東京")`` -> ``True`` (segments ``首 都 は 東 京 です``), plain ``False``; ``("北京大学", "京大")`` -> ``True``, plain ``False``; ``("日本の首都は東京。", "首都")`` -> ``True``, plain ``False``. Equal to plain: the four worked examples, ``""``, ``"?!"``, ``("", "")``, "The capital is Tokyo, a city of…", and 10/10 other pairs (``"東京。"``/``"東京"``, ``"答えは 東京 です"``, ``½``, ``İstanbul``, ``a_b``, ...) (checks/check_entries.log).]"""
    answer_words = _cmrc_words(answer)
    prediction_words = _cmrc_words(prediction)
    if not answer_words:
        return False
    size = len(answer_words)
    return any(prediction_words[i:i + size] == answer_words for i in range(len(prediction_words) - size + 1))
