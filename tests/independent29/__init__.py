"""Twenty-ninth examiner's catalogue: the performance-minded learner (in-place ops, module-level caches and buffers, half-precision shortcuts, inference mode, fewer syncs)."""
