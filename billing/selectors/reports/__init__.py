"""The directors' reports: revenue, utilisation, cost recovery, forward revenue, pipeline, receivables.

Every figure is read from rows the services keep current, never from the hour
entries or invoice lines themselves: the finalised lines' summary ``RevenueFact`` (revenue), the sheets'
summary columns ``Timesheet.hours_total`` / ``amount_total`` (work), placements
and leave (capacity), receivables and the payments ledger (aging). Each table is
a fixed number of queries whatever the data size; ``context.ReportContext``
runs each query at most once per request.
"""
