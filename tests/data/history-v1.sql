-- A history database as privacyguard wrote it at schema version 1 (frozen: never edit).
-- test_history_db.py opens it with today's code and checks the migration keeps everything.
PRAGMA user_version = 1;
CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    tool_json TEXT NOT NULL,
    policy_json TEXT NOT NULL,
    lang TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    summary_json TEXT NOT NULL
);
CREATE TABLE account_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    account TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    snapshot_json TEXT NOT NULL,
    report_json TEXT NOT NULL,
    UNIQUE (sweep_id, platform, account)
);
CREATE INDEX account_runs_by_account ON account_runs (platform, account, sweep_id);
INSERT INTO sweeps VALUES (1, '2026-11-02T09:00:00+00:00', '2026-11-02T09:00:05+00:00',
  '{"name": "privacyguard", "version": "0.1.0", "lang": "en"}',
  '{"name": "sweep-test", "source": "/work/wt-5/tests/data/sweep-policy.yaml", "extends": [], "rules": 4}', 'en', 1, '{"PASS": 1, "FAIL": 1, "WARN": 0, "UNKNOWN": 0, "ERROR": 0, "NOT_APPLICABLE": 0, "MUTED": 0}');
INSERT INTO account_runs VALUES (1, 1, 'linkedin', 'li', 'FAIL', NULL,
  '{"platform":"linkedin","account":"li","sandbox":null,"started_at":"2026-11-26T10:53:42Z","finished_at":null,"error":null,"readings":{"linkedin.generative_ai_data":{"setting":"linkedin.generative_ai_data","status":"read","value":"on","note":null,"evidence":{"url":"https://www.linkedin.com/x","locator":null,"raw":null}},"linkedin.discovery_by_email":{"setting":"linkedin.discovery_by_email","status":"read","value":"nobody","note":null,"evidence":{"url":"https://www.linkedin.com/x","locator":null,"raw":null}}}}',
  '{"platform":"linkedin","account":"li","status":"FAIL","error":null,"findings":[{"uid":"linkedin:li:linkedin.generative_ai_data","setting":"linkedin.generative_ai_data","title":"Data for Generative AI Improvement","status":"FAIL","severity":"high","level":"shall","expected":"off","actual":"on","reason":"is on, expected off","rationale":"Your posts and profile are used to train AI models. Switch it off.","remediation":{"steps":["Open Settings & Privacy > Data privacy > Data for Generative AI Improvement.","Switch ''Use my data for training content creation AI models'' to Off."],"url":"https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"},"automatable":true,"target":"off"},{"uid":"linkedin:li:linkedin.discovery_by_email","setting":"linkedin.discovery_by_email","title":"Profile discovery using email address","status":"PASS","severity":"medium","level":"should","expected":"one of: nobody, first_degree","actual":"nobody","reason":"is nobody","rationale":"Strangers who have your e-mail address can find your profile.","remediation":{"steps":["Open Settings & Privacy > Visibility > Profile discovery using email address.","Choose ''Nobody'' or ''1st-degree connections''."],"url":"https://www.linkedin.com/mypreferences/d/settings/discover-me-by-email-address"},"automatable":true,"target":"nobody"}]}');
