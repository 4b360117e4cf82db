"""Published statistics about cases that are not on the register: periods, tables and
the suppression that protects the people in them."""
