"""Cross-cutting pieces every service shares: settings, errors, logging and tracing set-up."""
