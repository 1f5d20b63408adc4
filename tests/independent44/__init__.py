"""Forty-fourth examiner's catalogue: "the right answer nobody expected" (correct code built by unusual but equivalent routes, and the nearest slips of those routes)."""
