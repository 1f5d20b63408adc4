"""Twenty-sixth examiner's catalogue: it works on the bundled model (code that silently relies on what is true of the tiny model only)."""
