"""privacyguard: read, judge and fix social-media privacy settings in a real browser.

The public library API lives in :mod:`privacyguard.api`; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"
