"""Records from the office's spreadsheets, and spreadsheets from the plan.

The pipeline follows the data: ``guard`` (is the file what it says, and small enough?)
-> ``read`` (sheets -> rows of cell values) -> ``columns`` (which column is which field)
-> ``rows`` (rows -> records, every problem located at its cell) -> ``reconcile``
(added, unchanged, conflicting) -> ``write`` (inserted into the records file, validated,
atomic). ``template`` and ``export`` go the other way, sharing ``layout``.
Nothing here prints or reads the clock; the CLI does.
"""
