"""Guided fixing: explain each shortfall, ask, change it through the flow, read it back, remember, undo.

- `plan.py`: findings → planned changes, with what each change will do.
- `model.py`: the result of a fix or undo run (the JSON output; docs/fix.md).
- `journal.py`: every fix run recorded with before-values, under the privacyguard home.
- `apply.py`: the browser side: one context per account, change, read back, classify.
- `session.py`: the library entry points `fix()` and `undo()` the CLI calls.

A change is `applied` only when a fresh page load shows the target value.
"""
