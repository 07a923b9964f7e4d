"""Settings, all from the environment (a `.env` file in the project folder is read if present).

Every variable is listed with its default and meaning in the README's configuration table; keep
the two in step. Defaults run the whole product on one laptop with nothing configured: SQLite,
the bundled demo mailbox, an outbox folder instead of SMTP, and the rules model.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from mailagent.conf import (
    SettingsError,
    admins_excluding,
    mailbox_token_key_problems,
    production_problems,
    workflow_mode,
)
from mailagent.workflows.registry import workflow_modes

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("ENVIRONMENT", default="development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    _problems = production_problems(
        secret_key=env.str("SECRET_KEY", default=""),
        debug=DEBUG,
        allowed_hosts=env.list("ALLOWED_HOSTS", default=[]),
        mailbox_token_keys=env.list("MAILBOX_TOKEN_KEYS", default=[]),
    )
    if _problems:
        raise ImproperlyConfigured(
            "Refusing to start with ENVIRONMENT=production: " + "; ".join(_problems) + "."
        )
# The development key is only ever used when ENVIRONMENT is not "production".
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me" * 2)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

if PRODUCTION:
    # HTTPS only, cookies never sent in clear, no framing; a proxy in front terminates TLS and says
    # so with X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A Content-Security-Policy (django-csp) on every page, the portal's and the admin's: scripts and
# styles come only from our own static files, so that text from an email shown on a page (subject,
# body, sender) cannot run as script or restyle the page should escaping ever fail.
# frame-ancestors repeats X_FRAME_OPTIONS for browsers that follow only CSP; data: images are the
# pages' empty favicon. CSP_REPORT_ONLY sends it as Content-Security-Policy-Report-Only instead:
# browsers then report what it would block and block nothing (X_FRAME_OPTIONS still denies framing).
_csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    _csp_directives["report-uri"] = _csp_report_uri
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "mailagent",
    "mailagent.workflows",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mailagent.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Opening a PostgreSQL connection costs more than serving an approval page: keep them open,
    # and check them before reuse so that a restarted server costs one error, not many.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
else:
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the portal read while the poller writes; the timeout rides out short write locks.
    # synchronous=NORMAL: in WAL mode a commit then needs no fsync, only checkpoints do. A killed
    # process loses nothing committed (the WAL is in the OS's hands); only a power cut can undo
    # the last few commits, which the poller then fetches again by UID. It makes each commit
    # about 0.6 ms cheaper, and ingestion commits twice per message.
    # transaction_mode IMMEDIATE: a transaction takes the write lock when it begins, so that
    # writers (poller threads, worker processes, the portal) queue on `timeout` instead of failing
    # with "database is locked" when a read-then-write transaction finds its snapshot stale.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = "config.formats"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact": {"()": "mailagent.logs.RedactingFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # mail-parser warns about every part type it does not render (delivery reports' headers);
    # the message is kept raw and parsed by us, so those warnings are noise.
    "loggers": {"mailparser": {"level": "ERROR"}},
}

# --- The business and its people -------------------------------------------------------------

BUSINESS_NAME = env.str("BUSINESS_NAME", default="Acme Supplies")
# The agent's own address: the From of everything it sends, and the mailbox it watches.
AGENT_EMAIL = env.str("AGENT_EMAIL", default="agent@acme.example")
STAFF_EMAILS = env.list("STAFF_EMAILS", default=[])
STAFF_DOMAINS = env.list("STAFF_DOMAINS", default=["acme.example"])
APPROVER_EMAILS = env.list("APPROVER_EMAILS", default=["owner@acme.example"])
# The authserv-id your own mail server writes in Authentication-Results (e.g. mx.acme.example).
# Set, a staff forward counts only when that server says DMARC, or aligned DKIM/SPF, passed.
# Empty, staff forwards are trusted by address alone, which a forged From can imitate.
TRUSTED_AUTHSERV_ID = env.str("TRUSTED_AUTHSERV_ID", default="")

# --- Mail in ---------------------------------------------------------------------------------

INBOX_DIR = Path(env.str("INBOX_DIR", default=str(BASE_DIR / "mailagent" / "demo" / "inbox")))
# Seconds between passes of `poll` when IDLE is not available.
POLL_INTERVAL = env.float("POLL_INTERVAL", default=60.0)
# How long `poll --once` holds a folder against other pollers; a run that dies lets it lapse.
POLL_LEASE_SECONDS = env.float("POLL_LEASE_SECONDS", default=900.0)

# IMAP replaces INBOX_DIR as soon as IMAP_HOST (or IMAP_EXTRA_MAILBOXES) is set.
IMAP_HOST = env.str("IMAP_HOST", default="")
IMAP_SSL = env.bool("IMAP_SSL", default=True)
IMAP_STARTTLS = env.bool("IMAP_STARTTLS", default=False)
# 0 picks the usual port: 993 with IMAP_SSL, 143 otherwise.
IMAP_PORT = env.int("IMAP_PORT", default=0)
IMAP_USER = env.str("IMAP_USER", default="")
IMAP_PASSWORD = env.str("IMAP_PASSWORD", default="")
# How the main mailbox logs in: "password" (IMAP_PASSWORD), or "oauth2" for a Google Workspace or
# Microsoft 365 mailbox connected in the admin (IMAP_USER is then the mailbox's address; XOAUTH2,
# or OAUTHBEARER where the server offers only that). An IMAP_EXTRA_MAILBOXES URL says the same
# with ?auth=oauth2; one installation may mix both.
IMAP_AUTH = env.str("IMAP_AUTH", default="password")
# One folder or several, comma-separated; each is watched on its own connection.
IMAP_FOLDER = env.list("IMAP_FOLDER", default=["INBOX"])
# Empty: processed mail stays where it is, flags untouched. Otherwise it is moved there once its
# processing has committed.
IMAP_PROCESSED_FOLDER = env.str("IMAP_PROCESSED_FOLDER", default="")
# A first sync turns only this many days of mail into work; older mail is recorded as seen.
IMAP_BACKFILL_DAYS = env.int("IMAP_BACKFILL_DAYS", default=7)
# More mailboxes, as URLs: imaps://user:password@host[:port]/Folder[,Folder2][?processed=Done]
# (imap://...?starttls=true for STARTTLS; percent-encode "@" and ":" inside user or password).
IMAP_EXTRA_MAILBOXES = env.list("IMAP_EXTRA_MAILBOXES", default=[])
IMAP_TIMEOUT = env.float("IMAP_TIMEOUT", default=30.0)
# RFC 2177 lets a server drop an IDLE after 29 minutes, and NAT boxes often forget a quiet
# connection much sooner; mail clients renew every few minutes, and so do we.
IMAP_IDLE_RENEW_SECONDS = env.float("IMAP_IDLE_RENEW_SECONDS", default=240.0)
# A watching poller's lease on its folder outlasts each IDLE by this margin; a second poller on
# the same folder looks this often whether the first has gone.
IMAP_LEASE_MARGIN_SECONDS = env.float("IMAP_LEASE_MARGIN_SECONDS", default=60.0)
# Larger messages are recorded from their headers and quarantined; the body is never fetched.
MAX_MESSAGE_BYTES = env.int("MAX_MESSAGE_BYTES", default=25 * 1024 * 1024)
# Processes that parse and triage a backlog side by side in `poll --once` (a first sync, a
# catch-up); 1 processes everything in the command's own process.
INGEST_WORKERS = env.int("INGEST_WORKERS", default=min(4, os.cpu_count() or 1))

# --- Mail out --------------------------------------------------------------------------------

OUTBOX_DIR = Path(env.str("OUTBOX_DIR", default=str(VAR_DIR / "outbox")))
SMTP_HOST = env.str("SMTP_HOST", default="")
SMTP_PORT = env.int("SMTP_PORT", default=587)
SMTP_USER = env.str("SMTP_USER", default="")
SMTP_PASSWORD = env.str("SMTP_PASSWORD", default="")
# "password" (SMTP_USER and SMTP_PASSWORD), or "oauth2": SASL XOAUTH2 for a mailbox connected in
# the admin, SMTP_USER being its address. A refused token is refreshed and tried once more; a
# mailbox that must be connected again keeps its approved mail queued until it is.
SMTP_AUTH = env.str("SMTP_AUTH", default="password")
SMTP_STARTTLS = env.bool("SMTP_STARTTLS", default=True)
SMTP_TIMEOUT = env.float("SMTP_TIMEOUT", default=30.0)
# A send the server turned away for now (4xx, or no connection) is tried again, same bytes and
# Message-ID, after 1, 2, 4, ... minutes, at most SEND_RETRY_MAX_DELAY_MINUTES apart; it fails
# (and the digest says so) after SEND_RETRY_MAX_ATTEMPTS attempts or SEND_RETRY_MAX_HOURS.
SEND_RETRY_MAX_ATTEMPTS = env.int("SEND_RETRY_MAX_ATTEMPTS", default=12)
SEND_RETRY_MAX_HOURS = env.float("SEND_RETRY_MAX_HOURS", default=24.0)
SEND_RETRY_MAX_DELAY_MINUTES = env.int("SEND_RETRY_MAX_DELAY_MINUTES", default=60)

# --- Approval --------------------------------------------------------------------------------

PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Behind a proxy the portal's own origin must be trusted for its forms' CSRF check.
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=["{0.scheme}://{0.netloc}".format(urlsplit(PORTAL_BASE_URL))],
)
APPROVAL_LINK_MAX_AGE_HOURS = env.int("APPROVAL_LINK_MAX_AGE_HOURS", default=72)
# Hits allowed on the approval pages per client address and per link (django-ratelimit rates).
PORTAL_RATE_PER_ADDRESS = env.str("PORTAL_RATE_PER_ADDRESS", default="120/m")
PORTAL_RATE_PER_TOKEN = env.str("PORTAL_RATE_PER_TOKEN", default="30/m")
# Behind a proxy, the header holding the client's address (e.g. HTTP_X_REAL_IP); empty: the peer.
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None

# --- Agents ----------------------------------------------------------------------------------

AGENT_MODEL = env.str("AGENT_MODEL", default="rules")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")  # empty: api.openai.com
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="")
OPENAI_TIMEOUT = env.float("OPENAI_TIMEOUT", default=30.0)
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", default=3)
# Read the model's answer as it is streamed (server-sent events) rather than whole; the token
# counts are kept either way. And a cap on the answer's tokens (0: the server's own).
OPENAI_STREAM = env.bool("OPENAI_STREAM", default=False)
OPENAI_MAX_TOKENS = env.int("OPENAI_MAX_TOKENS", default=0)
# The learned triage model (`python manage.py train_triage` writes it); empty: rules alone. A
# missing, corrupt or older file is ignored with a warning, and the rules triage alone.
TRIAGE_MODEL_PATH = env.str("TRIAGE_MODEL_PATH", default=str(VAR_DIR / "triage-model.npz"))
# How sure the learned model must be (0-1) for its category or urgency to replace the rules'
# (of eight categories; chosen by cross-validation: mailagent/learned/combine.py).
TRIAGE_MODEL_CONFIDENCE = env.float("TRIAGE_MODEL_CONFIDENCE", default=0.3)
# Local time (in TIME_ZONE) of the nightly retrain of the learned model, which trains only when
# a ticket was corrected or approved as drafted since; empty: never retrained on a schedule.
TRIAGE_RETRAIN_TIME = env.str("TRIAGE_RETRAIN_TIME", default="02:30")
# How many model calls run at once during a pass over the inbox.
MODEL_CONCURRENCY = env.int("MODEL_CONCURRENCY", default=8)
# The business's language (ISO 639-1): replies where the customer's own cannot be told.
DEFAULT_LANGUAGE = env.str("DEFAULT_LANGUAGE", default="en").strip().lower()
# The business's own facts, as Markdown or text files (opening hours, delivery, returns, prices,
# FAQs): customer-reply drafts quote only these. Re-read when a file changes.
KNOWLEDGE_DIR = Path(
    env.str("KNOWLEDGE_DIR", default=str(BASE_DIR / "mailagent" / "demo" / "knowledge"))
)
# The language of knowledge files whose name carries none ("returns.de.md" is German).
KNOWLEDGE_LANGUAGE = env.str("KNOWLEDGE_LANGUAGE", default="en").strip().lower()

# --- Invoices and reminders ------------------------------------------------------------------

# How customers pay you (bank name, IBAN, a payment page), as a reply about money owed writes it;
# "\n" starts a new line. Only this text, never one from mail or a model, is given as payment
# details. Empty: replies tell customers to pay as their invoice says.
PAYMENT_DETAILS = env.str("PAYMENT_DETAILS", default="").replace("\\n", "\n").strip()

# The currency of exports that do not name one (QuickBooks and Xero aging reports).
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="USD").upper()
# Days overdue (of the oldest invoice) at which each reminder stage starts.
REMINDER_FRIENDLY_DAYS = env.int("REMINDER_FRIENDLY_DAYS", default=3)
REMINDER_FIRM_DAYS = env.int("REMINDER_FIRM_DAYS", default=14)
REMINDER_FINAL_DAYS = env.int("REMINDER_FINAL_DAYS", default=30)
# Never remind the same customer twice within this many days.
REMINDER_MIN_GAP_DAYS = env.int("REMINDER_MIN_GAP_DAYS", default=7)
# A customer never reminded before whose oldest invoice is this many days overdue goes to a
# person instead of getting a first letter that late.
REMINDER_FIRST_CONTACT_ESCALATE_DAYS = env.int("REMINDER_FIRST_CONTACT_ESCALATE_DAYS", default=90)

# --- Workflows and schedules -------------------------------------------------------------------

# Each workflow: off, shadow (runs, records what it would do, sends nothing), draft (drafts wait
# for approval) or auto (acts alone; refused for anything customer-facing).
try:
    TRIAGE_MODE = workflow_mode("TRIAGE_MODE", env.str("TRIAGE_MODE", default="draft"))
    REMINDER_MODE = workflow_mode("REMINDER_MODE", env.str("REMINDER_MODE", default="draft"))
    DIGEST_MODE = workflow_mode("DIGEST_MODE", env.str("DIGEST_MODE", default="auto"))
    # The workflows of mailagent/workflows/registry.py, one mode setting each (KPI_REPORT_MODE):
    # auto is refused unless the risk table says every action of the workflow is low risk.
    globals().update(workflow_modes(lambda name, default: env.str(name, default=default)))
except SettingsError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
# Local times (in TIME_ZONE) of the weekday reminder run and the daily digest.
REMINDER_TIME = env.str("REMINDER_TIME", default="08:00")
DIGEST_TIME = env.str("DIGEST_TIME", default="07:30")
# Who may mail accounting exports (CSV attachments go to the importer, not to triage): addresses,
# or whole domains written "@example.com". With TRUSTED_AUTHSERV_ID set, only authenticated ones.
ACCOUNTING_EXPORT_SENDERS = env.list("ACCOUNTING_EXPORT_SENDERS", default=[])
# A folder watched for accounting exports (CSV); empty: none.
ACCOUNTING_EXPORT_DIR = env.str("ACCOUNTING_EXPORT_DIR", default="")
# An export that would mark more than this share of the open invoices of its kind paid at once
# (by not listing them) is held, whole, until a person imports it with --accept-missing; only
# when more than 3 would go (mailagent/services/export_holds.py). 1 turns the hold off.
EXPORT_MAX_PAID_SHARE = env.float("EXPORT_MAX_PAID_SHARE", default=0.5)
if not 0 <= EXPORT_MAX_PAID_SHARE <= 1:
    raise ImproperlyConfigured("EXPORT_MAX_PAID_SHARE is a share between 0 and 1, such as 0.5.")
# Poll the inbox from the task scheduler. Off when a `poll` process stays connected with IDLE.
POLL_BY_SCHEDULE = env.bool("POLL_BY_SCHEDULE", default=True)

# Django's own error mail goes to ADMINS, never to the agent's inbox, through the same server.
ADMINS = admins_excluding(env.list("ADMINS", default=[]), AGENT_EMAIL)
SERVER_EMAIL = AGENT_EMAIL
EMAIL_HOST, EMAIL_PORT = SMTP_HOST or "localhost", SMTP_PORT
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS = SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS
if not SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(OUTBOX_DIR / "django-errors")

# --- Tasks -----------------------------------------------------------------------------------

# Inline by default: with no `qcluster` running (the embedded setup), queued work such as
# sending an approved draft runs at once in the process that queued it.
TASKS_INLINE = env.bool("TASKS_INLINE", default=True)
Q_CLUSTER = {
    "name": "mailagent",
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    # django-q2 re-queues a task still unacknowledged after `retry` seconds; it must exceed the
    # timeout or a slow task runs twice.
    "retry": 420,
    "catch_up": False,
    "sync": TASKS_INLINE,
    "save_limit": 1000,
}
# redis://... switches django-q2 from the database broker to Redis (several qcluster machines).
Q_BROKER = env.str("Q_BROKER", default="")
if Q_BROKER.startswith(("redis://", "rediss://")):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = Q_BROKER
elif Q_BROKER:
    raise ImproperlyConfigured(f"Q_BROKER={Q_BROKER!r}: use a redis:// URL, or leave it empty.")

# The approval pages' rate limits count in this cache; share it (redis://) across processes.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- Digest and metrics ----------------------------------------------------------------------

# Who receives the daily digest; empty means the approvers. Recipients who are also approvers
# (or backup approvers) get magic links in it; others see the list only.
DIGEST_RECIPIENTS = env.list("DIGEST_RECIPIENTS", default=[])
# A draft still waiting after this many hours is raised again: to the backup approvers when
# set (once per version of the draft), and flagged at the top of the digest.
APPROVAL_REMIND_HOURS = env.int("APPROVAL_REMIND_HOURS", default=24)
BACKUP_APPROVER_EMAILS = env.list("BACKUP_APPROVER_EMAILS", default=[])
# The digest's "approve all of these" link acts on several drafts at once: it lives shorter.
APPROVE_ALL_MAX_AGE_HOURS = env.int("APPROVE_ALL_MAX_AGE_HOURS", default=24)
# Minutes a person would have spent on each task the agent did: the "minutes saved" metric.
MINUTES_SAVED_PER_REPLY = env.int("MINUTES_SAVED_PER_REPLY", default=6)
MINUTES_SAVED_PER_REMINDER = env.int("MINUTES_SAVED_PER_REMINDER", default=10)
MINUTES_SAVED_PER_TRIAGE = env.int("MINUTES_SAVED_PER_TRIAGE", default=2)

# --- Weekly KPI report (mailagent/workflows/kpi) ------------------------------------------------

# Who receives the weekly KPI report; empty means the digest's recipients.
REPORT_RECIPIENTS = env.list("REPORT_RECIPIENTS", default=[])
# A folder of a shop's order exports (Shopify's or WooCommerce's CSV): orders and revenue in the
# weekly report. Read only, never imported; empty: none.
SALES_EXPORT_DIR = env.str("SALES_EXPORT_DIR", default="")

# --- Inventory exception checks (mailagent/workflows/inventory) --------------------------------

# A folder of the shop's stock exports (Shopify's inventory or products export, WooCommerce's
# products export, a CSV of sku and quantity) and order exports (Shopify's or WooCommerce's),
# read by the daily checks; exports mailed by ACCOUNTING_EXPORT_SENDERS are saved into it. Empty:
# none (INVENTORY_MODE, off by default, needs it).
INVENTORY_EXPORT_DIR = env.str("INVENTORY_EXPORT_DIR", default="")
# A SKU is flagged when its stock lasts fewer than this many days at the rate it sold over the
# last STOCK_SALES_WINDOW_DAYS days (the day checked included).
STOCK_COVER_DAYS = env.int("STOCK_COVER_DAYS", default=14)
STOCK_SALES_WINDOW_DAYS = env.int("STOCK_SALES_WINDOW_DAYS", default=28)
# Two stock exports of the same day that differ by more than this many units for a SKU.
STOCK_DRIFT_UNITS = env.int("STOCK_DRIFT_UNITS", default=5)
if STOCK_COVER_DAYS < 1 or STOCK_SALES_WINDOW_DAYS < 1 or STOCK_DRIFT_UNITS < 0:
    raise ImproperlyConfigured(
        "STOCK_COVER_DAYS and STOCK_SALES_WINDOW_DAYS are at least 1 day; STOCK_DRIFT_UNITS "
        "is 0 or more."
    )
# Who supplies what, where the stock export has no supplier column: a CSV of sku,
# supplier_email, supplier_name. Purchase orders are drafted only for SKUs with a supplier.
SUPPLIERS_FILE = env.str("SUPPLIERS_FILE", default="")
# Who receives the stock alerts; empty means the digest's recipients.
INVENTORY_ALERT_RECIPIENTS = env.list("INVENTORY_ALERT_RECIPIENTS", default=[])

# --- Mailboxes connected with OAuth2 ------------------------------------------------------------

# Fernet keys (comma-separated) that encrypt the connected mailboxes' OAuth tokens and client
# secrets: the first encrypts, every one decrypts. To rotate: put a new key first, run
# `manage.py rotate_mailbox_tokens`, then remove the old one. Required in production; empty in
# development, a key is derived from SECRET_KEY (with a warning when it is used).
MAILBOX_TOKEN_KEYS = env.list("MAILBOX_TOKEN_KEYS", default=[])
if _key_problems := mailbox_token_key_problems(MAILBOX_TOKEN_KEYS):
    raise ImproperlyConfigured("; ".join(_key_problems) + ".")
# The Microsoft Entra tenant in the sign-in and token addresses: your tenant's id or domain for
# an app registered for one organisation, "organizations" for any work or school account.
OAUTH_MICROSOFT_TENANT = env.str("OAUTH_MICROSOFT_TENANT", default="organizations")
# How long a consent started in the admin may take before its callback is refused.
OAUTH_STATE_MAX_AGE_SECONDS = env.int("OAUTH_STATE_MAX_AGE_SECONDS", default=600)
# Seconds to wait for a provider's token endpoint.
OAUTH_TIMEOUT = env.float("OAUTH_TIMEOUT", default=15.0)
# Endpoints by provider, replacing the real ones (tests point them at a server on 127.0.0.1):
# {"google": {"token_endpoint": "http://127.0.0.1:9000/token", ...}}. Not read from the
# environment.
OAUTH_PROVIDER_OVERRIDES: dict[str, dict[str, str]] = {}
