"""Executes GraphQL documents of the Infrahub dialect against the read model and event store."""
