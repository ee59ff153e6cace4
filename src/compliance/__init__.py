"""compliance: check the state of an annual service-quality plan against its obligations.

Pipeline (one module per stage): ``_yaml`` (read YAML with positions) -> ``models`` and
``load`` (validate into typed objects) -> ``calendar`` (Taiwan working days, periods, due
dates) -> ``compile`` (rules to durable-rules JSON) -> ``engine`` (the only module that
talks to durable-rules) -> ``evaluate`` (findings) -> ``report`` (one formatter per format).
"""

__version__ = "0.1.0"
