"""The projector service: folds each branch stream into the Neo4j read model."""
