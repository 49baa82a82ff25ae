"""Platform lock rules (PL): what the images a repository uses really publish, read offline from
``archlint.lock`` (written by ``archlint lock``; see ``archlint.lock``).  Without a lock file the
family says nothing; ``archlint check --online`` adds the registry's current answer for tags."""
from . import rules  # noqa: F401
