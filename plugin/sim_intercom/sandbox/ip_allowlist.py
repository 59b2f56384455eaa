"""The workspace's IP allowlist: when enabled, only these addresses may call the API."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from .errors import ParameterInvalid, Unprocessable

# Where every sandbox request comes from: the loopback door, and `responses` in-process.
CALLER = ipaddress.ip_address("127.0.0.1")


@dataclass
class IpAllowlist:
    """The allowlist's settings; updating them never locks the caller out (422 instead)."""

    enabled: bool = False
    ip_allowlist: list[str] = field(default_factory=list)

    def update(self, enabled: bool | None, entries: list[str] | None) -> IpAllowlist:
        wanted = self.ip_allowlist if entries is None else entries
        networks = []
        for index, entry in enumerate(wanted):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except (TypeError, ValueError):
                place = f"ip_allowlist[{index}]"
                raise ParameterInvalid(
                    f"{entry!r} is no IP address or range", field=place
                ) from None
        turned_on = self.enabled if enabled is None else enabled
        if turned_on and not any(CALLER in network for network in networks):
            raise Unprocessable(
                f"Your IP ({CALLER}) is not on the allowlist. Saving would lock you out of "
                "this workspace.",
                code="parameter_invalid",
            )
        self.enabled, self.ip_allowlist = turned_on, list(wanted)
        return self
