"""The simulated platforms: fixture pages served at the platforms' real URLs by interception."""

from privacyguard.sandbox.fixtures import Variant, list_variants, load_variant
from privacyguard.sandbox.server import SandboxAccount, reset_state

__all__ = ["SandboxAccount", "Variant", "list_variants", "load_variant", "reset_state"]
