"""Known attack tools: their User-Agent signatures and the paths they probe first."""

import re

from core.domain.threat.model import AttackKind, Finding, Location

_TOOL_AGENT = re.compile(
    r"\b(?:sqlmap|nikto|nmap|masscan|acunetix|nuclei|wpscan|dirbuster|gobuster|dirb|ffuf|wfuzz|"
    r"feroxbuster|zgrab|hydra|w3af|arachni|skipfish|openvas|nessus|netsparker|appscan|burp ?suite|"
    r"zaproxy|owasp[ _-]?zap|havij|jaeles|whatweb|commix|xsstrike|fimap|joomscan|droopescan|"
    r"httpx - open-source|interactsh|qualys|morfeus|zmeu|paros|webinspect|grabber|nstealth|"
    r"brutus|metasploit|python-requests/\d.*\bscan|libwww-perl/\d.*\bscan)\b",
    re.IGNORECASE,
)
_PROBE_PATH = re.compile(
    r"(?:^|/)(?:\.env(?:\.\w+)?|\.git/(?:config|head|index)|\.svn/|\.hg/|\.ds_store|\.aws/credentials|"
    r"wp-admin|wp-login\.php|xmlrpc\.php|wp-config\.php(?:\.bak)?|phpmyadmin|pma|myadmin|adminer\.php|"
    r"phpinfo\.php|server-status|cgi-bin/(?:test|php|bash)|\.htaccess|\.htpasswd|config\.php\.bak|"
    r"actuator/(?:env|heapdump)|solr/admin|manager/html|vendor/phpunit|\.well-known/security\.txt\.bak|"
    r"boaform|hnap1|console/login|etc/passwd)(?:$|[/?#])",
    re.IGNORECASE,
)


class ScannerSignatureDetector:
    """Only meaningful for the User-Agent header and the request path: elsewhere a tool's name is
    just a word (a support ticket may well mention nmap)."""

    name = "scanner"

    def inspect(self, value: str, location: Location, field: str | None) -> list[Finding]:
        if location is Location.PATH:
            found = _PROBE_PATH.search(value)
            score = 0.8
        elif location is Location.HEADER and (field or "").lower() == "user-agent":
            found = _TOOL_AGENT.search(value)
            score = 0.9
        else:
            return []
        if found is None:
            return []
        return [
            Finding(
                kind=AttackKind.SCANNER,
                score=score,
                location=location,
                field=field,
                evidence=found.group(0)[:80],
                detector=self.name,
            )
        ]
