"""Background tasks: a JetStream work-queue stream, handlers by task type, state in KV."""
