"""Webhooks: which webhooks a feed event goes to, signed delivery with retries, delivery records."""
