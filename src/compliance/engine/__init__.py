"""The rules-engine port (being introduced; see compliance.engine.durable)."""
