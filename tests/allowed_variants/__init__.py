"""Correct versions that make a choice a docstring allows in so many words (``... may ...``,
``both count``): each must score the maximum through ``decodelab grade`` (tests/test_grade_cli.py),
so the sentence that allows it is held by a test, whichever way a learner reads it."""
