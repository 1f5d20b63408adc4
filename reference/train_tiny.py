"""Train the bundled ``tiny`` model: a small MistralForCausalLM on decodelab's own corpus.

    python -m reference.train_tiny [--out reference/tiny_model] [--steps N]

The model uses Mistral-7B-v0.1's tokenizer and vocabulary (32000 ids, ``<s>``=1, ``</s>``=2), so
a token id means the same thing on the tiny model as on the real one. Training is deterministic
on a given machine: fixed seed, fixed data order, deterministic algorithms, two CPU threads.
It writes ``config.json``, ``generation_config.json``, ``model.safetensors`` and
``training_report.json`` into ``--out``. The report holds the steps, final loss, time, versions,
corpus size, and the figures :func:`evaluate` measures on the trained model (greedy and sampled
accuracy on the capitals, distinct story continuations, embedding similarity by word group).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
import transformers
from transformers import GenerationConfig, MistralConfig, MistralForCausalLM, PreTrainedTokenizerBase

from reference.corpus import CAPITALS, FACT_QUESTIONS, STORY_OPENERS, WORD_GROUPS, build_corpus
from reference.tokenizer import load_mistral_tokenizer

DEFAULT_OUT = Path(__file__).parent / "tiny_model"
BOS_ID = 1
EOS_ID = 2
IGNORE_INDEX = -100  # target value that cross_entropy skips (padding)


@dataclass
class TrainingSettings:
    """Everything that decides the trained weights, besides the corpus and the architecture."""

    steps: int = 1200
    batch_size: int = 32
    learning_rate: float = 3e-3
    warmup_steps: int = 60
    final_lr_fraction: float = 0.05
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0
    seed: int = 0
    threads: int = 2
    log_every: int = 50


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


def tiny_config() -> MistralConfig:
    """The architecture: Mistral's (RMSNorm, RoPE, SwiGLU, grouped-query attention), scaled down.

    4 layers, hidden size 128, 4 query heads sharing 2 key/value heads (head size 32), MLP 256.
    Input and output embeddings are tied, so the 32000 x 128 matrix (16.4 MB in fp32) is stored
    once and most of the file is that matrix. No sliding window: contexts are at most 512 tokens.
    """
    return MistralConfig(
        vocab_size=32000,
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=32,
        max_position_embeddings=512,
        rms_norm_eps=1e-6,
        sliding_window=None,
        tie_word_embeddings=True,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=None,
        dtype="float32",
    )


def tiny_generation_config() -> GenerationConfig:
    """Greedy by default; ``pad_token_id`` = ``</s>`` (2) only fills rows that already finished
    in batched generation, since Mistral's tokenizer has no padding token."""
    return GenerationConfig(bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=EOS_ID, do_sample=False)


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def tokenize_documents(tokenizer: PreTrainedTokenizerBase, documents: list[str]) -> list[list[int]]:
    """Each document as ``<s>`` + its tokens + ``</s>``, the way prompts are encoded at use time."""
    sequences = []
    for document in documents:
        ids = tokenizer.encode(document, add_special_tokens=True)
        assert ids[0] == BOS_ID, f"tokenizer did not add <s> to {document!r}"
        sequences.append(ids + [EOS_ID])
    return sequences


def epoch_batches(sequences: list[list[int]], batch_size: int, generator: torch.Generator) -> list[list[int]]:
    """One epoch as batches of sequence indices, similar lengths together to waste little padding.

    Shuffle, sort by length (the sort is stable, so equal lengths stay shuffled), cut into
    batches, shuffle the batches. ``generator`` makes the order the same on every run.
    """
    shuffled = torch.randperm(len(sequences), generator=generator).tolist()
    by_length = sorted(shuffled, key=lambda index: len(sequences[index]))
    batches = [by_length[start : start + batch_size] for start in range(0, len(by_length), batch_size)]
    order = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in order]


def batch_stream(sequences: list[list[int]], settings: TrainingSettings) -> list[list[int]]:
    """The batches for the whole run: as many epochs as ``settings.steps`` needs, in order."""
    generator = torch.Generator().manual_seed(settings.seed)
    batches: list[list[int]] = []
    while len(batches) < settings.steps:
        batches += epoch_batches(sequences, settings.batch_size, generator)
    return batches[: settings.steps]


def collate(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and next-token targets, right-padded to the longest sequence.

    Inputs are padded with ``</s>`` and targets with ``IGNORE_INDEX``. Right padding needs no
    attention mask: causal attention never lets a real position see the padding after it.
    """
    width = max(len(sequence) for sequence in sequences) - 1
    inputs = torch.full((len(sequences), width), EOS_ID, dtype=torch.long)
    targets = torch.full((len(sequences), width), IGNORE_INDEX, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        ids = torch.tensor(sequence, dtype=torch.long)
        inputs[row, : len(ids) - 1] = ids[:-1]
        targets[row, : len(ids) - 1] = ids[1:]
    return inputs, targets


# ---------------------------------------------------------------------------------------------
# Optimisation
# ---------------------------------------------------------------------------------------------


def learning_rate_at(step: int, settings: TrainingSettings) -> float:
    """Linear warmup, then cosine decay to ``final_lr_fraction`` of the peak."""
    if step < settings.warmup_steps:
        return settings.learning_rate * (step + 1) / settings.warmup_steps
    progress = (step - settings.warmup_steps) / max(1, settings.steps - settings.warmup_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    floor = settings.final_lr_fraction
    return settings.learning_rate * (floor + (1 - floor) * cosine)


def make_optimizer(model: MistralForCausalLM, settings: TrainingSettings) -> torch.optim.AdamW:
    """AdamW; weight decay on matrices (embeddings included), none on norm weights."""
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    vectors = [p for p in model.parameters() if p.dim() < 2]
    groups = [
        {"params": matrices, "weight_decay": settings.weight_decay},
        {"params": vectors, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=settings.learning_rate, betas=settings.betas, fused=True)


def next_token_loss(model: MistralForCausalLM, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over real (non-padding) positions.

    The 32000-wide output layer costs more than the whole transformer, so it is applied only to
    the hidden states of real positions instead of to every padded position.
    """
    hidden = model.model(input_ids=inputs).last_hidden_state
    real = targets != IGNORE_INDEX
    logits = model.lm_head(hidden[real])
    return F.cross_entropy(logits, targets[real])


def make_deterministic(settings: TrainingSettings) -> None:
    """Seed torch, pin the thread count and ask for deterministic kernels."""
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    torch.use_deterministic_algorithms(True)


def train(model: MistralForCausalLM, sequences: list[list[int]], settings: TrainingSettings) -> list[float]:
    """Run ``settings.steps`` AdamW steps over ``sequences``; returns the loss of every step."""
    optimizer = make_optimizer(model, settings)
    model.train()
    losses = []
    started = time.perf_counter()
    for step, batch in enumerate(batch_stream(sequences, settings)):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate_at(step, settings)
        inputs, targets = collate([sequences[i] for i in batch])
        loss = next_token_loss(model, inputs, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
        optimizer.step()
        losses.append(loss.item())
        if (step + 1) % settings.log_every == 0 or step + 1 == settings.steps:
            recent = sum(losses[-settings.log_every :]) / len(losses[-settings.log_every :])
            print(
                f"step {step + 1:5d}/{settings.steps}  loss {recent:.4f}  "
                f"lr {learning_rate_at(step, settings):.2e}  {time.perf_counter() - started:6.1f}s",
                flush=True,
            )
    model.eval()
    return losses


# ---------------------------------------------------------------------------------------------
# Evaluation: the figures the docs quote
# ---------------------------------------------------------------------------------------------


def complete(
    model: MistralForCausalLM,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    max_new_tokens: int = 8,
    **sampling: float | bool | None,
) -> str:
    """The text ``model.generate`` adds after ``prompt`` (encoded with ``<s>``)."""
    ids = tokenizer(prompt, return_tensors="pt").input_ids
    with torch.no_grad():
        output = model.generate(ids, max_new_tokens=max_new_tokens, **sampling)
    return tokenizer.decode(output[0, ids.shape[1] :], skip_special_tokens=True)


def answers_correctly(completion: str, answer: str) -> bool:
    """Exact match: the completion, stripped of leading space, begins with the answer."""
    return completion.strip().startswith(answer)


def accuracy(
    model: MistralForCausalLM,
    tokenizer: PreTrainedTokenizerBase,
    items: list[tuple[str, str]],
    **sampling: float | bool | None,
) -> float:
    """Fraction of (prompt, answer) pairs whose completion starts with the answer."""
    hits = sum(answers_correctly(complete(model, tokenizer, prompt, **sampling), answer) for prompt, answer in items)
    return hits / len(items)


def capital_statement_prompts() -> list[tuple[str, str]]:
    """("The capital of Japan is", "Tokyo") for every country, as the seed's first prompt."""
    return [(f"The capital of {country} is", capital) for country, capital in CAPITALS.items()]


def capital_question_prompts() -> list[tuple[str, str]]:
    """("What is the capital of Japan?", "Tokyo") for every country."""
    return [(f"What is the capital of {country}?", capital) for country, capital in CAPITALS.items()]


def seed_style_fact_prompts() -> list[tuple[str, str]]:
    """The seed's own prompt format, ``"<s> " + question + " "``, for every other fact."""
    return [(f"<s> {question} ", answer) for question, answer in FACT_QUESTIONS]


def distinct_story_continuations(
    model: MistralForCausalLM, tokenizer: PreTrainedTokenizerBase, opener: str, samples: int, temperature: float
) -> int:
    """How many different continuations ``samples`` draws at ``temperature`` give for ``opener``."""
    completions = {
        complete(model, tokenizer, opener, max_new_tokens=12, do_sample=True, temperature=temperature, top_p=1.0, top_k=None)
        for _ in range(samples)
    }
    return len(completions)


def word_embedding(tokenizer: PreTrainedTokenizerBase, embeddings: torch.Tensor, word: str) -> torch.Tensor:
    """Mean of the input-embedding rows of ``word``'s tokens (encoded without ``<s>``), as the seed does."""
    ids = tokenizer.encode(word, add_special_tokens=False)
    return embeddings[ids].mean(dim=0)


def group_similarities(model: MistralForCausalLM, tokenizer: PreTrainedTokenizerBase) -> dict[str, dict[str, float]]:
    """Per group: mean cosine similarity of its words with each other and with all other words."""
    embeddings = model.get_input_embeddings().weight.detach()
    words = [word for group in WORD_GROUPS.values() for word in group]
    vectors = torch.stack([word_embedding(tokenizer, embeddings, word) for word in words])
    unit = F.normalize(vectors, dim=1)
    cosine = unit @ unit.T
    groups = [name for name, members in WORD_GROUPS.items() for _ in members]
    figures = {}
    for name in WORD_GROUPS:
        inside = [i for i, g in enumerate(groups) if g == name]
        outside = [i for i, g in enumerate(groups) if g != name]
        within = [cosine[i, j].item() for i in inside for j in inside if i != j]
        across = [cosine[i, j].item() for i in inside for j in outside]
        figures[name] = {"within": sum(within) / len(within), "across": sum(across) / len(across)}
    return figures


def evaluate(model: MistralForCausalLM, tokenizer: PreTrainedTokenizerBase, seed: int = 0) -> dict[str, object]:
    """The figures that say the seed's experiments mean something on this model."""
    torch.manual_seed(seed)
    greedy = {"do_sample": False}
    hot = {"do_sample": True, "temperature": 1.6, "top_p": 1.0, "top_k": None}
    statements, questions = capital_statement_prompts(), capital_question_prompts()
    return {
        "japan_greedy": complete(model, tokenizer, "The capital of Japan is"),
        "capital_statement_greedy": accuracy(model, tokenizer, statements, **greedy),
        "capital_statement_sampled_t1.6": accuracy(model, tokenizer, statements, **hot),
        "capital_question_greedy": accuracy(model, tokenizer, questions, **greedy),
        "capital_question_sampled_t1.6": accuracy(model, tokenizer, questions, **hot),
        "seed_style_facts_greedy": accuracy(model, tokenizer, seed_style_fact_prompts(), **greedy),
        "seed_style_facts_sampled_t1.6": accuracy(model, tokenizer, seed_style_fact_prompts(), **hot),
        "distinct_story_continuations_of_10_t1.0": {
            opener: distinct_story_continuations(model, tokenizer, opener, samples=10, temperature=1.0)
            for opener in STORY_OPENERS
        },
        "embedding_cosine_by_group": group_similarities(model, tokenizer),
    }


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def training_report(
    settings: TrainingSettings, losses: list[float], seconds: float, documents: int, tokens: int
) -> dict[str, object]:
    """What was trained, how long it took and with which versions."""
    tail = losses[-settings.log_every :]
    return {
        "steps": len(losses),
        "final_loss": round(sum(tail) / len(tail), 4),
        "final_loss_note": f"mean next-token loss over the last {len(tail)} steps",
        "seconds": round(seconds, 1),
        "corpus_documents": documents,
        "corpus_tokens": tokens,
        "settings": asdict(settings),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads",
    }


def save(model: MistralForCausalLM, out: Path, report: dict[str, object]) -> None:
    """Write the weights, both configs and the report into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    model.generation_config = tiny_generation_config()
    model.save_pretrained(out, safe_serialization=True)
    (out / "training_report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the model into")
    parser.add_argument("--steps", type=int, default=TrainingSettings.steps, help="optimizer steps")
    parser.add_argument("--no-eval", action="store_true", help="skip measuring the figures after training")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Build the corpus, train, measure, save."""
    args = parse_args(argv)
    settings = TrainingSettings(steps=args.steps)
    make_deterministic(settings)
    tokenizer = load_mistral_tokenizer()
    documents = build_corpus()
    sequences = tokenize_documents(tokenizer, documents)
    tokens = sum(len(sequence) for sequence in sequences)
    print(f"corpus: {len(documents)} documents, {tokens} tokens; training {settings.steps} steps", flush=True)

    model = MistralForCausalLM(tiny_config())
    started = time.perf_counter()
    losses = train(model, sequences, settings)
    seconds = time.perf_counter() - started
    print(f"trained in {seconds:.0f}s, final loss {losses[-1]:.4f}", flush=True)

    report = training_report(settings, losses, seconds, len(documents), tokens)
    if not args.no_eval:
        report["figures"] = evaluate(model, tokenizer, seed=settings.seed)
        print(json.dumps(report["figures"], indent=2, ensure_ascii=False), flush=True)
    save(model, args.out, report)
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
