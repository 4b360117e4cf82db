"""The one exception every failure the command explains derives from. Each kind says
the exit code it ends the command with and how the command introduces it, so the
command has one place that turns errors into messages (cli.py) and no list to keep in
step with them."""

from __future__ import annotations

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class GeneratorError(Exception):
    """A failure the command explains in plain words, without a traceback."""

    exit_code = EXIT_DATA
    heading = ""  # what the command says before the message, e.g. 'Boundary file problem'

    def explain(self) -> str:
        """The message the command prints."""
        return f"{self.heading}: {self}" if self.heading else str(self)


class UsageError(GeneratorError):
    """The command or the configuration was used wrongly: exit code 2."""

    exit_code = EXIT_USAGE
    heading = "Usage"


class DataError(GeneratorError):
    """The export or the built site failed a check: exit code 1."""


class InternalError(GeneratorError):
    """A bug in the generator, never a data problem."""

    heading = "Internal error, please report it"
