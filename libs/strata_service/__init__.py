"""Application services: load state, decide, append, wait for the read model."""
