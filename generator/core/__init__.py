"""The vocabulary every layer shares: the canonical model and its fields, problems and
the ledger, addresses, and the rules for values from input. Imports nothing else of
the generator."""
