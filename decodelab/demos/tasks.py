"""``decodelab demo tasks``: knowledge against creativity, under greedy and sampled decoding.

The seed notebook's last experiment. Capital questions ("What is the capital of France?") are
answered under each decoding setting and scored with ``exact_match``; story openers ("Once
upon a time,") are continued under the same settings and their variety measured with
``distinct_n``. Several seeds per setting. Greedy decoding keeps the facts and repeats itself;
sampling at a high temperature loses facts and gains variety. The generation is
``greedy_generate`` or ``sample_generate`` (each sampled run with its own seeded generator);
settings are labelled by :mod:`reference.settings`, as ``reference.evaluation.compare_tasks``
labels them.
"""
from __future__ import annotations

import argparse

HELP = "exact-match on capital questions and distinct-n on story openers, greedy against sampling"
# The seed's three settings, plus one with no nucleus at all: the bundled tiny model is so sure
# of its facts that top_p=0.9 already cuts away every wrong capital; without top-p, T=1.6
# lets the tail through and the facts visibly suffer (docs/tiny-model.md has the figures).
DEFAULT_SETTINGS = (
    {},
    {"top_p": 0.2, "temperature": 0.2},
    {"top_p": 0.9, "temperature": 1.4},
    {"top_p": 1.0, "temperature": 1.6},
)
FUNCTIONS = ("greedy_generate", "sample_generate", "exact_match", "distinct_n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments

    parser.add_argument("--questions", type=int, default=8, help="capital questions to ask (default 8)")
    parser.add_argument("--openers", type=int, default=3, help="story openers to continue (default 3, the seed's)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per setting, seeds 0, 1, ... (default 3)")
    parser.add_argument("--max-new-tokens", type=int, default=16, help="tokens per reply (default 16)")
    add_common_arguments(parser, "tasks.html")


def capital_questions(count: int) -> list[tuple[str, str]]:
    """The first ``count`` capitals of ``reference.corpus.CAPITALS`` as ``(question, answer)``."""
    from reference.corpus import CAPITALS, country_spellings

    return [(f"What is the capital of {country_spellings(country)[0]}?", capital)
            for country, capital in list(CAPITALS.items())[:count]]


def story_openers(count: int) -> list[str]:
    from reference.corpus import STORY_OPENERS

    return list(STORY_OPENERS[:count])


def compare(backend, chosen, questions, openers, settings, seeds, max_new_tokens) -> list[dict]:
    """Per setting: ``setting``, ``accuracy``, ``distinct_1``, ``distinct_2``, ``answers``, ``continuations``."""
    from decodelab.demos.common import continuation_text, seed_generator, steps
    from reference.settings import is_greedy, setting_label

    eos = backend.tokenizer.eos_token_id
    greedy_replies: dict[str, str] = {}  # greedy decoding ignores the seed: one run per prompt

    def reply(prompt: str, setting: dict, seed: int) -> str:
        ids = backend.encode(prompt)
        if is_greedy(setting):
            if prompt not in greedy_replies:
                output = chosen.greedy_generate(backend.model, ids, max_new_tokens, eos_token_id=eos)
                greedy_replies[prompt] = continuation_text(backend.tokenizer, ids, output)
            return greedy_replies[prompt]
        output = chosen.sample_generate(
            backend.model, ids, max_new_tokens, temperature=float(setting["temperature"]),
            top_k=setting.get("top_k"), top_p=float(setting.get("top_p", 1.0)),
            generator=seed_generator(seed, backend.device), eos_token_id=eos,
        )
        return continuation_text(backend.tokenizer, ids, output)

    results = []
    with steps("decoding", len(settings) * len(seeds) * (len(questions) + len(openers))) as step:
        for setting in settings:
            label = setting_label(setting)
            answers, continuations = [], []
            for seed in seeds:
                for question, answer in questions:
                    text = reply(question, setting, seed)
                    answers.append({"question": question, "answer": answer, "seed": seed, "reply": text,
                                    "correct": bool(chosen.exact_match(text, answer))})
                    step(f"{label}, seed {seed}")
                for opener in openers:
                    continuations.append({"opener": opener, "seed": seed, "text": reply(opener, setting, seed)})
                    step(f"{label}, seed {seed}")
            results.append(summarize(chosen, label, answers, continuations))
    return results


def summarize(chosen, label: str, answers: list[dict], continuations: list[dict]) -> dict:
    """One setting's row: accuracy on the questions, distinct-n of the stories, and what was generated."""
    stories = [c["text"] for c in continuations]
    return {
        "setting": label,
        "accuracy": sum(a["correct"] for a in answers) / len(answers) if answers else 0.0,
        "distinct_1": float(chosen.distinct_n(stories, 1)),
        "distinct_2": float(chosen.distinct_n(stories, 2)),
        "answers": answers,
        "continuations": continuations,
    }


_CSS = """
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.right { color: #1e7b34; } td.wrong { color: #b3261e; }
details { margin: 0.4rem 0; } summary { cursor: pointer; font-weight: 600; }
"""


def page_body(results: list[dict], backend_name: str, whose: str, seeds: list[int]) -> str:
    from decodelab.demos.common import escape

    rows = "".join(
        f"<tr><th>{escape(r['setting'])}</th><td class=\"num\">{r['accuracy']:.0%}</td>"
        f"<td class=\"num\">{r['distinct_1']:.2f}</td><td class=\"num\">{r['distinct_2']:.2f}</td></tr>"
        for r in results
    )
    details = []
    for r in results:
        answers = "".join(
            f"<tr><td>{escape(a['question'])}</td><td>{escape(a['answer'])}</td><td>{a['seed']}</td>"
            f"<td class=\"{'right' if a['correct'] else 'wrong'}\">{escape(a['reply'])}</td></tr>"
            for a in r["answers"]
        )
        stories = "".join(
            f"<tr><td>{escape(c['opener'])}</td><td>{c['seed']}</td><td>{escape(c['text'])}</td></tr>"
            for c in r["continuations"]
        )
        details.append(
            f"<details><summary>{escape(r['setting'])}</summary>"
            f"<table><tr><th>question</th><th>answer</th><th>seed</th><th>reply</th></tr>{answers}</table>"
            f"<table><tr><th>opener</th><th>seed</th><th>continuation</th></tr>{stories}</table></details>"
        )
    return (
        "<h1>Knowledge against creativity</h1>"
        f"<p class=\"note\">Backend <code>{escape(backend_name)}</code>; seeds {escape(seeds)}; functions used: "
        f"{escape(whose)}. Accuracy: exact match of the capital in the reply, over questions × seeds. "
        "distinct-n: unique n-grams over all n-grams of the story continuations (1.0 = nothing repeats).</p>"
        f"<table><tr><th>decoding</th><th>capital questions: accuracy</th><th>stories: distinct-1</th>"
        f"<th>stories: distinct-2</th></tr>{rows}</table>"
        f"<h2>Every reply</h2>{''.join(details)}"
    )


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, finish, open_backend, output_file, write_html
    from decodelab.errors import UserError

    if min(arguments.seeds, arguments.max_new_tokens) < 1 or min(arguments.questions, arguments.openers) < 0:
        raise UserError("--seeds and --max-new-tokens must be at least 1; --questions and --openers at least 0")
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    seeds = list(range(arguments.seeds))
    results = compare(backend, chosen, capital_questions(arguments.questions), story_openers(arguments.openers),
                      list(DEFAULT_SETTINGS), seeds, arguments.max_new_tokens)
    print(f"\n{'decoding':34} {'accuracy':>9} {'distinct-1':>11} {'distinct-2':>11}")
    for r in results:
        print(f"{r['setting']:34} {r['accuracy']:9.0%} {r['distinct_1']:11.2f} {r['distinct_2']:11.2f}")
    whose = ", ".join(f"{name}: {source}" for name, source in chosen.sources.items())
    path = write_html(output_file(arguments), "decodelab: tasks", page_body(results, backend.name, whose, seeds), _CSS)
    print()
    return finish(path, arguments)
