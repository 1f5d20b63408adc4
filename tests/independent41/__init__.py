"""Forty-first examiner's catalogue: the learner who special-cases the edges (an early-return branch per docstring edge case that keeps the value but breaks a neighbouring promise)."""
