"""From the export to canonical records: read each file (CSV or XLSX), map its rows,
locate them, and check them. Every row carries its source file and row number."""
