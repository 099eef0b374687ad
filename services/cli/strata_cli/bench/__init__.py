"""`strata bench`: figures measured against the raw floor in the same run, printed, never asserted."""
