"""Neo4j read models: versioned records per branch, folded from the event log."""
