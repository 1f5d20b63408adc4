"""Forty-sixth examiner's catalogue: the careless reader, one word of a docstring misread (WRONG), and sentences that admit two readings read the supported way (RIGHT)."""
