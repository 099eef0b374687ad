"""The task worker service: takes tasks from the work queue and runs their handlers."""
