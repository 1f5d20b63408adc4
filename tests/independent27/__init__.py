"""Twenty-seventh examiner's catalogue: the over-cautious learner (guards, validation, clamps and fallbacks the docstring did not ask for, and guards missing where it did)."""
