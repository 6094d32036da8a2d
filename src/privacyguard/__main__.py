"""`python -m privacyguard` runs the CLI."""

from privacyguard.cli import main

main()
