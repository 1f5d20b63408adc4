"""Thirty-second examiner's catalogue: KV-cache loops written every way (honest KV-cache greedy loops in the many styles a learner might write, and careless ones that think they reuse the cache)."""
