"""The demo region ("Region Exempel"): generated people, units and log-ins, and `flask demo …`."""
