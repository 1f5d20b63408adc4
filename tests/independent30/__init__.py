"""Thirtieth examiner's catalogue: the public-test overfitter (versions that pass every public test and every worked example, but not a docstring sentence the public suite never tries)."""
