"""``decodelab demo tokens [TEXT ...]``: what the model is really given.

For each text, the id <-> piece table with and without BOS (``tokenize_with_pieces``), and the
bytes each piece stands for (``piece_bytes``): the ``▁`` space marker, the lone ``▁`` before
Japanese text, and byte-fallback pieces ``<0xNN>`` that are only part of a character until the
next ones arrive. English and Japanese side by side by default. First, the sizes every id
indexes into: the vocabulary and the embedding matrix (one row per id). Printed, and written as
one HTML page.
"""
from __future__ import annotations

import argparse
import re

HELP = "the id <-> piece table with and without BOS, and the bytes of byte-fallback pieces"
FUNCTIONS = ("tokenize_with_pieces", "piece_bytes")
"""The exercise functions this demo runs (its public tests must pass: they unlock it)."""
DEFAULT_TEXTS = ("The capital of Japan is", "明日の天気は曇りです。")
_BYTE_PIECE = re.compile(r"^<0x[0-9A-Fa-f]{2}>$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments

    parser.add_argument("texts", nargs="*", metavar="TEXT", help=f"texts (default: {' / '.join(DEFAULT_TEXTS)})")
    add_common_arguments(parser, "tokens.html")


def token_rows(text: str, tokenizer, tokenize_with_pieces, piece_bytes, add_bos: bool) -> list[dict]:
    """One dict per token: ``id``, ``piece``, ``bytes`` (raw), ``kind`` (special / byte / text)."""
    rows = []
    for token_id, piece in tokenize_with_pieces(text, tokenizer, add_bos=add_bos):
        raw = piece_bytes(piece)
        if token_id in tokenizer.all_special_ids:
            kind = "special"
        elif _BYTE_PIECE.match(piece):
            kind = "byte"
        else:
            kind = "text"
        rows.append({"id": int(token_id), "piece": piece, "bytes": bytes(raw), "kind": kind})
    return rows


def sizes_line(tokenizer, embedding_matrix) -> str:
    """How many pieces the vocabulary holds and the embedding matrix's shape: an id is a row number.

    ``len(tokenizer)`` counts added tokens too; the matrix may have more rows than the tokenizer
    has pieces (padded for speed), which the line then says."""
    pieces = len(tokenizer)
    rows, width = embedding_matrix.shape
    line = f"vocabulary: {pieces:,} pieces (ids 0 to {pieces - 1:,}); embedding matrix: {rows:,} × {width:,}, one row of {width:,} numbers per id"
    if rows != pieces:
        line += f" ({rows - pieces:+,} rows no piece uses)"
    return line


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (East Asian wide characters take two)."""
    import unicodedata

    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - columns, 0)


def _hex(raw: bytes) -> str:
    return " ".join(f"{byte:02X}" for byte in raw)


def text_table(text: str, rows: list[dict], add_bos: bool) -> str:
    """The table as plain text for the terminal."""
    lines = [f"{text!r} {'with' if add_bos else 'without'} BOS: {len(rows)} tokens",
             f"  {'#':>3} {'id':>6}  {'piece':14} bytes"]
    for index, row in enumerate(rows):
        if row["kind"] == "special":
            shown = "(special: no text)"
        elif row["kind"] == "byte":
            shown = f"{_hex(row['bytes'])}  (one byte of a character)"
        else:
            shown = f"{_hex(row['bytes'])}  {row['bytes'].decode('utf-8', 'backslashreplace')!r}"
        lines.append(f"  {index:>3} {row['id']:>6}  {_pad(row['piece'], 14)} {shown}")
    joined = b"".join(row["bytes"] for row in rows)
    lines.append(f"  all bytes joined: {joined.decode('utf-8', 'backslashreplace')!r}")
    return "\n".join(lines)


_CSS = """
.texts { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
.text { flex: 1 1 22rem; }
td.piece { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; }
tr.special td { color: #6a5acd; } tr.byte td { background: #fff3d6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.joined { margin: 0.3rem 0 1rem; }
"""


def html_table(rows: list[dict], caption: str) -> str:
    from decodelab.demos.common import escape

    body = []
    for index, row in enumerate(rows):
        if row["kind"] == "special":
            meaning = "special: no text"
        elif row["kind"] == "byte":
            meaning = f"one byte (0x{row['bytes'][0]:02X} = {row['bytes'][0]}) of a character"
        else:
            meaning = repr(row["bytes"].decode("utf-8", "backslashreplace"))
        body.append(
            f"<tr class=\"{row['kind']}\"><td class=\"num\">{index}</td><td class=\"num\">{row['id']}</td>"
            f"<td class=\"piece\">{escape(row['piece'])}</td><td class=\"mono\">{escape(_hex(row['bytes']))}</td>"
            f"<td>{escape(meaning)}</td></tr>"
        )
    joined = b"".join(row["bytes"] for row in rows).decode("utf-8", "backslashreplace")
    return (
        f"<table><caption>{escape(caption)}</caption><tr><th>#</th><th>id</th><th>piece</th><th>bytes</th>"
        f"<th>stands for</th></tr>{''.join(body)}</table>"
        f"<div class=\"joined note\">all bytes joined, as UTF-8: <code>{escape(repr(joined))}</code></div>"
    )


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, escape, finish, open_backend, output_file, write_html

    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    sizes = sizes_line(backend.tokenizer, backend.embedding_matrix)
    print(sizes)
    sections = []
    for text in arguments.texts or DEFAULT_TEXTS:
        tables = []
        for add_bos in (True, False):
            rows = token_rows(text, backend.tokenizer, chosen.tokenize_with_pieces, chosen.piece_bytes, add_bos)
            print()
            print(text_table(text, rows, add_bos))
            tables.append(html_table(rows, f"{'with' if add_bos else 'without'} BOS ({len(rows)} tokens)"))
        sections.append(f"<div class=\"text\"><h2>{escape(repr(text))}</h2>{''.join(tables)}</div>")
    whose = ", ".join(f"{name}: {source}" for name, source in chosen.sources.items())
    body = (
        "<h1>Tokens: ids, pieces and bytes</h1>"
        f"<p class=\"note\">Tokenizer of backend <code>{escape(backend.name)}</code>; functions used: {escape(whose)}. "
        "The piece <code>▁</code> marks a space; purple rows are special tokens (BOS <code>&lt;s&gt;</code>); "
        "yellow rows are byte-fallback pieces, each one raw byte of a UTF-8 character.</p>"
        f"<p>{escape(sizes)}.</p>"
        f"<div class=\"texts\">{''.join(sections)}</div>"
    )
    path = write_html(output_file(arguments), "decodelab: tokens", body, _CSS)
    print()
    return finish(path, arguments)
