"""What may leave the back office: the field policy applied, free text redacted, and the
built site searched for every sensitive value (the leak scan)."""
