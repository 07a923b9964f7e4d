"""One exception hierarchy, caught once at each boundary (the poller, the sender, the portal).

- `UserInputError`: the input is bad (a message that cannot be parsed, a malformed export, a
  tampered link). Quarantine or refuse it with a clear message and carry on with the rest.
- `TransientError`: the world is briefly unavailable (a dropped connection, a 4xx from SMTP).
  Retry with backoff; nothing is lost by waiting.
- `ConfigurationError`: a setting is wrong. The message names the setting to fix.
Anything else is a bug: log it with addresses redacted and record it on the object, never swallow.
"""


class MailAgentError(Exception):
    """Base of every error this product raises on purpose."""


class UserInputError(MailAgentError):
    """Bad input from outside: quarantine or refuse it, then carry on."""


class UnparseableEmail(UserInputError):
    """A message whose bytes cannot be turned into a ParsedEmail."""


class UnsafeHeader(UserInputError):
    """A header value built from inbound data would smuggle CR/LF into an outgoing message."""


class TransientError(MailAgentError):
    """Temporary failure: retry later with backoff."""


class ConfigurationError(MailAgentError):
    """A setting is missing or wrong; the message names it."""


class InvalidTransition(MailAgentError):
    """A draft was asked to move to a state its current state does not allow."""


class DeliveryRefused(MailAgentError):
    """The mail server refused a message for good (an SMTP 5xx): sending it again as it is would
    be refused again. A person decides what to do."""


class DeliveryUnknown(MailAgentError):
    """The message was handed over in full but the server's answer never came (a timeout or a
    dropped connection after the final "."). It may have been delivered: never resend it
    automatically; a person checks."""
