"""HTTP Basic credentials, read alike by the token endpoint and the gateway's threat screen."""

import base64
from urllib.parse import unquote_plus


def basic_credentials(header: str) -> tuple[str, str] | None:
    """``Basic <base64 of id:secret>``, each part form-encoded (RFC 6749 §2.3.1), as (id, secret);
    None when malformed. The gateway's threat screen reads them with this too."""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except ValueError:  # not Base64 (binascii.Error), not ASCII, or not UTF-8 once decoded
        return None
    name, sep, secret = decoded.partition(":")
    return (unquote_plus(name), unquote_plus(secret)) if sep else None
