"""The `strata` command: development stack, services, operations, audit, replay, benchmarks."""
