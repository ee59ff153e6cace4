"""The durable-rules 2.0.28 binding: the only code that imports durable-rules."""
