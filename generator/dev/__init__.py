"""Tools for developing the generator (the sample export, benchmarks, reference docs).
The runtime never imports them; the command line's `sample` command does."""
