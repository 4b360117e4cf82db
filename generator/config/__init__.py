"""The council's own files that are not data: the site configuration, the mapping of
its export's columns, and the field policy. Every problem in a file is reported at once."""
