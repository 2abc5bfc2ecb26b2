"""claude-py's terminal client. It talks to the daemon and imports only its protocol package."""

__version__ = "0.1.0"
