"""``decodelab demo embeddings``: the seed's 20 words, as the model's embedding matrix sees them.

Each word becomes the mean of its tokens' embedding rows (``subword_averaged_embedding``); the
20 vectors give a cosine-similarity heatmap (``cosine_similarity_matrix``) and a 2-D PCA
scatter (``pca_2d``) coloured by group: royalty, sports, people, animals, and the unrelated
control words. Words of one group should sit closer to each other than to the others.
"""
from __future__ import annotations

import argparse

HELP = "the seed's 20 words in five groups: cosine-similarity heatmap and 2-D PCA scatter"
FUNCTIONS = ("subword_averaged_embedding", "cosine_similarity_matrix", "pca_2d")
GROUP_COLOURS = ("#c0392b", "#2e86c1", "#27ae60", "#d68910", "#7f8c8d", "#8e44ad", "#16a085")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from decodelab.demos.common import add_common_arguments

    parser.add_argument("--words", nargs="+", metavar="WORD",
                        help="your own words instead of the seed's groups (one group)")
    add_common_arguments(parser, "embeddings.png")


def word_groups(words: list[str] | None) -> dict[str, list[str]]:
    """The seed's groups (``reference.corpus.WORD_GROUPS``), or ``words`` as one group."""
    if words:
        return {"your words": list(words)}
    from reference.corpus import WORD_GROUPS

    return {group: list(members) for group, members in WORD_GROUPS.items()}


def embed(backend, chosen, groups: dict[str, list[str]]):
    """``(words, group of each word, vectors (n, d) float32, similarity (n, n), points (n, 2))``."""
    import torch

    words = [word for members in groups.values() for word in members]
    labels = [group for group, members in groups.items() for _ in members]
    matrix = backend.embedding_matrix
    vectors = torch.stack([chosen.subword_averaged_embedding(word, backend.tokenizer, matrix) for word in words])
    vectors = vectors.detach().float().cpu()
    similarity = chosen.cosine_similarity_matrix(vectors).detach().float().cpu()
    points = chosen.pca_2d(vectors).detach().float().cpu()
    return words, labels, vectors, similarity, points


def group_summary(labels: list[str], similarity) -> list[tuple[str, float, float]]:
    """Per group: mean cosine similarity within the group (off the diagonal) and to the other words."""
    summary = []
    for group in dict.fromkeys(labels):
        inside = [i for i, label in enumerate(labels) if label == group]
        outside = [i for i, label in enumerate(labels) if label != group]
        pairs = [similarity[i, j].item() for i in inside for j in inside if i != j]
        across = [similarity[i, j].item() for i in inside for j in outside]
        summary.append((group, sum(pairs) / max(len(pairs), 1), sum(across) / max(len(across), 1)))
    return summary


def run(arguments: argparse.Namespace) -> int:
    from decodelab.demos.common import choose_functions, figure_text, finish, open_backend, output_file, pyplot
    from decodelab.errors import UserError

    groups = word_groups(arguments.words)
    if sum(len(members) for members in groups.values()) < 3:
        raise UserError("give at least three words: PCA to two dimensions needs them")
    chosen = choose_functions(arguments, *FUNCTIONS)
    backend = open_backend(arguments)
    try:
        words, labels, vectors, similarity, points = embed(backend, chosen, groups)
    except ValueError as error:
        raise UserError(str(error)) from error
    print(f"\n{len(words)} words, embedding rows of size {vectors.shape[1]}")
    print(f"  {'group':12} {'within':>8} {'to others':>10}   (mean cosine similarity)")
    for group, within, across in group_summary(labels, similarity):
        print(f"  {group:12} {within:8.3f} {across:10.3f}")

    plt = pyplot()
    colour_of = {group: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, group in enumerate(groups)}
    figure, (left, right) = plt.subplots(1, 2, figsize=(15, 6.8), gridspec_kw={"width_ratios": [1.15, 1]})
    shown = [figure_text(word) for word in words]
    image = left.imshow(similarity.numpy(), cmap="viridis")
    left.set_xticks(range(len(words)), shown, rotation=90)
    left.set_yticks(range(len(words)), shown)
    for tick, label in zip(left.get_xticklabels(), labels):
        tick.set_color(colour_of[label])
    for tick, label in zip(left.get_yticklabels(), labels):
        tick.set_color(colour_of[label])
    boundaries = [i for i in range(1, len(labels)) if labels[i] != labels[i - 1]]
    for boundary in boundaries:
        left.axhline(boundary - 0.5, color="white", linewidth=1)
        left.axvline(boundary - 0.5, color="white", linewidth=1)
    left.set_title("cosine similarity of subword-averaged embeddings")
    figure.colorbar(image, ax=left, fraction=0.046, pad=0.04)
    for group in groups:
        indices = [i for i, label in enumerate(labels) if label == group]
        right.scatter(points[indices, 0].numpy(), points[indices, 1].numpy(), color=colour_of[group], label=group, s=45)
        for i in indices:
            right.annotate(shown[i], (points[i, 0].item(), points[i, 1].item()), textcoords="offset points",
                           xytext=(4, 4), fontsize=9, color=colour_of[group])
    right.set_title("2-D PCA of the same vectors")
    right.set_xlabel("first principal component")
    right.set_ylabel("second principal component")
    right.legend(loc="best", fontsize=9)
    whose = ", ".join(f"{name.split('_')[0]}: {source}" for name, source in chosen.sources.items())
    figure.suptitle(f"Word embeddings ({backend.name}; {whose})")
    figure.tight_layout()
    path = output_file(arguments)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print()
    return finish(path, arguments)
