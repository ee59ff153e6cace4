"""compliance: check the state of an annual service-quality plan against its obligations.

Pipeline (one module per stage): ``_yaml`` (read YAML with positions) -> ``models``,
``bundle`` and ``load`` (validate into typed objects) -> ``periods`` (Taiwan working days,
periods, due dates) -> ``engine`` (the rules-engine port; ``engine.durable`` compiles rules
to durable-rules JSON and is the only package that talks to durable-rules) -> ``evaluate``
(findings) -> ``report`` (one formatter per format). See docs/architecture.md.
"""

__version__ = "0.1.0"
