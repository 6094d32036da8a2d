"""Misbehaviour the simulated platforms can show, so that honesty about changes is testable.

Driven by a variant's `behaviour:` keys (docs/fixtures.md), the same for every platform and page:

- `save: ok | ignore | error`: the server stores a change, answers 200 and stores nothing, or
  answers 500 (handled in server.py).
- `confirm: [field, ...]` (or `["*"]`): before a change of these state fields is sent, the page
  asks "Are you sure?" in a dialog; only "Confirm" sends it.
- `reauth: [field, ...]` (or `["*"]`): the server refuses a change of these fields (HTTP 401)
  until the password is entered again; the page then asks for it in a dialog.

The page side is a script added to every page of such a variant: it wraps the pages' own saves
(`fetch` POSTs, classic form posts) rather than changing any template, as a platform's modal
layer would. The sandbox never checks or keeps the password (a sandbox account has none).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from privacyguard.sandbox.fixtures import Variant

PASSWORD_FIELD = "_password"

TEXTS = {
    "en": {"confirm_title": "Are you sure?", "confirm_body": "Do you want to change this setting?",
           "confirm_ok": "Confirm", "cancel": "Cancel", "reauth_title": "Please re-enter your password",
           "reauth_body": "For your security, enter your password to change this setting.",
           "reauth_label": "Password", "reauth_ok": "Submit"},
    "nl": {"confirm_title": "Weet u het zeker?", "confirm_body": "Wilt u deze instelling wijzigen?",
           "confirm_ok": "Bevestigen", "cancel": "Annuleren", "reauth_title": "Voer uw wachtwoord opnieuw in",
           "reauth_body": "Voer voor uw veiligheid uw wachtwoord in om deze instelling te wijzigen.",
           "reauth_label": "Wachtwoord", "reauth_ok": "Verzenden"},
}

_SCRIPT = """<style>
.pg-behaviour-overlay { position: fixed; inset: 0; background: rgba(0,0,0,.55); display: flex;
  align-items: center; justify-content: center; z-index: 1000; }
.pg-behaviour-overlay [role=dialog] { background: #fff; border-radius: 8px; padding: 20px; max-width: 440px; }
.pg-behaviour-overlay label { display: block; margin: 12px 0; }
</style>
<script>
(() => {
  const PG = __CONFIG__;
  const asks = (list, fields) => fields.some(f => PG.fields.includes(f) && (list.includes('*') || list.includes(f)));
  function dialog(title, body, okText, withPassword) {
    return new Promise(resolve => {
      const overlay = document.createElement('div');
      overlay.className = 'pg-behaviour-overlay';
      const box = document.createElement('div');
      box.setAttribute('role', 'dialog'); box.setAttribute('aria-modal', 'true'); box.setAttribute('aria-label', title);
      const h = document.createElement('h2'); h.textContent = title; box.appendChild(h);
      const p = document.createElement('p'); p.textContent = body; box.appendChild(p);
      let input = null;
      if (withPassword) {
        const label = document.createElement('label'); label.textContent = PG.text.reauth_label + ' ';
        input = document.createElement('input'); input.type = 'password'; input.autocomplete = 'current-password';
        label.appendChild(input); box.appendChild(label);
      }
      const cancel = document.createElement('button'); cancel.type = 'button'; cancel.textContent = PG.text.cancel;
      const ok = document.createElement('button'); ok.type = 'button'; ok.textContent = okText;
      box.appendChild(cancel); box.appendChild(ok); overlay.appendChild(box); document.body.appendChild(overlay);
      cancel.addEventListener('click', () => { overlay.remove(); resolve(null); });
      ok.addEventListener('click', () => {
        if (withPassword && !input.value) return;
        overlay.remove(); resolve(withPassword ? input.value : true);
      });
    });
  }
  const refused = () => new Response(JSON.stringify({ok: false, error: 'cancelled'}),
                                     {status: 409, headers: {'content-type': 'application/json'}});
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input, init = {}) => {
    if ((init.method || 'GET').toUpperCase() !== 'POST' || typeof init.body !== 'string') return realFetch(input, init);
    let changes = {};
    try { changes = JSON.parse(init.body); } catch (e) { return realFetch(input, init); }
    const fields = Object.keys(changes);
    if (asks(PG.confirm, fields)
        && !await dialog(PG.text.confirm_title, PG.text.confirm_body, PG.text.confirm_ok, false)) return refused();
    let response = await realFetch(input, init);
    if (response.status === 401 && asks(PG.reauth, fields)) {
      const password = await dialog(PG.text.reauth_title, PG.text.reauth_body, PG.text.reauth_ok, true);
      if (!password) return response;
      response = await realFetch(input, {...init, body: JSON.stringify({...changes, [PG.password_field]: password})});
    }
    return response;
  };
  document.addEventListener('submit', async event => {
    const form = event.target;
    if (form.dataset.pgConfirmed || !asks(PG.confirm, [...new FormData(form).keys()])) return;
    event.preventDefault();
    if (await dialog(PG.text.confirm_title, PG.text.confirm_body, PG.text.confirm_ok, false)) {
      form.dataset.pgConfirmed = '1';
      form.submit();
    }
  }, true);
})();
</script>
"""

_REAUTH_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{body}</p>
<form method="post" action="{action}">{hidden}
<label>{label} <input type="password" name="{field}" autocomplete="current-password"></label>
<button type="submit">{ok}</button></form></main></body></html>"""


def texts(variant: Variant) -> dict[str, str]:
    """The dialogs' texts in the variant's language; `behaviour_<key>` strings override them."""
    base = dict(TEXTS.get(variant.lang, TEXTS["en"]))
    base.update({k: variant.strings[f"behaviour_{k}"] for k in base if f"behaviour_{k}" in variant.strings})
    return base


def asks(names: list[str], fields: list[str]) -> bool:
    return any("*" in names or field in names for field in fields if not field.startswith("_"))


def inject(body: str, variant: Variant, state: dict[str, Any]) -> str:
    """Add the dialog layer to a page of a variant that confirms or re-authenticates changes."""
    behaviour = variant.behaviour
    if not behaviour.confirm and not behaviour.reauth:
        return body
    config = {"confirm": behaviour.confirm, "reauth": behaviour.reauth, "fields": sorted(state),
              "text": texts(variant), "password_field": PASSWORD_FIELD}
    script = _SCRIPT.replace("__CONFIG__", json.dumps(config).replace("</", "<\\/"))
    index = body.lower().rfind("</body>")
    return body + script if index < 0 else body[:index] + script + body[index:]


def needs_password(variant: Variant, changes: dict[str, Any]) -> bool:
    """True when this change must wait for the password (and none came with it)."""
    return asks(variant.behaviour.reauth, list(changes)) and not changes.get(PASSWORD_FIELD)


def reauth_page(variant: Variant, url: str, changes: dict[str, Any]) -> str:
    """The answer to a classic form post that needs the password: a page asking for it."""
    t = texts(variant)
    hidden = "".join(f'<input type="hidden" name="{escape(str(k))}" value="{escape(str(v))}">'
                     for k, v in changes.items() if k != PASSWORD_FIELD)
    return _REAUTH_PAGE.format(lang=escape(variant.lang), title=escape(t["reauth_title"]),
                               body=escape(t["reauth_body"]), action=escape(url), hidden=hidden,
                               label=escape(t["reauth_label"]), field=PASSWORD_FIELD, ok=escape(t["reauth_ok"]))
