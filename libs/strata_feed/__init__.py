"""The public change feed: what subscribers, webhooks and GraphQL subscriptions consume."""
