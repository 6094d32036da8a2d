"""`python -m privacyguard` and the `privacyguard` command run the CLI."""

import sys


def run() -> None:
    """Start the CLI. A Ctrl-C while it is still loading (seconds on a busy machine) ends it quietly
    with 130, as a Ctrl-C later does, never with a traceback."""
    try:
        from privacyguard.cli import main

        main()
    except KeyboardInterrupt:  # the CLI answers a Ctrl-C itself; this is one before or after it listens
        sys.exit(130)


if __name__ == "__main__":
    run()
