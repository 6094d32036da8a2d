"""Every sign-in interruption privacyguard recognises: its kind (a stable code in snapshots and
reports) and the message a person sees. Messages never carry a secret."""

from __future__ import annotations

from privacyguard.i18n import N_, _
from privacyguard.snapshot import AccountError

MESSAGES: dict[str, str] = {  # marked for the catalogue; translated when the message is made
    "wrong_password": N_("wrong password: {platform} rejected the password stored for {account}; store the right one "
                       "with `privacyguard accounts update {account} --password-stdin` (automated sign-in waits "
                       "until then) or run privacyguard login {account}"),
    "account_locked": N_("account locked or disabled: {platform} said so at sign-in; sort it out on {platform}'s site, "
                       "then run privacyguard login {account}"),
    "two_step_required": N_("two-step code asked for and no TOTP secret stored: run privacyguard login {account} "
                          "(or store the secret with `privacyguard accounts update {account} --totp-stdin`)"),
    "two_step_rejected": N_("two-step code rejected: {platform} did not accept the code from the stored TOTP secret; "
                          "check it (`privacyguard accounts update {account} --totp-stdin`) or run "
                          "privacyguard login {account}"),
    "checkpoint": N_("blocked by platform security: sign in by hand with privacyguard login {account}"),
    "captcha": N_("blocked by platform security: sign in by hand with privacyguard login {account}"),
    "rate_limited": N_("temporarily blocked by {platform} (too many requests): all work on {platform} stopped for "
                     "this run; try again later"),
    "rate_limited_other": N_("not scanned: {platform} temporarily blocked privacyguard earlier in this run; all work "
                           "on {platform} stopped; try again later"),
    "session_expired": N_("session expired: run privacyguard login {account}"),
    "not_signed_in": N_("not signed in: run privacyguard login {account}"),
    "sign_in_unsupported": N_("privacyguard cannot sign in to {platform} by itself (its flow has no sign-in form): "
                            "run privacyguard login {account}"),
    "no_username": N_("automated sign-in needs the sign-in name: `privacyguard accounts update {account} "
                    "--username NAME`, or run privacyguard login {account}"),
    "sign_in_failed": N_("sign-in failed ({detail}): run privacyguard login {account}"),
    "sign_in_paused": N_("automated sign-in paused since {detail}: run privacyguard login {account} "
                       "(or update the stored secret with `privacyguard accounts update {account}`)"),
    "keyring_unavailable": N_("no usable keyring ({detail}): see `privacyguard doctor`"),
    "session_unreadable": "{detail}",
}

# Interruptions after which privacyguard must not type the password again by itself.
PAUSES_AUTOMATION = {"wrong_password", "account_locked", "checkpoint", "captcha", "two_step_rejected"}


def message(kind: str, account: str, platform: str, detail: str = "") -> str:
    return _(MESSAGES[kind]).format(account=account, platform=platform, detail=detail)


def account_error(kind: str, account: str, platform: str, detail: str = "") -> AccountError:
    return AccountError(kind=kind, message=message(kind, account, platform, detail))
