"""``decodelab demo logprobs [PROMPT]``: seed 000's token-by-token view, as one HTML file.

The model continues the prompt twice: at temperature 0 (``greedy_generate``) and at temperature
1 (``sample_generate`` with a seeded generator). For every generated token,
``completion_logprobs`` gives its log-probability and the top alternatives at that position, in
the shape of OpenAI's ``ChatCompletionTokenLogprob`` (``token``, ``bytes``, ``logprob``,
``top_logprobs``). The page shows each token with its probability, the alternatives beneath it
with theirs, the chosen one highlighted; a token that is only part of a UTF-8 character (a
byte-fallback piece such as ``<0xE6>``) is shown as its bytes, as seed 000's ``[230, 155]``
then ``[135]``. The records themselves are embedded in the page as JSON.
"""
from __future__ import annotations

import argparse
import json
import math

HELP = "token-by-token probabilities with the top alternatives (seed 000), at temperature 0 and 1, as HTML"
DEFAULT_PROMPT = "ますます蒸し暑くなりそうです。明日の天気は"
FUNCTIONS = ("greedy_generate", "sample_generate", "completion_logprobs")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments

    parser.add_argument("prompt", nargs="?", default=DEFAULT_PROMPT, help=f"the prompt (default: {DEFAULT_PROMPT!r})")
    parser.add_argument("--max-new-tokens", type=int, default=24, help="tokens to generate (default 24)")
    parser.add_argument("--top", type=int, default=5, help="alternatives shown per token (default 5)")
    parser.add_argument("--stop", default="。", help="cut the completion after this text (default '。'; '' for none)")
    parser.add_argument("--seed", type=int, default=7,
                        help="seed of the temperature-1 run (default 7: on the tiny model it draws seed 000's "
                        "'曇りのち雨', whose 曇 arrives as three byte tokens)")
    add_common_arguments(parser, "logprobs.html")


def is_partial(raw: list[int]) -> bool:
    """Whether these bytes are not whole UTF-8 characters on their own."""
    try:
        bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def cut_at_stop(records: list[dict], stop: str) -> list[dict]:
    """The records up to and including the one that completes ``stop`` (all of them when it never does)."""
    if not stop:
        return records
    text = b""
    for index, record in enumerate(records):
        text += bytes(record["bytes"])
        if stop.encode("utf-8") in text:
            return records[: index + 1]
    return records


def runs(backend, chosen, prompt: str, max_new_tokens: int, top: int, seed: int, stop: str) -> list[dict]:
    """The two runs: ``{"temperature", "records"}`` with ``records`` from ``completion_logprobs``."""
    from decodelab.demos.common import seed_generator

    ids = backend.encode(prompt)
    eos = backend.tokenizer.eos_token_id
    greedy = chosen.greedy_generate(backend.model, ids, max_new_tokens, eos_token_id=eos)
    sampled = chosen.sample_generate(backend.model, ids, max_new_tokens, temperature=1.0, top_k=None, top_p=1.0,
                                     generator=seed_generator(seed, backend.device), eos_token_id=eos)
    result = []
    for temperature, sequence in ((0.0, greedy), (1.0, sampled)):
        records = chosen.completion_logprobs(backend.model, backend.tokenizer, sequence, ids.shape[1], top_n=top)
        result.append({"temperature": temperature, "records": cut_at_stop(records, stop)})
    return result


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

_CSS = """
.run { margin-bottom: 2rem; }
.steps { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-start; }
.step { border: 1px solid #ccd3e0; border-radius: 6px; padding: 0.35rem; min-width: 6.5rem; background: #fbfcfe; }
.chosen { font-size: 1.25rem; font-weight: 600; text-align: center; padding: 0.2rem 0.3rem;
          border-radius: 4px; background: #ffe08a; white-space: pre; }
.chosen-p { text-align: center; font-size: 0.85rem; color: #374151; margin: 0.15rem 0 0.3rem; }
.alt { display: grid; grid-template-columns: 1fr auto; gap: 0 0.4rem; font-size: 0.85rem; padding: 1px 3px;
       border-radius: 3px; position: relative; }
.alt .tok { white-space: pre; overflow: hidden; text-overflow: ellipsis; max-width: 7rem; }
.alt .bar { grid-column: 1 / span 2; height: 3px; background: #3b6fb6; border-radius: 2px; margin-bottom: 2px; }
.alt.picked { background: #ffe08a; font-weight: 600; }
.bytes { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.8em; color: #8a4b00;
         border: 1px dashed #c98a2b; border-radius: 3px; padding: 0 2px; }
.lp { display: none; } body.logprob .lp { display: inline; } body.logprob .p { display: none; }
.space { color: #b0b7c3; font-weight: 400; } .special { color: #6a5acd; font-style: italic; }
.text { font-size: 1.15rem; margin: 0.4rem 0 0.8rem; } .text .prompt { color: #8a93a6; }
"""

_SCRIPT = """
document.getElementById('show-logprobs').addEventListener('change', function (event) {
  document.body.classList.toggle('logprob', event.target.checked);
});
"""


def _percent(logprob: float) -> str:
    probability = math.exp(logprob) * 100
    if probability >= 0.1:
        return f"{probability:.1f}%"
    return "<0.1%" if probability > 0 else "0%"


def _token_html(token: str, raw: list[int]) -> str:
    """The token's text, or its bytes when it is only part of a UTF-8 character."""
    from decodelab.demos.common import escape

    if not raw:  # a special token such as </s> stands for no text at all
        return "<span class=\"special\" title=\"a special token (such as &lt;/s&gt;, the end): no text\">⟨special⟩</span>"
    if is_partial(raw):
        hexes = " ".join(f"{byte:02X}" for byte in raw)
        return f"<span class=\"bytes\" title=\"bytes {escape(raw)}: part of a UTF-8 character\">{hexes}</span>"
    shown = token.replace("\n", "\\n")
    if not shown.strip():
        return escape(repr(shown))
    # Spaces made visible: a leading space is what the ▁ of the piece stands for.
    return escape(shown).replace(" ", "<span class=\"space\">␣</span>")


def _probability_html(logprob: float) -> str:
    return f"<span class=\"p\">{_percent(logprob)}</span><span class=\"lp\">{logprob:.3f}</span>"


def step_html(record: dict) -> str:
    """One generated token: itself with its probability, the alternatives beneath."""
    alternatives = []
    for alternative in record["top_logprobs"]:
        picked = alternative["bytes"] == record["bytes"]
        width = max(0.0, min(100.0, math.exp(alternative["logprob"]) * 100))
        alternatives.append(
            f"<div class=\"alt{' picked' if picked else ''}\" title=\"logprob {alternative['logprob']:.4f}, "
            f"bytes {alternative['bytes']}\"><span class=\"tok\">{_token_html(alternative['token'], alternative['bytes'])}</span>"
            f"<span>{_probability_html(alternative['logprob'])}</span>"
            + (f"<span class=\"bar\" style=\"width:{width:.1f}%\"></span>" if width >= 0.5 else "") + "</div>"
        )
    return (
        f"<div class=\"step\"><div class=\"chosen\" title=\"logprob {record['logprob']:.4f}, bytes {record['bytes']}\">"
        f"{_token_html(record['token'], record['bytes'])}</div>"
        f"<div class=\"chosen-p\">{_probability_html(record['logprob'])}</div>{''.join(alternatives)}</div>"
    )


def page_body(prompt: str, result: list[dict], backend_name: str, whose: str, seed: int) -> str:
    from decodelab.demos.common import escape

    sections = []
    for run in result:
        records = run["records"]
        text = b"".join(bytes(record["bytes"]) for record in records).decode("utf-8", "replace")
        how = "greedy: the most probable token every time" if run["temperature"] == 0 else (
            f"sampled from the model's distribution (seed {seed}): not always the most probable token")
        sections.append(
            f"<section class=\"run\"><h2>temperature {run['temperature']:g} — {escape(how)}</h2>"
            f"<div class=\"text\"><span class=\"prompt\">{escape(prompt)}</span>{escape(text)}</div>"
            f"<div class=\"steps\">{''.join(step_html(record) for record in records)}</div></section>"
        )
    data = json.dumps(result, ensure_ascii=False).replace("</", "<\\/")
    return (
        "<h1>Token by token: what the model could have said</h1>"
        f"<p class=\"note\">Backend <code>{escape(backend_name)}</code>; functions used: {escape(whose)}. "
        "Each box is one generated token (highlighted) with its probability; beneath it, the most probable "
        "tokens at that position. Dashed hexadecimal boxes are tokens that are only part of a UTF-8 character "
        "(byte-fallback pieces): several of them make one character. Probabilities are the model's own "
        "(temperature 1), whichever way the token was picked.</p>"
        "<p><label><input type=\"checkbox\" id=\"show-logprobs\"> show log-probabilities</label></p>"
        f"{''.join(sections)}"
        f"<script type=\"application/json\" id=\"records\">{data}</script>"
        f"<script>{_SCRIPT}</script>"
    )


def _token_text(record: dict) -> str:
    """A token for the terminal: its text quoted, or its bytes ``<E6>`` when it is part of a character."""
    if not record["bytes"]:
        return "<special>"
    if is_partial(record["bytes"]):
        return "".join(f"<{byte:02X}>" for byte in record["bytes"])
    return repr(record["token"])


def print_run(run: dict) -> None:
    print(f"\ntemperature {run['temperature']:g}:")
    for record in run["records"]:
        others = ", ".join(f"{_token_text(alt)} {_percent(alt['logprob'])}" for alt in record["top_logprobs"][:3])
        print(f"  {_token_text(record):14} {_percent(record['logprob']):>7}   top: {others}")


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, finish, open_backend, output_file, write_html
    from decodelab.errors import UserError

    if arguments.max_new_tokens < 1 or arguments.top < 0:
        raise UserError("--max-new-tokens must be at least 1 and --top at least 0")
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    result = runs(backend, chosen, arguments.prompt, arguments.max_new_tokens, arguments.top, arguments.seed,
                  arguments.stop)
    for one in result:
        print_run(one)
    whose = ", ".join(f"{name}: {source}" for name, source in chosen.sources.items())
    body = page_body(arguments.prompt, result, backend.name, whose, arguments.seed)
    path = write_html(output_file(arguments), "decodelab: logprobs", body, _CSS)
    print()
    return finish(path, arguments)
