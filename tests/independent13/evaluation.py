"""Thirteenth examiner: evaluation.py entries."""
from __future__ import annotations

import sqlite3


def distinct_n__right_sqlite_count_distinct(texts: list[str], n: int) -> float:
    """RIGHT: counts with SQL: every n-gram of every text (words from ``str.split()``, n-grams by slicing one text at a time) is inserted as one row of an in-memory ``sqlite3`` table, keyed by its words joined with a single space (words hold no whitespace, so the key is one-to-one and never spans texts) and stored as a UTF-8 BLOB (``surrogatepass``, so any ``str`` goes in), and ``SELECT COUNT(DISTINCT gram), COUNT(*)`` gives both numbers (BLOBs compare byte for byte, case kept); ``n`` is checked first and no n-grams give ``0.0``."""
    if n < 1:
        raise ValueError(f"distinct_n: n must be at least 1, got {n}")
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE TABLE grams (gram BLOB NOT NULL)")
        for text in texts:
            words = text.split()
            connection.executemany(
                "INSERT INTO grams VALUES (?)",
                ((" ".join(words[i:i + n]).encode("utf-8", "surrogatepass"),) for i in range(len(words) - n + 1)),
            )
        distinct, total = connection.execute("SELECT COUNT(DISTINCT gram), COUNT(*) FROM grams").fetchone()
    connection.close()
    return distinct / total if total else 0.0
