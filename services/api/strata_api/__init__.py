"""The API service: Litestar HTTP (REST + GraphQL) over the event store and the read model."""
