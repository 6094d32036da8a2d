"""Signing in to real (and simulated) accounts: saved sessions first, a stored password second.

- `observe`: what a sign-in related page shows (form, wrong password, two-step prompt, ...).
- `automated`: sign in with the password (and TOTP code) from the keyring.
- `manual`: `privacyguard login`: the person signs in by hand in a visible browser.
- `layer`: the per-account procedure a scan runs (session, sign-in, interruptions, politeness).
- `messages`: every interruption's kind and message, in one place.
"""
