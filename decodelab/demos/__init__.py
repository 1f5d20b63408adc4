"""The seeds' experiments as demos: ``decodelab demo NAME``.

One module per demo. Each defines ``HELP`` (one line), ``FUNCTIONS`` (the exercise functions it
runs: their public tests unlock it), ``add_arguments(parser)`` and ``run(arguments) -> int``; the
module imports torch and the model code only inside ``run``, so that ``decodelab --help`` stays
fast. Shared options and output handling are in :mod:`decodelab.demos.common`;
:mod:`decodelab.demos.functions` takes the learner's functions, or names what unlocks the demo.
"""

DEMOS: dict[str, str] = {
    "complete": "complete",
    "tokens": "tokens",
    "next-token": "next_token",
    "temperature": "temperature",
    "generate": "generate",
    "embeddings": "embeddings",
    "logprobs": "logprobs",
    "tasks": "tasks",
}
"""Demo name on the command line -> module of this package, in the course's order of ideas."""
