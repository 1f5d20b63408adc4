"""Fortieth examiner's catalogue: the learner who builds on their own earlier answers (own helpers reused across exercises, with one contract mismatch each)."""
