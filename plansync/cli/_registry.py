"""Every command module, by name: each registers its command on ``plansync.cli._main.main`` when
imported, and ``_main`` imports one when its command is asked for (or all, to list them).

One name per module: add yours here. Names, not imports, so the command group never imports the
modules that import it. A bare name is a module of ``plansync.cli``; ``addin.cli`` lives with the
add-in it installs (the add-in's ribbon sits above the commands, so its CLI does too).
"""

COMMAND_MODULES: tuple[str, ...] = (
    "new",
    "validate",
    "rag",
    "serve",
    "sync",
    "auth",
    "adopt",
    "report",
    "addin.cli",
    "pull",
    "refresh",
    "roles",
    "history",
)

__all__ = ["COMMAND_MODULES"]
